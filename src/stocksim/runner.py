"""Replications: seeding, batching, and gathering each batch's tidy tables.

A run is split into batches of replications that share one SimPy clock (state shaped
replications x cities x items). Each replication draws from its own streams
(``seeding.rngs``), so the tables do not depend on the batch size.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stocksim.config import LoadedScenario, Scenario
from stocksim.demand import expected_demand, realised_demand
from stocksim.epidemic import EpidemicDriver
from stocksim.geography import road_km
from stocksim.model import BatchResult, Inputs, simulate_batch
from stocksim.parallel import Backend
from stocksim.params import draw_lead_times, sample_batch
from stocksim.reserve import daily_max, required_reserve
from stocksim.results import (
    census_columns,
    census_frame,
    concat_columns,
    daily_columns,
    daily_frame,
    events_table,
    replication_table,
    summary_table,
)
from stocksim.transfers import location_km

DEFAULT_BATCH = 200
CELLS_PER_BATCH = 1_750_000  # replication-days x locations x items: ~13 MB per daily array


def batch_cap(s: Scenario) -> int:
    """The most replications a batch holds: about DEFAULT_BATCH for the default scenario, fewer
    for larger ones, so that a batch's arrays stay at a few hundred MB whatever the scenario."""
    cells = s.horizon_days * len(s.location_ids) * len(s.items)
    return max(1, CELLS_PER_BATCH // cells)


def pad_locations(x: np.ndarray, axis: int, n_depots: int) -> np.ndarray:
    """Extend a per-city array with zeros for the depots (no demand, no reserve of their own)."""
    if not n_depots:
        return x
    pad = [(0, 0)] * x.ndim
    pad[axis] = (0, n_depots)
    return np.pad(x, pad)


class Simulator:
    """A scenario made ready to run: its data files read once, then any batch of replications."""

    def __init__(self, loaded: LoadedScenario):
        self.scenario = loaded.scenario
        self.driver = EpidemicDriver(loaded)
        self.km = location_km(loaded.scenario, road_km(loaded))

    def batch(self, seed: int, replications: np.ndarray, events: bool = True, days: bool = True) -> BatchResult:
        """Draw the batch's numbers and run it: sample -> epidemic -> demand -> reserve rule -> SimPy model."""
        s = self.scenario
        p = sample_batch(s, seed, replications)
        epi = self.driver.batch(seed, p)
        mean = expected_demand(epi, p)
        n_d = len(s.depots)
        demand = realised_demand(mean, s.demand.noise, p, seed, len(s.cities) + n_d)
        per_city, circle = daily_max(s, p, mean)
        required, circle_required = required_reserve(epi.coverage_days, per_city, circle, len(s.cities) + n_d)
        inputs = Inputs(
            params=p,
            demand=demand,
            lead_times=draw_lead_times(s, seed, replications),
            daily_max=pad_locations(per_city, 1, n_d),
            circle_daily_max=circle,
            required=required,
            circle_required=circle_required,
            epidemic=epi,
            km=self.km,
            record_events=events,
            keep_days=days,
        )
        return simulate_batch(s, inputs)


def batches(n: int, size: int) -> Iterator[np.ndarray]:
    for start in range(0, n, size):
        yield np.arange(start, min(n, start + size))


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


DAILY_MODES = ("full", "quantiles", "none")
QUANTILE_METRICS = ("on_hand", "on_order", "demand", "unmet", "days_of_cover")


@dataclass(frozen=True)
class BatchTask:
    """One unit of work, small enough to send to another process or machine."""

    loaded: LoadedScenario
    seed: int
    replications: np.ndarray
    daily: str = "full"
    events: bool = True
    census: bool | None = None  # the day-by-day census table; by default with the full daily table
    key: str = ""  # the scenario's hash: a worker reads a scenario's data files once, not per batch

    def label(self) -> str:
        r = self.replications
        return f"{self.loaded.source}: replications {r[0]}-{r[-1]}"


@dataclass
class BatchOutput:
    """A batch's tables as plain columns (city and item as codes), ready to write or join."""

    first: int
    daily: dict[str, np.ndarray] | None
    events: pd.DataFrame
    per_replication: pd.DataFrame
    census: dict[str, np.ndarray] | None
    quantile_values: dict[str, np.ndarray] | None  # metric -> (R, H x L x I)


_SIMULATORS: dict[str, Simulator] = {}


def simulator_for(task: BatchTask) -> Simulator:
    """The task's scenario made ready, kept for the next batches of the same scenario in this
    process (the last few scenarios only)."""
    if not task.key:
        return Simulator(task.loaded)
    if task.key not in _SIMULATORS:
        while len(_SIMULATORS) >= 4:
            _SIMULATORS.pop(next(iter(_SIMULATORS)))
        _SIMULATORS[task.key] = Simulator(task.loaded)
    return _SIMULATORS[task.key]


def run_batch_task(task: BatchTask) -> BatchOutput:
    """What a worker does: simulate the batch and shape its tables."""
    s = task.loaded.scenario
    b = simulator_for(task).batch(task.seed, task.replications, task.events, days=task.daily != "none")
    daily = daily_columns(b) if task.daily != "none" else None
    wanted = task.daily == "full" if task.census is None else task.census
    full_census = wanted and s.epidemic.model != "none"
    values = None
    if task.daily == "quantiles":
        n = len(task.replications)
        values = {m: np.ascontiguousarray(daily[m]).reshape(n, -1) for m in QUANTILE_METRICS}
        daily = None
    return BatchOutput(
        first=int(task.replications[0]),
        daily=daily,
        events=events_table(s, b),
        per_replication=replication_table(s, b),
        # The census is a day-by-day table too: written in full with the daily table only.
        census=census_columns(b.epidemic, task.replications) if full_census else None,
        quantile_values=values,
    )


def make_tasks(
    loaded: LoadedScenario, n: int, seed: int, batch_size: int, daily: str, events: bool = True, census=None
) -> list[BatchTask]:
    key = loaded.config_hash()
    return [BatchTask(loaded, seed, idx, daily, events, census, key) for idx in batches(n, batch_size)]


def run(
    loaded: LoadedScenario,
    replications: int | None = None,
    seed: int | None = None,
    batch_size: int | None = None,
    keep_daily: bool = True,
    backend: Backend | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> RunResult:
    """Run a scenario's replications and return its tables in memory (for large runs use
    ``run_to_dir``, which streams them to disk)."""
    s = loaded.scenario
    n = s.replications if replications is None else replications
    seed = s.seed if seed is None else seed
    start = time.perf_counter()
    size = batch_size or batch_cap(s)
    tasks = make_tasks(loaded, n, seed, size, "full" if keep_daily else "none", census=True)
    outputs: dict[int, BatchOutput] = {}
    for k, out in (backend or Backend()).run(run_batch_task, tasks, BatchTask.label):
        outputs[k] = out
        if on_batch:
            on_batch(len(tasks[k].replications))
    ordered = [outputs[k] for k in range(len(tasks))]
    per_rep = pd.concat([o.per_replication for o in ordered], ignore_index=True)
    has_epidemic = s.epidemic.model != "none"
    return RunResult(
        scenario=s,
        seed=seed,
        replications=n,
        daily=daily_frame(s, concat_columns([o.daily for o in ordered])) if keep_daily else None,
        events=pd.concat([o.events for o in ordered], ignore_index=True),
        per_replication=per_rep,
        summary=summary_table(per_rep),
        wall_seconds=time.perf_counter() - start,
        census=census_frame(s, concat_columns([o.census for o in ordered])) if has_epidemic else None,
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
    parts = [census_columns(driver.batch(seed, sample_batch(s, seed, idx)), idx) for idx in batches(n, batch_size)]
    return census_frame(s, concat_columns(parts)), time.perf_counter() - start
