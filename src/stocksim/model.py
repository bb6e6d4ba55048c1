"""The SimPy wiring of a batch of replications: who acts when, and nothing else.

One SimPy clock drives a batch of replications whose state is held in arrays shaped
(replications, cities, items). The replications do not interact: each draws from its own
streams, so its numbers are the same in any batch.

Order of things within day t (the offsets are the SimPy times within the day):
  t+0.0  lots expiring on day t are written off
  t+0.1  shipments due on day t arrive and become lots
  t+0.2  the day's demand is served first-expiry-first-out; what cannot be served is lost
  t+0.4  on review days, each city reviews its position and orders
  t+0.6  suppliers ship from the day's capacity, oldest orders first
  t+0.8  the end-of-day state is recorded (the reserve check uses this closing stock)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import simpy

from stocksim.config import Scenario
from stocksim.inventory import Stock
from stocksim.params import BatchParams
from stocksim.procurement import SupplierBook, order_quantity
from stocksim.seir import EpidemicBatch

EXPIRY, DELIVERY, DEMAND, REVIEW, DISPATCH, RECORD = 0.0, 0.1, 0.2, 0.4, 0.6, 0.8

EVENT_KINDS = ("order", "delivery", "expiry", "response_level")
DAILY_FIELDS = ("served", "on_hand", "on_order", "received", "expired", "purchase_cost")


@dataclass
class BatchResult:
    """Daily figures (R, H, C, I) per field, the opening stock, and the event records."""

    replications: np.ndarray
    demand: np.ndarray
    initial: np.ndarray
    daily: dict[str, np.ndarray]
    required: np.ndarray  # (R, H, C, I)
    daily_max: np.ndarray  # (R, C, I)
    circle_required: np.ndarray  # (R, H, I)
    circle_daily_max: np.ndarray  # (R, I)
    epidemic: EpidemicBatch
    events: dict[str, np.ndarray] = field(default_factory=dict)


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
    )

    def __init__(self) -> None:
        self._chunks: list[tuple[np.ndarray, ...]] = []

    def add(self, kind: str, time, r, c, i, qty, order_id=-1, supplier=-1, dispatched=-1) -> None:
        """Record events; ``r, c, i, qty`` are arrays, the others arrays or scalars."""
        n = len(r)
        if n:
            cols = (r, time, EVENT_KINDS.index(kind), c, i, qty, order_id, supplier, dispatched)
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


def _every(env: simpy.Environment, first: float, step: int, action: Callable[[int], None]):
    """A process that calls ``action(day)`` at time ``first``, ``first + step``, ..."""
    yield env.timeout(first)
    while True:
        action(int(env.now))
        yield env.timeout(step)


def simulate_batch(
    s: Scenario,
    p: BatchParams,
    demand: np.ndarray,
    lead_times: np.ndarray,
    daily_max: np.ndarray,
    circle_daily_max: np.ndarray,
    epidemic: EpidemicBatch,
    required: np.ndarray,
    circle_required: np.ndarray,
) -> BatchResult:
    """Run one batch; ``demand`` (R, H, C, I) and ``lead_times`` (R, S, H, C, I) are drawn already,
    and so is the epidemic (it does not depend on stock)."""
    n_r, horizon = p.size, s.horizon_days
    n_c, n_i = len(s.cities), len(s.items)
    shape = (n_r, n_c, n_i)
    stock = Stock(s, n_r)
    book = SupplierBook(s, p)
    events = _Events()
    on_order = np.zeros(shape)
    arrivals = np.zeros((horizon + 1,) + shape)  # index horizon collects arrivals after the end
    record = {k: np.zeros((n_r, horizon, n_c, n_i)) for k in DAILY_FIELDS}
    initial = stock.on_hand()
    for r, day, c, code in epidemic.level_changes:
        events.add("response_level", day, r, c, np.full(len(r), -1), code.astype(float))
    reorder_point = s.procurement.reorder_point_days * daily_max
    order_up_to = s.procurement.order_up_to_days * daily_max
    env = simpy.Environment()

    def write_off(t: int) -> None:
        expired = stock.write_off(t)
        if expired is not None:
            record["expired"][:, t] = expired
            events.add("expiry", t, *np.nonzero(expired), expired[expired > 0])

    def deliver(t: int) -> None:
        received = arrivals[t]
        stock.receive(t, received)
        on_order[:] -= received
        np.maximum(on_order, 0.0, out=on_order)  # parts of an order shipped on several days: rounding
        record["received"][:, t] = received

    def consume(t: int) -> None:
        record["served"][:, t] = stock.issue(demand[:, t])

    def review(t: int) -> None:
        qty = order_quantity(stock.on_hand() + on_order, reorder_point, order_up_to)
        if not qty.any():
            return
        on_order[:] += qty
        cohort = book.place(t, qty)
        parts = book.open[..., cohort]  # (R, S, C, I)
        r, sup, c, i = np.nonzero(parts)
        events.add("order", t, r, c, i, parts[r, sup, c, i], (cohort * n_c + c) * n_i + i, sup)

    def dispatch(t: int) -> None:
        shipped, first = book.ship(t)
        if not shipped.size or not shipped.any():
            return
        price = book.price[:, :, first : first + shipped.shape[-1]]  # (R, S, W)
        unit = p.supplier_cost[:, :, None, :, None] * price[:, :, None, None, :]
        record["purchase_cost"][:, t] = (shipped * unit).sum(axis=(1, 4))
        lead = np.maximum(1, np.rint(lead_times[:, :, t] * p.lead_time_factor[:, :, t, None, None]))
        due = np.minimum(t + lead.astype(int), horizon)  # (R, S, C, I)
        r, sup, c, i, w = np.nonzero(shipped)
        qty = shipped[r, sup, c, i, w]
        order_id = ((first + w) * n_c + c) * n_i + i
        when = due[r, sup, c, i]
        np.add.at(arrivals, (when, r, c, i), qty)
        inside = when < horizon  # shipments still travelling at the end show as on_order
        cols = (when, r, c, i, qty, order_id, sup)
        events.add("delivery", *(x[inside] for x in cols), dispatched=t)

    def end_of_day(t: int) -> None:
        record["on_hand"][:, t] = stock.on_hand()
        record["on_order"][:, t] = on_order

    env.process(_every(env, EXPIRY, 1, write_off))
    env.process(_every(env, DELIVERY, 1, deliver))
    env.process(_every(env, DEMAND, 1, consume))
    if s.procurement.mode != "none" and len(book.order_days):
        env.process(_every(env, book.order_days[0] + REVIEW, s.procurement.review_every_days, review))
        env.process(_every(env, DISPATCH, 1, dispatch))
    env.process(_every(env, RECORD, 1, end_of_day))
    env.run(until=horizon)

    return BatchResult(
        replications=p.replications,
        demand=demand,
        initial=initial,
        daily=record,
        required=required,
        daily_max=daily_max,
        circle_required=circle_required,
        circle_daily_max=circle_daily_max,
        epidemic=epidemic,
        events=events.arrays(p.replications),
    )
