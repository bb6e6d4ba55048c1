"""The epidemic driver: how many patients of each severity, and how many swabs, per city and day.

``census`` reads a table an analyst supplies (``day, city, mild, severe, icu, swabs``); ``seir``
simulates an outbreak over the cities (``seir.py``) with response levels; ``none`` means
peacetime (no patients, no swab campaign). With ``census`` and ``none`` the only levels are those
of ``response.schedule`` (``response.py``): each sets its routine multiplier, swab campaign (added
to the census's swabs) and coverage days on its days; its surge beds change nothing, a census
being patients already in care. ``EpidemicDriver.batch`` gives every model's result in one
shape, an ``EpidemicBatch``.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from stocksim.draws.params import BatchParams
from stocksim.draws.seeding import Stream, rngs
from stocksim.epidemic.care import N_OVERFLOW
from stocksim.epidemic.outcome import COMPARTMENTS, EpidemicBatch, LevelSettings
from stocksim.epidemic.response import in_force_rows, level_changes, level_rule, level_table
from stocksim.epidemic.seir import seir_draws, simulate_epidemic
from stocksim.scenario.files import CENSUS_COLUMNS
from stocksim.scenario.loader import LoadedScenario
from stocksim.scenario.schema import SEVERITIES, Scenario

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
        a census is the same in every replication, with the scheduled levels if any."""
        s = self.scenario
        if self.census is None:
            return simulate_epidemic(s, seed, bp, self.km, self.trips)
        epi = _census(s, self.census, bp)
        return self._scheduled(seed, bp, epi) if s.response.schedule else epi

    def levels(self, seed: int, bp: BatchParams) -> LevelSettings | None:
        """What each level sets, as ``batch`` draws it for the same replications (``EpidemicBatch.levels``),
        without running the epidemic: what full load needs (``supply.reserve.full_load``)."""
        s = self.scenario
        if self.census is None:
            return seir_draws(s, seed, bp.replications, self.km, self.trips)[1].by_code()
        if not s.response.schedule:
            return None
        return level_table(s, rngs(seed, bp.replications, Stream.EPIDEMIC_PARAMS)).by_code()

    def _scheduled(self, seed: int, bp: BatchParams, epi: EpidemicBatch) -> EpidemicBatch:
        """``epi`` with the schedule's levels in force (``response.in_force_rows``): their routine
        multiplier, coverage days and swab campaign (share of residents a day, added to the
        census's swabs), each level's uncertain numbers drawn from the replications'
        EPIDEMIC_PARAMS streams."""
        s = self.scenario
        table = level_table(s, rngs(seed, bp.replications, Stream.EPIDEMIC_PARAMS))
        population = np.array([c.population for c in s.cities], float)
        rows = in_force_rows(level_rule(s, table, population), s.horizon_days)  # (H, C)
        shape = epi.level.shape
        codes = np.broadcast_to(table.codes[rows], shape).copy()
        return replace(
            epi,
            swabs=epi.swabs + table.swab_share[:, rows] * population,
            level=codes,
            routine_multiplier=table.routine_multiplier[:, rows],
            coverage_days=np.broadcast_to(table.coverage_days[rows], shape).copy(),
            level_changes=level_changes(codes),
            levels=table.by_code(),
        )


def _census(s: Scenario, census_table: np.ndarray, bp: BatchParams) -> EpidemicBatch:
    """The census table (H, C, 4) in every replication, no level in force."""
    n, (horizon, n_c, _) = bp.size, census_table.shape
    n_sev = len(SEVERITIES)
    census = np.broadcast_to(census_table[None, :, :, :n_sev], (n, horizon, n_c, n_sev))
    zeros = np.zeros((n, horizon, n_c))
    return EpidemicBatch(
        compartments=np.zeros((n, horizon, n_c, len(COMPARTMENTS))),
        new_infections=zeros,
        new_cases=zeros,
        census=census,
        overflow=np.zeros((n, horizon, n_c, N_OVERFLOW)),
        swabs=np.broadcast_to(census_table[None, :, :, SWABS], (n, horizon, n_c)),
        level=np.zeros((n, horizon, n_c), dtype=int),
        routine_multiplier=np.ones((n, horizon, n_c)),
        coverage_days=np.full((n, horizon, n_c), s.reserve.coverage_days),
    )
