"""Writing a run to disk: complete or not at all, and never over a user's results.

Files are written into a hidden staging directory beside the target and moved into place with
one rename; a run that fails or is interrupted leaves no directory that looks complete.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pandas as pd

from stocksim import __version__
from stocksim.config import LoadedScenario
from stocksim.runner import RunResult

FORMATS = ("parquet", "csv")


class OutputExists(Exception):
    pass


def default_out_dir(name: str, root: str | Path = "runs") -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = Path(root) / f"{name}-{stamp}"
    k = 2
    while out.exists():
        out = Path(root) / f"{name}-{stamp}-{k}"
        k += 1
    return out


def check_target(out: Path, overwrite: bool) -> None:
    if out.exists() and not overwrite:
        raise OutputExists(f"{out}: already exists; choose another --out or pass --overwrite to replace it")
    if out.exists() and not (out / "manifest.json").is_file():
        raise OutputExists(f"{out}: exists and is not a stocksim run directory; refusing to replace it")


def _table(df: pd.DataFrame, path: Path, fmt: str) -> None:
    if fmt == "parquet":
        df.to_parquet(path.with_suffix(".parquet"), index=False)
    else:
        df.to_csv(path.with_suffix(".csv"), index=False)


def manifest(result: RunResult, loaded: LoadedScenario, fmt: str) -> dict:
    return {
        "stocksim_version": __version__,
        "scenario": result.scenario.name,
        "config_file": loaded.source,
        "config_hash": loaded.config_hash(),
        "seed": result.seed,
        "replications": result.replications,
        "format": fmt,
        "wall_seconds": round(result.wall_seconds, 3),
        "written_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "resolved_config": result.scenario.model_dump(mode="json"),
    }


def write_run(
    result: RunResult,
    loaded: LoadedScenario,
    out: Path,
    fmt: str = "parquet",
    overwrite: bool = False,
) -> Path:
    check_target(out, overwrite)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.partial-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    try:
        if result.daily is not None:
            _table(result.daily, staging / "daily", fmt)
        _table(result.events, staging / "events", fmt)
        _table(result.per_replication, staging / "replications", fmt)
        result.summary.to_csv(staging / "summary.csv", index=False)
        with open(staging / "manifest.json", "w", encoding="utf-8") as f:
            json.dump(manifest(result, loaded, fmt), f, indent=2, ensure_ascii=False)
        if out.exists():  # --overwrite: swap, then remove the old run
            old = out.parent / f".{out.name}.old-{os.getpid()}"
            out.rename(old)
            staging.rename(out)
            shutil.rmtree(old)
        else:
            staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out
