"""The steps of the day that act on the reserve held apart and on agreement reserves (see
``pools``): agreement arrivals (with the deliveries, t+0.1), rotation (t+0.15), the agreement
call (t+0.25) and the reserve's review (with the review, t+0.4). The suppliers' deliveries into
the reserve are booked with working stock's, in one pass (``day.supplier_deliveries``). The
offsets and the order of the day are in ``day``."""

from __future__ import annotations

import numpy as np

from stocksim.supply.procurement import discount_rate, order_quantity
from stocksim.supply.state import BatchState, order_id


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
    if b.events.wants("delivery"):
        r, c, i = np.nonzero(got)
        b.events.add("delivery", t, r, c, i, got[r, c, i], dispatched=t - a.call_days[c, i])


def rotation(b: BatchState, t: int) -> None:
    """Reserve lots with ``rotate_before_expiry_days`` or fewer days left move to working stock,
    which issues them first (FEFO); the reserve's next review orders them back."""
    assert b.reserve is not None and b.reserve.rotate_days is not None
    b.daily.at(t).rotated[:] = b.reserve.stock.rotate_into(b.stock, t + b.reserve.rotate_days)


def call_agreements(b: BatchState, t: int) -> None:
    """A city whose reserve is released today - its response level at or above
    ``release.at_level``, or (``release.when_working_out``) working stock short of the day's
    demand of the item - calls all of the item's uncalled agreement units, once. They are on
    order from now (paid at the normal unit cost) and arrive ``call_days`` later."""
    a, r, n_c = b.agreements, b.reserve, b.n_c
    assert a is not None and r is not None
    if not a.any_uncalled:
        return
    released = r.released(b.x.epidemic.level[:, t])[:, :, None] | (r.when_working_out & b.short)
    if not released.any():
        return
    called = np.where(released, a.uncalled, 0.0)
    if not called.any():
        return
    a.uncalled -= called
    a.any_uncalled = bool(a.uncalled.any())
    b.on_order[:, :n_c] += called
    b.daily.at(t).purchase_cost[:, :n_c] += called * b.x.params.item_cost[:, None, :]
    for days in np.unique(a.call_days[called.any(axis=0)]).tolist():
        arriving = np.zeros(b.on_order.shape)
        arriving[:, :n_c] = called * (a.call_days == days)
        if t + days in a.inbound:
            a.inbound[t + days] += arriving
        else:
            a.inbound[t + days] = arriving
    if b.events.wants("agreement_call"):
        rr, c, i = np.nonzero(called)
        b.events.add("agreement_call", t, rr, c, i, called[rr, c, i], due=t + a.call_days[c, i])


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
        if b.events.wants("order"):
            rr, c, i = np.nonzero(qty)
            b.events.add("order", t, rr, c, i, qty[rr, c, i], order_id(t, r.buyers.start + c, i, b.n_buyers, b.n_i))
