"""The epidemic driver: how many patients of each severity, and how many swabs, per city and day.

``census`` reads a table an analyst supplies (``day, city, mild, severe, icu, swabs``); ``seir``
simulates an outbreak over the cities (``seir.py``) with response levels; ``none`` means
peacetime (no patients, no swab campaign). ``EpidemicDriver.batch`` gives every model's result
in one shape, an ``EpidemicBatch``.
"""

from __future__ import annotations

import numpy as np

from stocksim.draws.params import BatchParams
from stocksim.epidemic.outcome import EpidemicBatch
from stocksim.epidemic.seir import simulate_epidemic
from stocksim.scenario.files import CENSUS_COLUMNS
from stocksim.scenario.loader import LoadedScenario


class EpidemicDriver:
    """Each batch's epidemic, from the loaded scenario (its census or travel arrays already read)."""

    def __init__(self, loaded: LoadedScenario):
        s = loaded.scenario
        self.scenario = s
        self.km, self.trips = loaded.city_km, loaded.trips
        self.census = None
        if s.epidemic.model != "seir":
            empty = np.zeros((s.horizon_days, len(s.cities), len(CENSUS_COLUMNS)))
            self.census = loaded.census if loaded.census is not None else empty

    def batch(self, seed: int, bp: BatchParams) -> EpidemicBatch:
        s = self.scenario
        if self.census is None:
            return simulate_epidemic(s, seed, bp, self.km, self.trips)
        n, (horizon, n_c, _) = bp.size, self.census.shape
        census = np.broadcast_to(self.census[None, :, :, :3], (n, horizon, n_c, 3))
        zeros = np.zeros((n, horizon, n_c))
        return EpidemicBatch(
            compartments=np.zeros((n, horizon, n_c, 4)),
            new_infections=zeros,
            new_cases=zeros,
            census=census,
            overflow=np.zeros((n, horizon, n_c, 2)),
            swabs=np.broadcast_to(self.census[None, :, :, 3], (n, horizon, n_c)),
            level=np.zeros((n, horizon, n_c), dtype=int),
            routine_multiplier=np.ones((n, horizon, n_c)),
            coverage_days=np.full((n, horizon, n_c), s.reserve.coverage_days),
        )
