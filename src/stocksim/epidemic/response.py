"""Public-health emergency response levels I-IV (特别重大 / 重大 / 较大 / 一般), per city per day.

A city's level follows new ascertained cases per 100,000 residents a day. It rises at once to
the highest level whose ``enter_at`` the indicator reaches; it steps down one level only after
the indicator has stayed below the current level's ``exit_below`` for ``exit_after_days``
consecutive days (hysteresis, so a level does not flicker). A level declared at the end of day
t is in force from day t+1: its routine-use multiplier, contact factor, swab campaign, reserve
coverage days and surge beds apply from then on.

Levels are coded 0 = none, 1 = IV, 2 = III, 3 = II, 4 = I (higher is more severe).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numba import njit

from stocksim.epidemic.outcome import ICU, MILD, SEVERE, SeirRecord
from stocksim.scenario.schema import LEVEL_NAMES, Scenario
from stocksim.scenario.uncertain import draw_per_replication

PER_100K = 1e5  # the indicator is counted per 100,000 residents


@dataclass(frozen=True)
class LevelTable:
    """Per replication and level (index 0 = no level): what each level sets."""

    enter_at: np.ndarray  # (L+1,) indicator thresholds; index 0 unused
    exit_below: np.ndarray  # (L+1,)
    codes: np.ndarray  # (L+1,) level code 0..4 of each row
    routine_multiplier: np.ndarray  # (R, L+1)
    contact_factor: np.ndarray  # (R, L+1)
    swab_share: np.ndarray  # (R, L+1) share of residents swabbed a day
    coverage_days: np.ndarray  # (L+1,)
    surge_beds: np.ndarray  # (R, L+1)
    exit_after_days: int

    @property
    def count(self) -> int:
        return len(self.codes) - 1


def level_table(s: Scenario, rngs: list[np.random.Generator]) -> LevelTable:
    """Each level's settings, its uncertain numbers drawn per replication from ``rngs`` column by
    column in the order below (each column level by level)."""
    levels = s.response.levels
    n = len(rngs)

    def column(attr: str, default: float, low: float = 0.0, high: float = np.inf) -> np.ndarray:
        cols = [np.full(n, default)] + [draw_per_replication(getattr(lv, attr), rngs, low, high) for lv in levels]
        return np.stack(cols, axis=1)

    base = s.reserve.coverage_days
    return LevelTable(
        enter_at=np.array([np.inf] + [lv.enter_at for lv in levels]),
        exit_below=np.array([-np.inf] + [lv.exit_below for lv in levels]),
        codes=np.array([0] + [LEVEL_NAMES.index(lv.level) for lv in levels]),
        routine_multiplier=column("routine_multiplier", 1.0),
        contact_factor=column("contact_factor", 1.0),
        swab_share=column("swab_share_per_day", 0.0, 0.0, 1.0),
        coverage_days=np.array([base] + [lv.coverage_days or base for lv in levels]),
        surge_beds=column("surge_beds", 0.0),
        exit_after_days=s.response.exit_after_days,
    )


class LevelRule(NamedTuple):
    """What the compiled kernels read of the response levels: when a city's level moves, and the
    contact factor each level sets (see the module docstring)."""

    enter_at: np.ndarray  # (L+1,) indicator thresholds, ascending; row 0 unused
    exit_below: np.ndarray  # (L+1,)
    exit_after_days: int
    reporting_delay_days: int  # the indicator of day t is the admissions of day t - this
    population: np.ndarray  # (C,) residents (the indicator counts per PER_100K of them)
    contact_factor: np.ndarray  # (R, L+1)


def level_rule(s: Scenario, table: LevelTable, population: np.ndarray) -> LevelRule:
    return LevelRule(
        table.enter_at,
        table.exit_below,
        table.exit_after_days,
        s.response.reporting_delay_days,
        population,
        table.contact_factor,
    )


@njit(cache=True)
def level_step(
    level: int, below_days: int, indicator: float, enter_at: np.ndarray, exit_below: np.ndarray, exit_after_days: int
) -> tuple[int, int]:
    """One city's update: (level row, consecutive days below the current level's exit threshold).
    ``enter_at``, ``exit_below`` (L+1,) as in ``LevelTable``."""
    reached = 0
    for k in range(1, len(enter_at)):  # thresholds are ascending
        if indicator >= enter_at[k]:
            reached = k
    below_days = below_days + 1 if (indicator < exit_below[level] and level > 0) else 0
    if below_days >= exit_after_days:
        level, below_days = level - 1, 0
    if reached > level:
        return reached, 0
    return level, below_days


@njit(cache=True)
def next_level(lv: LevelRule, out: SeirRecord, r: int, t: int, c: int, below: int) -> tuple[int, int]:
    """At the end of day t, city c's level row from day t + 1 and its count of days below the exit
    threshold (``level_step``), from the indicator
    (mild + severe + icu admissions of day t - reporting delay) / population x PER_100K.
    Reads ``out.admissions`` and ``out.level_row`` of replication r."""
    day = t - lv.reporting_delay_days
    if len(lv.enter_at) < 2 or day < 0:  # no levels defined, or nothing reported yet
        return out.level_row[r, t, c], below
    adm = out.admissions
    cases = (adm[r, day, c, MILD] + adm[r, day, c, SEVERE] + adm[r, day, c, ICU]) / lv.population[c]
    return level_step(out.level_row[r, t, c], below, cases * PER_100K, lv.enter_at, lv.exit_below, lv.exit_after_days)
