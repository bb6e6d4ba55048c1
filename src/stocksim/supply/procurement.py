"""Suppliers, ordering policies and the joint procurement centre.

Suppliers have a capacity per item per day. Open orders are kept as cohorts by the day they were
placed; each day's capacity fills the oldest cohort first, and the orders of one day share in
proportion to their size. Buyers other than the circle (``other_buyers_per_day``) place a fresh
order every day: it competes with the circle's orders of that day and what is not filled is lost
to them. With joint procurement the supplier may serve the pooled order first
(``joint_first``) or hold a share of its capacity for it (``reserved_share``; what the circle
does not use goes back to the market); ``fcfs`` treats it like any order. Each day's shipment
travels for a lead time drawn per shipment, multiplied in a disruption window, at least one day.
An order is priced on the day it is placed (price factor, volume discount), paid as it ships.
An item carried by several suppliers is ordered from each in proportion to their capacity.

Ordering is a periodic review [R, s, S] policy: every ``review_every_days`` [R], when on hand +
on order is at or below the reorder point [s = reorder_point_days x daily max], order up to
[S = order_up_to_days x daily max], in whole units. ``independent``: each city for itself;
``joint``: the centre (in ``joint.lead_city``) orders for the circle (``joint.ordering``:
``pooled_order`` or ``combined_order``), then allocates each delivery among the cities
(``allocation``). Axes as in ``stocksim.supply``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from numba import njit

from stocksim.draws.params import BatchParams
from stocksim.scenario.schema import Scenario
from stocksim.supply.reserve import days_of_cover

SETTLED = 1e-9  # units: what a pro-rata fill leaves of an order below this is rounding, not an open order
MIN_LEAD_DAYS = 1  # a shipment arrives the day after it leaves at the earliest
NO_SPEND = 1e-300  # a circle whose daily max sums to 0 divides by this, so every city's share is 0


def review_days(s: Scenario) -> np.ndarray:
    p = s.procurement
    if p.mode == "none":
        return np.array([], dtype=int)
    return np.arange(p.first_review_day, s.horizon_days, p.review_every_days)


def order_quantity(position: np.ndarray, reorder_point: np.ndarray, order_up_to: np.ndarray) -> np.ndarray:
    """Whole units to order under the [s, S] rule, elementwise: ceil(S - position) where
    position <= s, else 0. With one city per entry this is the ``independent`` policy."""
    return np.where(position <= reorder_point, np.ceil(np.maximum(order_up_to - position, 0.0)), 0.0)


def city_shares(daily: np.ndarray) -> np.ndarray:
    """Each city's share of the circle's daily max (R, C, I): its part of what the joint centre
    has on order (``combined_order``) and of what the centre pays."""
    return daily / np.maximum(daily.sum(axis=1, keepdims=True), NO_SPEND)


def pooled_order(
    position: np.ndarray,
    centre_on_order: np.ndarray,
    share: np.ndarray,
    reorder_point: np.ndarray,
    order_up_to: np.ndarray,
) -> np.ndarray:
    """``pooled``: the circle orders as one (R, I). Its position, the cities' on hand + on order
    (R, C, I) summed plus what the centre has on order (R, I), against the cities' [s, S] (R, C,
    I) summed. ``share`` is not used: the cities' shares do not matter to a pooled position."""
    pooled = position.sum(axis=1) + centre_on_order
    return order_quantity(pooled, reorder_point.sum(axis=1), order_up_to.sum(axis=1))


def combined_order(
    position: np.ndarray,
    centre_on_order: np.ndarray,
    share: np.ndarray,
    reorder_point: np.ndarray,
    order_up_to: np.ndarray,
) -> np.ndarray:
    """``combined``: the cities' own [s, S] orders, bought as one (R, I). A city's ``share``
    (R, C, I) of what the centre has on order (R, I) counts towards its position (R, C, I)."""
    pending = centre_on_order[:, None, :] * share
    return order_quantity(position + pending, reorder_point, order_up_to).sum(axis=1)


JointOrdering = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]
JOINT_ORDERING: dict[str, JointOrdering] = {"pooled": pooled_order, "combined": combined_order}


def discount_rate(s: Scenario, quantity: np.ndarray) -> np.ndarray:
    """Volume discount of orders ``quantity`` (..., I): the deepest tier each order reaches."""
    out = np.zeros_like(quantity)
    for tier in s.procurement.volume_discounts:
        items = np.ones(len(s.items), bool) if tier.item is None else np.array([i == tier.item for i in s.item_ids])
        reached = (quantity >= tier.min_quantity) & items
        out = np.where(reached, np.maximum(out, tier.discount), out)
    return out


class Orders(NamedTuple):
    """The suppliers' open orders, one slot per day on which orders are placed."""

    open: np.ndarray  # (slots, R, S, B, I) units still to ship
    slots: np.ndarray  # (W,) the slot of each open cohort, oldest first
    days: np.ndarray  # (W,) the day each open cohort was placed


class Prices(NamedTuple):
    """What a unit costs: a cohort is priced on the day it was placed."""

    discount: np.ndarray  # (slots, R, B, I) volume discount of each order
    price_factor: np.ndarray  # (R, S, H) the supplier's price on each day, times its unit cost
    unit_cost: np.ndarray  # (R, S, I) CNY


class Buyers(NamedTuple):
    """The buyers one fill serves, ``first`` .. ``last`` - 1, and the one whose share is lost."""

    first: int
    last: int
    lost: int  # the other buyers: what they get leaves the circle's books


class Shipment(NamedTuple):
    """What a day's fills ship: units (R, S, B, I) and their value (R, B, I) in CNY."""

    total: np.ndarray
    spend: np.ndarray


class LeadTimes(NamedTuple):
    """The lead times that apply to what leaves today."""

    base: np.ndarray  # (R, S, C, I) days, drawn for today's shipments
    factor: np.ndarray  # (R, S, H) disruption multiplier on each day
    city_of_buyer: np.ndarray  # (B,) the city whose draw applies to each buyer


class Road(NamedTuple):
    """Goods on the road to the buyers."""

    ring: np.ndarray  # (ring, R, B, I) units by arrival day modulo the ring's length
    due: np.ndarray  # (R, S, B, I) the arrival day of each of today's shipments


@njit(cache=True)
def _fill(
    orders: Orders,
    capacity: np.ndarray,
    buyers: Buyers,
    prices: Prices,
    out: Shipment,
    shipped: np.ndarray | None,
) -> np.ndarray:
    """Ship from ``capacity`` (R, S, I) to the open orders of ``buyers``: oldest cohort first,
    pro rata within a cohort (``_fill_cohorts``). Takes the shipped units out of
    ``orders.open``, adds them and their value to ``out`` and, when given, to ``shipped`` (W, R,
    S, B, I). Returns the capacity left (R, S, I)."""
    _, n_r, n_s, _, n_i = orders.open.shape
    left = capacity.copy()
    for r in range(n_r):
        for s in range(n_s):
            for i in range(n_i):
                left[r, s, i] = _fill_cohorts(orders, r, s, i, left[r, s, i], buyers, prices, out, shipped)
    return left


@njit(cache=True, inline="always")
def _fill_cohorts(
    orders: Orders,
    r: int,
    s: int,
    i: int,
    cap: float,
    buyers: Buyers,
    prices: Prices,
    out: Shipment,
    shipped: np.ndarray | None,
) -> float:
    """Fill replication r's orders of item i at supplier s from ``cap`` units, the oldest cohort
    first: a cohort wanting ``wanted`` gets filled = min(cap, wanted), each of its orders the
    fraction filled / wanted. Returns the capacity left."""
    for w in range(len(orders.slots)):
        if cap <= 0.0:
            break
        m = orders.slots[w]
        wanted = 0.0
        for b in range(buyers.first, buyers.last):
            wanted += orders.open[m, r, s, b, i]
        if wanted <= 0.0:
            continue
        filled = min(cap, wanted)
        cap -= filled
        _ship_cohort(orders, w, r, s, i, filled / wanted, buyers, prices, out, shipped)
    return cap


@njit(cache=True, inline="always")
def _ship_cohort(
    orders: Orders,
    w: int,
    r: int,
    s: int,
    i: int,
    fraction: float,
    buyers: Buyers,
    prices: Prices,
    out: Shipment,
    shipped: np.ndarray | None,
) -> None:
    """Ship ``fraction`` of each order in cohort w (replication r, supplier s, item i): q = order
    x fraction leaves the book (a rest below SETTLED is rounding), and, for every buyer but the
    lost one, goes to ``out.total`` and q x (1 - discount) x price factor x unit cost to
    ``out.spend``."""
    m = orders.slots[w]
    unit_price = prices.price_factor[r, s, orders.days[w]] * prices.unit_cost[r, s, i]
    for b in range(buyers.first, buyers.last):
        q = orders.open[m, r, s, b, i] * fraction
        rest = orders.open[m, r, s, b, i] - q
        orders.open[m, r, s, b, i] = rest if rest >= SETTLED else 0.0
        if q > 0.0 and b != buyers.lost:
            out.total[r, s, b, i] += q
            out.spend[r, b, i] += q * (1.0 - prices.discount[m, r, b, i]) * unit_price
            if shipped is not None:
                shipped[w, r, s, b, i] += q


@njit(cache=True)
def _send(total: np.ndarray, today: int, lead: LeadTimes, road: Road) -> None:
    """Put what leaves today, ``total`` (R, S, B, I), on the road: it arrives on day today +
    max(MIN_LEAD_DAYS, rint(lead time drawn today for the buyer's city x today's disruption
    factor)). ``road.ring`` holds it by arrival day modulo its length, which is longer than any
    lead time; what arrives after the horizon is not kept (it stays on order). Writes each
    shipment's arrival day to ``road.due``."""
    n_r, n_s, n_b, n_i = total.shape
    ring, horizon = road.ring.shape[0], lead.factor.shape[2]
    for r in range(n_r):
        for s in range(n_s):
            factor = lead.factor[r, s, today]
            for b in range(n_b):
                c = lead.city_of_buyer[b]
                for i in range(n_i):
                    if total[r, s, b, i] > 0.0:
                        arrive = today + max(MIN_LEAD_DAYS, int(np.rint(lead.base[r, s, c, i] * factor)))
                        road.due[r, s, b, i] = arrive
                        if arrive < horizon:  # later arrivals stay on order at the end
                            road.ring[arrive % ring, r, b, i] += total[r, s, b, i]


class SupplierBook:
    """Open orders at every supplier, one cohort per day on which orders are placed:
    ``open[cohort, r, s, b, i]`` (the cohort first, so the few open cohorts are read and written
    as contiguous blocks). Buyers b are the locations (cities, then depots, which never order),
    then the other buyers (``other``), then the joint centre (``centre``). ``lead_times`` (H, R,
    S, C, I) are the base lead times drawn per shipment and ``city_of_buyer`` the city whose draw
    applies to each buyer. What has shipped is on the road until ``unload`` on its arrival day, in
    a ring of days as long as the longest possible lead time."""

    def __init__(
        self, s: Scenario, p: BatchParams, n_locations: int, lead_times: np.ndarray, city_of_buyer: np.ndarray
    ):
        n_r, n_s, n_i, horizon = p.size, len(s.suppliers), len(s.items), s.horizon_days
        self.other, self.centre = n_locations, n_locations + 1
        self._other_buyers = np.ascontiguousarray(np.moveaxis(p.other_buyers, -1, 0)) if p.other_buyers.any() else None
        # Cohorts: the review days, and every day when other buyers order every day.
        order_days = np.arange(horizon) if self._other_buyers is not None else review_days(s)
        self._slot = np.full(horizon, -1)
        self._slot[order_days] = np.arange(len(order_days))
        self.open = np.zeros((max(len(order_days), 1), n_r, n_s, n_locations + 2, n_i))
        self.discount = np.zeros(self.open.shape[:2] + self.open.shape[3:])
        total = p.capacity.sum(axis=1, keepdims=True)
        share = np.divide(p.capacity, total, out=np.zeros_like(p.capacity), where=total > 0)
        # An item nobody can currently make still goes to its suppliers in equal parts.
        self.share = np.where(total > 0, share, 1.0 / max(n_s, 1))
        self.priority = s.procurement.joint.supplier_priority
        self.reserved = s.procurement.joint.reserved_share
        self._params = p
        self._lead_times = lead_times  # (H, R, S, C, I): a day is a block
        longest = np.rint(lead_times.max(initial=1.0) * p.lead_time_factor.max(initial=1.0))
        self._on_road = np.zeros((int(min(max(longest, 1), horizon)) + 1, n_r, n_locations + 2, n_i))
        self._city_of_buyer = np.asarray(city_of_buyer, dtype=np.int64)
        self._order_days: list[int] = []  # days on which orders were placed and may be open, oldest first

    def place(self, day: int, buyers: slice, quantity: np.ndarray, discount: np.ndarray) -> None:
        """Orders (R, B, I) of the buyers in ``buyers``, placed on ``day`` (a review day)."""
        m = self._slot[day]
        self.open[m][:, :, buyers, :] = quantity[:, None] * self.share[:, :, None, :]
        self.discount[m][:, buyers, :] = discount
        if not self._order_days or self._order_days[-1] != day:
            self._order_days.append(day)

    def unload(self, day: int) -> np.ndarray:
        """What arrives on ``day`` (R, B, I), taken off the road."""
        slot = self._on_road[day % len(self._on_road)]
        arrived = slot.copy()
        slot[:] = 0.0
        return arrived

    def ship(self, day: int, keep: bool = False) -> tuple[np.ndarray | None, np.ndarray, np.ndarray, np.ndarray]:
        """Fill open orders from the day's capacity and put what leaves on the road. Returns the
        shipped units (W, R, S, B, I) of the cohorts placed on ``days`` (W of them, oldest first;
        other buyers' column zero) if ``keep``, those days, the spend (R, B, I) in CNY, and each
        shipment's arrival day (R, S, B, I; a day at or after the horizon: still on the road)."""
        p = self._params
        while self._order_days and not self.open[self._slot[self._order_days[0]]].any():
            self._order_days.pop(0)
        if self._other_buyers is not None:
            self.open[self._slot[day]][:, :, self.other, :] = self._other_buyers[day]
            if not self._order_days or self._order_days[-1] != day:
                self._order_days.append(day)
        days = np.array(self._order_days, dtype=np.int64)
        n_r, n_s, n_b, n_i = self.open.shape[1:]
        out = Shipment(np.zeros((n_r, n_s, n_b, n_i)), np.zeros((n_r, n_b, n_i)))
        shipped = np.zeros((len(days), n_r, n_s, n_b, n_i)) if keep else None
        due = np.zeros((n_r, n_s, n_b, n_i), dtype=np.int64)
        if not len(days):
            return shipped, days, out.spend, due
        self._fill_today(day, Orders(self.open, self._slot[days], days), out, shipped)
        if self._other_buyers is not None:
            self.open[self._slot[day]][:, :, self.other, :] = 0.0  # what other buyers did not get is lost to them
        lead = LeadTimes(self._lead_times[day], p.lead_time_factor, self._city_of_buyer)
        _send(out.total, day, lead, Road(self._on_road, due))
        return shipped, days, out.spend, due

    def _fill_today(self, day: int, orders: Orders, out: Shipment, shipped: np.ndarray | None) -> None:
        """The day's capacity to the open orders under the supplier priority: ``fcfs`` treats the
        centre's orders like any other; ``joint_first`` serves them first; ``reserved_share``
        holds a share of capacity for them and gives back what they do not use."""
        p = self._params
        capacity = p.capacity * p.capacity_factor[:, :, day, None]
        prices = Prices(self.discount, p.price_factor, p.supplier_cost)
        everyone = Buyers(0, orders.open.shape[3], self.other)
        if self.priority == "fcfs":
            _fill(orders, capacity, everyone, prices, out, shipped)
            return
        first = capacity if self.priority == "joint_first" else capacity * self.reserved
        rest = _fill(orders, first, Buyers(self.centre, self.centre + 1, self.other), prices, out, shipped)
        if self.priority == "reserved_share":
            rest = capacity - first + rest
        _fill(orders, rest, everyone, prices, out, shipped)


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
