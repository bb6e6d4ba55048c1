"""Lots, first-expiry-first-out issue and write-off on the right day."""

from __future__ import annotations

import numpy as np
from conftest import base_dict, check_invariants, series, simulate


def _city(**kw) -> dict:
    return {**base_dict()["cities"][0], **kw}


def test_lot_is_usable_through_the_day_before_expiry_and_written_off_at_its_start():
    # 20 units expiring on day 3, demand 4 a day: days 0-2 use 12, day 3 opens by writing off 8.
    city = _city(stock={}, lots=[{"item": "x", "quantity": 20, "expires_day": 3}], health_workers=40)
    r = simulate(base_dict(cities=[city], horizon_days=6))
    np.testing.assert_allclose(series(r, "expired"), [0, 0, 0, 8, 0, 0])
    np.testing.assert_allclose(series(r, "served"), [4, 4, 4, 0, 0, 0])
    np.testing.assert_allclose(series(r, "on_hand"), [16, 12, 8, 0, 0, 0])
    ev = r.events[r.events["kind"] == "expiry"]
    assert list(ev["time"]) == [3] and list(ev["quantity"]) == [8.0]
    check_invariants(r)


def test_first_expiry_first_out_across_lots():
    # Listed out of order on purpose: B expires first (day 4) and must be issued first.
    lots = [
        {"item": "x", "quantity": 10, "expires_day": 8},  # A
        {"item": "x", "quantity": 10, "expires_day": 4},  # B
        {"item": "x", "quantity": 5, "expires_day": 6},  # C
    ]
    city = _city(stock={"x": 7}, lots=lots, health_workers=30)  # 7 units that never expire
    r = simulate(base_dict(cities=[city], horizon_days=12))
    # Demand 3/day. Days 0-2 take 9 from B; day 3 takes B's last 1 and 2 from C; day 4 writes off
    # nothing (B is empty) and day 4 takes C's last 3; days 5-7 take 9 of A; day 8 writes off A's 1.
    np.testing.assert_allclose(series(r, "expired"), [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0])
    np.testing.assert_allclose(series(r, "on_hand"), [29, 26, 23, 20, 17, 14, 11, 8, 4, 1, 0, 0])
    np.testing.assert_allclose(series(r, "unmet"), [0] * 10 + [2, 3])
    check_invariants(r)


def test_fefo_writes_off_the_right_amount_when_an_old_lot_is_not_used_up():
    lots = [{"item": "x", "quantity": 100, "expires_day": 5}]
    city = _city(stock={"x": 50}, lots=lots, health_workers=100)  # demand 10/day
    r = simulate(base_dict(cities=[city], horizon_days=10))
    # Days 0-4 draw 50 from the expiring lot (FEFO), leaving 50 of it to be written off on day 5.
    np.testing.assert_allclose(series(r, "expired")[5], 50)
    np.testing.assert_allclose(series(r, "on_hand"), [140, 130, 120, 110, 100, 40, 30, 20, 10, 0])


def test_delivered_lots_expire_shelf_life_days_after_arrival():
    # Shelf life 6 days; one order of 30 on day 0 arrives on day 2 and expires on day 8.
    d = base_dict(
        horizon_days=12,
        items=[{"id": "x", "name": "X", "shelf_life_days": 6, "unit_cost_cny": 1.0}],
        cities=[_city(stock={}, lots=[{"item": "x", "quantity": 2, "expires_day": 1}], health_workers=10)],
        reserve={"daily_max": "declared", "declared": {"a": {"x": 1}}},
        suppliers=[{"id": "s", "lead_time_days": 2, "capacity_per_day": {"x": 1000}}],
        procurement={
            "mode": "independent",
            "review_every_days": 100,
            "reorder_point_days": 5,
            "order_up_to_days": 31,
        },
    )
    r = simulate(d)
    np.testing.assert_allclose(series(r, "received"), [0, 0, 30] + [0] * 9)
    # Day 0 uses 1 of the initial 2; day 1 writes off 1; days 2-7 use 6 of the delivery; day 8 writes off 24.
    np.testing.assert_allclose(series(r, "expired"), [0, 1, 0, 0, 0, 0, 0, 0, 24, 0, 0, 0])
    check_invariants(r)


def test_rotation_moves_every_lot_in_its_window_also_after_a_bucket_was_emptied():
    """A rotation passes over buckets nothing has been put in since they were last emptied; a lot
    delivered into a bucket an earlier rotation emptied is still moved by the next one."""
    from conftest import loaded

    from stocksim.supply.inventory import Stock

    d = base_dict(
        horizon_days=20,
        items=[{"id": "x", "name": "X", "shelf_life_days": 5, "unit_cost_cny": 1.0}],
        reserve={"pools": "separate", "rotate_before_expiry_days": 10},
    )
    d["cities"][0]["reserve_lots"] = [{"item": "x", "quantity": 6, "expires_day": 4}]
    s = loaded(d).scenario
    reserve, working = Stock(s, 1, "reserve"), Stock(s, 1, "working")
    assert reserve.rotate_into(working, 0 + 10)[0, 0, 0] == 6  # the opening lot (expires day 4)
    assert reserve.rotate_into(working, 1 + 10)[0, 0, 0] == 0  # nothing left in the window
    reserve.receive(2, np.array([[[7.0]]]))  # expires on day 7, inside the window already rotated
    assert reserve.rotate_into(working, 2 + 10)[0, 0, 0] == 7
    reserve.receive(3, np.array([[[4.0]]]))  # expires on day 8
    assert reserve.rotate_into(working, 3 + 10)[0, 0, 0] == 4
    assert reserve.on_hand()[0, 0, 0] == 0 and working.on_hand()[0, 0, 0] == 6 + 7 + 4 + 100
    # Working stock keeps each lot's expiry day: 6 go on day 4, 7 on day 7, 4 on day 8.
    assert [float(working.write_off(day)[0, 0, 0]) for day in (4, 7, 8)] == [6.0, 7.0, 4.0]
