"""The reserve rule: hold at least ``coverage_days`` x the upper limit of daily consumption.

Three readings of the daily upper limit (日均消耗上限):
- ``declared``: the commission's own figure per city and item;
- ``peak``: one figure per city and item, the ``peak_quantile`` of the expected (noise-free)
  use's peak day over a pilot of replications of its own (``supply.peak``), the same in every
  replication of a run;
- ``full_load`` (满负荷): the plan's worst case at the response level ``full_load_level`` (by
  default the highest the scenario defines): every designated bed and the level's surge beds
  occupied, a share ``designated_icu_share`` of them as ICU beds, at the severe and ICU
  per-patient-day rates; routine use by all health workers times the level's routine
  multiplier; and the level's swab campaign (``full_load``). General wards do not wear level-2
  protection, so only designated and surge beds count. With level ``none``: no surge beds, no
  multiplier, no swabs.
For the circle as a whole, ``full_load`` and ``declared`` add up the cities; ``peak`` takes the
pilot's quantile of the circle's peak day of summed use.

Each reading also says which share of it is health workers' routine use (``routine_share``); the
rest is patient care and swabs. ``declared`` does not say (NaN).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from stocksim.draws.params import BatchParams
from stocksim.epidemic.outcome import LevelSettings
from stocksim.scenario.schema import LEVEL_NAMES, Scenario
from stocksim.supply.demand import ICU, SEVERE

TOL = 1e-9  # stock within rounding of the required reserve passes; demand short by more is unmet


class DailyMax(NamedTuple):
    """The upper limit of daily use, units per day, and the share of it that is health workers'
    routine use (NaN where it is not known or the limit is 0)."""

    per_city: np.ndarray  # (R, C, I)
    circle: np.ndarray  # (R, I)
    routine_share: np.ndarray  # (R, C, I)
    circle_routine_share: np.ndarray  # (R, I)

    @classmethod
    def of(cls, per_city: np.ndarray, routine: np.ndarray, circle: np.ndarray, circle_routine: np.ndarray) -> DailyMax:
        """From the figures and their routine parts, units per day."""
        return cls(per_city, circle, _share(routine, per_city), _share(circle_routine, circle))


class Peak(NamedTuple):
    """The ``peak`` reading: one figure for every replication, and its routine part, units/day."""

    per_city: np.ndarray  # (C, I)
    routine: np.ndarray  # (C, I)
    circle: np.ndarray  # (I,)
    circle_routine: np.ndarray  # (I,)


def _share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(whole > 0, part / np.where(whole > 0, whole, 1.0), np.nan)


def daily_max(s: Scenario, p: BatchParams, levels: LevelSettings | None, peak: Peak | None = None) -> DailyMax:
    """Per city and item (R, C, I) and for the circle (R, I), in units per day. ``levels``: the
    replications' drawn level settings (for ``full_load``); ``peak``: the pilot's figure (for
    ``peak``, required then)."""
    mode = s.reserve.daily_max
    shape = (p.size, len(s.cities), len(s.items))
    if mode == "peak":
        if peak is None:
            raise ValueError("daily_max 'peak' needs the pilot's figure (supply.peak.peak_pilot)")
        per_city, routine = (np.broadcast_to(x, shape).copy() for x in (peak.per_city, peak.routine))
        circle, circle_routine = (
            np.broadcast_to(x, (p.size, shape[2])).copy() for x in (peak.circle, peak.circle_routine)
        )
        return DailyMax.of(per_city, routine, circle, circle_routine)
    if mode == "declared":
        table = np.array([[s.reserve.declared[c][i] for i in s.item_ids] for c in s.city_ids], float)
        per_city = np.broadcast_to(table, shape).copy()
        unknown = np.full(shape, np.nan)  # the commission's figure does not say what it is made of
        return DailyMax.of(per_city, unknown, per_city.sum(axis=1), unknown[:, 0])
    if mode == "observed":
        return _observed(s, shape)
    per_city, routine = full_load(s, p, levels)
    return DailyMax.of(per_city, routine, per_city.sum(axis=1), routine.sum(axis=1))


def _observed(s: Scenario, shape: tuple[int, int, int]) -> DailyMax:
    """The ``observed`` reading: the highest trailing-window mean of recorded use, per city and
    item and for the circle's summed use, filled in when the scenario was loaded
    (``scenario.observed``); the same in every replication, of unknown make-up (no routine share)."""
    observed = s.reserve.observed
    if observed is None or not observed.daily_max:
        raise ValueError("daily_max 'observed' needs the recorded use read by load_scenario (reserve.observed)")
    table = np.array([[observed.daily_max[c][i] for i in s.item_ids] for c in s.city_ids], float)
    circle = np.array([observed.circle[i] for i in s.item_ids], float)
    unknown = np.full(shape, np.nan)
    return DailyMax.of(np.broadcast_to(table, shape).copy(), unknown, np.tile(circle, (shape[0], 1)), unknown[:, 0])


def full_load_level(s: Scenario) -> str:
    """The response level full load assumes: ``reserve.full_load_level``, or else the highest
    level of ``response.levels`` (listed lowest first), ``none`` without levels."""
    chosen = s.reserve.full_load_level
    if chosen is not None:
        return chosen
    return s.response.levels[-1].level if s.response.levels else "none"


def full_load(s: Scenario, p: BatchParams, levels: LevelSettings | None) -> tuple[np.ndarray, np.ndarray]:
    """Full-load daily use (R, C, I) and its routine part, units per day, at level
    ``full_load_level`` with surge beds b, routine multiplier m and swab share w (level ``none``:
    b = 0, m = 1, w = 0):

        B x ((1 - q) x severe_i + q x icu_i) + W x routine_i x m + P x w x swab_i

    with B = designated beds + b, q = designated ICU share, W = health workers, P = population."""
    code = LEVEL_NAMES.index(full_load_level(s))
    surge, multiplier, swab_share = np.zeros(p.size), np.ones(p.size), np.zeros(p.size)
    if code:
        if levels is None:
            raise ValueError(f"full load at level {LEVEL_NAMES[code]} needs the levels' drawn settings")
        surge, multiplier, swab_share = (x[:, code] for x in levels)
    icu = p.designated_icu_share[:, :, None]
    bed_day = (1 - icu) * p.patient_rate[:, None, SEVERE, :] + icu * p.patient_rate[:, None, ICU, :]
    beds = p.designated_beds + surge[:, None]
    routine = p.health_workers[:, :, None] * p.routine_rate[:, None, :] * multiplier[:, None, None]
    population = np.array([c.population for c in s.cities], float)
    swabs = (population * swab_share[:, None])[:, :, None] * p.swab_rate[:, None, :]
    return beds[:, :, None] * bed_day + routine + swabs, routine


def required_reserve(
    coverage_days: np.ndarray, per_city: np.ndarray, circle: np.ndarray, n_locations: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The reserve required each day: per city (R, H, C, I) = coverage days in force that day
    (R, H, C) x daily max (R, C, I); for the circle (R, H, I) the cities' requirements summed and
    scaled by circle daily max / summed city daily max (1 except for ``peak``). With
    ``n_locations`` > C the per-city array has zeros for the locations after the cities (depots)."""
    city = _city_required(coverage_days, per_city, n_locations or coverage_days.shape[2])
    total = per_city.sum(axis=1)
    ratio = np.divide(circle, total, out=np.ones_like(circle), where=total > 0)
    circle_required = city.sum(axis=2)
    circle_required *= ratio[:, None, :]
    return city, circle_required


@njit(cache=True)
def _city_required(coverage_days: np.ndarray, per_city: np.ndarray, n_locations: int) -> np.ndarray:
    """coverage_days (R, H, C) x per_city (R, C, I) into (R, H, L, I), L = ``n_locations`` >= C,
    zeros for the locations after the cities: one pass, filled in place."""
    n_r, horizon, n_c = coverage_days.shape
    n_i = per_city.shape[2]
    city = np.empty((n_r, horizon, n_locations, n_i))
    for r in range(n_r):
        for t in range(horizon):
            for c in range(n_c):
                days = coverage_days[r, t, c]
                for i in range(n_i):
                    city[r, t, c, i] = days * per_city[r, c, i]
            city[r, t, n_c:] = 0.0
    return city


def days_of_cover(stock: np.ndarray, daily: np.ndarray, undefined: float = np.nan) -> np.ndarray:
    """Days of cover, stock / daily max, elementwise; ``undefined`` where nothing is needed (daily
    max 0: a depot, an unused item). Reports leave it NaN; a rule that ranks locations by cover
    sets it to +inf, so that they come last; ``cover_of`` does that for one location and item.
    The quotient is written straight into the result, only where daily max > 0."""
    out = np.full(np.broadcast_shapes(np.shape(stock), np.shape(daily)), undefined)
    with np.errstate(invalid="ignore", over="ignore"):
        np.divide(stock, daily, out=out, where=np.greater(daily, 0))
    return out


@njit(cache=True, inline="always")
def cover_of(stock: float, daily: float) -> float:
    """Days of cover of one location and item, stock / daily max; +inf where daily max is 0."""
    return stock / daily if daily > 0 else np.inf


@njit(cache=True)
def meets(on_hand: float, required: float, agreements: float = 0.0, min_physical_share: float = 1.0) -> bool:
    """The reserve check, for one location and item, within rounding: closing stock on hand plus
    the agreement units it counts (uncalled, with ``reserve.counts_agreements``; else 0) at least
    the required reserve, and stock on hand alone at least ``min_physical_share`` x required.
    Without agreements counted the second test follows from the first (share <= 1): on hand >=
    required. The only place the test is written; ``compliant`` applies it to arrays."""
    floor = min_physical_share * required
    physical = on_hand >= floor - TOL * max(1.0, abs(floor))
    return physical and on_hand + agreements >= required - TOL * max(1.0, abs(required))


@njit(cache=True)
def _compliant(
    on_hand: np.ndarray, required: np.ndarray, agreements: np.ndarray, share: float, out: np.ndarray
) -> None:
    """``out[k] = meets(on_hand[k], required[k], agreements[k], share)`` over flat arrays of one length."""
    for k in range(on_hand.size):
        out[k] = meets(on_hand[k], required[k], agreements[k], share)


def compliant(
    on_hand: np.ndarray, required: np.ndarray, agreements: np.ndarray | None = None, min_physical_share: float = 1.0
) -> np.ndarray:
    """``meets`` elementwise over arrays of one shape (``required`` and ``agreements`` broadcast
    to it; no agreements: 0)."""
    shape = on_hand.shape
    a = np.ascontiguousarray(on_hand, dtype=float).ravel()
    b = np.ascontiguousarray(np.broadcast_to(required, shape), dtype=float).ravel()
    g = (
        np.zeros(a.size)
        if agreements is None
        else np.ascontiguousarray(np.broadcast_to(agreements, shape), dtype=float).ravel()
    )
    out = np.empty(a.size, dtype=np.bool_)
    _compliant(a, b, g, float(min_physical_share), out)
    return out.reshape(shape)


def counted_agreements(s: Scenario, uncalled: np.ndarray) -> np.ndarray:
    """The agreement units the reserve check counts: the uncalled ones with
    ``reserve.counts_agreements``, none without."""
    return uncalled if s.reserve.counts_agreements else np.zeros_like(uncalled)
