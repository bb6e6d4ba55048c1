"""What the epidemic hands to the supply model: patients, swabs and response levels per
replication, day and city; and the day-by-day record the compiled SEIR kernels write it from.
Axis order as in the package docstring."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from stocksim.scenario.schema import SEVERITIES

COMPARTMENTS = ("susceptible", "exposed", "infectious", "recovered")
RUNNING_TOTALS = ("infections", "onsets")  # the last axis of SeirRecord.cumulative

# Positions on the last axis of the arrays below, named once for the compiled kernels.
SUSCEPTIBLE, EXPOSED, INFECTIOUS, RECOVERED = range(len(COMPARTMENTS))
MILD, SEVERE, ICU = range(len(SEVERITIES))
INFECTIONS, ONSETS = range(len(RUNNING_TOTALS))


class LevelSettings(NamedTuple):
    """What each response level sets, as drawn for each replication, by level code on the last
    axis (0 = no level, 1 = IV .. 4 = I; a code the scenario does not define sets what no level
    does). The reserve rule's full load reads them (``supply.reserve.full_load``)."""

    surge_beds: np.ndarray  # (R, 5) beds opened in addition to the designated beds
    routine_multiplier: np.ndarray  # (R, 5)
    swab_share: np.ndarray  # (R, 5) share of residents swabbed a day


@dataclass
class EpidemicBatch:
    """A batch's epidemic, arrays shaped (R, H, C) unless noted."""

    compartments: np.ndarray  # (R, H, C, 4) end of day: S, E, I, R
    new_infections: np.ndarray
    new_cases: np.ndarray  # ascertained: admissions of the day, all severities
    census: np.ndarray  # (R, H, C, 3) mild, severe, icu in care (severe, icu: in designated or surge beds)
    overflow: np.ndarray  # (R, H, C, 2) severe, icu patients beyond the beds
    swabs: np.ndarray
    level: np.ndarray  # level code 0..4 in force that day
    routine_multiplier: np.ndarray
    coverage_days: np.ndarray
    level_changes: list[tuple[np.ndarray, ...]] = field(default_factory=list)  # (r, day, city, code)
    levels: LevelSettings | None = None  # each level's drawn settings; None: no level drawn (no levels defined)


class SeirRecord(NamedTuple):
    """What the SEIR kernels write day by day (allocated as zeros by ``zeros``)."""

    compartments: np.ndarray  # (R, H, C, 4) S, E, I, R at the end of each day
    cumulative: np.ndarray  # (R, H+1, C, 2) infections, onsets so far at the start of each day
    admissions: np.ndarray  # (R, H, C, 3) admitted that day: mild, severe, icu
    level_row: np.ndarray  # (R, H+1, C) int64 LevelTable row in force; row t+1 is decided at the end of day t

    @classmethod
    def zeros(cls, n_r: int, horizon: int, n_c: int) -> SeirRecord:
        return cls(
            np.zeros((n_r, horizon, n_c, len(COMPARTMENTS))),
            np.zeros((n_r, horizon + 1, n_c, len(RUNNING_TOTALS))),
            np.zeros((n_r, horizon, n_c, len(SEVERITIES))),
            np.zeros((n_r, horizon + 1, n_c), dtype=np.int64),
        )
