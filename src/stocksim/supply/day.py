"""The day: a batch of replications through the horizon, one step of the day at a time.

What SimPy does here. One SimPy clock, in days, drives a whole batch of replications. Each step
of the day is a SimPy process that wakes at its offset within the day and acts on arrays over
all replications, locations and items at once (axes as in ``stocksim.supply``); no process
stands for a city, an item or a shipment, and nothing waits on a queue or a resource. SimPy
gives two things: the order of things within a day is explicit (the offsets below), and
processes with different periods - the daily steps, the review every ``review_every_days``
from ``first_review_day`` - interleave without hand-written scheduling. The replications do not
interact: each draws from its own streams, so its numbers are the same in any batch.

Order of things within day t (the offsets are the SimPy times within the day):
  t+0.0  write-off: lots expiring on day t leave the stock
  t+0.1  deliveries: from the suppliers (to a city, or to the joint centre, which allocates them
         at once and sends them on by road), the centre's carriage, transfers
  t+0.15 rotation (reserve.pools: separate, reserve.rotate_before_expiry_days N): reserve lots
         with N days or fewer left move to working stock
  t+0.2  demand: the day's demand is served first-expiry-first-out from working stock; with
         separate pools, what is left from the city's reserve when it is released; the rest is lost
  t+0.25 agreement call (cities[].agreements): a city whose reserve is released today (by the
         same rule) calls the item's uncalled agreement units, once; they arrive call_days later
         with the deliveries, into working stock
  t+0.4  review (on review days): each city, or the joint centre for the circle, orders for
         working stock; with separate pools each city also orders up to its reserve target
  t+0.5  transfers: cities short of stock ask; depots and donor cities ship
  t+0.6  dispatch: suppliers ship from the day's capacity, oldest orders first
  t+0.8  record: the end-of-day state (the reserve check uses this closing stock)
"""

from __future__ import annotations

from collections.abc import Callable, Generator

import numpy as np
import simpy

from stocksim.scenario.schema import LEVEL_NAMES, Scenario
from stocksim.supply.inventory import Parcel, Stock
from stocksim.supply.procurement import (
    JOINT_ORDERING,
    allocate,
    burn_rate,
    city_shares,
    discount_rate,
    nearest_units,
    order_levels,
    order_quantity,
    review_days,
)
from stocksim.supply.records import BatchResult, DailyRecord, Events, Inputs
from stocksim.supply.reserve import TOL
from stocksim.supply.suppliers import SupplierBook
from stocksim.supply.transfers import Flows, Positions, TransferPlanner, route, travel_days

WRITE_OFF = 0.0  # first: lots expiring today are gone before they can be used
DELIVERY = 0.1  # before demand: what arrives today can be used today
ROTATION = 0.15  # after deliveries, before demand: a lot rotated today is used first today
DEMAND = 0.2
CALL = 0.25  # after demand: a release by working stock falling short is known only then
REVIEW = 0.4  # after demand: the review sees the stock the day has left
TRANSFER = 0.5  # after demand: a city asks on the stock the day has left
DISPATCH = 0.6  # after the review: today's orders share today's capacity
RECORD = 0.8  # last: the closing stock, which the reserve check uses


class Inbound:
    """Parcels on their way to the locations by arrival day, and their units (R, L, I)."""

    def __init__(self, shape: tuple[int, ...]):
        self.parcels: dict[int, Parcel] = {}
        self.units = np.zeros(shape)

    def add(self, day: int, parcel: Parcel) -> None:
        if day in self.parcels:
            self.parcels[day].add(parcel)
        else:
            self.parcels[day] = parcel


class Centre:
    """The joint procurement centre in the lead city: what it has on order and where it sends."""

    def __init__(self, s: Scenario, x: Inputs, buyer: int):
        n_c = len(s.cities)
        lead = s.location_ids.index(s.lead_city)
        self.buyer = buyer  # its column in the supplier book
        self.label = len(s.location_ids)  # how events name it: after the locations
        self.on_order = np.zeros((x.params.size, len(s.items)))  # (R, I)
        self.share = city_shares(x.daily_max[:, :n_c])  # (R, C, I) of its orders and of what it pays
        self.ship_days = travel_days(s, x.km)[lead]  # (L,) by road from the lead city
        self.km = x.km[lead]  # (L,)
        self.population = np.array([c.population for c in s.cities], float)
        self.ordering = JOINT_ORDERING[s.procurement.joint.ordering]


class Reserve:
    """The cities' reserve held apart from working stock (``reserve.pools: separate``): its lots,
    what is on order for it, its target and when it is released, arrays (R, C, I) unless noted."""

    def __init__(self, s: Scenario, x: Inputs, n_c: int, first_buyer: int):
        r = s.reserve
        self.stock = Stock(s, x.params.size, "reserve")  # (R, L, I): the depots' rows stay empty
        self.on_order = np.zeros((x.params.size, n_c, len(s.items)))
        target_days = r.coverage_days if r.target_days is None else r.target_days
        self.target = nearest_units(target_days * x.daily_max[:, :n_c])
        self.buyers = slice(first_buyer, first_buyer + n_c)  # the cities' reserve orders at the suppliers
        self.rotate_days = r.rotate_before_expiry_days
        self.at_level = LEVEL_NAMES.index(r.release.at_level)
        self.when_working_out = r.release.when_working_out
        self.depot_level = np.array([LEVEL_NAMES.index(d.release_at_level or r.release.at_level) for d in s.depots])

    def released(self, level: np.ndarray) -> np.ndarray:
        """Whether each city's reserve is released by its response level (R, C) alone."""
        return level >= self.at_level


class Agreements:
    """Agreement reserves (协议储备), arrays (R, C, I): units enterprises hold for the cities, not
    called yet; each city and item's are called once, all together, and arrive ``call_days``
    (C, I) later. ``inbound``: what arrives on each day, (R, L, I)."""

    def __init__(self, s: Scenario, n_r: int):
        n_c, n_i = len(s.cities), len(s.items)
        quantity = np.zeros((n_c, n_i))
        self.call_days = np.zeros((n_c, n_i), dtype=np.int64)
        for c, city in enumerate(s.cities):
            for a in city.agreements:
                j = s.item_ids.index(a.item)
                quantity[c, j], self.call_days[c, j] = a.quantity, a.call_days
        self.uncalled = np.broadcast_to(quantity, (n_r, n_c, n_i)).copy()
        self.inbound: dict[int, np.ndarray] = {}

    @classmethod
    def of(cls, s: Scenario, n_r: int) -> Agreements | None:
        """The scenario's agreements, or None when no city has any."""
        return cls(s, n_r) if any(city.agreements for city in s.cities) else None


class BatchState:
    """Everything a batch carries from one step of the day to the next, arrays (R, L, I) unless
    noted: the stock (working stock, and the reserve apart when pools are separate), the
    suppliers' books, what each location has on order, carriage and transfers on the road, the
    joint centre, the transfer planner, the daily record and the events."""

    def __init__(self, s: Scenario, x: Inputs):
        p = x.params
        self.s, self.x = s, x
        self.n_c, self.n_l, self.n_i = len(s.cities), len(s.location_ids), len(s.items)
        shape = (p.size, self.n_l, self.n_i)
        self.stock = Stock(s, p.size)  # working stock; with one pool, all stock
        self.on_order = np.zeros(shape)  # supplier orders open or travelling, and carriage from the centre
        self.carriage_inbound = Inbound(shape)  # from the centre to the cities
        self.transfer_inbound = Inbound(shape)
        self.reorder_point, self.order_up_to = order_levels(s, self.basis_rate(0))  # [s], [S]
        lead = s.location_ids.index(s.lead_city)
        depot_cities = [s.city_ids.index(d.city) for d in s.depots]
        separate = s.reserve.pools == "separate"
        # Buyers: the locations, the other buyers, the centre, then the cities' reserves.
        reserve_cities = list(range(self.n_c)) if separate else []
        city_of_buyer = np.array([*range(self.n_c), *depot_cities, lead, lead, *reserve_cities])
        self.book = SupplierBook(s, p, self.n_l, x.lead_times, city_of_buyer, len(reserve_cities))
        self.reserve = Reserve(s, x, self.n_c, self.book.reserves) if separate else None
        self.agreements = Agreements.of(s, p.size)
        self.initial_agreements = np.zeros(shape)  # uncalled on day 0: all of them
        if self.agreements is not None:
            self.initial_agreements[:, : self.n_c] = self.agreements.uncalled
        self.initial = self.on_hand()
        self.initial_reserve = self.initial.copy()  # what the reserve rule counts on day 0
        if self.reserve is not None:
            self.initial_reserve[:, : self.n_c] = self.reserve.stock.on_hand()[:, : self.n_c]
        self.short = np.zeros((p.size, self.n_c, self.n_i), bool)  # today's demand not met by working stock
        self.n_buyers = self.book.n_buyers
        self.centre = Centre(s, x, self.book.centre)
        self.planner = TransferPlanner(s, x.km)
        rule = s.reserve
        self.daily = DailyRecord(
            p.size,
            s.horizon_days,
            self.n_l,
            self.n_i,
            x.keep_days,
            separate,
            rule.counts_agreements,
            rule.min_physical_share,
        )
        self.events = Events()
        for r, day, c, code in x.epidemic.level_changes:
            self.events.add("response_level", day, r, c, np.full(len(r), -1), code.astype(float))

    def city_position(self) -> np.ndarray:
        """Each city's inventory position of working stock, on hand + on order (R, C, I)."""
        return (self.stock.on_hand() + self.on_order)[:, : self.n_c]

    def on_hand(self) -> np.ndarray:
        """Units on hand in both pools (R, L, I)."""
        if self.reserve is None:
            return self.stock.on_hand()
        return self.stock.on_hand() + self.reserve.stock.on_hand()

    def basis_rate(self, t: int) -> np.ndarray:
        """The daily rate working stock's [s, S] count in days (R, L, I): the burn rate on day t
        (``procurement.basis: burn_rate``) or the daily max."""
        p, x = self.s.procurement, self.x
        if p.basis == "daily_max":
            return x.daily_max
        return burn_rate(x.demand, x.expected_day0, t, p.burn_window_days)

    def result(self) -> BatchResult:
        x = self.x
        return BatchResult(
            replications=x.params.replications,
            demand=x.demand,
            initial=self.initial,
            daily=self.daily.arrays if x.keep_days else {},
            totals=self.daily.totals,
            required=x.required,
            daily_max=x.daily_max,
            circle_required=x.circle_required,
            circle_daily_max=x.circle_daily_max,
            epidemic=x.epidemic,
            item_cost=x.params.item_cost,
            separate=self.reserve is not None,
            initial_reserve=self.initial_reserve,
            counts_agreements=self.s.reserve.counts_agreements,
            min_physical_share=self.s.reserve.min_physical_share,
            initial_agreements=self.initial_agreements,
            expected_day0=x.expected_day0,
            events=self.events.arrays(x.params.replications),
        )


def order_id(
    day: np.ndarray | int, buyer: np.ndarray | int, item: np.ndarray, n_buyers: int, n_items: int
) -> np.ndarray:
    """One number per (day, buyer, item): the orders of a buyer for an item on a day are one order."""
    return (day * n_buyers + buyer) * n_items + item


# The steps of the day, in their order within the day.


def write_off(b: BatchState, t: int) -> None:
    """Lots expiring on day t leave the stock (both pools)."""
    expired = b.stock.write_off(t)
    if b.reserve is not None:
        gone = b.reserve.stock.write_off(t)  # the pools share their expiry days: both or neither
        if gone is not None and expired is not None:
            b.daily.at(t).reserve_expired[:] = gone
            expired += gone
    if expired is not None:
        b.daily.at(t).expired[:] = expired
        r, c, i = np.nonzero(expired)
        b.events.add("expiry", t, r, c, i, expired[expired > 0])


def deliveries(b: BatchState, t: int) -> None:
    """Supplier deliveries (the centre's allocated and sent on at once), agreement units called
    earlier, then the centre's carriage (which may have been sent today, to the lead city), then
    transfers."""
    supplier_deliveries(b, t)
    agreement_arrivals(b, t)
    carriage_arrivals(b, t)
    transfer_arrivals(b, t)
    # Parts of an order shipped on several days may take a hair more than was on order: rounding.
    np.maximum(b.on_order, 0.0, out=b.on_order)
    if b.reserve is not None:
        np.maximum(b.reserve.on_order, 0.0, out=b.reserve.on_order)
    np.maximum(b.carriage_inbound.units, 0.0, out=b.carriage_inbound.units)
    np.maximum(b.transfer_inbound.units, 0.0, out=b.transfer_inbound.units)


def supplier_deliveries(b: BatchState, t: int) -> None:
    """What the suppliers' shipments bring today: to the locations, and to the centre."""
    arrived = b.book.unload(t)
    received = arrived[:, : b.n_l]
    b.stock.receive(t, received)
    b.on_order -= received
    b.daily.at(t).received[:] = received
    if b.reserve is not None:
        reserve_deliveries(b, t, arrived[:, b.reserve.buyers])
    if arrived[:, b.centre.buyer].any():
        allocate_at_centre(b, t, arrived[:, b.centre.buyer])


def reserve_deliveries(b: BatchState, t: int, arrived: np.ndarray) -> None:
    """What the suppliers bring today for the cities' reserves (R, C, I) goes into the reserve."""
    assert b.reserve is not None
    to = np.zeros(b.on_order.shape)
    to[:, : b.n_c] = arrived
    b.reserve.stock.receive(t, to)
    b.reserve.on_order -= arrived
    today = b.daily.at(t)
    today.received[:] += to
    today.reserve_received[:] = to


def agreement_arrivals(b: BatchState, t: int) -> None:
    """Agreement units called ``call_days`` ago arrive into working stock, a delivery: new lots
    expiring shelf_life later, in ``received`` (not ``reserve_received``), off ``on_order``."""
    a = b.agreements
    got = None if a is None else a.inbound.pop(t, None)
    if got is None:
        return
    assert a is not None
    b.stock.receive(t, got)
    b.on_order -= got
    b.daily.at(t).received[:] += got
    if b.x.record_events:
        r, c, i = np.nonzero(got)
        b.events.add("delivery", t, r, c, i, got[r, c, i], dispatched=t - a.call_days[c, i])


def rotation(b: BatchState, t: int) -> None:
    """Reserve lots with ``rotate_before_expiry_days`` or fewer days left move to working stock,
    which issues them first (FEFO); the reserve's next review orders them back."""
    assert b.reserve is not None and b.reserve.rotate_days is not None
    b.daily.at(t).rotated[:] = b.reserve.stock.rotate_into(b.stock, t + b.reserve.rotate_days)


def allocate_at_centre(b: BatchState, t: int, quantity: np.ndarray) -> None:
    """The joint centre splits a delivery (R, I) among the cities (``allocation``) and sends each
    city's part on by road; it stays on the city's order until it arrives."""
    s, x, centre = b.s, b.x, b.centre
    n_c = b.n_c
    centre.on_order[:] = np.maximum(centre.on_order - quantity, 0.0)
    position = b.city_position()
    rule = s.procurement.joint.allocation
    split = allocate(rule, quantity, position, x.daily_max[:, :n_c], b.order_up_to[:, :n_c], centre.population)
    to = np.zeros(b.on_order.shape)
    to[:, :n_c] = split
    parcel = b.stock.delivery_parcel(t, to)
    b.on_order += to
    b.carriage_inbound.units += to
    b.daily.at(t).transport_cost[:] += to * centre.km[None, :, None] * s.transfers.cost_per_unit_km
    if x.record_events:
        r, c, i = np.nonzero(to)
        b.events.add("allocation", t, r, c, i, to[to > 0], counterpart=centre.label)
    for day in np.unique(centre.ship_days[:n_c]):
        cities = centre.ship_days == day
        b.carriage_inbound.add(
            t + int(day), parcel.scaled(np.broadcast_to(cities[None, :, None], to.shape).astype(float))
        )


def carriage_arrivals(b: BatchState, t: int) -> None:
    """The centre's carriage due today reaches the cities (what expired on the way is written off)."""
    parcel = b.carriage_inbound.parcels.pop(t, None)
    if parcel is None:
        return
    got, gone = b.stock.put(t, parcel)
    today = b.daily.at(t)
    today.expired[:] += gone
    today.received[:] += got
    b.on_order -= got
    b.carriage_inbound.units -= got
    if b.x.record_events:
        r, c, i = np.nonzero(got)
        b.events.add("carriage", t, r, c, i, got[got > 0], counterpart=b.centre.label)


def transfer_arrivals(b: BatchState, t: int) -> None:
    """Transfers due today arrive (what expired on the way is written off)."""
    parcel = b.transfer_inbound.parcels.pop(t, None)
    if parcel is None:
        return
    got, gone = b.stock.put(t, parcel)
    today = b.daily.at(t)
    today.expired[:] += gone
    today.transfer_in[:] = got
    b.transfer_inbound.units -= got


def demand(b: BatchState, t: int) -> None:
    """The day's demand is served first-expiry-first-out from working stock; with separate pools,
    what is left from the city's reserve if it is released (its response level is at least
    ``release.at_level``, or ``release.when_working_out``); the rest is lost."""
    want = b.x.demand[:, t]
    today = b.daily.at(t)
    served = b.stock.issue(want)
    r = b.reserve
    if r is not None:
        left = want - served
        b.short[:] = left[:, : b.n_c] > TOL
        gate = np.zeros(want.shape)
        gate[:, : b.n_c] = r.released(b.x.epidemic.level[:, t])[:, :, None] | r.when_working_out
        released = r.stock.issue(left * gate)
        today.released[:] = released
        served += released
    today.served[:] = served


def call_agreements(b: BatchState, t: int) -> None:
    """A city whose reserve is released today - its response level at or above
    ``release.at_level``, or (``release.when_working_out``) working stock short of the day's
    demand of the item - calls all of the item's uncalled agreement units, once. They are on
    order from now (paid at the normal unit cost) and arrive ``call_days`` later."""
    a, r, n_c = b.agreements, b.reserve, b.n_c
    assert a is not None and r is not None
    released = r.released(b.x.epidemic.level[:, t])[:, :, None] | (r.when_working_out & b.short)
    called = np.where(released, a.uncalled, 0.0)
    if not called.any():
        return
    a.uncalled -= called
    b.on_order[:, :n_c] += called
    b.daily.at(t).purchase_cost[:, :n_c] += called * b.x.params.item_cost[:, None, :]
    for days in np.unique(a.call_days[called.any(axis=0)]).tolist():
        arriving = np.zeros(b.on_order.shape)
        arriving[:, :n_c] = called * (a.call_days == days)
        if t + days in a.inbound:
            a.inbound[t + days] += arriving
        else:
            a.inbound[t + days] = arriving
    rr, c, i = np.nonzero(called)  # recorded with or without the event log, like orders: one per city and item
    b.events.add("agreement_call", t, rr, c, i, called[rr, c, i], due=t + a.call_days[c, i])


def new_levels(b: BatchState, t: int) -> None:
    """Working stock's [s, S] of today, on the burn rate (with ``basis: daily_max`` they do not change)."""
    if b.s.procurement.basis == "burn_rate":
        b.reorder_point, b.order_up_to = order_levels(b.s, b.basis_rate(t))


def reserve_review(b: BatchState, t: int) -> None:
    """Each city orders for its reserve what brings reserve on hand + on order up to its target,
    target_days x daily max in whole units; a separate order (buyer) at the suppliers."""
    r = b.reserve
    if r is None:
        return
    position = r.stock.on_hand()[:, : b.n_c] + r.on_order
    qty = order_quantity(position, r.target, r.target)
    if qty.any():
        r.on_order += qty
        b.book.place(t, r.buyers, qty, discount_rate(b.s, qty))
        rr, c, i = np.nonzero(qty)
        b.events.add("order", t, rr, c, i, qty[rr, c, i], order_id(t, r.buyers.start + c, i, b.n_buyers, b.n_i))


def independent_review(b: BatchState, t: int) -> None:
    """Each city orders for itself under the [s, S] rule (working stock), then for its reserve."""
    new_levels(b, t)
    reserve_review(b, t)
    n_c = b.n_c
    qty = order_quantity(b.city_position(), b.reorder_point[:, :n_c], b.order_up_to[:, :n_c])
    if qty.any():
        b.on_order[:, :n_c] += qty
        b.book.place(t, slice(0, n_c), qty, discount_rate(b.s, qty))
        r, c, i = np.nonzero(qty)
        b.events.add("order", t, r, c, i, qty[r, c, i], order_id(t, c, i, b.n_buyers, b.n_i))


def joint_review(b: BatchState, t: int) -> None:
    """The centre orders working stock for the circle under its joint ordering policy (``pooled``
    or ``combined``); each city orders for its own reserve."""
    new_levels(b, t)
    reserve_review(b, t)
    centre, n_c = b.centre, b.n_c
    position = b.city_position()
    qty = centre.ordering(position, centre.on_order, centre.share, b.reorder_point[:, :n_c], b.order_up_to[:, :n_c])
    if qty.any():
        centre.on_order[:] += qty
        buyer = centre.buyer
        b.book.place(t, slice(buyer, buyer + 1), qty[:, None], discount_rate(b.s, qty)[:, None])
        r, i = np.nonzero(qty)
        b.events.add("order", t, r, centre.label, i, qty[r, i], order_id(t, buyer, i, b.n_buyers, b.n_i))


def transfers(b: BatchState, t: int) -> None:
    """Cities short of stock ask; depots and donor cities ship first-expiry-first-out."""
    x, n_c = b.x, b.n_c
    f = b.planner.plan(transfer_positions(b, t))
    if f is None:
        return
    parcel = b.stock.take(f.sent)
    today = b.daily.at(t)
    today.transfer_out[:] = f.sent
    expiring, durable, moved, unit_km = route(f, parcel, b.planner.days[:, :n_c], x.km[:, :n_c])
    b.transfer_inbound.units[:, :n_c] += moved
    today.transport_cost[:, :n_c] += unit_km * b.s.transfers.cost_per_unit_km
    for days in range(len(durable)):
        if durable[days].any() or expiring[days].any():
            b.transfer_inbound.add(t + days, Parcel(expiring[days], durable[days]))
    if x.record_events:
        record_transfers(b, t, f)


def transfer_positions(b: BatchState, t: int) -> Positions:
    """What the transfer planner sees: a city asks on both pools, gives from working stock; a
    depot keeps ``keeps_days`` x the circle's daily max and, with separate pools (or its own
    ``release_at_level``), ships to a city only while that city may release its reserve."""
    s, x = b.s, b.x
    working = b.stock.on_hand()
    n_r, n_l, n_i = working.shape
    floor = np.zeros(working.shape)
    allowed = np.ones((n_r, n_l, b.n_c, n_i), bool)
    for k, depot in enumerate(s.depots):
        if depot.keeps_days is not None:
            floor[:, b.n_c + k] = depot.keeps_days * x.circle_daily_max
        if b.reserve is not None or depot.release_at_level is not None:
            level = LEVEL_NAMES.index(depot.release_at_level or s.reserve.release.at_level)
            by_level = (x.epidemic.level[:, t] >= level)[:, :, None]
            working_out = b.short if s.reserve.release.when_working_out else False
            allowed[:, b.n_c + k] = by_level | working_out
    inbound = b.carriage_inbound.units + b.transfer_inbound.units
    on_hand = working if b.reserve is None else working + b.reserve.stock.on_hand()
    return Positions(on_hand, inbound, x.daily_max, working, floor, allowed)


def record_transfers(b: BatchState, t: int, f: Flows) -> None:
    """Each shipment as a transfer_out today and a transfer_in on arrival (within the horizon)."""
    n_l = b.n_l
    order = np.lexsort((f.item, f.city, f.donor, f.r))
    r, d, c, i, qty = (a[order] for a in (f.r, f.donor, f.city, f.item, f.quantity))
    tid = order_id(t, d * n_l + c, i, n_l * n_l, b.n_i)  # the (donor, city) pair in the buyer's place
    arrive = t + b.planner.days[d, c]
    b.events.add("transfer_out", t, r, d, i, qty, tid, counterpart=c)
    inside = arrive < b.s.horizon_days
    b.events.add(
        "transfer_in", arrive[inside], r[inside], c[inside], i[inside], qty[inside], tid[inside], counterpart=d[inside]
    )


def dispatch(b: BatchState, t: int) -> None:
    """Suppliers ship from the day's capacity, oldest orders first; what the centre pays is
    booked to the cities by their share."""
    x, n_c = b.x, b.n_c
    shipped, days, spend, due = b.book.ship(t, keep=x.record_events)
    today = b.daily.at(t)
    today.purchase_cost[:] += spend[:, : b.n_l]
    if b.reserve is not None:
        today.purchase_cost[:, :n_c] += spend[:, b.reserve.buyers]
    today.purchase_cost[:, :n_c] += spend[:, b.centre.buyer, None, :] * b.centre.share
    if shipped is not None and len(days):
        w, r, sup, buyer, i = np.nonzero(shipped)
        when = due[r, sup, buyer, i]
        inside = when < b.s.horizon_days  # shipments still travelling at the end show as on_order
        where = np.where(buyer == b.centre.buyer, b.centre.label, buyer)
        oid = order_id(days[w], buyer, i, b.n_buyers, b.n_i)
        qty, k = shipped[w, r, sup, buyer, i], inside
        if b.reserve is not None:  # a city's reserve order is delivered to the city
            where = np.where(buyer >= b.reserve.buyers.start, buyer - b.reserve.buyers.start, where)
        b.events.add("delivery", when[k], r[k], where[k], i[k], qty[k], oid[k], sup[k], dispatched=t)


def record(b: BatchState, t: int) -> None:
    """The end-of-day state; without a daily table, the day is folded into the totals."""
    today = b.daily.at(t)
    today.on_hand[:] = b.stock.on_hand()
    today.on_order[:] = b.on_order
    x = b.x
    r = b.reserve
    if r is not None:  # a depot is provincial reserve: all its stock counts as reserve
        today.reserve_on_hand[:, : b.n_c] = r.stock.on_hand()[:, : b.n_c]
        today.reserve_on_hand[:, b.n_c :] = today.on_hand[:, b.n_c :]
        today.on_hand[:, : b.n_c] += today.reserve_on_hand[:, : b.n_c]
        today.on_order[:, : b.n_c] += r.on_order
    if b.agreements is not None:
        today.agreements_available[:, : b.n_c] = b.agreements.uncalled
    today.burn_rate[:] = burn_rate(x.demand, x.expected_day0, t, b.s.procurement.burn_window_days)
    b.daily.close(t, x.demand[:, t], x.required[:, t], x.circle_required[:, t])


Step = Callable[[BatchState, int], None]


def every(
    env: simpy.Environment, first: float, period: int, until: int, step: Step, state: BatchState
) -> Generator[simpy.Event, None, None]:
    """The process of one step: ``step(state, day)`` at time ``first``, ``first + period``, ...
    before ``until``. It ends by itself, so nothing is left scheduled after the run."""
    yield env.timeout(first)
    while True:
        step(state, int(env.now))
        if env.now + period >= until:
            return
        yield env.timeout(period)


def simulate_batch(s: Scenario, x: Inputs) -> BatchResult:
    """Run one batch of replications through the horizon."""
    state = BatchState(s, x)
    env = simpy.Environment()
    p = s.procurement
    schedule: list[tuple[float, int, Step]] = [
        (WRITE_OFF, 1, write_off),
        (DELIVERY, 1, deliveries),
        (DEMAND, 1, demand),
    ]
    if state.reserve is not None and state.reserve.rotate_days is not None:
        schedule.append((ROTATION, 1, rotation))
    if state.agreements is not None:
        schedule.append((CALL, 1, call_agreements))
    reviews = review_days(s)
    if p.mode != "none" and len(reviews):
        review = joint_review if p.mode == "joint" else independent_review
        schedule += [(reviews[0] + REVIEW, p.review_every_days, review), (DISPATCH, 1, dispatch)]
    if state.planner.active:
        schedule.append((TRANSFER, 1, transfers))
    schedule.append((RECORD, 1, record))
    for first, period, step in schedule:
        env.process(every(env, first, period, s.horizon_days, step, state))
    env.run()
    return state.result()
