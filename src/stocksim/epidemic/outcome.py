"""What the epidemic hands to the supply model: patients, swabs and response levels per
replication, day and city."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

COMPARTMENTS = ("susceptible", "exposed", "infectious", "recovered")


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
