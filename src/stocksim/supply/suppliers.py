"""The suppliers: capacity, open orders, fills, prices and lead times.

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
Axes as in ``stocksim.supply``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from stocksim.draws.params import BatchParams
from stocksim.scenario.schema import Scenario
from stocksim.supply.procurement import review_days

SETTLED = 1e-9  # units: what a pro-rata fill leaves of an order below this is rounding, not an open order
MIN_LEAD_DAYS = 1  # a shipment arrives the day after it leaves at the earliest


class Orders(NamedTuple):
    """The suppliers' open orders, one slot per day on which orders are placed."""

    open: np.ndarray  # (slots, R, S, B, I) units still to ship
    slots: np.ndarray  # (W,) the slot of each open cohort, oldest first
    days: np.ndarray  # (W,) the day each open cohort was placed


class Prices(NamedTuple):
    """What a unit costs: a cohort is priced on the day it was placed."""

    discount: np.ndarray  # (slots, R, B, I) volume discount of each order
    price_factor: np.ndarray  # (R, S, H) multiplier of the unit cost on each day
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
    """Ship from ``capacity`` (R, S, I) to the open orders of ``buyers``, for each replication,
    supplier and item the oldest cohort first: a cohort wanting ``wanted`` units gets filled =
    min(capacity left, wanted), and each of its orders the same fraction filled / wanted of
    itself (a rest below SETTLED is rounding). What ships, q, leaves ``orders.open`` and, for
    every buyer but ``buyers.lost``, goes to ``out.total`` and q x (1 - discount) x price factor
    x unit cost to ``out.spend`` (and, when given, to ``shipped`` (W, R, S, B, I)). Returns the
    capacity left (R, S, I)."""
    book, slots, days = orders
    discount, price_factor, unit_cost = prices
    first, last, lost = buyers
    total, spend = out
    left = capacity.copy()
    for r, s, i in np.ndindex(left.shape):
        cap = float(left[r, s, i])
        for w in range(len(slots)):
            if cap <= 0.0:
                break
            m = slots[w]
            wanted = 0.0
            for b in range(first, last):
                wanted += book[m, r, s, b, i]
            if wanted <= 0.0:
                continue
            filled = min(cap, wanted)
            cap -= filled
            fraction = filled / wanted
            unit_price = price_factor[r, s, days[w]] * unit_cost[r, s, i]
            for b in range(first, last):
                q = book[m, r, s, b, i] * fraction
                rest = book[m, r, s, b, i] - q
                book[m, r, s, b, i] = rest if rest >= SETTLED else 0.0
                if q > 0.0 and b != lost:
                    total[r, s, b, i] += q
                    spend[r, b, i] += q * (1.0 - discount[m, r, b, i]) * unit_price
                    if shipped is not None:
                        shipped[w, r, s, b, i] += q
        left[r, s, i] = cap
    return left


@njit(cache=True)
def _send(total: np.ndarray, today: int, lead: LeadTimes, road: Road) -> None:
    """Put what leaves today, ``total`` (R, S, B, I), on the road: it arrives on day today +
    max(MIN_LEAD_DAYS, rint(lead time drawn today for the buyer's city x today's disruption
    factor)). ``road.ring`` holds it by arrival day modulo its length, which is longer than any
    lead time; what arrives after the horizon is not kept (it stays on order). Writes each
    shipment's arrival day to ``road.due``."""
    base, lead_factor, city_of_buyer = lead
    on_road, due = road
    n_r, n_s, n_b, n_i = total.shape
    ring, horizon = on_road.shape[0], lead_factor.shape[2]
    for r in range(n_r):
        for s in range(n_s):
            factor = lead_factor[r, s, today]
            for b in range(n_b):
                c = city_of_buyer[b]
                for i in range(n_i):
                    if total[r, s, b, i] > 0.0:
                        arrive = today + max(MIN_LEAD_DAYS, int(np.rint(base[r, s, c, i] * factor)))
                        due[r, s, b, i] = arrive
                        if arrive < horizon:  # later arrivals stay on order at the end
                            on_road[arrive % ring, r, b, i] += total[r, s, b, i]


class SupplierBook:
    """Open orders at every supplier, one cohort per day on which orders are placed:
    ``open[cohort, r, s, b, i]`` (the cohort first, so the few open cohorts are read and written
    as contiguous blocks). Buyers b are the locations (cities, then depots, which never order),
    then the other buyers (``other``), then the joint centre (``centre``), then ``extra_buyers``
    more (the cities' reserves, with ``reserve.pools: separate``, from ``reserves`` on). ``lead_times`` (H, R,
    S, C, I) are the base lead times drawn per shipment and ``city_of_buyer`` the city whose draw
    applies to each buyer. What has shipped is on the road until ``unload`` on its arrival day, in
    a ring of days as long as the longest possible lead time."""

    def __init__(
        self,
        s: Scenario,
        p: BatchParams,
        n_locations: int,
        lead_times: np.ndarray,
        city_of_buyer: np.ndarray,
        extra_buyers: int = 0,
    ):
        n_r, n_s, n_i, horizon = p.size, len(s.suppliers), len(s.items), s.horizon_days
        self.other, self.centre, self.reserves = n_locations, n_locations + 1, n_locations + 2
        self.n_buyers = n_locations + 2 + extra_buyers  # the locations, the other buyers, the joint centre, ...
        self._other_buyers = np.ascontiguousarray(np.moveaxis(p.other_buyers, -1, 0)) if p.other_buyers.any() else None
        # Cohorts: the review days, and every day when other buyers order every day.
        order_days = np.arange(horizon) if self._other_buyers is not None else review_days(s)
        self._slot = np.full(horizon, -1)
        self._slot[order_days] = np.arange(len(order_days))
        self.open = np.zeros((max(len(order_days), 1), n_r, n_s, self.n_buyers, n_i))
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
        self._on_road = np.zeros((int(min(max(longest, 1), horizon)) + 1, n_r, self.n_buyers, n_i))
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

    def due_within(self, day: int, days: int) -> np.ndarray:
        """Units already shipped that arrive on days ``day`` + 1 .. ``day`` + ``days`` (R, L, I), by
        location: a location's own orders and, for a city, its reserve's (the centre's are not a
        city's until it sends them on)."""
        ring = len(self._on_road)
        ahead = (day + np.arange(1, min(days, ring - 1) + 1)) % ring
        coming = self._on_road[ahead].sum(axis=0)  # (R, B, I)
        out: np.ndarray = coming[:, : self.other].copy()
        extra = self.n_buyers - self.reserves
        out[:, :extra] += coming[:, self.reserves :]
        return out

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
