"""The SimPy wiring of a batch of replications: who acts when, and nothing else.

One SimPy clock drives a batch of replications whose state is held in arrays shaped
(replications, locations, items); the locations are the cities, then the depots. The
replications do not interact: each draws from its own streams, so its numbers are the same in
any batch.

Order of things within day t (the offsets are the SimPy times within the day):
  t+0.0  lots expiring on day t are written off
  t+0.1  shipments due on day t arrive: supplier deliveries (to a city, or to the joint centre,
         which allocates them at once), carriage from the centre, transfers
  t+0.2  the day's demand is served first-expiry-first-out; what cannot be served is lost
  t+0.4  on review days, each city (or the joint centre) reviews its position and orders
  t+0.5  cities short of stock ask for transfers; depots and donor cities ship
  t+0.6  suppliers ship from the day's capacity, oldest orders first
  t+0.8  the end-of-day state is recorded (the reserve check uses this closing stock)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import simpy

from stocksim.draws.params import BatchParams
from stocksim.epidemic.outcome import EpidemicBatch
from stocksim.scenario.schema import Scenario
from stocksim.supply.inventory import Parcel, Stock
from stocksim.supply.procurement import SupplierBook, allocate, discount_rate, order_quantity, review_days
from stocksim.supply.tally import SUMMED, DayTotals
from stocksim.supply.transfers import TransferPlanner, route, travel_days

EXPIRY, DELIVERY, DEMAND, REVIEW, TRANSFER, DISPATCH, RECORD = 0.0, 0.1, 0.2, 0.4, 0.5, 0.6, 0.8

EVENT_KINDS = (
    "order",
    "delivery",
    "allocation",
    "carriage",
    "transfer_out",
    "transfer_in",
    "expiry",
    "response_level",
)
DAILY_FIELDS = (
    "served",
    "on_hand",
    "on_order",
    "received",
    "transfer_in",
    "transfer_out",
    "expired",
    "purchase_cost",
    "transport_cost",
)


@dataclass
class BatchResult:
    """Daily figures (R, H, L, I) per field over the locations (cities, then depots), the opening
    stock, the reserve figures, the epidemic and the event records."""

    replications: np.ndarray
    demand: np.ndarray
    initial: np.ndarray
    daily: dict[str, np.ndarray]
    required: np.ndarray  # (R, H, L, I)
    daily_max: np.ndarray  # (R, L, I)
    circle_required: np.ndarray  # (R, H, I)
    circle_daily_max: np.ndarray  # (R, I)
    epidemic: EpidemicBatch
    item_cost: np.ndarray  # (R, I) CNY per unit, to value write-offs
    events: dict[str, np.ndarray] = field(default_factory=dict)
    totals: DayTotals | None = None  # when the days were folded in as they went (no daily table)


class _Events:
    """Flat event records gathered as arrays and joined once at the end."""

    COLUMNS = (
        "replication",
        "time",
        "kind",
        "city",
        "item",
        "quantity",
        "order_id",
        "supplier",
        "dispatched",
        "counterpart",
    )

    def __init__(self) -> None:
        self._chunks: list[tuple[np.ndarray, ...]] = []

    def add(self, kind: str, time, r, c, i, qty, order_id=-1, supplier=-1, dispatched=-1, counterpart=-1) -> None:
        """Record events; ``r, c, i, qty`` are arrays, the others arrays or scalars. Locations
        are indices into the scenario's locations; the joint centre is ``len(locations)``."""
        n = len(r)
        if n:
            cols = (r, time, EVENT_KINDS.index(kind), c, i, qty, order_id, supplier, dispatched, counterpart)
            self._chunks.append(tuple(x if np.ndim(x) else np.full(n, x) for x in cols))

    def arrays(self, replications: np.ndarray) -> dict[str, np.ndarray]:
        cols = []
        for k, name in enumerate(self.COLUMNS):
            dtype = float if name == "quantity" else np.int64
            parts = [ch[k] for ch in self._chunks]
            cols.append(np.concatenate(parts).astype(dtype, copy=False) if parts else np.array([], dtype=dtype))
        out = dict(zip(self.COLUMNS, cols, strict=True))
        out["replication"] = replications[out["replication"]]
        key = (out["replication"] * (out["time"].max(initial=0) + 1) + out["time"]) * len(EVENT_KINDS) + out["kind"]
        order = np.argsort(key, kind="stable")
        return {k: v[order] for k, v in out.items()}


def _every(env: simpy.Environment, first: float, step: int, until: int, action: Callable[[int], None]):
    """A process that calls ``action(day)`` at time ``first``, ``first + step``, ... before ``until``.
    It ends by itself, so nothing is left scheduled (and nothing kept alive) after the run."""
    yield env.timeout(first)
    while True:
        action(int(env.now))
        if env.now + step >= until:
            return
        yield env.timeout(step)


@dataclass
class Inputs:
    """What a batch needs besides the scenario, drawn or computed before it runs. Arrays over
    locations (cities, then depots) have zeros for the depots."""

    params: BatchParams
    demand: np.ndarray  # (R, H, L, I)
    lead_times: np.ndarray  # (H, R, S, C, I)
    daily_max: np.ndarray  # (R, L, I)
    circle_daily_max: np.ndarray  # (R, I)
    required: np.ndarray  # (R, H, L, I)
    circle_required: np.ndarray  # (R, H, I)
    epidemic: EpidemicBatch
    km: np.ndarray  # (L, L) road km between locations
    record_events: bool = True  # orders, deliveries, allocations and transfers (expiry and levels always)
    keep_days: bool = True  # the daily figures of every day; else each day is folded into totals


def _order_id(day, buyer, item, n_buyers: int, n_items: int):
    return (day * n_buyers + buyer) * n_items + item


def simulate_batch(s: Scenario, x: Inputs) -> BatchResult:
    """Run one batch of replications through the horizon."""
    p = x.params
    n_r, horizon = p.size, s.horizon_days
    n_c, n_l, n_i = len(s.cities), len(s.location_ids), len(s.items)
    shape = (n_r, n_l, n_i)
    stock = Stock(s, n_r)
    at_centre = n_l  # how events name the centre: after the locations
    n_buyers = n_l + 2
    events = _Events()
    planner = TransferPlanner(s, x.km)
    on_order = np.zeros(shape)  # supplier orders open or travelling, and carriage from the centre
    carriage_inbound = np.zeros(shape)
    transfer_inbound = np.zeros(shape)
    centre_on_order = np.zeros((n_r, n_i))
    carriage: dict[int, Parcel] = {}
    transfers: dict[int, Parcel] = {}
    # Daily figures: every day kept, or one day at a time folded into per-replication totals.
    record = {k: np.zeros((n_r, horizon if x.keep_days else 1, n_l, n_i)) for k in DAILY_FIELDS}
    totals = None if x.keep_days else DayTotals(n_r, n_l, n_i)
    initial = stock.on_hand()
    reorder_point = s.procurement.reorder_point_days * x.daily_max
    order_up_to = s.procurement.order_up_to_days * x.daily_max
    lead = s.location_ids.index(s.lead_city)
    ship_days = travel_days(s, x.km)[lead]
    cost_km = s.transfers.cost_per_unit_km
    population = np.array([c.population for c in s.cities], float)
    share_of_spend = x.daily_max[:, :n_c] / np.maximum(x.daily_max[:, :n_c].sum(axis=1, keepdims=True), 1e-300)
    city_of_buyer = np.array([*range(n_c), *[s.city_ids.index(d.city) for d in s.depots], lead, lead])
    book = SupplierBook(s, p, n_l, x.lead_times, city_of_buyer)
    centre = book.centre
    for r, day, c, code in x.epidemic.level_changes:
        events.add("response_level", day, r, c, np.full(len(r), -1), code.astype(float))
    env = simpy.Environment()

    def at(t: int) -> int:
        return t if x.keep_days else 0

    def add_parcel(pending: dict[int, Parcel], day: int, parcel: Parcel) -> None:
        if day in pending:
            pending[day].expiring += parcel.expiring
            pending[day].durable += parcel.durable
        else:
            pending[day] = parcel

    def write_off(t: int) -> None:
        expired = stock.write_off(t)
        if expired is not None:
            record["expired"][:, at(t)] = expired
            events.add("expiry", t, *np.nonzero(expired), expired[expired > 0])

    def deliver(t: int) -> None:
        arrived = book.unload(t)
        received = arrived[:, :n_l]
        stock.receive(t, received)
        on_order[:] -= received
        record["received"][:, at(t)] = received
        if arrived[:, centre].any():
            allocate_delivery(t, arrived[:, centre])
        if t in carriage:
            got, gone = stock.put(t, carriage.pop(t))
            record["expired"][:, at(t)] += gone
            record["received"][:, at(t)] += got
            on_order[:] -= got
            carriage_inbound[:] -= got
            if x.record_events:
                events.add("carriage", t, *np.nonzero(got), got[got > 0], counterpart=at_centre)
        if t in transfers:
            got, gone = stock.put(t, transfers.pop(t))
            record["expired"][:, at(t)] += gone
            record["transfer_in"][:, at(t)] = got
            transfer_inbound[:] -= got
        np.maximum(on_order, 0.0, out=on_order)  # parts of an order shipped on several days: rounding
        np.maximum(carriage_inbound, 0.0, out=carriage_inbound)
        np.maximum(transfer_inbound, 0.0, out=transfer_inbound)

    def allocate_delivery(t: int, quantity: np.ndarray) -> None:
        """The joint centre splits a delivery among the cities and sends it on by road."""
        centre_on_order[:] = np.maximum(centre_on_order - quantity, 0.0)
        position = (stock.on_hand() + on_order)[:, :n_c]
        split = allocate(
            s.procurement.joint.allocation,
            quantity,
            position,
            x.daily_max[:, :n_c],
            order_up_to[:, :n_c],
            population,
        )
        to = np.zeros(shape)
        to[:, :n_c] = split
        parcel = stock.delivery_parcel(t, to)
        on_order[:] += to
        carriage_inbound[:] += to
        record["transport_cost"][:, at(t)] += to * x.km[lead][None, :, None] * cost_km
        if x.record_events:
            events.add("allocation", t, *np.nonzero(to), to[to > 0], counterpart=at_centre)
        for day in np.unique(ship_days[:n_c]):
            cities = ship_days == day
            add_parcel(
                carriage, t + int(day), parcel.scaled(np.broadcast_to(cities[None, :, None], shape).astype(float))
            )

    def consume(t: int) -> None:
        record["served"][:, at(t)] = stock.issue(x.demand[:, t])

    def review(t: int) -> None:
        discount_of = lambda q: discount_rate(s, q)  # noqa: E731
        position = (stock.on_hand() + on_order)[:, :n_c]
        if s.procurement.mode == "joint":
            if s.procurement.joint.ordering == "pooled":
                pooled = position.sum(axis=1) + centre_on_order
                qty = order_quantity(pooled, reorder_point[:, :n_c].sum(axis=1), order_up_to[:, :n_c].sum(axis=1))
            else:  # combined: the cities' own orders, bought as one
                # A city's share of what the centre has on order counts towards its position.
                pending = centre_on_order[:, None, :] * share_of_spend
                qty = order_quantity(position + pending, reorder_point[:, :n_c], order_up_to[:, :n_c]).sum(axis=1)
            if qty.any():
                centre_on_order[:] += qty
                book.place(t, slice(centre, centre + 1), qty[:, None], discount_of(qty)[:, None])
                r, i = np.nonzero(qty)
                events.add("order", t, r, at_centre, i, qty[r, i], _order_id(t, centre, i, n_buyers, n_i))
            return
        qty = order_quantity(position, reorder_point[:, :n_c], order_up_to[:, :n_c])
        if qty.any():
            on_order[:, :n_c] += qty
            book.place(t, slice(0, n_c), qty, discount_of(qty))
            r, c, i = np.nonzero(qty)
            events.add("order", t, r, c, i, qty[r, c, i], _order_id(t, c, i, n_buyers, n_i))

    def transfer(t: int) -> None:
        f = planner.plan(stock.on_hand(), carriage_inbound + transfer_inbound, x.daily_max)
        if f is None:
            return
        parcel = stock.take(f.sent)
        record["transfer_out"][:, at(t)] = f.sent
        shipment = (f.r, f.donor, f.city, f.item, f.quantity, f.sent)
        expiring, durable, moved, unit_km = route(
            *shipment, parcel.expiring, parcel.durable, planner.days[:, :n_c], x.km[:, :n_c], n_c
        )
        transfer_inbound[:, :n_c] += moved
        record["transport_cost"][:, at(t), :n_c] += unit_km * cost_km
        for days in range(len(durable)):
            if durable[days].any() or expiring[days].any():
                add_parcel(transfers, t + days, Parcel(expiring[days], durable[days]))
        if x.record_events:
            order = np.lexsort((f.item, f.city, f.donor, f.r))
            r, d, c, i, qty = (a[order] for a in (f.r, f.donor, f.city, f.item, f.quantity))
            tid = _order_id(t, d * n_l + c, i, n_l * n_l, n_i)
            arrive = t + planner.days[d, c]
            events.add("transfer_out", t, r, d, i, qty, tid, counterpart=c)
            inside = arrive < horizon
            events.add(
                "transfer_in",
                arrive[inside],
                r[inside],
                c[inside],
                i[inside],
                qty[inside],
                tid[inside],
                counterpart=d[inside],
            )

    def dispatch(t: int) -> None:
        shipped, days, spend, due = book.ship(t, keep=x.record_events)
        record["purchase_cost"][:, at(t)] += spend[:, :n_l]
        record["purchase_cost"][:, at(t), :n_c] += spend[:, centre, None, :] * share_of_spend
        if x.record_events and len(days):
            w, r, sup, b, i = np.nonzero(shipped)
            when = due[r, sup, b, i]
            inside = when < horizon  # shipments still travelling at the end show as on_order
            where = np.where(b == centre, at_centre, b)
            cols = (when, r, where, i, shipped[w, r, sup, b, i], _order_id(days[w], b, i, n_buyers, n_i), sup)
            events.add("delivery", *(col[inside] for col in cols), dispatched=t)

    def end_of_day(t: int) -> None:
        record["on_hand"][:, at(t)] = stock.on_hand()
        record["on_order"][:, at(t)] = on_order
        if totals is not None:
            flows = tuple(record[k][:, 0] for k in SUMMED)
            totals.fold(t, x.demand[:, t], flows, record["on_hand"][:, 0], x.required[:, t], x.circle_required[:, t])
            for v in record.values():
                v[:] = 0.0

    env.process(_every(env, EXPIRY, 1, horizon, write_off))
    env.process(_every(env, DELIVERY, 1, horizon, deliver))
    env.process(_every(env, DEMAND, 1, horizon, consume))
    if s.procurement.mode != "none" and len(review_days(s)):
        env.process(_every(env, review_days(s)[0] + REVIEW, s.procurement.review_every_days, horizon, review))
        env.process(_every(env, DISPATCH, 1, horizon, dispatch))
    if planner.active:
        env.process(_every(env, TRANSFER, 1, horizon, transfer))
    env.process(_every(env, RECORD, 1, horizon, end_of_day))
    env.run()

    return BatchResult(
        replications=p.replications,
        demand=x.demand,
        initial=initial,
        daily=record if x.keep_days else {},
        totals=totals,
        required=x.required,
        daily_max=x.daily_max,
        circle_required=x.circle_required,
        circle_daily_max=x.circle_daily_max,
        epidemic=x.epidemic,
        item_cost=p.item_cost,
        events=events.arrays(p.replications),
    )
