"""The day: a batch of replications through the horizon, one step of the day at a time.

What SimPy does here. One SimPy clock, in days, drives a whole batch of replications. Each step
of the day is a SimPy process that wakes at its offset within the day and acts on arrays over
all replications, locations and items at once (axes as in ``stocksim.supply``); no process
stands for a city, an item or a shipment, and nothing waits on a queue or a resource. SimPy
gives two things: the order of things within a day is explicit (the offsets below), and
processes with different periods - the daily steps, the review every ``review_every_days``
from ``first_review_day`` - interleave without hand-written scheduling. The replications do not
interact: each draws from its own streams, so its numbers are the same in any batch.

Here: the schedule (``simulate_batch``, ``every``, the offsets) and the steps on working stock.
The state the steps act on is ``state.BatchState``; the steps that concern only the reserve held
apart and agreement reserves (rotation, the agreement call, their deliveries, the reserve's
review) are in ``pool_steps``, the pools themselves in ``pools``.

Order of things within day t (the offsets are the SimPy times within the day):
  t+0.0  write-off: lots expiring on day t leave the stock
  t+0.1  deliveries: from the suppliers (to a city, or to the joint centre, which splits them
         at once - each city its own part, or by the allocation rule - and sends them on by
         road), the centre's carriage, transfers
  t+0.15 rotation (reserve.pools: separate, reserve.rotate_before_expiry_days N): reserve lots
         with N days or fewer left move to working stock
  t+0.2  demand: the day's demand is served first-expiry-first-out from working stock; with
         separate pools, what is left from the city's reserve when it is released; then, with
         ``substitutes`` (crisis practice), what is still left from each rule's substitute (its
         working stock, then its released reserve); the rest is lost
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
from stocksim.supply.inventory import Parcel, issue_pools, pools_on_hand, receive_deliveries
from stocksim.supply.pool_steps import agreement_arrivals, call_agreements, reserve_review, rotation
from stocksim.supply.procurement import (
    allocate,
    discount_rate,
    order_levels,
    order_quantity,
    pooled_order,
    review_days,
)
from stocksim.supply.records import BatchResult, Inputs
from stocksim.supply.reserve import TOL
from stocksim.supply.state import BatchState, Inbound, order_id
from stocksim.supply.transfers import Flows, Positions, route

WRITE_OFF = 0.0  # first: lots expiring today are gone before they can be used
DELIVERY = 0.1  # before demand: what arrives today can be used today
ROTATION = 0.15  # after deliveries, before demand: a lot rotated today is used first today
DEMAND = 0.2
CALL = 0.25  # after demand: a release by working stock falling short is known only then
REVIEW = 0.4  # after demand: the review sees the stock the day has left
TRANSFER = 0.5  # after demand: a city asks on the stock the day has left
DISPATCH = 0.6  # after the review: today's orders share today's capacity
RECORD = 0.8  # last: the closing stock, which the reserve check uses


# The steps of the day, in their order within the day (those of the reserve and agreements: pool_steps).


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
        if b.events.wants("expiry"):
            r, c, i = np.nonzero(expired)
            b.events.add("expiry", t, r, c, i, expired[expired > 0])


def deliveries(b: BatchState, t: int) -> None:
    """Supplier deliveries (the centre's allocated and sent on at once), agreement units called
    earlier, then the centre's carriage (which may have been sent today, to the lead city), then
    transfers.

    Parts of an order shipped on several days may take a hair more than was on order (rounding):
    what is on order and on the road is clamped at 0 after the day's last subtraction from it.
    Nothing else takes from them and what is added is never negative, so a day that takes nothing
    off needs no clamp (clamping is idempotent)."""
    a = b.agreements
    taken_off = (a is not None and t in a.inbound) or t in b.carriage_inbound.parcels  # they leave on order too
    taken_off |= supplier_deliveries(b, t)
    agreement_arrivals(b, t)
    carriage_arrivals(b, t)
    transfer_arrivals(b, t)
    if taken_off:
        np.maximum(b.on_order, 0.0, out=b.on_order)


def supplier_deliveries(b: BatchState, t: int) -> bool:
    """What the suppliers' shipments bring today, in one pass: to the locations, to the cities'
    reserves (into the reserve: ``reserve_received``, off its on order, clamped), and to the
    centre; returns whether anything arrived."""
    arrived = b.book.unload(t)
    today = b.daily.at(t)
    r = b.reserve
    pools = () if r is None else (r.stock, r.buyers, r.on_order, today.reserve_received)
    if not receive_deliveries(t, arrived, b.stock, b.on_order, today.received, *pools):
        return False  # nothing arrives today (the day's figures stay 0)
    to_centre = arrived[:, b.centre.buyer]
    if to_centre.any():
        allocate_at_centre(b, t, to_centre)
    return True


def allocate_at_centre(b: BatchState, t: int, quantity: np.ndarray) -> None:
    """The joint centre splits a delivery (R, I) among the cities and sends each city's part on
    by road: with ``combined`` ordering each city's part of the shipment (already on its order),
    with ``pooled`` by the ``allocation`` rule (on the city's order from now); it stays on the
    city's order until it arrives."""
    s, x, centre = b.s, b.x, b.centre
    n_c = b.n_c
    centre.on_order[:] = np.maximum(centre.on_order - quantity, 0.0)
    to = np.zeros(b.on_order.shape)
    if centre.parts is not None:
        to[:, :n_c] = centre.parts.arrive(t, quantity)
    else:
        rule, position = s.procurement.joint.allocation, b.city_position()
        daily, up_to = x.daily_max[:, :n_c], b.order_up_to[:, :n_c]
        to[:, :n_c] = allocate(rule, quantity, position, daily, up_to, centre.population)
        b.on_order += to
    parcel = b.stock.delivery_parcel(t, to)
    b.carriage_inbound.units += to
    b.daily.at(t).transport_cost[:] += to * centre.km[None, :, None] * s.transfers.cost_per_unit_km
    if b.events.wants("allocation"):
        r, c, i = np.nonzero(to)
        b.events.add("allocation", t, r, c, i, to[to > 0], counterpart=centre.label)
    for day in np.unique(centre.ship_days[:n_c]):
        cities = centre.ship_days == day
        b.carriage_inbound.add(
            t + int(day), parcel.scaled(np.broadcast_to(cities[None, :, None], to.shape).astype(float))
        )


def _arrive(b: BatchState, t: int, inbound: Inbound) -> np.ndarray | None:
    """Parcels of ``inbound`` due today go into stock; what expired on the way is written off.
    Returns the units that arrived (R, L, I), or None when nothing was due."""
    parcel = inbound.parcels.pop(t, None)
    if parcel is None:
        return None
    got, gone = b.stock.put(t, parcel)
    b.daily.at(t).expired[:] += gone
    inbound.units -= got
    np.maximum(inbound.units, 0.0, out=inbound.units)  # (rounding, as on order: see ``deliveries``)
    return got


def carriage_arrivals(b: BatchState, t: int) -> None:
    """The centre's carriage due today reaches the cities."""
    got = _arrive(b, t, b.carriage_inbound)
    if got is None:
        return
    b.daily.at(t).received[:] += got
    b.on_order -= got
    if b.events.wants("carriage"):
        r, c, i = np.nonzero(got)
        b.events.add("carriage", t, r, c, i, got[got > 0], counterpart=b.centre.label)


def transfer_arrivals(b: BatchState, t: int) -> None:
    """Transfers due today arrive."""
    got = _arrive(b, t, b.transfer_inbound)
    if got is not None:
        b.daily.at(t).transfer_in[:] = got


def demand(b: BatchState, t: int) -> None:
    """The day's demand is served first-expiry-first-out from working stock; with separate pools,
    what is left from the city's reserve if it is released (its response level is at least
    ``release.at_level``, or ``release.when_working_out``); with substitutes, what is still left
    from them (``substitute``); the rest is lost."""
    want = b.x.demand[:, t]
    today = b.daily.at(t)
    served = today.served
    r = b.reserve
    gate = None
    if r is None:
        b.stock.issue(want, out=served)
    else:  # both pools in one kernel, and where working stock left a city short (b.short)
        released = r.released(b.x.epidemic.level[:, t]) | r.when_working_out
        issue_pools(b.stock, r.stock, want, released, TOL, served, today.released, b.short)
        if b.substitutes is not None:  # where a substitute's reserve may serve
            gate = np.zeros(want.shape)
            gate[:, : b.n_c] = released[:, :, None]
    if b.substitutes is not None:
        served += substitute(b, t, want - served, gate)


def substitute(b: BatchState, t: int, left: np.ndarray, gate: np.ndarray | None) -> np.ndarray:
    """Crisis practice: what is ``left`` (R, L, I) of the day's demand after the items' own pools
    is served by their substitutes from the rules' levels on (``supply.substitution``); returns the
    units of each item covered, which count as served. What a substitute gives from its reserve is
    in its ``released``."""
    assert b.substitutes is not None
    reserve = None if b.reserve is None else b.reserve.stock
    got = b.substitutes.serve(left, b.x.epidemic.level[:, t], b.stock, reserve, gate)
    today = b.daily.at(t)
    today.served_by_substitute[:] = got.covered
    today.used_as_substitute[:] = got.used
    today.released[:] += got.from_reserve
    return got.covered


def new_levels(b: BatchState, t: int) -> None:
    """Working stock's [s, S] of today, on the burn rate (with ``basis: daily_max`` they do not change)."""
    if b.s.procurement.basis == "burn_rate":
        b.reorder_point, b.order_up_to = order_levels(b.s, b.basis_rate(t))


def independent_review(b: BatchState, t: int) -> None:
    """Each city orders for itself under the [s, S] rule (working stock), then for its reserve."""
    new_levels(b, t)
    reserve_review(b, t)
    n_c = b.n_c
    qty = order_quantity(b.city_position(), b.reorder_point[:, :n_c], b.order_up_to[:, :n_c])
    if qty.any():
        b.on_order[:, :n_c] += qty
        b.book.place(t, slice(0, n_c), qty, discount_rate(b.s, qty))
        if b.events.wants("order"):
            r, c, i = np.nonzero(qty)
            b.events.add("order", t, r, c, i, qty[r, c, i], order_id(t, c, i, b.n_buyers, b.n_i))


def joint_review(b: BatchState, t: int) -> None:
    """The centre orders working stock for the circle under its joint ordering policy: ``pooled``
    on the circle's pooled position, or ``combined``, the sum of the cities' own [s, S] orders
    (a city's position counts its part of the centre's orders: it is in its on order); each
    city orders for its own reserve."""
    new_levels(b, t)
    reserve_review(b, t)
    centre, n_c = b.centre, b.n_c
    position, s_low, s_high = b.city_position(), b.reorder_point[:, :n_c], b.order_up_to[:, :n_c]
    if centre.parts is None:
        qty = pooled_order(position, centre.on_order, s_low, s_high)
    else:
        by_city = order_quantity(position, s_low, s_high)
        qty = by_city.sum(axis=1)
    if qty.any():
        centre.on_order[:] += qty
        buyer = centre.buyer
        discount = discount_rate(b.s, qty)
        b.book.place(t, slice(buyer, buyer + 1), qty[:, None], discount[:, None])
        recorded = b.events.wants("order")
        if recorded:
            r, i = np.nonzero(qty)
            b.events.add("order", t, r, centre.label, i, qty[r, i], order_id(t, buyer, i, b.n_buyers, b.n_i))
        if centre.parts is not None:
            centre.parts.place(t, by_city, discount)
            b.on_order[:, :n_c] += by_city
            if recorded:
                r, c, i = np.nonzero(by_city)
                oid = order_id(t, buyer, i, b.n_buyers, b.n_i)
                b.events.add("order", t, r, c, i, by_city[r, c, i], oid, counterpart=centre.label)


def transfers(b: BatchState, t: int) -> None:
    """Cities short of stock ask; depots and donor cities ship first-expiry-first-out."""
    x, n_c = b.x, b.n_c
    allowed = shipping_allowed(b, t)
    if not b.s.transfers.enabled and not allowed[:, n_c:].any():
        return  # only depots give, and none may ship to any city today: nothing can move
    f = b.planner.plan(transfer_positions(b, t, allowed), t)
    if f is None:
        return
    parcel = take_transfers(b, f.sent)
    today = b.daily.at(t)
    today.transfer_out[:] = f.sent
    expiring, durable, moved, unit_km = route(f, parcel, b.planner.days[:, :n_c], x.km[:, :n_c])
    b.transfer_inbound.units[:, :n_c] += moved
    today.transport_cost[:, :n_c] += unit_km * b.s.transfers.cost_per_unit_km
    for days in range(len(durable)):
        if durable[days].any() or expiring[days].any():
            b.transfer_inbound.add(t + days, Parcel(expiring[days], durable[days]))
    if b.events.wants("transfer_out"):  # and its transfer_in: the modes keep both or neither
        record_transfers(b, t, f)


def take_transfers(b: BatchState, sent: np.ndarray) -> Parcel:
    """What the donors ship (R, L, I) leaves working stock first-expiry-first-out; with
    ``transfers.from_reserve``, what working stock lacks then leaves the reserve held apart."""
    if b.reserve is None or not b.s.transfers.from_reserve:
        return b.stock.take(sent)
    working = np.minimum(sent, b.stock.on_hand())
    parcel = b.stock.take(working)
    parcel.add(b.reserve.stock.take(np.maximum(sent - working, 0.0)))
    return parcel


def shipping_allowed(b: BatchState, t: int) -> np.ndarray:
    """Whether each location may ship to each city today (R, L, C, I): a city always (when cities
    give); a depot with separate pools (or its own ``release_at_level``) only while the city may
    release its reserve (its level, or ``release.when_working_out`` and short today)."""
    s, x = b.s, b.x
    n_r, n_i = b.short.shape[0], b.n_i
    allowed = np.ones((n_r, b.n_l, b.n_c, n_i), bool)
    for k, depot in enumerate(s.depots):
        if b.reserve is not None or depot.release_at_level is not None:
            level = LEVEL_NAMES.index(depot.release_at_level or s.reserve.release.at_level)
            by_level = (x.epidemic.level[:, t] >= level)[:, :, None]
            working_out = b.short if s.reserve.release.when_working_out else False
            allowed[:, b.n_c + k] = by_level | working_out
    return allowed


def transfer_positions(b: BatchState, t: int, allowed: np.ndarray) -> Positions:
    """What the transfer planner sees: a city asks on what it may use (working stock, and its
    reserve once released: by its level, or always with ``release.when_working_out``), its
    carriage and transfers on the road and the supplier deliveries due within
    ``request_up_to_days`` (with ``combined`` joint ordering also its part of the centre's
    shipments that reach it by then, carriage included), in days of its basis
    (``transfers.basis``: the burn rate, or the daily max); it gives from working stock (both
    pools with ``transfers.from_reserve``). A depot keeps ``keeps_days`` x the circle's daily max
    and, with separate pools (or its own ``release_at_level``), ships to a city only while that
    city may release its reserve."""
    s, x = b.s, b.x
    tr = s.transfers
    working = b.stock.on_hand()
    floor = np.zeros(working.shape)
    for k, depot in enumerate(s.depots):
        if depot.keeps_days is not None:
            floor[:, b.n_c + k] = depot.keeps_days * x.circle_daily_max
    window = int(np.ceil(tr.request_up_to_days))
    inbound = b.carriage_inbound.units + b.transfer_inbound.units + b.book.due_within(t, window)
    parts = None if b.centre.parts is None else b.centre.parts.due_within(t, window, b.centre.ship_days[: b.n_c])
    if parts is not None:  # combined joint ordering: a city's part of the centre's shipments is coming to it
        inbound[:, : b.n_c] += parts
    if b.reserve is None:
        on_hand = working
    else:  # a city counts its reserve only once it may draw on it: a locked reserve does not feed it
        may_use = np.zeros(working.shape, bool)
        may_use[:, : b.n_c] = b.reserve.released(x.epidemic.level[:, t])[:, :, None] | b.reserve.when_working_out
        on_hand = working + np.where(may_use, b.reserve.stock.on_hand(), 0.0)
    givable = working + b.reserve.stock.on_hand() if b.reserve is not None and tr.from_reserve else working
    if tr.basis == "burn_rate":
        basis = b.burn[t]
    else:
        basis = x.daily_max
    return Positions(on_hand, inbound, basis, givable, floor, allowed)


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
    booked to the cities: with ``combined`` ordering each city pays for its part of the
    shipments, with ``pooled`` by its share of the daily max."""
    n_c, centre = b.n_c, b.centre
    recorded = b.events.wants("delivery")
    today = b.daily.at(t)
    # The book adds what the locations pay (a city's reserve's orders to the city) to the purchase cost.
    shipped = b.book.ship(t, keep=recorded or centre.parts is not None, cost=today.purchase_cost)
    spend = shipped.spend
    if centre.parts is None:
        if spend[:, centre.buyer].any():  # (nothing to share out on most days, and never when cities buy alone)
            today.purchase_cost[:, :n_c] += spend[:, centre.buyer, None, :] * centre.share
    else:  # the parts are always kept with combined ordering
        n_r, n_s = spend.shape[0], shipped.due.shape[1]
        to_centre = shipped.to_buyer(centre.buyer, n_r, n_s, b.n_i), shipped.due[..., centre.buyer, :]
        today.purchase_cost[:, :n_c] += centre.parts.ship(shipped.days, *to_centre, spend[:, centre.buyer])
    if recorded:  # shipments still travelling at the end show as on_order
        b.events.shipments(t, shipped, b.delivered_at, b.n_i, b.s.horizon_days)


def record(b: BatchState, t: int) -> None:
    """The end-of-day state; without a daily table, the day is folded into the totals."""
    today = b.daily.at(t)
    today.on_order[:] = b.on_order
    x = b.x
    r = b.reserve
    if r is None:
        today.on_hand[:] = b.stock.on_hand()
    else:  # a depot is provincial reserve: all its stock counts as reserve
        pools_on_hand(b.stock, r.stock, b.n_c, today.on_hand, today.reserve_on_hand)
        today.on_order[:, : b.n_c] += r.on_order
    if b.agreements is not None and b.agreements.any_uncalled:  # (else zeros, as the record starts)
        today.agreements_available[:, : b.n_c] = b.agreements.uncalled
    today.burn_rate[:] = b.burn[t]
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
