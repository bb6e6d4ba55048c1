"""A batch of replications made ready and run: draw the numbers, run the epidemic, derive demand
and the required reserve, then the day loop. The replications do not interact: each draws from
its own streams, so its numbers are the same in any batch."""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np

from stocksim.draws.params import draw_lead_times, sample_batch
from stocksim.epidemic.driver import EpidemicDriver
from stocksim.scenario.loader import LoadedScenario
from stocksim.scenario.schema import Scenario
from stocksim.supply.day import simulate_batch
from stocksim.supply.demand import expected_demand, realise_demand, use_factors, with_use_factors
from stocksim.supply.memory import keep_freed_memory
from stocksim.supply.peak import peak_pilot
from stocksim.supply.records import BatchResult, Inputs
from stocksim.supply.reserve import DailyMax, Peak, daily_max, required_reserve
from stocksim.supply.surge import with_surge
from stocksim.supply.transfers import location_km


def pad_locations(x: np.ndarray, axis: int, n_depots: int, fill: float = 0.0) -> np.ndarray:
    """Extend a per-city array with ``fill`` for the depots (no demand, no reserve of their own)."""
    if not n_depots:
        return x
    pad = [(0, 0)] * x.ndim
    pad[axis] = (0, n_depots)
    return np.pad(x, pad, constant_values=fill)


class Drawn(NamedTuple):
    """A batch's numbers drawn before its day loop: the loop's inputs and the reserve rule's daily max."""

    inputs: Inputs
    daily_max: DailyMax


class Simulator:
    """A loaded scenario made ready to run any batch of replications."""

    def __init__(self, loaded: LoadedScenario) -> None:
        keep_freed_memory()  # a batch's arrays reuse the last batch's pages (supply/memory.py)
        self.scenario = loaded.scenario
        self.driver = EpidemicDriver(loaded)
        self.km = location_km(loaded.scenario, loaded.city_km)
        self._peaks: dict[int, Peak] = {}  # the peak pilot's figure, per run seed

    def peak(self, seed: int) -> Peak | None:
        """The ``peak`` reading's figure for run ``seed`` (its pilot runs once, then is kept);
        None for the other readings."""
        if self.scenario.reserve.daily_max != "peak":
            return None
        if seed not in self._peaks:
            self._peaks[seed] = peak_pilot(self.scenario, self.driver, seed)
        return self._peaks[seed]

    def batch(self, seed: int, replications: np.ndarray, events: str = "full", days: bool = True) -> BatchResult:
        """Draw the batch's numbers and run it: sample -> epidemic -> demand -> reserve rule -> day loop.
        ``events``: what the event log keeps (``events.EVENT_MODES``); ``days``: keep every day's figures."""
        return self.simulate(self.draw(seed, replications, events, days))

    def draw(self, seed: int, replications: np.ndarray, events: str = "full", days: bool = True) -> Drawn:
        """Everything the batch draws or derives before its day loop: sample -> epidemic -> surge
        (local producers' capacity by day) -> demand -> reserve rule. Kept, it runs the day loop
        again for variants (``simulate``)."""
        s = self.scenario
        p = sample_batch(s, seed, replications)
        epi = self.driver.batch(seed, p)
        p = with_surge(s, p, epi.level)  # local producers' ramp-up follows the levels just decided
        n_c, n_d = len(s.cities), len(s.depots)
        demand = expected_demand(epi, p, n_c + n_d)  # (R, H, L, I), the depots' zeros included
        day0 = demand[:, 0].copy()
        realise_demand(demand, s.demand.noise, p, seed, n_c, s.demand.correlation)  # the mean's place taken
        factors = use_factors(s)  # crisis practice: extended use and reuse under the level in force
        if factors is not None:
            with_use_factors(demand, epi.level, factors)
            day0[:, :n_c] *= factors[epi.level[:, 0]]
        most = daily_max(s, p, epi.levels, self.peak(seed))
        required, circle_required = required_reserve(epi.coverage_days, most.per_city, most.circle, n_c + n_d)
        inputs = Inputs(
            params=p,
            demand=demand,
            expected_day0=day0,
            lead_times=draw_lead_times(s, seed, replications),
            daily_max=pad_locations(most.per_city, 1, n_d),
            circle_daily_max=most.circle,
            required=required,
            circle_required=circle_required,
            epidemic=epi,
            km=self.km,
            events=events,
            keep_days=days,
        )
        return Drawn(inputs, most)

    def simulate(self, drawn: Drawn, scenario: Scenario | None = None) -> BatchResult:
        """The day loop on drawn numbers. ``scenario``: a variant of this scenario that differs only
        in what the day loop alone reads (opening stock, procurement, transfers, costs; checked by
        ``experiment.crn``), by default this scenario."""
        s = self.scenario if scenario is None else scenario
        most = drawn.daily_max
        return replace(
            simulate_batch(s, drawn.inputs),
            routine_share=pad_locations(most.routine_share, 1, len(s.depots), np.nan),
            circle_routine_share=most.circle_routine_share,
        )
