"""A campaign: many scenarios run into one folder, resumably, with ``index.csv``.

A campaign writes one run directory per config and ``index.csv`` (config, name, hash, status,
replications, wall time, headline metrics). Rerunning the same command skips the runs whose
directory holds a manifest with the same config hash, seed, replications, daily mode, table
format and event log, and redoes the others (a changed option redoes the run: the old run is
replaced once the new one is complete, and the campaign says why); a run is written to a staging
directory and renamed into place when complete, so an interruption (Ctrl-C, SIGTERM, a killed
worker) never leaves a directory that looks complete.
A config whose run fails is reported in the index with the error, and the campaign goes on.
One campaign at a time per folder: the folder is locked (``store/lock.py``) while it runs.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from stocksim.experiment.backends import Backend, BatchFailed
from stocksim.experiment.run import events_label, run_to_dir
from stocksim.results.tables import CIRCLE
from stocksim.scenario.errors import ConfigError
from stocksim.scenario.loader import LoadedScenario, load_scenario
from stocksim.store.lock import INDEX_TMP, OutputUnusable, output_lock, unusable
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


RESUME_KEYS = ("config_hash", "seed", "replications", "daily", "format", "events")
OLD_DEFAULTS = {"daily": "full", "format": "parquet"}  # manifests written before these were recorded


def _finished(run_dir: Path, wanted: dict) -> tuple[bool, str]:
    """Whether ``run_dir`` holds a finished run made with the ``wanted`` settings (RESUME_KEYS),
    and if it holds one made otherwise, what differs (for the message)."""
    m = run_dir / MANIFEST
    if not m.is_file():
        return False, ""
    try:
        info = json.loads(m.read_text())
    except (OSError, ValueError):
        return False, ""
    changed = [
        f"{key} {info.get(key, OLD_DEFAULTS.get(key))} -> {wanted[key]}"
        for key in RESUME_KEYS
        if info.get(key, OLD_DEFAULTS.get(key)) != wanted[key]
    ]
    return not changed, ", ".join(changed)


def check_folder(out: Path) -> None:
    """A campaign's --out must be a folder (or not exist yet)."""
    if out.exists() and not out.is_dir():
        raise OutputUnusable(
            f"{out}: is a file, not a folder; a campaign writes a folder of runs: choose another --out"
        )


def _write_index(path: Path, rows: list[dict]) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    pd.DataFrame(rows).to_csv(tmp, index=False)
    tmp.replace(path)


@dataclass(frozen=True)
class _Settings:
    """What every run of a campaign shares."""

    replications: int | None
    seed: int | None
    fmt: str
    backend: Backend | None
    daily: str
    events: str
    on_run: Callable[[str, str], None]
    on_batch: Callable[[int], None] | None


def run_campaign(
    configs: list[Path],
    out: Path,
    *,
    replications: int | None = None,
    seed: int | None = None,
    fmt: str = "parquet",
    backend: Backend | None = None,
    daily: str = "full",
    events: str = "full",
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
    settings = _Settings(replications, seed, fmt, backend, daily, events, on_run or (lambda c, s: None), on_batch)
    check_folder(out)
    with output_lock(out):
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise unusable(out, exc) from None
        for leftover in out.iterdir():  # an index being replaced when a campaign died
            if INDEX_TMP.match(leftover.name):
                leftover.unlink(missing_ok=True)
        rows: list[dict] = []
        for path, ls in zip(configs, loaded, strict=True):
            rows.append(_one_run(Path(path), ls, out, settings, (extra_columns or {}).get(str(path), {})))
            _write_index(out / "index.csv", rows)
    return pd.DataFrame(rows)


def _one_run(path: Path, ls: LoadedScenario, out: Path, settings: _Settings, extra: dict) -> dict:
    """Run one config into ``out/<stem>/`` unless it is finished with the same settings; its index row."""
    s = ls.scenario
    n = s.replications if settings.replications is None else settings.replications
    sd = s.seed if settings.seed is None else settings.seed
    run_dir = out / path.stem
    row = {"config": str(path), "name": s.name, "hash": ls.config_hash(), "run_dir": run_dir.name}
    row |= extra | {"replications": n, "seed": sd}
    start = time.perf_counter()
    wanted = {"config_hash": row["hash"], "seed": sd, "replications": n, "daily": settings.daily}
    finished, changed = _finished(run_dir, wanted | {"format": settings.fmt, "events": events_label(settings.events)})
    if finished:
        info = json.loads((run_dir / MANIFEST).read_text())
        row |= {"status": "done", "wall_seconds": info.get("wall_seconds")}
        row |= headline(pd.read_csv(run_dir / "summary.csv"))
        settings.on_run(str(path), "skipped: finished with the same config hash")
        if settings.on_batch:
            settings.on_batch(n)
        return row
    if changed:
        settings.on_run(str(path), f"running again: finished with other settings ({changed})")
    try:
        result = run_to_dir(
            ls, run_dir, replications=n, seed=sd, fmt=settings.fmt, overwrite=run_dir.exists(),
            backend=settings.backend, daily=settings.daily, events=settings.events, on_batch=settings.on_batch,
        )  # fmt: skip
        row |= {"status": "done", "wall_seconds": round(result.wall_seconds, 3)} | headline(result.summary)
    except (BatchFailed, ConfigError) as exc:
        row |= {"status": f"failed: {exc}", "wall_seconds": round(time.perf_counter() - start, 3)}
    settings.on_run(str(path), row["status"])
    return row
