"""A campaign: many scenarios run into one folder, resumably, with ``index.csv``.

A campaign writes one run directory per config and ``index.csv`` (config, name, hash, status,
replications, wall time, headline metrics). Rerunning the same command skips the runs whose
directory holds a manifest with the same config hash, seed and replications, and redoes the
others; a run is written to a staging directory and renamed into place when complete, so an
interruption (Ctrl-C, SIGTERM, a killed worker) never leaves a directory that looks complete.
A config whose run fails is reported in the index with the error, and the campaign goes on.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from stocksim.experiment.backends import Backend, BatchFailed
from stocksim.experiment.run import run_to_dir
from stocksim.results.tables import CIRCLE
from stocksim.scenario.errors import ConfigError
from stocksim.scenario.loader import load_scenario
from stocksim.store.rundir import MANIFEST


def headline(summary: pd.DataFrame) -> dict[str, float]:
    """Circle-wide figures for the index: worst city-item stockout probability, mean compliance,
    total unmet units, total cost and net cost per replication."""
    cities = summary[summary["city"] != CIRCLE]
    circle = summary[summary["city"] == CIRCLE]
    return {
        "max_p_stockout": float(cities["p_stockout"].max()),
        "mean_compliance_share": float(cities["compliance_share"].mean()),
        "circle_unmet_mean": float(circle["unmet_mean"].sum()),
        "circle_total_cost_mean": float(circle["total_cost_mean"].sum()),
        "circle_net_cost_mean": float(circle["net_cost_mean"].sum()),
    }


def _finished(run_dir: Path, config_hash: str, seed: int, replications: int, daily: str) -> bool:
    m = run_dir / MANIFEST
    if not m.is_file():
        return False
    try:
        info = json.loads(m.read_text())
    except (OSError, ValueError):
        return False
    return (
        info.get("config_hash") == config_hash
        and info.get("seed") == seed
        and info.get("replications") == replications
        and info.get("daily", "full") == daily
    )


def _write_index(path: Path, rows: list[dict]) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    pd.DataFrame(rows).to_csv(tmp, index=False)
    tmp.replace(path)


def run_campaign(
    configs: list[Path],
    out: Path,
    *,
    replications: int | None = None,
    seed: int | None = None,
    fmt: str = "parquet",
    backend: Backend | None = None,
    daily: str = "full",
    events: bool = True,
    extra_columns: dict[str, dict] | None = None,
    on_run: Callable[[str, str], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Run every config into ``out/<config stem>/`` and keep ``out/index.csv`` current."""
    stems = [Path(c).stem for c in configs]
    dupes = sorted({x for x in stems if stems.count(x) > 1})
    if dupes:
        raise ConfigError(str(out), "", "two configs share a file name; run directories are named after it", dupes[0])
    loaded = [load_scenario(c) for c in configs]  # every config is checked before anything runs
    out.mkdir(parents=True, exist_ok=True)
    rows: list[dict] = []
    for path, ls in zip(configs, loaded, strict=True):
        s = ls.scenario
        n = s.replications if replications is None else replications
        sd = s.seed if seed is None else seed
        run_dir = out / Path(path).stem
        row = {"config": str(path), "name": s.name, "hash": ls.config_hash(), "run_dir": run_dir.name}
        row |= (extra_columns or {}).get(str(path), {})
        row |= {"replications": n, "seed": sd}
        start = time.perf_counter()
        if _finished(run_dir, row["hash"], sd, n, daily):
            summary = pd.read_csv(run_dir / "summary.csv")
            info = json.loads((run_dir / MANIFEST).read_text())
            row |= {"status": "done", "wall_seconds": info.get("wall_seconds")} | headline(summary)
            if on_run:
                on_run(str(path), "skipped: finished with the same config hash")
            if on_batch:
                on_batch(n)
        else:
            try:
                result = run_to_dir(
                    ls, run_dir, replications=n, seed=sd, fmt=fmt, overwrite=run_dir.exists(),
                    backend=backend, daily=daily, events=events, on_batch=on_batch,
                )  # fmt: skip
                row |= {"status": "done", "wall_seconds": round(result.wall_seconds, 3)} | headline(result.summary)
                if on_run:
                    on_run(str(path), "done")
            except (BatchFailed, ConfigError) as exc:
                row |= {"status": f"failed: {exc}", "wall_seconds": round(time.perf_counter() - start, 3)}
                if on_run:
                    on_run(str(path), row["status"])
        rows.append(row)
        _write_index(out / "index.csv", rows)
    return pd.DataFrame(rows)
