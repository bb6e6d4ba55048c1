"""Running a scenario's replications: in memory (``run``, for the app, the tests and compare) or
streamed to a run directory batch by batch (``run_to_dir``, for runs of any size), and the
epidemic alone (``run_epidemic``)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from stocksim.draws.params import sample_batch
from stocksim.epidemic.driver import EpidemicDriver
from stocksim.experiment.backends import Backend
from stocksim.experiment.tasks import (
    DEFAULT_BATCH,
    QUANTILE_METRICS,
    BatchOutput,
    BatchTask,
    batch_cap,
    batches,
    make_tasks,
    run_batch_task,
)
from stocksim.results.stats import SUMMARY_INPUTS, summary_table
from stocksim.results.tables import RunColumns, census_columns, census_frame, daily_frame, with_date
from stocksim.scenario.loader import LoadedScenario
from stocksim.scenario.schema import Scenario
from stocksim.store.rundir import RunWriter, manifest, write_failures, write_part, write_values
from stocksim.supply.events import describe


@dataclass
class RunResult:
    scenario: Scenario
    seed: int
    replications: int
    daily: pd.DataFrame | None
    events: pd.DataFrame
    per_replication: pd.DataFrame
    summary: pd.DataFrame
    wall_seconds: float
    census: pd.DataFrame | None = None


def run(
    loaded: LoadedScenario,
    replications: int | None = None,
    seed: int | None = None,
    batch_size: int | None = None,
    keep_daily: bool = True,
    backend: Backend | None = None,
    on_batch: Callable[[int], None] | None = None,
    events: str = "full",
) -> RunResult:
    """Run a scenario's replications and return its tables in memory (for large runs use
    ``run_to_dir``, which streams them to disk); ``events``: what the event log keeps
    (``supply.events.EVENT_MODES``)."""
    s = loaded.scenario
    n = s.replications if replications is None else replications
    seed = s.seed if seed is None else seed
    start = time.perf_counter()
    size = batch_size or batch_cap(s)
    tasks = make_tasks(loaded, n, seed, size, "full" if keep_daily else "none", events, census=True)
    has_epidemic = s.epidemic.model != "none"
    daily, census = RunColumns(n), RunColumns(n)
    events_parts: dict[int, pd.DataFrame] = {}
    per_rep_parts: dict[int, pd.DataFrame] = {}
    for k, out in (backend or Backend()).run(run_batch_task, tasks, BatchTask.label):
        replications = tasks[k].replications
        if out.daily is not None:
            daily.put(replications, out.daily)
        if out.census is not None:
            census.put(replications, out.census)
        events_parts[k], per_rep_parts[k] = out.events, out.per_replication
        del out  # its arrays go before the next batch runs
        if on_batch:
            on_batch(len(replications))
    per_rep = pd.concat([per_rep_parts[k] for k in range(len(tasks))], ignore_index=True)
    return RunResult(
        scenario=s,
        seed=seed,
        replications=n,
        daily=daily_frame(s, daily.columns) if keep_daily else None,
        events=pd.concat([events_parts[k] for k in range(len(tasks))], ignore_index=True),
        per_replication=per_rep,
        summary=summary_table(per_rep),
        wall_seconds=time.perf_counter() - start,
        census=census_frame(s, census.columns) if has_epidemic else None,
    )


def run_epidemic(
    loaded: LoadedScenario,
    replications: int | None = None,
    seed: int | None = None,
    batch_size: int = DEFAULT_BATCH,
) -> tuple[pd.DataFrame, float]:
    """Only the epidemic driver: the census table per replication, day and city, and wall seconds."""
    s = loaded.scenario
    n = s.replications if replications is None else replications
    seed = s.seed if seed is None else seed
    start = time.perf_counter()
    driver = EpidemicDriver(loaded)
    census = RunColumns(n)
    for idx in batches(n, batch_size):
        census.put(idx, census_columns(driver.batch(seed, sample_batch(s, seed, idx)), idx))
    return census_frame(s, census.columns), time.perf_counter() - start


# ---- streamed to a run directory ------------------------------------------------------


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
    events: str = "full",
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
        # closing(): an interruption stops the backend's workers before the staging folder goes.
        if backend.dask:  # workers may be other machines: results come back here to be written
            with closing(backend.run(run_batch_task, tasks, lambda t: t.label())) as done:
                for k, o in done:
                    with write_failures(out):
                        write_batch(writer.staging, fmt, k, o, s)
                    inputs[k] = o.per_replication[list(SUMMARY_INPUTS)]
                    if on_batch:
                        on_batch(len(tasks[k].replications))
        else:  # local workers write their own parts
            jobs = [WriteJob(task, k, str(writer.staging), fmt) for k, task in enumerate(tasks)]
            with closing(backend.run(run_and_write, jobs, lambda j: j.task.label())) as written:
                for k, summary_inputs in written:
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
            "events": events_label(events),
            "batch_size": size,
            "backend": backend.describe(),
        }
        writer.finish({"summary": summary}, tables, info)
    except BaseException:
        writer.abort()
        raise
    return RunSummary(out, summary, n, seed, wall)


def events_label(events: str) -> str:
    """What a run's event log holds, in its manifest (a campaign resumes only a run with the same)."""
    return describe(events)


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
    cells = pd.DataFrame(
        {
            "day": np.repeat(np.arange(horizon), n_l * n_i),
            "city": pd.Categorical.from_codes(np.tile(np.repeat(np.arange(n_l), n_i), horizon), locations),
            "item": pd.Categorical.from_codes(np.tile(np.arange(n_i), horizon * n_l), items),
        }
    )
    return with_date(s, cells)
