"""The care pathway: admissions become patients in care for their stay, in designated and surge
beds up to the beds there are, the rest overflow; the response level in force sets swabbing and
the routine-use multiplier. Axis order as in the package docstring."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from stocksim.draws.params import BatchParams
from stocksim.epidemic.outcome import ICU, INFECTIONS, MILD, SEVERE, EpidemicBatch, SeirRecord
from stocksim.epidemic.response import LevelTable, level_changes
from stocksim.scenario.schema import SEVERITIES, Scenario

# Beyond the beds there are only severe and ICU patients (mild ones are cared for on the ward):
# the columns of CareRecord.overflow.
OVERFLOW_SEVERE, OVERFLOW_ICU = 0, 1
N_OVERFLOW = 2


class CareSetting(NamedTuple):
    """What the care kernel reads besides the SEIR record."""

    stay_days: np.ndarray  # (3,) int64 days in care: mild, severe, icu
    population: np.ndarray  # (C,)
    beds: np.ndarray  # (R, C) designated beds
    icu_share: np.ndarray  # (R, C) share of the beds that are ICU beds
    surge_beds: np.ndarray  # (R, L+1) beds opened at each level
    swab_share: np.ndarray  # (R, L+1) share of residents swabbed a day
    routine_multiplier: np.ndarray  # (R, L+1)
    codes: np.ndarray  # (L+1,) int64 level code of each row
    coverage_days: np.ndarray  # (L+1,) reserve coverage days of each row


class CareRecord(NamedTuple):
    """What the care kernel writes, every entry (allocated by ``empty``)."""

    census: np.ndarray  # (R, H, C, 3) mild, severe, icu patients in care (severe, icu: in beds)
    overflow: np.ndarray  # (R, H, C, 2) severe, icu patients beyond the beds
    new_cases: np.ndarray  # (R, H, C) admissions of the day, all severities
    swabs: np.ndarray  # (R, H, C)
    routine_multiplier: np.ndarray  # (R, H, C) of the level in force
    new_infections: np.ndarray  # (R, H, C) infections of the day
    level: np.ndarray  # (R, H, C) int64 code of the level in force
    coverage_days: np.ndarray  # (R, H, C) of the level in force

    @classmethod
    def empty(cls, n_r: int, horizon: int, n_c: int) -> CareRecord:
        day = (n_r, horizon, n_c)
        return cls(
            np.empty((*day, len(SEVERITIES))),
            np.empty((*day, N_OVERFLOW)),
            np.empty(day),
            np.empty(day),
            np.empty(day),
            np.empty(day),
            np.empty(day, dtype=np.int64),
            np.empty(day),
        )


@njit(cache=True)
def _care(rec: SeirRecord, cs: CareSetting, out: CareRecord) -> None:
    """Day by day, from the SEIR record's ``admissions`` (R, H, C, 3) and level rows in force
    (R, H, C) (the row after the last day unused):

        in care_k(t) = sum of admissions_k(t - stay_k + 1 .. t)        (kept >= 0 against rounding)
        beds = designated + surge(level);  ICU beds = beds x icu_share, severe beds = the rest
        census = min(in care, beds of its kind) for severe and icu, in care for mild
        overflow = in care - census;  swabs = swab_share(level) x population

    and the new cases (all admissions), the day's infections (the running total's step), and the
    level code, routine multiplier and coverage days of the level in force, each (R, H, C): one
    pass over the days writes every figure of the day."""
    stay_days, population, beds, icu_share, surge_beds, swab_share, routine, codes, coverage = cs
    census, overflow, new_cases, swabs, multiplier, new_infections, level, coverage_days = out
    admissions, cumulative, level_row = rec.admissions, rec.cumulative, rec.level_row
    n_r, horizon, n_c, n_sev = admissions.shape
    in_care = np.empty((n_c, n_sev))
    for r in range(n_r):
        in_care[:] = 0.0
        for t in range(horizon):  # each city's running count follows its own days in order
            for c in range(n_c):
                row = level_row[r, t, c]
                cases = 0.0
                for k in range(n_sev):
                    in_care[c, k] += admissions[r, t, c, k]
                    if t >= stay_days[k]:
                        in_care[c, k] = max(in_care[c, k] - admissions[r, t - stay_days[k], c, k], 0.0)  # rounding
                    cases += admissions[r, t, c, k]
                bed = beds[r, c] + surge_beds[r, row]
                severe_beds, icu_beds = bed * (1 - icu_share[r, c]), bed * icu_share[r, c]
                census[r, t, c, MILD] = in_care[c, MILD]
                census[r, t, c, SEVERE] = min(in_care[c, SEVERE], severe_beds)
                census[r, t, c, ICU] = min(in_care[c, ICU], icu_beds)
                overflow[r, t, c, OVERFLOW_SEVERE] = in_care[c, SEVERE] - census[r, t, c, SEVERE]
                overflow[r, t, c, OVERFLOW_ICU] = in_care[c, ICU] - census[r, t, c, ICU]
                new_cases[r, t, c] = cases
                swabs[r, t, c] = swab_share[r, row] * population[c]
                multiplier[r, t, c] = routine[r, row]
                new_infections[r, t, c] = cumulative[r, t + 1, c, INFECTIONS] - cumulative[r, t, c, INFECTIONS]
                level[r, t, c] = codes[row]
                coverage_days[r, t, c] = coverage[row]


def assemble(s: Scenario, bp: BatchParams, table: LevelTable, rec: SeirRecord, population: np.ndarray) -> EpidemicBatch:
    """The batch's epidemic from the SEIR kernels' record: the care pathway run over its
    admissions, and the level codes, changes and coverage days of its level rows."""
    n_r, horizon, n_c, _ = rec.admissions.shape
    cs = CareSetting(
        stay_days=np.array([getattr(s.epidemic.care, sev).stay_days for sev in SEVERITIES], dtype=np.int64),
        population=population,
        beds=bp.designated_beds,
        icu_share=bp.designated_icu_share,
        surge_beds=table.surge_beds,
        swab_share=table.swab_share,
        routine_multiplier=table.routine_multiplier,
        codes=table.codes,
        coverage_days=table.coverage_days,
    )
    care = CareRecord.empty(n_r, horizon, n_c)
    _care(rec, cs, care)
    return EpidemicBatch(
        compartments=rec.compartments,
        new_infections=care.new_infections,
        new_cases=care.new_cases,
        census=care.census,
        overflow=care.overflow,
        swabs=care.swabs,
        level=care.level,
        routine_multiplier=care.routine_multiplier,
        coverage_days=care.coverage_days,
        level_changes=level_changes(care.level),
        levels=table.by_code(),
    )
