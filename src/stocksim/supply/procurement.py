"""What the circle orders, and how the joint centre shares out what it receives.

Ordering is a periodic review [R, s, S] policy: every ``review_every_days`` [R], when on hand +
on order is at or below the reorder point [s = reorder_point_days x daily max], order up to
[S = order_up_to_days x daily max], in whole units (s and S within 1e-9 of a whole number are
that number: ``whole_units``). ``independent``: each city for itself
(``order_quantity``); ``joint``: the centre (in ``joint.lead_city``) orders for the circle
(``joint.ordering``). ``pooled``: one order on the circle's pooled position
(``pooled_order``), each delivery split among the cities by the ``allocation`` rule
(``allocate``) and its cost by their share of the daily max (``city_shares``). ``combined``:
each city's own [s, S] order, bought as one; ``CityParts`` keeps what each city ordered in every
cohort, sends and charges each city its part of every shipment. An order is priced on the day
it is placed, with the volume discount of the deepest tier it reaches (``discount_rate``). The
suppliers who fill the orders are in ``suppliers``. Axes as in ``stocksim.supply``; W are the
open cohorts (orders placed on one day), oldest first.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from stocksim.scenario.schema import Scenario
from stocksim.supply.reserve import days_of_cover

NO_SPEND = 1e-300  # a circle whose daily max sums to 0 divides by this, so every city's share is 0
WHOLE_TOL = 1e-9  # s and S within this (relative) of a whole number are that whole number


def nearest_units(x: np.ndarray) -> np.ndarray:
    """Days x a rate as whole units: the nearest unit, a figure within WHOLE_TOL (relative) of a
    half rounded up; so 1.1 x 100 = 110.00000000000001 is 110 and 0.29 x 100 = 28.999999999999996
    is 29."""
    return np.floor(x + 0.5 + WHOLE_TOL * np.maximum(1.0, np.abs(x)))


@njit(cache=True)
def burn_rates(demand: np.ndarray, expected_day0: np.ndarray, window: int) -> np.ndarray:
    """The burn rate of every day (H, R, L, I; the day first, so that a day is one block), in
    units/day: on day t, the mean realised demand (asked for, served or not) of the days
    max(0, t - window) .. t - 1 of ``demand`` (R, H, L, I), added one after the other and divided
    by their number (as numpy's mean over the day axis does); on day 0, when no day has been
    seen, the expected use of day 0 ``expected_day0`` (R, L, I). A day's (L, I) block is summed
    as one flat row, in place in ``out`` (each entry still adds its days in order)."""
    n_r, horizon, n_l, n_i = demand.shape
    n = n_l * n_i
    out = np.empty((horizon, n_r, n_l, n_i))
    days = np.ascontiguousarray(demand).reshape(n_r, horizon, n)  # no copy when contiguous
    rows = out.reshape(horizon, n_r, n)
    for r in range(n_r):
        out[0, r] = expected_day0[r]
        for t in range(1, horizon):
            first = max(0, t - window)
            total = rows[t, r]
            for j in range(n):
                total[j] = days[r, first, j]
            for k in range(first + 1, t):
                for j in range(n):
                    total[j] += days[r, k, j]
            for j in range(n):
                total[j] /= t - first
    return out


def order_levels(s: Scenario, rate: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Working stock's reorder point [s] and order-up-to level [S] from a daily rate (R, L, I):
    ``reorder_point_days`` and ``order_up_to_days`` x rate; on the burn rate (``basis:
    burn_rate``) in the nearest whole units, on the daily max (``daily_max``) as they come (and
    ``order_quantity`` takes a figure within WHOLE_TOL of a whole number as that number)."""
    p = s.procurement
    s_low, s_high = p.reorder_point_days * rate, p.order_up_to_days * rate
    if p.basis == "burn_rate":
        return nearest_units(s_low), nearest_units(s_high)
    return s_low, s_high


def review_days(s: Scenario) -> np.ndarray:
    """The days on which the circle reviews its stock and orders: every ``review_every_days``
    from ``first_review_day`` (none without procurement)."""
    p = s.procurement
    if p.mode == "none":
        return np.array([], dtype=int)
    return np.arange(p.first_review_day, s.horizon_days, p.review_every_days)


def whole_units(x: np.ndarray) -> np.ndarray:
    """``x``, except that a value within ``WHOLE_TOL`` (relative) of a whole number is that whole
    number: days x daily max that is a whole number on paper (1.1 x 100, 0.29 x 100) is not a
    hair above or below it in floating point. Genuinely fractional values are kept as they are."""
    nearest = np.round(x)
    return np.where(np.abs(x - nearest) <= WHOLE_TOL * np.maximum(1.0, np.abs(nearest)), nearest, x)


def order_quantity(position: np.ndarray, reorder_point: np.ndarray, order_up_to: np.ndarray) -> np.ndarray:
    """Whole units to order under the [s, S] rule, elementwise: ceil(S - position) where
    position <= s, else 0, with s and S taken as ``whole_units``. With one city per entry this
    is the ``independent`` policy."""
    s, big_s = whole_units(reorder_point), whole_units(order_up_to)
    return np.where(position <= s, np.ceil(np.maximum(big_s - position, 0.0)), 0.0)


def city_shares(daily: np.ndarray) -> np.ndarray:
    """Each city's share of the circle's daily max (R, C, I): with ``pooled`` ordering, its part
    of what the joint centre pays."""
    return daily / np.maximum(daily.sum(axis=1, keepdims=True), NO_SPEND)


def pooled_order(
    position: np.ndarray, centre_on_order: np.ndarray, reorder_point: np.ndarray, order_up_to: np.ndarray
) -> np.ndarray:
    """``pooled``: the circle orders as one (R, I). Its position, the cities' on hand + on order
    (R, C, I) summed plus what the centre has on order (R, I), against the cities' [s, S] (R, C,
    I) summed."""
    pooled = position.sum(axis=1) + centre_on_order
    return order_quantity(pooled, reorder_point.sum(axis=1), order_up_to.sum(axis=1))


class CityParts:
    """``combined`` ordering: each city's part of the joint centre's orders, from the order to
    the centre's door.

    The centre buys the sum of the cities' own [s, S] orders as one order per item (a cohort of
    the suppliers' books). Every unit a supplier ships from a cohort to the centre is split
    among the cities in proportion to what each ordered in that cohort, so a short shipment
    gives every city the same fraction of its order. Each city's part travels with the shipment
    to the centre (``road``, by arrival day) and is what the centre sends it on arrival; the city
    pays the value of its part at its cohort's price. A city's parts count in its ``on_order``
    from the order until its carriage arrives (the day loop keeps that)."""

    def __init__(self, n_cities: int, horizon: int, price_factor: np.ndarray, unit_cost: np.ndarray):
        self.n_c, self.horizon = n_cities, horizon
        self.price_factor = price_factor  # (R, S, H) on the day an order is placed
        self.unit_cost = unit_cost  # (R, S, I) CNY
        self.share: dict[int, np.ndarray] = {}  # cohort day -> (R, C, I) each city's share of the centre's order
        self.discount: dict[int, np.ndarray] = {}  # cohort day -> (R, I) the order's volume discount
        self.road: dict[int, np.ndarray] = {}  # arrival day at the centre -> (R, C, I) units

    def place(self, day: int, by_city: np.ndarray, discount: np.ndarray) -> None:
        """The cities' orders (R, C, I) of ``day``, bought as one at volume discount ``discount`` (R, I)."""
        total = by_city.sum(axis=1, keepdims=True)
        self.share[day] = np.divide(by_city, total, out=np.zeros_like(by_city), where=total > 0)
        self.discount[day] = discount

    def ship(self, days: np.ndarray, shipped: np.ndarray, due: np.ndarray, spend: np.ndarray) -> np.ndarray:
        """Split today's shipments to the centre among the cities; returns what each city pays
        (R, C, I), CNY. ``shipped`` (W, R, S, I) is what each supplier shipped to the centre from
        the open cohorts placed on ``days`` (W), ``due`` (R, S, I) each shipment's arrival day
        and ``spend`` (R, I) what the centre paid for them. City c's part of a cohort w's
        shipment q is share_c,w x q; it pays spend x (its parts' value) / (all parts' value),
        a part's value being q x (1 - the cohort's discount) x its day's price factor x unit
        cost, so that the cities pay exactly what the centre spent (by their parts' units
        where the parts have no value)."""
        self._close(days)
        n_w, n_r, _, n_i = shipped.shape
        charge = np.zeros((n_r, self.n_c, n_i))
        if not n_w or not shipped.any():
            return charge
        none = np.zeros((n_r, self.n_c, n_i))
        share = np.stack([self.share.get(int(d), none) for d in days])  # (W, R, C, I)
        discount = np.stack([self.discount.get(int(d), none[:, 0]) for d in days])  # (W, R, I)
        price = (1.0 - discount)[:, :, None, :] * np.moveaxis(self.price_factor[:, :, days], -1, 0)[..., None]
        parts = np.einsum("wrci,wrsi->rsci", share, shipped)  # (R, S, C, I)
        value = np.einsum("wrci,wrsi->rci", share, shipped * price * self.unit_cost)
        units = parts.sum(axis=1)
        total = value.sum(axis=1, keepdims=True)
        weight = np.where(total > 0, value, units)
        weights = weight.sum(axis=1, keepdims=True)
        np.divide(spend[:, None, :] * weight, weights, out=charge, where=weights > 0)
        self._on_the_road(parts, due, shipped.sum(axis=0) > 0)
        return charge

    def _on_the_road(self, parts: np.ndarray, due: np.ndarray, moving: np.ndarray) -> None:
        """Each city's parts (R, S, C, I) by their arrival day ``due`` (R, S, I) where ``moving``;
        parts that arrive after the horizon are not kept (they stay on order)."""
        for day in np.unique(due[moving]):
            if day < self.horizon:
                on = (moving & (due == day))[:, :, None, :]
                arriving = (parts * on).sum(axis=1)
                if int(day) in self.road:
                    self.road[int(day)] += arriving
                else:
                    self.road[int(day)] = arriving

    def _close(self, days: np.ndarray) -> None:
        """Forget the cohorts the suppliers have filled (no longer among the open ``days``)."""
        open_days = set(days.tolist())
        for day in [d for d in self.share if d not in open_days]:
            del self.share[day], self.discount[day]

    def due_within(self, day: int, days: int, ship_days: np.ndarray) -> np.ndarray | None:
        """Each city's parts (R, C, I) on the road to the centre that reach the city on days
        ``day`` + 1 .. ``day`` + ``days``: arriving at the centre after ``day`` and carried on for
        ``ship_days`` (C,) more; None when nothing is on the road. Added in arrival-day order."""
        if not self.road:
            return None
        out = np.zeros_like(next(iter(self.road.values())))
        for at in sorted(self.road):
            reaches = (at > day) & (at + ship_days <= day + days)  # (C,)
            if reaches.any():
                out += self.road[at] * reaches[None, :, None]
        return out

    def arrive(self, day: int, quantity: np.ndarray) -> np.ndarray:
        """The cities' parts (R, C, I) of what reaches the centre on ``day``, ``quantity`` (R, I):
        the parts carried there, scaled to ``quantity`` (they differ only by rounding)."""
        parts = self.road.pop(day)
        total = parts.sum(axis=1, keepdims=True)
        scale = np.divide(quantity[:, None, :], total, out=np.zeros_like(total), where=total > 0)
        out: np.ndarray = parts * scale
        return out


def discount_rate(s: Scenario, quantity: np.ndarray) -> np.ndarray:
    """Volume discount of orders ``quantity`` (..., I): the deepest tier each order reaches."""
    out = np.zeros_like(quantity)
    for tier in s.procurement.volume_discounts:
        items = np.ones(len(s.items), bool) if tier.item is None else np.array([i == tier.item for i in s.item_ids])
        reached = (quantity >= tier.min_quantity) & items
        out = np.where(reached, np.maximum(out, tier.discount), out)
    return out


def allocate(
    rule: str, quantity: np.ndarray, position: np.ndarray, daily: np.ndarray, target: np.ndarray, population: np.ndarray
) -> np.ndarray:
    """Split a delivery ``quantity`` (R, I) among the cities (R, C, I).

    - proportional_to_need: in proportion to need = max(0, target - position);
    - equal_days_of_cover: fill the cities with the fewest days of cover, (position + share) /
      daily max, up to a common level (water-filling); cities already above it get nothing;
    - population: in proportion to population.
    Where no city has need (or no daily max), the delivery is shared by population.
    """
    by_population = quantity[:, None, :] * (population / population.sum())[None, :, None]
    if rule == "population":
        return by_population
    if rule == "proportional_to_need":
        need = np.maximum(target - position, 0.0)
        total = need.sum(axis=1, keepdims=True)
        share = np.divide(need, total, out=np.zeros_like(need), where=total > 0)
        return np.where(total > 0, quantity[:, None, :] * share, by_population)
    return _water_fill(quantity, position, daily, by_population)


def _water_fill(quantity: np.ndarray, position: np.ndarray, daily: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Equal days of cover: the level L with sum_c max(0, L d_c - x_c) = quantity."""
    valid = daily > 0
    cover = days_of_cover(position, daily, undefined=np.inf)
    order = np.argsort(cover, axis=1)
    c_sorted = np.take_along_axis(cover, order, axis=1)
    d_sorted = np.take_along_axis(np.where(valid, daily, 0.0), order, axis=1)
    finite = np.isfinite(c_sorted)
    c_fin = np.where(finite, c_sorted, 0.0)
    cum_d = np.cumsum(d_sorted, axis=1)
    cum_x = np.cumsum(c_fin * d_sorted, axis=1)
    # Cost of raising the k+1 lowest cities to the cover of the (k+1)-th: c_k * cum_d_k - cum_x_k.
    cost = np.where(finite, c_fin * cum_d - cum_x, np.inf)
    k = np.maximum((cost <= quantity[:, None, :]).sum(axis=1) - 1, 0)  # last level reachable
    cd = np.take_along_axis(cum_d, k[:, None], axis=1)[:, 0]
    cx = np.take_along_axis(cum_x, k[:, None], axis=1)[:, 0]
    level = np.divide(quantity + cx, cd, out=np.zeros_like(cd), where=cd > 0)
    share = np.where(valid, np.maximum(level[:, None, :] * daily - position, 0.0), 0.0)
    total = share.sum(axis=1, keepdims=True)
    share = np.where(
        total > 0, share * np.divide(quantity[:, None, :], total, out=np.zeros_like(total), where=total > 0), 0
    )
    return np.where(total > 0, share, fallback)
