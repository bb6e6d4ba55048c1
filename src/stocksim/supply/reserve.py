"""The reserve rule: hold at least ``coverage_days`` x the upper limit of daily consumption.

Three readings of the daily upper limit (日均消耗上限):
- ``declared``: the commission's own figure per city and item;
- ``peak``: the highest expected (noise-free) daily use of the scenario;
- ``full_load`` (满负荷): every designated infectious-disease bed occupied, a share
  ``designated_icu_share`` of them as ICU beds, at the severe and ICU per-patient-day rates,
  plus routine use by all health workers. General wards do not wear level-2 protection, so
  only designated beds count.
For the circle as a whole, ``full_load`` and ``declared`` add up the cities; ``peak`` takes the
highest day of the circle's summed use, never more than the sum of the cities' peaks.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from stocksim.draws.params import BatchParams
from stocksim.scenario.schema import Scenario
from stocksim.supply.demand import ICU, SEVERE

TOL = 1e-9  # stock within rounding of the required reserve passes; demand short by more is unmet


def daily_max(s: Scenario, p: BatchParams, expected: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per city and item (R, C, I) and for the circle (R, I), in units per day."""
    mode = s.reserve.daily_max
    if mode == "peak":
        return expected.max(axis=1), expected.sum(axis=2).max(axis=1)
    if mode == "declared":
        table = np.array([[s.reserve.declared[c][i] for i in s.item_ids] for c in s.city_ids], float)
        per_city = np.broadcast_to(table, (p.size,) + table.shape).copy()
    else:
        icu = p.designated_icu_share[:, :, None]
        bed_day = (1 - icu) * p.patient_rate[:, None, SEVERE, :] + icu * p.patient_rate[:, None, ICU, :]
        per_city = p.designated_beds[:, :, None] * bed_day
        per_city += p.health_workers[:, :, None] * p.routine_rate[:, None, :]
    return per_city, per_city.sum(axis=1)


def required_reserve(
    coverage_days: np.ndarray, per_city: np.ndarray, circle: np.ndarray, n_locations: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The reserve required each day: per city (R, H, C, I) = coverage days in force that day
    (R, H, C) x daily max (R, C, I); for the circle (R, H, I) the cities' requirements summed and
    scaled by circle daily max / summed city daily max (1 except for ``peak``). With
    ``n_locations`` > C the per-city array has zeros for the locations after the cities (depots)."""
    n_r, horizon, n_c = coverage_days.shape
    city = np.zeros((n_r, horizon, n_locations or n_c, per_city.shape[-1]))
    np.multiply(coverage_days[..., None], per_city[:, None], out=city[:, :, :n_c])
    total = per_city.sum(axis=1)
    ratio = np.divide(circle, total, out=np.ones_like(circle), where=total > 0)
    return city, city.sum(axis=2) * ratio[:, None, :]


def days_of_cover(stock: np.ndarray, daily: np.ndarray, undefined: float = np.nan) -> np.ndarray:
    """Days of cover, stock / daily max, elementwise; ``undefined`` where nothing is needed (daily
    max 0: a depot, an unused item). Reports leave it NaN; a rule that ranks locations by cover
    sets it to +inf, so that they come last; ``cover_of`` does that for one location and item."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.where(daily > 0, stock / np.where(daily > 0, daily, 1.0), undefined)


@njit(cache=True, inline="always")
def cover_of(stock: float, daily: float) -> float:
    """Days of cover of one location and item, stock / daily max; +inf where daily max is 0."""
    return stock / daily if daily > 0 else np.inf


@njit(cache=True)
def meets(on_hand: float, required: float) -> bool:
    """The reserve check, for one location and item: closing stock at least the required reserve
    (within rounding). The only place the test is written; ``compliant`` applies it to arrays."""
    return on_hand >= required - TOL * max(1.0, abs(required))


@njit(cache=True)
def _compliant(on_hand: np.ndarray, required: np.ndarray, out: np.ndarray) -> None:
    """``out[k] = meets(on_hand[k], required[k])`` over flat arrays of one length."""
    for k in range(on_hand.size):
        out[k] = meets(on_hand[k], required[k])


def compliant(on_hand: np.ndarray, required: np.ndarray) -> np.ndarray:
    """``meets`` elementwise over arrays of one shape."""
    a = np.ascontiguousarray(on_hand, dtype=float).ravel()
    b = np.ascontiguousarray(np.broadcast_to(required, on_hand.shape), dtype=float).ravel()
    out = np.empty(a.size, dtype=np.bool_)
    _compliant(a, b, out)
    return out.reshape(on_hand.shape)
