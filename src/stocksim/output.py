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


def manifest(loaded: LoadedScenario, seed: int, replications: int, wall_seconds: float, fmt: str) -> dict:
    return {
        "stocksim_version": __version__,
        "scenario": loaded.scenario.name,
        "config_file": loaded.source,
        "config_hash": loaded.config_hash(),
        "seed": seed,
        "replications": replications,
        "format": fmt,
        "wall_seconds": round(wall_seconds, 3),
        "written_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "resolved_config": loaded.scenario.model_dump(mode="json"),
    }


def write_outputs(
    out: Path,
    tables: dict[str, pd.DataFrame | None],
    csv_tables: dict[str, pd.DataFrame],
    info: dict,
    fmt: str = "parquet",
    overwrite: bool = False,
) -> Path:
    """Write ``tables`` in ``fmt``, ``csv_tables`` as CSV and ``manifest.json``, all or nothing."""
    check_target(out, overwrite)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.partial-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    try:
        for name, df in tables.items():
            if df is not None:
                _table(df, staging / name, fmt)
        for name, df in csv_tables.items():
            df.to_csv(staging / f"{name}.csv", index=False)
        with open(staging / "manifest.json", "w", encoding="utf-8") as f:
            json.dump(info, f, indent=2, ensure_ascii=False)
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


def write_run(
    result: RunResult, loaded: LoadedScenario, out: Path, fmt: str = "parquet", overwrite: bool = False
) -> Path:
    tables = {
        "daily": result.daily,
        "events": result.events,
        "replications": result.per_replication,
        "census": result.census,
    }
    info = manifest(loaded, result.seed, result.replications, result.wall_seconds, fmt)
    return write_outputs(out, tables, {"summary": result.summary}, info, fmt, overwrite)
