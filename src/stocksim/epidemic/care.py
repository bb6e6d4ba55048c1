"""The care pathway: admissions become patients in care for their stay, in designated and surge
beds up to the beds there are, the rest overflow; the response level in force sets swabbing and
the routine-use multiplier."""

from __future__ import annotations

import numpy as np
from numba import njit

from stocksim.draws.params import BatchParams
from stocksim.epidemic.outcome import EpidemicBatch
from stocksim.epidemic.response import LevelTable
from stocksim.scenario.schema import SEVERITIES, Scenario


@njit(cache=True)
def _care(admissions, stays, level_row, beds, surge_beds, icu_share, per_level, pop):
    """Day by day: patients in care (admissions of the last ``stay`` days), severe and ICU
    patients in beds (designated + surge beds of the level; ICU beds a share of them) and beyond
    them, and what the level in force sets. ``per_level`` = (swab share, routine multiplier)
    (R, L+1) each. Returns census (R, H, C, 3), overflow (R, H, C, 2), new cases, swabs and the
    routine multiplier (R, H, C) each."""
    swab_share, routine = per_level
    n_r, horizon, n_c, _ = admissions.shape
    census = np.empty((n_r, horizon, n_c, 3))
    overflow = np.empty((n_r, horizon, n_c, 2))
    new_cases = np.empty((n_r, horizon, n_c))
    swabs = np.empty((n_r, horizon, n_c))
    multiplier = np.empty((n_r, horizon, n_c))
    in_care = np.empty(3)
    for r in range(n_r):
        for c in range(n_c):
            in_care[:] = 0.0
            for t in range(horizon):
                lv = level_row[r, t, c]
                cases = 0.0
                for k in range(3):
                    in_care[k] += admissions[r, t, c, k]
                    if t >= stays[k]:
                        in_care[k] = max(in_care[k] - admissions[r, t - stays[k], c, k], 0.0)  # rounding
                    cases += admissions[r, t, c, k]
                bed = beds[r, c] + surge_beds[r, lv]
                severe_beds, icu_beds = bed * (1 - icu_share[r, c]), bed * icu_share[r, c]
                census[r, t, c, 0] = in_care[0]
                census[r, t, c, 1] = min(in_care[1], severe_beds)
                census[r, t, c, 2] = min(in_care[2], icu_beds)
                overflow[r, t, c, 0] = in_care[1] - census[r, t, c, 1]
                overflow[r, t, c, 1] = in_care[2] - census[r, t, c, 2]
                new_cases[r, t, c] = cases
                swabs[r, t, c] = swab_share[r, lv] * pop[c]
                multiplier[r, t, c] = routine[r, lv]
    return census, overflow, new_cases, swabs, multiplier


def assemble(s: Scenario, bp: BatchParams, table: LevelTable, daily, cum, admissions, level_row, pop):
    stays = np.array([getattr(s.epidemic.care, sev).stay_days for sev in SEVERITIES], dtype=np.int64)
    per_level = (table.swab_share, table.routine_multiplier)
    census, overflow, new_cases, swabs, multiplier = _care(
        admissions, stays, level_row, bp.designated_beds, table.surge_beds, bp.designated_icu_share, per_level, pop
    )
    codes = table.codes[level_row]
    changes = np.argwhere(level_row[:, 1:] != level_row[:, :-1])
    events = []
    if len(changes):
        r, t, c = changes.T
        events.append((r, t + 1, c, codes[r, t + 1, c]))
    return EpidemicBatch(
        compartments=daily,
        new_infections=np.diff(cum[..., 0], axis=1),
        new_cases=new_cases,
        census=census,
        overflow=overflow,
        swabs=swabs,
        level=codes,
        routine_multiplier=multiplier,
        coverage_days=table.coverage_days[level_row],
        level_changes=events,
    )
