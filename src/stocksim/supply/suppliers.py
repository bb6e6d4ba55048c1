"""The suppliers: capacity, open orders, fills, prices and lead times.

Suppliers have a capacity per item per day. Open orders are kept as cohorts by the day they were
placed; each day's capacity fills the oldest cohort first, and the orders of one day share in
proportion to their size. Buyers other than the circle (``other_buyers_per_day``) place a fresh
order every day: it competes with the circle's orders of that day; what is not filled is lost to
them, or, with ``other_buyers_backlog``, stays on order and competes again the next days as an
open order of its day (oldest first, like any order).

A day's capacity goes out in passes, each taking what the one before left:
  1. framework agreements (``suppliers[].agreements``, 框架协议): capacity held for one buyer
     (the joint centre, or a city's working stock and reserve), shipped at the agreed unit cost;
     what the buyer does not take goes on to the next pass;
  2. ``serves: own_city_first``: a local producer fills the open orders of its own city (working
     stock and reserve) first;
  3. the supplier priority of joint procurement: ``joint_first`` serves the centre's orders before
     anyone; ``reserved_share`` holds that share of what is left for the centre (what the centre
     does not use goes back); ``fcfs`` treats them like any order;
  4. everyone, oldest cohort first.
A supplier with ``serves: circle`` turns the other buyers away: they place no orders with it.
Each day's shipment travels for a lead time drawn per shipment, multiplied in a disruption
window, at least one day. An order is priced on the day it is placed (price factor, volume
discount, and for the centre's orders ``procurement.joint.discount``), paid as it ships; units
shipped under a framework agreement pay the agreed unit cost and nothing else. An item carried by
several suppliers is ordered from each in proportion to their capacity on the day the order is
placed (``share_on``). Axes as in
``stocksim.supply``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from stocksim.draws.params import BatchParams
from stocksim.scenario.schema import JOINT_BUYER, Scenario
from stocksim.supply.procurement import review_days

SETTLED = 1e-9  # units: what a pro-rata fill leaves of an order below this is rounding, not an open order
MIN_LEAD_DAYS = 1  # a shipment arrives the day after it leaves at the earliest
LISTED_PRICE = -1.0  # a pass at the listed price (price factor, discounts); a fixed price is >= 0


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
    buyer_discount: np.ndarray  # (B,) share off each buyer's price after the volume discount (the centre's)


class Claim(NamedTuple):
    """Whom one pass serves at each supplier and at what price, and the buyer whose share is lost
    to the circle (``serving`` builds one)."""

    members: np.ndarray  # (S, B) int, the buyers served by each supplier in buyer order, then padding
    n_members: np.ndarray  # (S,) int, how many of them
    fixed_price: np.ndarray  # (S, I) CNY a unit, or LISTED_PRICE: the listed price
    lost: int  # the other buyers: what they get leaves the circle's books


def serving(served: np.ndarray, fixed_price: np.ndarray, lost: int) -> Claim:
    """The pass serving buyers ``served`` (S, B) bool at ``fixed_price`` (S, I)."""
    members = np.argsort(~served, axis=1, kind="stable")  # each supplier's served buyers first, in order
    return Claim(members, served.sum(axis=1), fixed_price, lost)


class Held(NamedTuple):
    """One framework agreement: the pass that serves its buyer at its price, its supplier and
    item, and the units a day it holds."""

    claim: Claim
    supplier: int
    item: int
    capacity: float


class Shipment(NamedTuple):
    """What a day's fills ship: units (R, S, B, I) and their value (R, B, I) in CNY."""

    total: np.ndarray
    spend: np.ndarray


class Log(NamedTuple):
    """What is kept of a day's fills (for the event records, and the centre's parts with
    ``combined`` ordering), one entry per pass that ships to a buyer: the cohort's row ``row[w]``
    (>= 0 for the circle's cohorts, when kept; -1: not kept), replication, supplier, buyer and
    item, and the units; ``written[0]`` entries so far. A day writes at most one entry per pass,
    kept cohort, replication, supplier, buyer and item (``SupplierBook._log``)."""

    parts: np.ndarray  # (N, 5) int64
    units: np.ndarray  # (N,)
    written: np.ndarray  # (1,) int64
    row: np.ndarray  # (W,) int


class Shipped(NamedTuple):
    """What left the suppliers on one day (``SupplierBook.ship``), all valid until the next day's
    shipping. ``parts`` and ``units``: the entries of ``Log`` for the circle's cohorts open today,
    placed on ``days`` (oldest first), when kept (else none); ``spend`` (R, B, I) CNY; ``due`` (R,
    S, B, I), when kept, the arrival day of each of today's shipments (at or after the horizon:
    still on the road; where nothing ships today it holds nothing of today's)."""

    parts: np.ndarray  # (N, 5): row in days, replication, supplier, buyer, item
    units: np.ndarray  # (N,)
    days: np.ndarray  # (W,)
    spend: np.ndarray
    due: np.ndarray

    def to_buyer(self, buyer: int, n_r: int, n_s: int, n_i: int) -> np.ndarray:
        """The units shipped to ``buyer`` (W, R, S, I) from each cohort, summed over the passes in their order."""
        out = np.zeros((len(self.days), n_r, n_s, n_i))
        mine = self.parts[:, 3] == buyer
        w, r, s, _, i = self.parts[mine].T
        np.add.at(out, (w, r, s, i), self.units[mine])
        return out


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
def _fill(orders: Orders, capacity: np.ndarray, claim: Claim, prices: Prices, out: Shipment, log: Log) -> np.ndarray:
    """One pass: ship ``capacity`` (R, S, I) to the open orders of the buyers ``claim.members``,
    for each replication, supplier s and item, the oldest cohort first: a cohort wanting
    ``wanted`` units gets filled = min(capacity left, wanted), and each of its orders the same
    fraction filled / wanted of itself (a rest below SETTLED is rounding). What ships, q, leaves
    ``orders.open`` and, for every buyer b but ``claim.lost``, goes to ``out.total`` and to
    ``out.spend`` at q x the claim's fixed price or, at the listed price (``LISTED_PRICE``), q x
    (1 - discount) x (1 - buyer discount of b) x price factor x unit cost; and to ``log``.
    Returns the capacity left (R, S, I)."""
    book, slots, days = orders
    discount, price_factor, unit_cost, buyer_discount = prices
    total, spend = out
    members, n_members, fixed_price, lost = claim
    left = capacity.copy()
    for r, s, i in np.ndindex(left.shape):
        cap = float(left[r, s, i])
        fixed = fixed_price[s, i]
        for w in range(len(slots)):
            if cap <= 0.0:
                break
            m = slots[w]
            wanted = 0.0
            for j in range(n_members[s]):
                wanted += book[m, r, s, members[s, j], i]
            if wanted <= 0.0:
                continue
            filled = min(cap, wanted)
            cap -= filled
            fraction = filled / wanted
            unit_price = price_factor[r, s, days[w]] * unit_cost[r, s, i]
            for j in range(n_members[s]):
                b = members[s, j]
                q = book[m, r, s, b, i] * fraction
                rest = book[m, r, s, b, i] - q
                book[m, r, s, b, i] = rest if rest >= SETTLED else 0.0
                if q > 0.0 and b != lost:
                    total[r, s, b, i] += q
                    listed = q * (1.0 - discount[m, r, b, i]) * (1.0 - buyer_discount[b]) * unit_price
                    spend[r, b, i] += q * fixed if fixed >= 0.0 else listed
                    if log.row[w] >= 0:
                        k = log.written[0]
                        log.parts[k, 0], log.parts[k, 1], log.parts[k, 2] = log.row[w], r, s
                        log.parts[k, 3], log.parts[k, 4] = b, i
                        log.units[k] = q
                        log.written[0] = k + 1
        left[r, s, i] = cap
    return left


@njit(cache=True)
def _send(total: np.ndarray, today: int, lead: LeadTimes, road: Road, with_due: bool) -> None:
    """Put what leaves today, ``total`` (R, S, B, I), on the road, and clear ``total`` for the
    next day: it arrives on day today + max(MIN_LEAD_DAYS, rint(lead time drawn today for the
    buyer's city x today's disruption factor)). ``road.ring`` holds it by arrival day modulo its
    length, which is longer than any lead time; what arrives after the horizon is not kept (it
    stays on order). ``with_due``: write each shipment's arrival day to ``road.due`` (elsewhere
    it keeps what it held)."""
    base, lead_factor, city_of_buyer = lead
    on_road, due = road
    n_r, n_s, n_b, n_i = total.shape
    ring, horizon = on_road.shape[0], lead_factor.shape[2]
    start = today % ring
    for r in range(n_r):
        for s in range(n_s):
            factor = lead_factor[r, s, today]
            for b in range(n_b):
                c = city_of_buyer[b]
                for i in range(n_i):
                    q = total[r, s, b, i]
                    if q > 0.0:
                        total[r, s, b, i] = 0.0
                        days = max(MIN_LEAD_DAYS, int(np.rint(base[r, s, c, i] * factor)))
                        if with_due:
                            due[r, s, b, i] = today + days
                        if today + days < horizon:  # later arrivals stay on order at the end
                            # (today + days) % ring without a division: a lead time that arrives within
                            # the horizon is shorter than the ring (``SupplierBook``)
                            slot = start + days
                            if slot >= ring:
                                slot -= ring
                            on_road[slot, r, b, i] += q


@njit(cache=True)
def _book(spend: np.ndarray, other: int, reserves: int, cost: np.ndarray) -> None:
    """Add what the locations pay, ``spend`` (R, B, I) of the buyers b < ``other``, to their
    ``cost`` (R, L, I), then what each city's reserve pays (buyers from ``reserves`` on) to the
    city's: cost + spend of the location + spend of its reserve, in this order."""
    n_r, n_b, n_i = spend.shape
    for r in range(n_r):
        for b in range(other):
            for i in range(n_i):
                cost[r, b, i] += spend[r, b, i]
        for b in range(reserves, n_b):
            for i in range(n_i):
                cost[r, b - reserves, i] += spend[r, b, i]


@njit(cache=True)
def _holds(cohort: np.ndarray, skip: int) -> bool:
    """Whether ``cohort`` (R, S, B, I) has units open for a buyer other than ``skip`` (-1: for
    anyone): stops at the first it finds."""
    n_r, n_s, n_b, n_i = cohort.shape
    for r in range(n_r):
        for s in range(n_s):
            for b in range(n_b):
                if b != skip:
                    for i in range(n_i):
                        if cohort[r, s, b, i] != 0.0:
                            return True
    return False


@njit(cache=True)
def _due_within(on_road: np.ndarray, day: int, days: int, other: int, reserves: int) -> np.ndarray:
    """``SupplierBook.due_within`` on the ring ``on_road`` (ring, R, B, I): for each location l <
    ``other``, the units arriving on days day + 1 .. day + min(days, ring - 1), added day after
    day, plus for a city c the same of its reserve's buyer ``reserves`` + c (R, L, I)."""
    ring, n_r, n_b, n_i = on_road.shape
    coming = np.zeros((n_r, n_b, n_i))
    for d in range(1, min(days, ring - 1) + 1):  # a day's block at a time, in day order
        block = on_road[(day + d) % ring]
        for r in range(n_r):
            for b in range(n_b):
                if b < other or b >= reserves:
                    for i in range(n_i):
                        coming[r, b, i] += block[r, b, i]
    out = coming[:, :other].copy()
    for r in range(n_r):
        for b in range(reserves, n_b):
            for i in range(n_i):
                out[r, b - reserves, i] += coming[r, b, i]
    return out


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
        self._other_buyers = _other_buyers(s, p)
        # Cohorts: the review days, and every day when other buyers order every day.
        order_days = np.arange(horizon) if self._other_buyers is not None else review_days(s)
        self._slot = np.full(horizon, -1)
        self._slot[order_days] = np.arange(len(order_days))
        self.open = np.zeros((max(len(order_days), 1), n_r, n_s, self.n_buyers, n_i))
        self.discount = np.zeros(self.open.shape[:2] + self.open.shape[3:])
        self._circle_open = np.zeros(len(self.open), bool)  # per slot: the circle has orders open in it
        total = p.capacity.sum(axis=1, keepdims=True)
        share = np.divide(p.capacity, total, out=np.zeros_like(p.capacity), where=total > 0)
        # An item nobody can currently make still goes to its suppliers in equal parts.
        self.share = np.where(total > 0, share, 1.0 / max(n_s, 1))
        self.priority = s.procurement.joint.supplier_priority
        self.reserved = s.procurement.joint.reserved_share
        self._buyer_discount = np.zeros(self.n_buyers)
        self._buyer_discount[self.centre] = s.procurement.joint.discount
        self._backlog = np.array([sup.other_buyers_backlog for sup in s.suppliers], bool)
        listed = np.full((n_s, n_i), LISTED_PRICE)
        # The last pass serves the buyers who may have orders open: those who have placed some, and the
        # other buyers. The rest (the depots; the centre, the reserves where nobody buys for them) have
        # only zeros open: leaving them out leaves out only + 0.0 from the pass's sums, in the same order.
        self._ordering = np.zeros(self.n_buyers, bool)
        self._ordering[self.other] = self._other_buyers is not None
        self._everyone = serving(np.broadcast_to(self._ordering, (n_s, self.n_buyers)), listed, self.other)
        centre = np.zeros((n_s, self.n_buyers), bool)
        centre[:, self.centre] = True
        self._centre_first = serving(centre, listed, self.other)
        self._own_city = self._own_city_claim(s, extra_buyers, listed)
        self._held = self._agreements(s, extra_buyers)
        self._params = p
        self._prices = Prices(self.discount, p.price_factor, p.supplier_cost, self._buyer_discount)
        self._lead_times = lead_times  # (H, R, S, C, I): a day is a block
        longest = np.rint(lead_times.max(initial=1.0) * p.lead_time_factor.max(initial=1.0))
        self._on_road = np.zeros((int(min(max(longest, 1), horizon)) + 1, n_r, self.n_buyers, n_i))
        self._city_of_buyer = np.asarray(city_of_buyer, dtype=np.int64)
        self._order_days: list[int] = []  # days on which orders were placed and may be open, oldest first
        self._log_parts, self._log_units = np.empty((0, 5), np.int64), np.empty(0)  # ``_log``'s buffers
        self._unlogged = np.full(len(self.open), -1)  # ``Log.row`` of a day that logs no cohort
        # A day's shipment (``_send`` clears its units), and each shipment's arrival day: kept from day to day.
        self._today = Shipment(np.zeros(self.open.shape[1:]), np.zeros(self.discount.shape[1:]))
        self._due = np.zeros(self.open.shape[1:], np.int64)

    def _city_buyers(self, city: int, extra_buyers: int) -> np.ndarray:
        """The columns (B,) of one city's own orders: its working stock and, with the reserve
        apart, its reserve."""
        columns = np.zeros(self.n_buyers, bool)
        columns[city] = True
        if extra_buyers:
            columns[self.reserves + city] = True
        return columns

    def _own_city_claim(self, s: Scenario, extra_buyers: int, listed: np.ndarray) -> Claim | None:
        """The pass of the local producers with ``serves: own_city_first``: each serves its own
        city's orders first, at the listed price; None when no supplier does."""
        first = [k for k, sup in enumerate(s.suppliers) if sup.serves == "own_city_first" and sup.city is not None]
        if not first:
            return None
        served = np.zeros((len(s.suppliers), self.n_buyers), bool)
        for k in first:
            served[k] = self._city_buyers(s.city_ids.index(str(s.suppliers[k].city)), extra_buyers)
        return serving(served, listed, self.other)

    def _agreements(self, s: Scenario, extra_buyers: int) -> list[Held]:
        """The framework agreements of all suppliers, in the order listed: each serves its buyer
        (the centre, or a city's working stock and reserve) at its fixed price."""
        held = []
        for k, sup in enumerate(s.suppliers):
            for a in sup.agreements:
                i = s.item_ids.index(a.item)
                served = np.zeros((len(s.suppliers), self.n_buyers), bool)
                if a.buyer == JOINT_BUYER:
                    served[k, self.centre] = True
                else:
                    served[k] = self._city_buyers(s.city_ids.index(a.buyer), extra_buyers)
                price = np.full((len(s.suppliers), len(s.items)), LISTED_PRICE)
                price[k, i] = a.unit_cost_cny
                held.append(Held(serving(served, price, self.other), k, i, a.capacity_per_day))
        return held

    def place(self, day: int, buyers: slice, quantity: np.ndarray, discount: np.ndarray) -> None:
        """Orders (R, B, I) of the buyers in ``buyers``, placed on ``day`` (a review day)."""
        m = self._slot[day]
        self.open[m][:, :, buyers, :] = quantity[:, None] * self.share_on(day)[:, :, None, :]
        self.discount[m][:, buyers, :] = discount
        self._circle_open[m] = True
        if not self._order_days or self._order_days[-1] != day:
            self._order_days.append(day)
        if not self._ordering[buyers].all():  # buyers ordering for the first time join the last pass
            self._ordering[buyers] = True
            everyone = np.broadcast_to(self._ordering, self._everyone.members.shape)
            self._everyone = serving(everyone, self._everyone.fixed_price, self.other)

    def share_on(self, day: int) -> np.ndarray:
        """Each supplier's share (R, S, I) of an order placed on ``day``: its part of the capacity
        it has that day (base x disruption x surge), so a producer that has ramped up, or a
        market cut by a disruption, takes its part of new orders; an item nobody can make that
        day is shared as by base capacity (``share``)."""
        p = self._params
        today = p.capacity * p.capacity_factor[:, :, day, None]
        total = today.sum(axis=1, keepdims=True)
        out: np.ndarray = np.where(
            total > 0, np.divide(today, total, out=np.zeros_like(today), where=total > 0), self.share
        )
        return out

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
        return _due_within(self._on_road, day, days, self.other, self.reserves)

    def ship(self, day: int, keep: bool = False, cost: np.ndarray | None = None) -> Shipped:
        """Fill open orders from the day's capacity and put what leaves on the road; ``keep``:
        log the parts shipped from the circle's cohorts, and each shipment's arrival day
        (``Shipped``); ``cost`` (R, L, I): add what each location pays for today's shipments, a
        city also what its reserve's orders pay (the centre's are left to share out)."""
        p = self._params
        while self._order_days and not _holds(self.open[self._slot[self._order_days[0]]], -1):
            self._order_days.pop(0)
        if self._other_buyers is not None:
            self.open[self._slot[day]][:, :, self.other, :] = self._other_buyers[day]
            if not self._order_days or self._order_days[-1] != day:
                self._order_days.append(day)
        days = np.array(self._order_days, dtype=np.int64)
        out = self._today
        out.spend[:] = 0.0
        kept = self._circle_open[self._slot[days]]
        log = self._log(kept, keep)
        if not len(days):
            return Shipped(log.parts[:0], log.units[:0], days, out.spend, self._due)
        self._fill_today(day, Orders(self.open, self._slot[days], days), out, log)
        if cost is not None:
            _book(out.spend, self.other, self.reserves, cost)
        if self._other_buyers is not None:  # what other buyers did not get is lost to them, unless kept on order
            self.open[self._slot[day]][:, ~self._backlog, self.other, :] = 0.0
        self._settle(days[kept])
        lead = LeadTimes(self._lead_times[day], p.lead_time_factor, self._city_of_buyer)
        _send(out.total, day, lead, Road(self._on_road, self._due), keep)
        n = int(log.written[0])
        return Shipped(log.parts[:n], log.units[:n], days[kept], out.spend, self._due)

    def _log(self, kept: np.ndarray, keep: bool) -> Log:
        """An empty log for the ``kept`` cohorts (W,) when ``keep``, else for none, on buffers kept
        from day to day (grown when a day may write more: one entry per pass, cohort, replication,
        supplier, buyer and item)."""
        if not keep:
            return Log(self._log_parts, self._log_units, np.zeros(1, np.int64), self._unlogged[: len(kept)])
        passes = len(self._held) + (self._own_city is not None) + (1 if self.priority == "fcfs" else 2)
        size = passes * int(kept.sum()) * self.open[0].size
        if len(self._log_units) < size:
            self._log_parts, self._log_units = np.empty((size, 5), np.int64), np.empty(size)
        return Log(self._log_parts, self._log_units, np.zeros(1, np.int64), np.where(kept, np.cumsum(kept) - 1, -1))

    def _settle(self, days: np.ndarray) -> None:
        """Cohorts of ``days`` in which the circle has no order left open are no longer the circle's."""
        for m in self._slot[days]:
            if not _holds(self.open[m], self.other):
                self._circle_open[m] = False

    def _fill_today(self, day: int, orders: Orders, out: Shipment, log: Log) -> None:
        """The day's capacity to the open orders, pass after pass: framework agreements, a local
        producer's own city, then the supplier priority: ``fcfs`` treats the centre's orders like
        any other; ``joint_first`` serves them first; ``reserved_share`` holds a share of what is
        left for them and gives back what they do not use."""
        p, prices = self._params, self._prices
        capacity = p.capacity * p.capacity_factor[:, :, day, None]
        for held in self._held:
            capacity = _fill_held(held, orders, capacity, prices, out, log)
        if self._own_city is not None:
            capacity = _fill(orders, capacity, self._own_city, prices, out, log)
        if self.priority == "fcfs":
            _fill(orders, capacity, self._everyone, prices, out, log)
            return
        first = capacity if self.priority == "joint_first" else capacity * self.reserved
        rest = _fill(orders, first, self._centre_first, prices, out, log)
        if self.priority == "reserved_share":
            rest = capacity - first + rest
        _fill(orders, rest, self._everyone, prices, out, log)


def _fill_held(held: Held, orders: Orders, capacity: np.ndarray, prices: Prices, out: Shipment, log: Log) -> np.ndarray:
    """A framework agreement's pass: it holds min(its capacity, what its supplier has left of the
    item) (R,) for its buyer's open orders at its price; what the buyer does not take stays in
    the capacity returned (R, S, I)."""
    k, i = held.supplier, held.item
    hold = np.zeros_like(capacity)
    hold[:, k, i] = np.minimum(held.capacity, capacity[:, k, i])
    unused = _fill(orders, hold, held.claim, prices, out, log)
    left = capacity.copy()
    left[:, k, i] -= hold[:, k, i] - unused[:, k, i]
    return left


def _other_buyers(s: Scenario, p: BatchParams) -> np.ndarray | None:
    """What the other buyers ask of each supplier each day (H, R, S, I), or None if nobody outside
    the circle asks anything; a supplier with ``serves: circle`` turns them away (zero)."""
    if not p.other_buyers.any():
        return None
    asked = np.ascontiguousarray(np.moveaxis(p.other_buyers, -1, 0))
    circle_only = [k for k, sup in enumerate(s.suppliers) if sup.serves == "circle"]
    if circle_only:
        asked[:, :, circle_only] = 0.0
        if not asked.any():
            return None
    return asked
