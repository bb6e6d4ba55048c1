"""Runs written to disk as they go: one scenario (``run_to_dir``), many (``run_batch``), and
grids of derived scenarios (``sweep``).

A batch of configs writes one run directory per config and ``index.csv`` (config, name, hash,
status, replications, wall time, headline metrics). Rerunning the same command skips the runs
whose directory holds a manifest with the same config hash, seed and replications, and redoes
the others; a run is written to a staging directory and renamed into place when complete, so an
interruption (Ctrl-C, SIGTERM, a killed worker) never leaves a directory that looks complete.
A config whose run fails is reported in the index with the error, and the batch goes on.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from stocksim.config import ConfigError, LoadedScenario, Scenario, load_scenario, parse_scenario
from stocksim.output import RunWriter, manifest, write_part, write_values
from stocksim.parallel import Backend, BatchFailed
from stocksim.results import CIRCLE, SUMMARY_INPUTS, census_frame, daily_frame, summary_table
from stocksim.runner import QUANTILE_METRICS, BatchOutput, BatchTask, batch_cap, make_tasks, run_batch_task


def batch_size_for(n: int, backend: Backend, s: Scenario) -> int:
    """Replications per batch: as large as keeps a batch's daily arrays small (``batch_cap``),
    in a number of batches that is a multiple of the workers, so that they finish together."""
    workers = 4 if backend.dask else max(1, backend.workers)
    rounds = math.ceil(n / (workers * batch_cap(s)))
    return max(1, math.ceil(n / (workers * rounds)))


@dataclass
class RunSummary:
    out: Path
    summary: pd.DataFrame
    replications: int
    seed: int
    wall_seconds: float


def run_to_dir(
    loaded: LoadedScenario,
    out: Path,
    *,
    replications: int | None = None,
    seed: int | None = None,
    fmt: str = "parquet",
    overwrite: bool = False,
    backend: Backend | None = None,
    daily: str = "full",
    batch_size: int | None = None,
    events: bool = True,
    on_batch: Callable[[int], None] | None = None,
) -> RunSummary:
    s = loaded.scenario
    backend = backend or Backend()
    n = s.replications if replications is None else replications
    seed = s.seed if seed is None else seed
    size = batch_size or batch_size_for(n, backend, loaded.scenario)
    start = time.perf_counter()
    writer = RunWriter(out, fmt, overwrite)
    try:
        tasks = make_tasks(loaded, n, seed, size, daily, events)
        # The summary needs only a few columns of the per-replication table: they come back with
        # each finished batch (a few kB per replication), the rest stays on disk.
        inputs: dict[int, pd.DataFrame] = {}
        if backend.dask:  # workers may be other machines: results come back here to be written
            for k, o in backend.run(run_batch_task, tasks, lambda t: t.label()):
                write_batch(writer.staging, fmt, k, o, s)
                inputs[k] = o.per_replication[list(SUMMARY_INPUTS)]
                if on_batch:
                    on_batch(len(tasks[k].replications))
        else:  # local workers write their own parts
            jobs = [WriteJob(task, k, str(writer.staging), fmt) for k, task in enumerate(tasks)]
            for k, summary_inputs in backend.run(run_and_write, jobs, lambda j: j.task.label()):
                inputs[k] = summary_inputs
                if on_batch:
                    on_batch(len(tasks[k].replications))
        summary = summary_table(pd.concat([inputs.pop(k) for k in sorted(inputs)], ignore_index=True))
        tables = {}
        if daily == "quantiles":
            tables["daily_quantiles"] = writer.quantiles(QUANTILE_METRICS, cell_index(s))
        wall = time.perf_counter() - start
        info = manifest(loaded, seed, n, wall, fmt) | {
            "daily": daily,
            "events": "full" if events else "response levels, write-offs, orders and transfers",
            "batch_size": size,
            "backend": backend.describe(),
        }
        writer.finish({"summary": summary}, tables, info)
    except BaseException:
        writer.abort()
        raise
    return RunSummary(out, summary, n, seed, wall)


def write_batch(staging: Path, fmt: str, k: int, o: BatchOutput, s) -> None:
    write_part(staging, fmt, "events", k, o.events)
    write_part(staging, fmt, "replications", k, o.per_replication)
    if o.daily is not None:
        write_part(staging, fmt, "daily", k, daily_frame(s, o.daily))
    if o.census is not None:
        write_part(staging, fmt, "census", k, census_frame(s, o.census))
    if o.quantile_values is not None:
        write_values(staging, k, o.quantile_values)


@dataclass(frozen=True)
class WriteJob:
    task: BatchTask
    k: int
    staging: str
    fmt: str


def run_and_write(job: WriteJob) -> pd.DataFrame:
    """A local worker's whole job: simulate and write the parts; returns the few columns of the
    per-replication table that the summary needs (a few kB per replication)."""
    o = run_batch_task(job.task)
    write_batch(Path(job.staging), job.fmt, job.k, o, job.task.loaded.scenario)
    return o.per_replication[list(SUMMARY_INPUTS)]


def cell_index(s) -> pd.DataFrame:
    """Day, location and item of each daily cell, in the order of the daily arrays."""
    horizon, locations, items = s.horizon_days, s.location_ids, s.item_ids
    n_l, n_i = len(locations), len(items)
    return pd.DataFrame(
        {
            "day": np.repeat(np.arange(horizon), n_l * n_i),
            "city": pd.Categorical.from_codes(np.tile(np.repeat(np.arange(n_l), n_i), horizon), locations),
            "item": pd.Categorical.from_codes(np.tile(np.arange(n_i), horizon * n_l), items),
        }
    )


# ---- many configs ------------------------------------------------------------------------


def headline(summary: pd.DataFrame) -> dict[str, float]:
    """Circle-wide figures for the index: worst city-item stockout probability, mean compliance,
    total unmet units and total cost per replication."""
    cities = summary[summary["city"] != CIRCLE]
    circle = summary[summary["city"] == CIRCLE]
    return {
        "max_p_stockout": float(cities["p_stockout"].max()),
        "mean_compliance_share": float(cities["compliance_share"].mean()),
        "circle_unmet_mean": float(circle["unmet_mean"].sum()),
        "circle_total_cost_mean": float(circle["total_cost_mean"].sum()),
    }


def _finished(run_dir: Path, config_hash: str, seed: int, replications: int, daily: str) -> bool:
    m = run_dir / "manifest.json"
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


def run_batch(
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
            info = json.loads((run_dir / "manifest.json").read_text())
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


# ---- sweeps ------------------------------------------------------------------------------


def set_path(data: dict, path: str, value) -> None:
    """Set ``data`` at a dotted path with [i] list indices, e.g. ``cities[0].stock.n95_respirator``."""
    parts: list = []
    for token in path.split("."):
        name, *idx = token.replace("]", "").split("[")
        if name:
            parts.append(name)
        parts.extend(int(i) for i in idx)
    node = data
    try:
        for key in parts[:-1]:
            node = node[key]
        if isinstance(node, dict) and parts[-1] not in node and not isinstance(parts[-1], str):
            raise KeyError(parts[-1])
        if isinstance(node, list) and not isinstance(parts[-1], int):
            raise KeyError(parts[-1])
        node[parts[-1]] = value
    except (KeyError, IndexError, TypeError):
        raise ConfigError("--set", path, "no such place in the base scenario", path) from None


def parse_value(text: str):
    """A swept value: a number if it reads as one, else YAML (true, a mapping, a word)."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def sweep_points(
    sets: list[tuple[str, list]], ranges: list[tuple[str, float, float]], lhs: int | None, seed: int
) -> list[dict]:
    """The grid: every combination of the --set values, crossed with a Latin hypercube of
    ``lhs`` points over the --range intervals (scipy.stats.qmc, seeded)."""
    grid = [dict(zip([p for p, _ in sets], combo, strict=True)) for combo in itertools.product(*[v for _, v in sets])]
    if ranges:
        from scipy.stats import qmc

        if not lhs:
            raise ConfigError("--range", "", "needs --lhs N (the number of Latin hypercube points)")
        unit = qmc.LatinHypercube(d=len(ranges), seed=seed).random(lhs)
        lows = np.array([lo for _, lo, _ in ranges])
        highs = np.array([hi for _, _, hi in ranges])
        pts = qmc.scale(unit, lows, highs)
        lhs_points = [{p: float(v) for (p, _, _), v in zip(ranges, row, strict=True)} for row in pts]
        grid = [g | h for g in grid for h in lhs_points]
    return grid


DATA_KEYS = (("epidemic", "file"), ("distances", "file"))


def derived_configs(base: Path, points: list[dict], folder: Path) -> list[tuple[Path, dict]]:
    """Write one config per point into ``folder``, each validated; data file paths are rewritten
    relative to the new place."""
    data = yaml.safe_load(base.read_text(encoding="utf-8"))
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for k, point in enumerate(points):
        d = json.loads(json.dumps(data))
        for path, value in point.items():
            set_path(d, path, value)
        d["name"] = f"{d.get('name', base.stem)}-{k:03d}"
        _rebase_files(d, base.parent, folder)
        target = folder / f"{d['name']}.yaml"
        parse_scenario(d, f"{target} (from {base}, {point})")
        text = f"# derived from {base.name} by stocksim sweep: {json.dumps(point)}\n" + yaml.safe_dump(
            d, sort_keys=False, allow_unicode=True
        )
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
        written.append((target, point))
    return written


def _rebase_files(d: dict, old: Path, new: Path) -> None:
    def rebase(rel: str) -> str:
        return os.path.relpath((old / rel).resolve(), new.resolve())

    for section, key in DATA_KEYS:
        if isinstance(d.get(section), dict) and d[section].get(key):
            d[section][key] = rebase(d[section][key])
    mobility = d.get("epidemic", {}).get("mobility") if isinstance(d.get("epidemic"), dict) else None
    if isinstance(mobility, dict) and mobility.get("matrix"):
        mobility["matrix"] = rebase(mobility["matrix"])
