"""A batch of replications made ready and run: draw the numbers, run the epidemic, derive demand
and the required reserve, then the day loop. The replications do not interact: each draws from
its own streams, so its numbers are the same in any batch."""

from __future__ import annotations

import numpy as np

from stocksim.draws.params import draw_lead_times, sample_batch
from stocksim.epidemic.driver import EpidemicDriver
from stocksim.scenario.loader import LoadedScenario
from stocksim.supply.day import simulate_batch
from stocksim.supply.demand import expected_demand, realised_demand
from stocksim.supply.records import BatchResult, Inputs
from stocksim.supply.reserve import daily_max, required_reserve
from stocksim.supply.transfers import location_km


def pad_locations(x: np.ndarray, axis: int, n_depots: int) -> np.ndarray:
    """Extend a per-city array with zeros for the depots (no demand, no reserve of their own)."""
    if not n_depots:
        return x
    pad = [(0, 0)] * x.ndim
    pad[axis] = (0, n_depots)
    return np.pad(x, pad)


class Simulator:
    """A loaded scenario made ready to run any batch of replications."""

    def __init__(self, loaded: LoadedScenario) -> None:
        self.scenario = loaded.scenario
        self.driver = EpidemicDriver(loaded)
        self.km = location_km(loaded.scenario, loaded.city_km)

    def batch(self, seed: int, replications: np.ndarray, events: bool = True, days: bool = True) -> BatchResult:
        """Draw the batch's numbers and run it: sample -> epidemic -> demand -> reserve rule -> day loop."""
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
            expected_day0=pad_locations(mean[:, 0], 1, n_d),
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
