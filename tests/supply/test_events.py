"""The event log: what each ``--events`` mode keeps, and deliveries as one row per order, supplier
and day of arrival with the shipped total."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import DEFAULT, ROOT, base_dict, check_invariants, loaded, simulate

from stocksim.experiment.run import run
from stocksim.scenario import load_scenario
from stocksim.supply.events import COLUMNS, EVENT_KINDS, EVENT_MODES, Events, stable_order
from stocksim.supply.suppliers import Shipped


@pytest.fixture(scope="module")
def busy() -> dict[str, object]:
    """The default scenario made to produce every kind of event in 120 days: joint pooled
    procurement (orders, deliveries to the centre, allocations, carriage), busy mutual aid
    (transfers), no rotation (write-offs), the outbreak (levels, agreement calls); 2
    replications in each mode."""
    d = load_scenario(DEFAULT).scenario.model_dump(mode="json")
    d["transfers"].update(
        enabled=True,
        basis="daily_max",
        request_below_days=34,
        request_up_to_days=36,
        donor_keeps_days=40,
        from_reserve=True,
    )
    d["procurement"]["mode"] = "joint"
    d["reserve"]["rotate_before_expiry_days"] = None
    d["horizon_days"] = 120
    ls = loaded(d, base_dir=ROOT / "configs")
    return {mode: run(ls, replications=2, events=mode) for mode in EVENT_MODES}


def _counts(events: pd.DataFrame) -> dict[str, int]:
    kinds = events["kind"].astype(str)
    return {k: int((kinds == k).sum()) for k in EVENT_KINDS}


def test_the_full_log_of_the_busy_case_has_every_kind(busy):
    assert all(n > 0 for n in _counts(busy["full"].events).values()), _counts(busy["full"].events)


@pytest.mark.parametrize(
    ("mode", "kept"),
    [
        ("full", set(EVENT_KINDS)),
        ("orders", {"order", "agreement_call", "expiry", "response_level"}),
        ("levels", {"response_level"}),
        ("none", set()),
    ],
)
def test_each_event_mode_keeps_exactly_the_kinds_it_names(busy, mode, kept):
    full, r = busy["full"], busy[mode]
    counts, everything = _counts(r.events), _counts(full.events)
    assert counts == {k: everything[k] if k in kept else 0 for k in EVENT_KINDS}
    # The rows kept are the full log's rows of those kinds, in the same order.
    same = full.events[full.events["kind"].astype(str).isin(kept)].reset_index(drop=True)
    pd.testing.assert_frame_equal(r.events.reset_index(drop=True), same)
    assert list(r.events.columns) == list(full.events.columns)
    # What is recorded never changes what happens.
    pd.testing.assert_frame_equal(r.daily, full.daily)
    pd.testing.assert_frame_equal(r.per_replication, full.per_replication)


def _one_order(suppliers: list[dict], horizon: int = 12) -> dict:
    """City a holds nothing and uses 10 a day (a daily max of 10); it orders once, on day 0, up
    to 5 days: 50 units."""
    return base_dict(
        horizon_days=horizon,
        reserve={"daily_max": "declared", "declared": {"a": {"x": 10}}},
        cities=[{**base_dict()["cities"][0], "stock": {"x": 0}}],
        suppliers=suppliers,
        procurement={
            "mode": "independent",
            "review_every_days": 100,
            "reorder_point_days": 1,
            "order_up_to_days": 5,
            "basis": "daily_max",
        },
    )


def test_parts_of_an_order_arriving_on_the_same_day_are_one_delivery_with_their_total():
    # 10 a day leave on days 0-4. Lead time 2, doubled for what leaves on day 0: the parts of days
    # 0 and 2 both arrive on day 4 (one row of 20, first sent on day 0), those of days 1, 3, 4 on
    # days 3, 5, 6.
    supplier = {
        "id": "s",
        "lead_time_days": 2,
        "capacity_per_day": {"x": 10},
        "disruptions": [{"from_day": 0, "to_day": 0, "lead_time_factor": 2}],
    }
    r = simulate(_one_order([supplier]))
    ev = r.events
    order = ev[ev["kind"] == "order"]
    assert list(order["quantity"]) == [50]
    got = ev[ev["kind"] == "delivery"]
    assert list(got["time"]) == [3, 4, 5, 6]
    assert list(got["quantity"]) == [10, 20, 10, 10]
    assert list(got["dispatched"]) == [1, 0, 3, 4]
    assert (got["order_id"] == order["order_id"].iloc[0]).all() and (got["supplier"] == "s").all()
    check_invariants(r)


def test_two_suppliers_parts_of_one_order_arriving_together_stay_apart():
    # The order of 50 is split by capacity, 20 to s (10 a day, 1 day away) and 30 to t (15 a day,
    # 2 days away); both ship on days 0 and 1. Day 1 gets s's 10, day 2 s's 10 and t's 15 (a row
    # each: who delivered is kept), day 3 t's 15.
    s = {"id": "s", "lead_time_days": 1, "capacity_per_day": {"x": 10}}
    t = {"id": "t", "lead_time_days": 2, "capacity_per_day": {"x": 15}}
    r = simulate(_one_order([s, t]))
    got = r.events[r.events["kind"] == "delivery"]
    assert list(got["time"]) == [1, 2, 2, 3]
    assert list(got["quantity"]) == [10, 10, 15, 15]
    assert list(got["supplier"]) == ["s", "s", "t", "t"]
    assert list(got["dispatched"]) == [0, 1, 0, 1]
    check_invariants(r)


def test_delivery_rows_sum_to_the_daily_received_and_are_unique_per_order_and_day(default_config):
    r = run(load_scenario(default_config), replications=3)
    ev = r.events
    supplied = ev[(ev["kind"] == "delivery") & (ev["order_id"] >= 0)]
    assert not supplied.duplicated(["replication", "order_id", "supplier", "time"]).any()
    assert len(supplied) > 1000  # a sharp check: many orders, many arrivals
    delivered = (
        ev[ev["kind"] == "delivery"]
        .astype({"city": str})
        .groupby(["replication", "time", "city", "item"], observed=True)["quantity"]
        .sum()
    )
    df = r.daily.astype({"city": str})
    received = df[df["received"] > 0].set_index(["replication", "day", "city", "item"])["received"]
    received.index = received.index.set_names("time", level=1)
    pd.testing.assert_series_equal(delivered.sort_index(), received.sort_index(), check_names=False, rtol=1e-12)


def test_the_stable_order_is_numpys_stable_argsort():
    key = np.random.default_rng(3).integers(0, 50, 10_000)
    stable = np.argsort(key, kind="stable")
    np.testing.assert_array_equal(stable_order(key, 50), stable)  # counting sort
    np.testing.assert_array_equal(stable_order(key, 10**9), stable)  # too many buckets: a plain sort on unique keys
    huge = key + 2**61  # too large for key x N: the stable sort itself
    np.testing.assert_array_equal(stable_order(huge), np.argsort(huge, kind="stable"))


def test_the_log_is_in_replication_time_and_kind_order_with_parts_arriving_together_joined():
    # Replications 7 and 3 (rows in replication order: 3 first), one buyer and one item. Replication
    # 3 ships 4 and then 6 of order 0 on days 0 and 1, both due on day 2: one delivery of 10, first
    # sent on day 0, after that day's order and before its write-off (the kinds' order).
    log = Events("full")
    due = np.full((2, 1, 1, 1), 2)  # (R, S, B, I)
    for day, units in ((0, 4.0), (1, 6.0)):
        shipped = Shipped(np.array([[0, 1, 0, 0, 0]]), np.array([units]), np.array([0]), np.zeros((2, 1, 1)), due)
        log.shipments(day, shipped, np.array([0]), n_items=1, horizon=5)
    log.add("expiry", 2, np.array([1]), 0, np.array([0]), np.array([1.0]))
    log.add("order", 2, np.array([1]), 0, np.array([0]), np.array([5.0]), order_id=2)
    log.add("order", 0, np.array([0, 1]), 0, np.array([0, 0]), np.array([10.0, 20.0]), order_id=0)
    table = pd.DataFrame(log.arrays(np.array([7, 3])))
    assert list(table.columns) == list(COLUMNS)
    got = table[["replication", "time", "kind", "quantity", "order_id", "dispatched"]].to_numpy().tolist()
    kind = {k: EVENT_KINDS.index(k) for k in ("order", "delivery", "expiry")}
    assert got == [
        [3, 0, kind["order"], 20.0, 0, -1],
        [3, 2, kind["order"], 5.0, 2, -1],
        [3, 2, kind["delivery"], 10.0, 0, 0],
        [3, 2, kind["expiry"], 1.0, -1, -1],
        [7, 0, kind["order"], 10.0, 0, -1],
    ]
