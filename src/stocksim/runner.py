"""Replications: seeding, batching, and gathering each batch's tidy tables.

A run is split into batches of replications that share one SimPy clock (state shaped
replications x cities x items). Each replication draws from its own streams
(``seeding.rngs``), so the tables do not depend on the batch size.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stocksim.config import LoadedScenario, Scenario
from stocksim.demand import expected_demand, realised_demand
from stocksim.epidemic import EpidemicDriver
from stocksim.geography import road_km
from stocksim.model import BatchResult, Inputs, simulate_batch
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

DEFAULT_BATCH = 100


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

    def batch(self, seed: int, replications: np.ndarray) -> BatchResult:
        """Draw the batch's numbers and run it: sample -> epidemic -> demand -> reserve rule -> SimPy model."""
        s = self.scenario
        p = sample_batch(s, seed, replications)
        epi = self.driver.batch(seed, p)
        mean = expected_demand(epi.demand_census(), p, epi.routine_multiplier)
        demand = realised_demand(mean, s.demand.noise, p, seed)
        per_city, circle = daily_max(s, p, mean)
        required, circle_required = required_reserve(epi.coverage_days, per_city, circle)
        n_d = len(s.depots)
        inputs = Inputs(
            params=p,
            demand=pad_locations(demand, 2, n_d),
            lead_times=draw_lead_times(s, seed, replications),
            daily_max=pad_locations(per_city, 1, n_d),
            circle_daily_max=circle,
            required=pad_locations(required, 2, n_d),
            circle_required=circle_required,
            epidemic=epi,
            km=self.km,
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


def run(
    loaded: LoadedScenario,
    replications: int | None = None,
    seed: int | None = None,
    batch_size: int = DEFAULT_BATCH,
    keep_daily: bool = True,
) -> RunResult:
    """Run a scenario's replications and return its tables."""
    s = loaded.scenario
    n = s.replications if replications is None else replications
    seed = s.seed if seed is None else seed
    start = time.perf_counter()
    sim = Simulator(loaded)
    daily, events, reps, census = [], [], [], []
    has_epidemic = s.epidemic.model != "none"
    for idx in batches(n, batch_size):
        b = sim.batch(seed, idx)
        if keep_daily:
            daily.append(daily_columns(b))
        events.append(events_table(s, b))
        reps.append(replication_table(s, b))
        if has_epidemic:
            census.append(census_columns(b.epidemic, idx))
    per_rep = pd.concat(reps, ignore_index=True)
    return RunResult(
        scenario=s,
        seed=seed,
        replications=n,
        daily=daily_frame(s, concat_columns(daily)) if keep_daily else None,
        events=pd.concat(events, ignore_index=True),
        per_replication=per_rep,
        summary=summary_table(per_rep),
        wall_seconds=time.perf_counter() - start,
        census=census_frame(s, concat_columns(census)) if has_epidemic else None,
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
