"""The epidemic driver: how many patients of each severity, and how many swabs, per city and day.

``census`` reads a table an analyst supplies (``day, city, mild, severe, icu, swabs``); ``seir``
simulates an outbreak over the cities (``seir.py``) with response levels; ``none`` means
peacetime (no patients, no swab campaign). ``EpidemicDriver.batch`` gives every model's result
in one shape, an ``EpidemicBatch``.
"""

from __future__ import annotations

import numpy as np

from stocksim.draws.params import BatchParams
from stocksim.epidemic.care import N_OVERFLOW
from stocksim.epidemic.outcome import COMPARTMENTS, EpidemicBatch
from stocksim.epidemic.seir import simulate_epidemic
from stocksim.scenario.files import CENSUS_COLUMNS
from stocksim.scenario.loader import LoadedScenario
from stocksim.scenario.schema import SEVERITIES

SWABS = CENSUS_COLUMNS.index("swabs")  # the census table's columns: the severities, then swabs


class EpidemicDriver:
    """Each batch's epidemic, from the loaded scenario (its census or travel arrays already read)."""

    def __init__(self, loaded: LoadedScenario) -> None:
        s = loaded.scenario
        self.scenario = s
        self.km, self.trips = loaded.city_km, loaded.trips
        self.census: np.ndarray | None = None  # (H, C, 4) mild, severe, icu, swabs; None: SEIR
        if s.epidemic.model != "seir":
            empty = np.zeros((s.horizon_days, len(s.cities), len(CENSUS_COLUMNS)))
            self.census = loaded.census if loaded.census is not None else empty

    def batch(self, seed: int, bp: BatchParams) -> EpidemicBatch:
        """The epidemic of the replications ``bp`` describes (SEIR: drawn from ``seed``'s streams);
        a census is the same in every replication, no level in force."""
        s = self.scenario
        if self.census is None:
            return simulate_epidemic(s, seed, bp, self.km, self.trips)
        n, (horizon, n_c, _) = bp.size, self.census.shape
        n_sev = len(SEVERITIES)
        census = np.broadcast_to(self.census[None, :, :, :n_sev], (n, horizon, n_c, n_sev))
        zeros = np.zeros((n, horizon, n_c))
        return EpidemicBatch(
            compartments=np.zeros((n, horizon, n_c, len(COMPARTMENTS))),
            new_infections=zeros,
            new_cases=zeros,
            census=census,
            overflow=np.zeros((n, horizon, n_c, N_OVERFLOW)),
            swabs=np.broadcast_to(self.census[None, :, :, SWABS], (n, horizon, n_c)),
            level=np.zeros((n, horizon, n_c), dtype=int),
            routine_multiplier=np.ones((n, horizon, n_c)),
            coverage_days=np.full((n, horizon, n_c), s.reserve.coverage_days),
        )
