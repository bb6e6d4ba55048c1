"""Work for one batch of replications, small enough to send to another process or machine, and
what a worker hands back: the batch's tables as plain columns.

A run is split into batches of replications that share one clock (state shaped replications x
locations x items). Each replication draws from its own streams, so the tables do not depend on
the batch size or on where a batch runs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stocksim.results.tables import DailyColumns, census_columns, events_table, replication_table
from stocksim.scenario.loader import LoadedScenario
from stocksim.scenario.schema import Scenario
from stocksim.supply.batch import Simulator

DEFAULT_BATCH = 200
CELLS_PER_BATCH = 1_750_000  # replication-days x locations x items: ~13 MB per daily array


def batch_cap(s: Scenario) -> int:
    """The most replications a batch holds: about DEFAULT_BATCH for the default scenario, fewer
    for larger ones, so that a batch's arrays stay at a few hundred MB whatever the scenario."""
    cells = s.horizon_days * len(s.location_ids) * len(s.items)
    return max(1, CELLS_PER_BATCH // cells)


def batches(n: int, size: int) -> Iterator[np.ndarray]:
    for start in range(0, n, size):
        yield np.arange(start, min(n, start + size))


DAILY_MODES = ("full", "quantiles", "none")
QUANTILE_METRICS = ("on_hand", "on_order", "demand", "unmet", "days_of_cover")


@dataclass(frozen=True)
class BatchTask:
    """One unit of work, small enough to send to another process or machine: the parsed scenario
    with its data arrays (no file is read where it runs), the seed and the replications."""

    loaded: LoadedScenario  # as shipped: without the data files' bytes (their hash is in ``key``)
    seed: int
    replications: np.ndarray
    daily: str = "full"
    events: str = "full"  # what the event log keeps (``supply.events.EVENT_MODES``)
    census: bool | None = None  # the day-by-day census table; by default with the full daily table
    key: str = ""  # the scenario's hash: a worker prepares a scenario once, not per batch

    def label(self) -> str:
        r = self.replications
        return f"{self.loaded.source}: replications {r[0]}-{r[-1]}"


@dataclass
class BatchOutput:
    """A batch's tables as plain columns (city and item as codes), ready to write or join."""

    first: int
    daily: Mapping[str, np.ndarray] | None  # ``DailyColumns``, a plain dict once pickled
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
    daily = DailyColumns(s, b) if task.daily != "none" else None
    wanted = task.daily == "full" if task.census is None else task.census
    full_census = wanted and s.epidemic.model != "none"
    values = None
    if task.daily == "quantiles":  # only the columns the quantiles are of are made
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
    loaded: LoadedScenario, n: int, seed: int, batch_size: int, daily: str, events: str = "full", census=None
) -> list[BatchTask]:
    key = loaded.config_hash()
    # A task carries the parsed scenario and its arrays, never a path: a worker reads no file. The
    # data files' bytes serve only the hash, computed here (``key``), so they stay on this machine.
    shipped = loaded.model_copy(update={"data_bytes": b""})
    return [BatchTask(shipped, seed, idx, daily, events, census, key) for idx in batches(n, batch_size)]
