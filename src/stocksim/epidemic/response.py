"""Public-health emergency response levels I-IV (特别重大 / 重大 / 较大 / 一般), per city per day.

A city's level follows new ascertained cases per 100,000 residents a day. It rises at once to
the highest level whose ``enter_at`` the indicator reaches; it steps down one level only after
the indicator has stayed below the current level's ``exit_below`` for ``exit_after_days``
consecutive days (hysteresis, so a level does not flicker). A level declared at the end of day
t is in force from day t+1: its routine-use multiplier, contact factor, swab campaign, reserve
coverage days and surge beds apply from then on.

A schedule (``response.schedule``: levels declared by date, as the province declares them)
overrides the thresholds where it says something: on its days and in its cities the scheduled
level is in force ON its ``from_day`` (not the day after), whatever the indicator says, and the
count of days below is held at zero. On the day after its ``to_day`` the thresholds take over
from the scheduled level: at the end of the schedule's last day they may only raise it (a
higher ``enter_at`` reached), and days below are counted from the first day after the schedule,
so a scheduled level steps down no earlier than ``exit_after_days`` days after it ends. With
``census`` and ``none`` epidemics there are no new cases to follow: a city's level is the
schedule's on its days and none on the others.

Scope. A city's own level follows its own indicator (and the schedule); with
``response.scope: circle`` the level in force in every city is, each day, the highest own level
of any city (each city keeps its own level and hysteresis count underneath).

Levels are coded 0 = none, 1 = IV, 2 = III, 3 = II, 4 = I (higher is more severe).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numba import njit

from stocksim.epidemic.outcome import ICU, MILD, SEVERE, LevelSettings, SeirRecord
from stocksim.scenario.schema import LEVEL_NAMES, Scenario
from stocksim.scenario.uncertain import draw_per_replication

PER_100K = 1e5  # the indicator is counted per 100,000 residents
NO_SCHEDULE = -1  # in a schedule of level rows: the schedule sets nothing that day, the thresholds decide


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

    def by_code(self) -> LevelSettings:
        """Surge beds, routine multiplier and swab share of each level code (R, 5), the rows
        moved to their codes; codes without a row set what no level (row 0) sets."""
        columns = np.zeros(len(LEVEL_NAMES), dtype=np.int64)
        columns[self.codes] = np.arange(len(self.codes))
        settings = (self.surge_beds, self.routine_multiplier, self.swab_share)
        return LevelSettings(*(x[:, columns] for x in settings))


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


def schedule_rows(s: Scenario, table: LevelTable) -> np.ndarray:
    """(H+1, C) int64: the ``table`` row that ``response.schedule`` puts in force on each day and
    in each city (row 0 for a scheduled ``none``), ``NO_SCHEDULE`` where it says nothing.
    Days past the horizon are dropped."""
    horizon, ids = s.horizon_days, s.city_ids
    rows = np.full((horizon + 1, len(ids)), NO_SCHEDULE, dtype=np.int64)
    row_of = {LEVEL_NAMES[code]: k for k, code in enumerate(table.codes)}
    for entry in s.response.schedule:
        last = horizon if entry.to_day is None else min(entry.to_day, horizon)
        cols = [ids.index(c) for c in entry.cities] if entry.cities else slice(None)
        rows[entry.from_day : last + 1, cols] = row_of[entry.level]
    return rows


class LevelRule(NamedTuple):
    """What the compiled kernels read of the response levels: when a city's level moves, and the
    contact factor each level sets (see the module docstring)."""

    enter_at: np.ndarray  # (L+1,) indicator thresholds, ascending; row 0 unused
    exit_below: np.ndarray  # (L+1,)
    exit_after_days: int
    reporting_delay_days: int  # the indicator of day t is the admissions of day t - this
    population: np.ndarray  # (C,) residents (the indicator counts per PER_100K of them)
    contact_factor: np.ndarray  # (R, L+1)
    schedule: np.ndarray  # (H+1, C) int64 row the schedule sets each day, or NO_SCHEDULE
    circle: bool  # response.scope 'circle': every city at the highest level of any city


def level_rule(s: Scenario, table: LevelTable, population: np.ndarray) -> LevelRule:
    return LevelRule(
        table.enter_at,
        table.exit_below,
        table.exit_after_days,
        s.response.reporting_delay_days,
        population,
        table.contact_factor,
        schedule_rows(s, table),
        s.response.scope == "circle",
    )


@njit(cache=True)
def _reached(indicator: float, enter_at: np.ndarray) -> int:
    """The highest level row whose ``enter_at`` (L+1,), ascending, the indicator reaches (0: none)."""
    reached = 0
    for k in range(1, len(enter_at)):
        if indicator >= enter_at[k]:
            reached = k
    return reached


@njit(cache=True)
def level_step(
    level: int, below_days: int, indicator: float, enter_at: np.ndarray, exit_below: np.ndarray, exit_after_days: int
) -> tuple[int, int]:
    """One city's update: (level row, consecutive days below the current level's exit threshold).
    ``enter_at``, ``exit_below`` (L+1,) as in ``LevelTable``."""
    reached = _reached(indicator, enter_at)
    below_days = below_days + 1 if (indicator < exit_below[level] and level > 0) else 0
    if below_days >= exit_after_days:
        level, below_days = level - 1, 0
    if reached > level:
        return reached, 0
    return level, below_days


class LevelState(NamedTuple):
    """What the kernels carry from day to day, (R, C) int64 each: every city's own level row
    (before the scope) and its count of consecutive days below the exit threshold."""

    own: np.ndarray
    below: np.ndarray

    @classmethod
    def zeros(cls, n_r: int, n_c: int) -> LevelState:
        return cls(np.zeros((n_r, n_c), dtype=np.int64), np.zeros((n_r, n_c), dtype=np.int64))


@njit(cache=True)
def first_levels(lv: LevelRule, st: LevelState, out: SeirRecord, r: int) -> None:
    """Day 0 of replication r: each city's own level row is the schedule's, or none; the rows in
    force (``out.level_row[r, 0]``) follow from them by the scope."""
    own, level_row, schedule = st.own, out.level_row, lv.schedule
    n_c = own.shape[1]
    top = 0
    for c in range(n_c):
        own[r, c] = schedule[0, c] if schedule[0, c] != NO_SCHEDULE else 0
        top = max(top, own[r, c])
    for c in range(n_c):
        level_row[r, 0, c] = top if lv.circle else own[r, c]


@njit(cache=True)
def update_levels(lv: LevelRule, st: LevelState, out: SeirRecord, t: int, r_from: int, r_to: int) -> None:
    """At the end of day t, for replications r_from <= r < r_to: each city's own level row for
    day t + 1 and its count of days below, from its own row of day t; then the rows in force
    (``out.level_row[r, t + 1]``): the own rows (scope city), or the highest own row of any city
    in every city (scope circle; rows ascend with severity).

    A city's own row is the schedule's where it sets one for day t + 1; otherwise the thresholds
    (``level_step``) on the indicator
    (mild + severe + icu admissions of day t - reporting delay) / population x PER_100K,
    which at the end of a scheduled day only raise the level (days below count from the day
    after). Reads ``out.admissions``. One call a day (or a replication-day) that unpacks its
    tuples once: a call per city costs more than the update."""
    enter_at, exit_below, exit_after, delay, population, _, schedule, circle = lv
    own, below = st
    adm, level_row = out.admissions, out.level_row
    day = t - delay
    thresholds = len(enter_at) > 1 and day >= 0  # levels defined, and a day reported
    n_c = own.shape[1]
    for r in range(r_from, r_to):
        top = 0
        for c in range(n_c):
            if schedule[t + 1, c] != NO_SCHEDULE:
                own[r, c], below[r, c] = schedule[t + 1, c], 0
            elif thresholds:
                cases = (adm[r, day, c, MILD] + adm[r, day, c, SEVERE] + adm[r, day, c, ICU]) / population[c]
                if schedule[t, c] != NO_SCHEDULE:  # the schedule's last day: the thresholds take over tomorrow
                    own[r, c], below[r, c] = max(own[r, c], _reached(cases * PER_100K, enter_at)), 0
                else:
                    own[r, c], below[r, c] = level_step(
                        own[r, c], below[r, c], cases * PER_100K, enter_at, exit_below, exit_after
                    )
            top = max(top, own[r, c])
        for c in range(n_c):
            level_row[r, t + 1, c] = top if circle else own[r, c]


def in_force_rows(lv: LevelRule, horizon: int) -> np.ndarray:
    """(H, C) level rows in force with no thresholds to follow (census and none epidemics): the
    schedule's on its days, none on the others, then the scope."""
    own = np.where(lv.schedule[:horizon] != NO_SCHEDULE, lv.schedule[:horizon], 0)
    return np.broadcast_to(own.max(axis=1, keepdims=True), own.shape) if lv.circle else own


def level_changes(codes: np.ndarray) -> list[tuple[np.ndarray, ...]]:
    """Each change of the level in force, from its ``codes`` (R, H, C): (r, day, city, new code)
    arrays, one entry per change, replication by replication, day by day; a level in force on
    day 0 counts as a change from none."""
    changed = np.empty(codes.shape, dtype=bool)
    np.not_equal(codes[:, :1], 0, out=changed[:, :1])
    np.not_equal(codes[:, 1:], codes[:, :-1], out=changed[:, 1:])
    r, t, c = np.nonzero(changed)
    if not len(r):
        return []
    return [(r, t, c, codes[r, t, c])]
