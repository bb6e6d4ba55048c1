"""Procurement: suppliers' shared capacity (first come first served), lead times, disruptions,
prices; 联采: joint orders, their allocation rules, supplier priority and volume discounts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import base_dict, check_invariants, series, simulate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stocksim.supply.procurement import CityParts, allocate, order_quantity, whole_units


def _two_cities(stock_a, workers_a, stock_b, workers_b, supplier, review_every=2, up_to=5.0, horizon=14):
    city = base_dict()["cities"][0]
    return base_dict(
        horizon_days=horizon,
        reserve={"daily_max": "declared", "declared": {"a": {"x": 10}, "b": {"x": 10}}},
        cities=[
            {**city, "id": "a", "stock": {"x": stock_a}, "health_workers": workers_a},
            {**city, "id": "b", "name": "B", "stock": {"x": stock_b}, "health_workers": workers_b},
        ],
        suppliers=[{"id": "s", **supplier}],
        procurement={
            "mode": "independent",
            "review_every_days": review_every,
            "reorder_point_days": 1,
            "order_up_to_days": up_to,
        },
    )


def _dispatched(r, city):
    ev = r.events[(r.events["kind"] == "delivery") & (r.events["city"] == city)]
    return ev.groupby("dispatched")["quantity"].sum()


def test_earlier_orders_are_filled_first():
    # a orders 50 on day 0; b (10/day from 25) orders 50 at the day-2 review. Capacity 10/day.
    r = simulate(_two_cities(0, 0, 25, 100, {"lead_time_days": 1, "capacity_per_day": {"x": 10}}))
    a = _dispatched(r, "a")
    assert list(a.index) == [0, 1, 2, 3, 4] and np.allclose(a, 10)
    orders = r.events[(r.events["kind"] == "order") & (r.events["city"] == "b")]
    assert orders["time"].iloc[0] == 2 and orders["quantity"].iloc[0] == 50
    ev = r.events
    first_b = ev[(ev["kind"] == "delivery") & (ev["order_id"] == orders["order_id"].iloc[0])]
    assert list(first_b["dispatched"]) == [5, 6, 7, 8, 9] and np.allclose(first_b["quantity"], 10)
    assert list(first_b["time"]) == [6, 7, 8, 9, 10]
    check_invariants(r)


def test_orders_of_the_same_day_share_capacity_in_proportion():
    # On day 0 a (holding 0) orders 50 and b (holding 10) orders 40, up to 5 days of 10 each;
    # they share 18 a day as 50:40 until both are filled on day 4.
    r = simulate(_two_cities(0, 0, 10, 0, {"lead_time_days": 1, "capacity_per_day": {"x": 18}}, up_to=5.0))
    ev = r.events[r.events["kind"] == "order"].set_index("city", drop=False)
    assert ev.loc["a", "quantity"] == 50 and ev.loc["b", "quantity"] == 40
    a, b = _dispatched(r, "a"), _dispatched(r, "b")
    np.testing.assert_allclose(a, [10.0] * 5)
    np.testing.assert_allclose(b, [8.0] * 5)
    assert list(a.index) == list(b.index) == [0, 1, 2, 3, 4]


def test_disruption_cuts_capacity_stretches_lead_time_and_raises_price():
    supplier = {
        "lead_time_days": 2,
        "capacity_per_day": {"x": 10},
        "disruptions": [
            {
                "from_day": 2,
                "to_day": 3,
                "capacity_factor": 0.5,
                "lead_time_factor": 3,
                "price_factor": 4,
            }
        ],
    }
    r = simulate(_two_cities(0, 0, 10_000, 0, supplier, review_every=100, up_to=4.0, horizon=20))
    a = _dispatched(r, "a")
    # 40 ordered on day 0 at price 1: 10, 10, then 5, 5 in the window, then 10.
    np.testing.assert_allclose(a.loc[0:4], [10, 10, 5, 5, 10])
    # Shipments leave with lead time 2, or 6 inside the window.
    np.testing.assert_allclose(series(r, "received")[:10], [0, 0, 10, 10, 0, 0, 10, 0, 5, 5])
    # The order was placed before the window, so its price factor is 1.
    np.testing.assert_allclose(r.daily["purchase_cost"].sum(), 40.0)

    # An order placed inside the window pays the higher price.
    r2 = simulate(
        {
            **_two_cities(0, 0, 10_000, 0, supplier, review_every=100, up_to=4.0, horizon=20),
            "procurement": {
                "mode": "independent",
                "review_every_days": 100,
                "first_review_day": 2,
                "reorder_point_days": 1,
                "order_up_to_days": 4,
                "basis": "daily_max",
            },
        }
    )
    np.testing.assert_allclose(r2.daily["purchase_cost"].sum(), 4 * 40.0)


def test_an_item_sold_by_two_suppliers_is_ordered_in_proportion_to_capacity():
    d = _two_cities(
        0,
        0,
        10_000,
        0,
        {"lead_time_days": 1, "capacity_per_day": {"x": 30}},
        review_every=100,
        up_to=4.0,
    )
    d["suppliers"].append({"id": "t", "lead_time_days": 3, "capacity_per_day": {"x": 10}})
    r = simulate(d)
    ev = r.events[(r.events["city"] == "a")]
    assert list(ev.loc[ev["kind"] == "order", "quantity"]) == [40.0]
    by_supplier = ev[ev["kind"] == "delivery"].groupby("supplier", observed=True)["quantity"].sum()
    assert by_supplier.to_dict() == {"s": 30.0, "t": 10.0}
    np.testing.assert_allclose(series(r, "received")[:5], [0, 30, 0, 10, 0])


def test_no_capacity_means_no_deliveries_and_orders_stay_on_order():
    r = simulate(_two_cities(0, 0, 10_000, 0, {"lead_time_days": 1, "capacity_per_day": {"x": 0}}))
    assert series(r, "received").sum() == 0
    np.testing.assert_allclose(series(r, "on_order"), 50.0)


CITY = base_dict()["cities"][0]


def _cities(n, **kw):
    return [{**CITY, "id": f"c{k}", "name": f"C{k}", **kw} for k in range(n)]


def test_allocation_rules_have_their_defining_properties():
    quantity = np.array([[300.0]])  # (R, I)
    position = np.array([[[100.0], [400.0], [0.0], [900.0]]])  # (R, C, I)
    daily = np.array([[[10.0], [20.0], [5.0], [30.0]]])
    target = 40 * daily
    population = np.array([1.0, 2.0, 3.0, 4.0])

    need = np.maximum(target - position, 0)[0, :, 0]
    by_need = allocate("proportional_to_need", quantity, position, daily, target, population)[0, :, 0]
    np.testing.assert_allclose(by_need, 300 * need / need.sum())

    by_pop = allocate("population", quantity, position, daily, target, population)[0, :, 0]
    np.testing.assert_allclose(by_pop, 300 * population / population.sum())

    equal = allocate("equal_days_of_cover", quantity, position, daily, target, population)[0, :, 0]
    assert equal.sum() == pytest.approx(300)
    cover = (position[0, :, 0] + equal) / daily[0, :, 0]
    got = equal > 1e-9
    np.testing.assert_allclose(cover[got], cover[got][0])  # recipients end level ...
    assert np.all(cover[~got] >= cover[got][0] - 1e-9)  # ... and nobody left out is below them
    # Covers before: 10, 20, 0, 30 days. 300 units lift c2 and c0 and c1 to a common 21.4 days.
    np.testing.assert_allclose(cover[got][0], (300 + 100 + 400 + 0) / (10 + 20 + 5))


def _joint_case(priority: str, share: float = 0.0) -> dict:
    return base_dict(
        horizon_days=6,
        reserve={"daily_max": "declared", "declared": {"c0": {"x": 10}, "c1": {"x": 10}}},
        cities=_cities(2, stock={"x": 0}, health_workers=0),
        suppliers=[
            {"id": "s", "lead_time_days": 1, "capacity_per_day": {"x": 100}, "other_buyers_per_day": {"x": 100}}
        ],
        transfers={"handling_hours": 0},
        procurement={
            "mode": "joint",
            "review_every_days": 100,
            "reorder_point_days": 1,
            "order_up_to_days": 10,
            "joint": {"supplier_priority": priority, "reserved_share": share, "allocation": "population"},
        },
    )


@pytest.mark.parametrize(("priority", "share"), [("fcfs", 0), ("joint_first", 0), ("reserved_share", 0.7)])
def test_supplier_priority_for_the_pooled_order(priority, share):
    """The centre orders 200 on day 0; other buyers ask 100 a day of a capacity of 100.
    fcfs: both orders are of day 0 and share pro rata (100:200 -> the centre gets 66.7, then the
    rest of its order is older than the next days' other orders); joint_first: 100; reserved 70 %:
    70 reserved, then the remaining 30 shared 130:100."""
    r = simulate(_joint_case(priority, share))
    deliveries = r.events[r.events["kind"] == "delivery"]
    shipped_day0 = deliveries[deliveries["dispatched"] == 0]["quantity"].sum()
    expected = {"fcfs": 200 / 300 * 100, "joint_first": 100.0, "reserved_share": 70 + 30 * 130 / 230}[priority]
    assert shipped_day0 == pytest.approx(expected)
    check_invariants(r)


def test_volume_discount_applies_to_orders_that_reach_the_tier():
    d = _joint_case("fcfs")
    d["suppliers"][0]["other_buyers_per_day"] = {}
    d["procurement"]["volume_discounts"] = [{"min_quantity": 150, "discount": 0.2}]
    joint = simulate(d).daily["purchase_cost"].sum()
    d["procurement"]["mode"] = "independent"  # two orders of 100: below the tier
    alone = simulate(d).daily["purchase_cost"].sum()
    assert joint == pytest.approx(200 * 0.8) and alone == pytest.approx(200)


def test_s_and_s_within_a_hair_of_a_whole_number_are_that_number():
    assert 1.1 * 100 != 110 and 0.29 * 100 != 29  # the float edges this guards against
    np.testing.assert_array_equal(whole_units(np.array([1.1 * 100, 0.29 * 100, 110.4, 28.5])), [110, 29, 110.4, 28.5])
    # S = 110 units held from nothing; position exactly 29 triggers s = 29 and orders up to 110.
    np.testing.assert_array_equal(order_quantity(np.array([0.0, 29.0, 30.0]), 0.29 * 100, 1.1 * 100), [110, 81, 0])


def test_days_to_units_at_the_float_edges_in_a_run():
    # Daily max 100 (declared), use 10 a day, reviews every day, s = 0.29 x 100, S = 1.1 x 100.
    def orders(stock):
        d = base_dict(
            horizon_days=3,
            reserve={"daily_max": "declared", "declared": {"a": {"x": 100}}},
            cities=[{**base_dict()["cities"][0], "stock": {"x": stock}}],
            suppliers=[{"id": "s", "lead_time_days": 1, "capacity_per_day": {"x": 1000}}],
            procurement={
                "mode": "independent",
                "review_every_days": 1,
                "reorder_point_days": 0.29,
                "order_up_to_days": 1.1,
            },
        )
        ev = simulate(d).events
        return ev[ev["kind"] == "order"].set_index("time")["quantity"]

    assert orders(0).loc[0] == 110  # from nothing up to S = 110 units, not 111
    assert orders(39).loc[0] == 81  # 39 - 10 used = 29 at the day-0 review: at s, so it orders 110 - 29


# ---- joint.ordering: combined: each city buys, receives and pays for its own order -----------------


def _combined(cities: list[dict], supplier: dict, horizon: int, **procurement) -> dict:
    """Cities c0, c1 at one place (the centre's carriage takes no day), declared daily max 10 each:
    s = 5 x 10 = 50, S = 10 x 10 = 100; the centre buys the sum of their own orders."""
    return base_dict(
        horizon_days=horizon,
        reserve={"daily_max": "declared", "declared": {c["id"]: {"x": 10} for c in cities}},
        cities=cities,
        suppliers=[{"id": "s", **supplier}],
        transfers={"handling_hours": 0},
        procurement={
            "mode": "joint",
            "review_every_days": 100,
            "reorder_point_days": 5,
            "order_up_to_days": 10,
            "joint": {"ordering": "combined", "allocation": "population"},
            **procurement,
        },
    )


def _by_city(r, column: str) -> dict:
    return r.daily.groupby("city", observed=True)[column].sum().to_dict()


def _ordered(r) -> dict:
    ev = r.events[(r.events["kind"] == "order") & (r.events["city"] != "centre")]
    return ev.groupby("city", observed=True)["quantity"].sum().to_dict()


def _two_orders(capacity: float, lead: int, horizon: int):
    """c0 holds 0 and c1 40, neither uses any: on day 0 they order 100 and 60, bought as one order
    of 160 at 2 CNY a unit, which reaches the 25 % tier at 150 (neither alone would)."""
    cities = [_cities(2)[0] | {"stock": {"x": 0}, "health_workers": 0}]
    cities.append(_cities(2)[1] | {"stock": {"x": 40}, "health_workers": 0})
    supplier = {"lead_time_days": lead, "capacity_per_day": {"x": capacity}, "unit_cost_cny": {"x": 2}}
    discounts = [{"min_quantity": 150, "discount": 0.25}]
    return simulate(_combined(cities, supplier, horizon, volume_discounts=discounts))


def test_combined_ordering_delivers_and_charges_each_city_exactly_what_it_ordered():
    r = _two_orders(capacity=1000, lead=1, horizon=4)
    check_invariants(r)
    ev = r.events
    assert ev.loc[(ev["kind"] == "order") & (ev["city"] == "centre"), "quantity"].tolist() == [160]
    assert _ordered(r) == {"c0": 100, "c1": 60}
    # Each city pays its own units at 2 x (1 - 0.25); by the daily max (equal) each would pay 120.
    assert _by_city(r, "purchase_cost") == pytest.approx({"c0": 150.0, "c1": 90.0})
    # ... and receives them; the population rule (equal populations) would give 80 each.
    assert _by_city(r, "received") == pytest.approx({"c0": 100.0, "c1": 60.0})
    np.testing.assert_allclose(series(r, "on_order", "c0"), [100, 0, 0, 0])
    np.testing.assert_allclose(series(r, "on_order", "c1"), [60, 0, 0, 0])


def test_combined_ordering_shares_a_short_shipment_pro_rata():
    # Capacity 30 a day, lead time 2: by the end of day 4, 150 of 160 have shipped (paid) and the
    # 90 shipped on days 0-2 have arrived. Every city has 90 / 160 of its order, and its on order
    # is the rest of it: its part of what is still open at the supplier or on the way.
    r = _two_orders(capacity=30, lead=2, horizon=5)
    check_invariants(r)
    received, on_order = _by_city(r, "received"), r.daily[r.daily["day"] == 4].set_index("city")["on_order"]
    assert received == pytest.approx({"c0": 100 * 90 / 160, "c1": 60 * 90 / 160})
    np.testing.assert_allclose(series(r, "received", "c0"), [0, 0, 18.75, 18.75, 18.75])
    assert on_order.to_dict() == pytest.approx({"c0": 100 - 56.25, "c1": 60 - 33.75})
    # Paid as shipped: 150 units at 1.5 CNY, each city its share of every unit.
    assert _by_city(r, "purchase_cost") == pytest.approx({"c0": 150 * 100 / 160 * 1.5, "c1": 150 * 60 / 160 * 1.5})


def test_combined_ordering_charges_each_cohort_at_its_own_price():
    """c0 (holding 0, no use) orders 100 on day 0 at price 1; c1 (70, using 10 a day) orders 60
    on day 2, inside a window of price factor 3. At 40 a day, day 2 ships the last 20 of c0's
    order and the first 20 of c1's: 80 CNY, of which c0 pays 20 and c1 60 (a split by units
    would be 40 each)."""
    cities = [_cities(2)[0] | {"stock": {"x": 0}, "health_workers": 0}]
    cities.append(_cities(2)[1] | {"stock": {"x": 70}, "health_workers": 100})
    window = [{"from_day": 2, "to_day": 10, "price_factor": 3}]
    supplier = {"lead_time_days": 1, "capacity_per_day": {"x": 40}, "disruptions": window}
    r = simulate(_combined(cities, supplier, 6, review_every_days=2))
    check_invariants(r)
    orders = r.events[(r.events["kind"] == "order") & (r.events["city"] != "centre")]
    assert orders[["time", "city", "quantity"]].values.tolist() == [[0, "c0", 100.0], [2, "c1", 60.0]]
    np.testing.assert_allclose(series(r, "purchase_cost", "c0"), [40, 40, 20, 0, 0, 0])
    np.testing.assert_allclose(series(r, "purchase_cost", "c1"), [0, 0, 60, 120, 0, 0])
    assert _by_city(r, "received") == pytest.approx({"c0": 100.0, "c1": 60.0})


@st.composite
def _combined_scenarios(draw):
    n_items = draw(st.integers(1, 2))
    items = [{"id": f"i{j}", "name": f"I{j}", "shelf_life_days": 10_000, "unit_cost_cny": 1.0} for j in range(n_items)]
    cities = [
        {
            **CITY,
            "id": f"c{k}",
            "name": f"C{k}",
            "lat": 36 + draw(st.floats(0, 1)),
            "health_workers": draw(st.integers(0, 300)),
            "stock": {f"i{j}": draw(st.integers(0, 300)) for j in range(n_items)},
        }
        for k in range(draw(st.integers(2, 3)))
    ]
    lead = draw(st.one_of(st.integers(0, 6), st.just({"dist": "gamma", "mean": 3, "sd": 2})))
    reorder = draw(st.floats(0, 8))
    window = {"from_day": draw(st.integers(0, 10)), "to_day": 20, "price_factor": draw(st.floats(0.5, 3))}
    d = base_dict(
        horizon_days=draw(st.integers(5, 40)),
        replications=draw(st.integers(1, 3)),
        seed=draw(st.integers(0, 2**32)),
        items=items,
        cities=cities,
        suppliers=[
            {
                "id": "s",
                "lead_time_days": lead,
                "capacity_per_day": {f"i{j}": draw(st.integers(0, 200)) for j in range(n_items)},
                "disruptions": [window],
            }
        ],
        procurement={
            "basis": draw(st.sampled_from(["burn_rate", "daily_max"])),
            "mode": "joint",
            "review_every_days": draw(st.integers(1, 5)),
            "reorder_point_days": reorder,
            "order_up_to_days": reorder + draw(st.floats(0, 10)),
            "volume_discounts": [{"min_quantity": draw(st.integers(0, 500)), "discount": 0.1}],
            "joint": {"ordering": "combined"},
        },
    )
    d["demand"] = {
        "noise": draw(st.sampled_from(["none", "poisson"])),
        "routine_per_health_worker_day": {f"i{j}": draw(st.floats(0, 2)) for j in range(n_items)},
    }
    return d


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_combined_scenarios())
def test_combined_ordering_keeps_every_citys_books_on_random_scenarios(d):
    """Every day the cities pay exactly what the centre spent; the cities' parts of each centre
    order sum to it; a city's on order is its parts ordered less what it received."""
    spent, paid = [], []
    ship = CityParts.ship

    def spy(self, days, shipped, due, spend):
        charge = ship(self, days, shipped, due, spend)
        spent.append(spend.sum())
        paid.append(charge.sum())
        return charge

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(CityParts, "ship", spy)
        r = simulate(d)
    check_invariants(r)
    np.testing.assert_allclose(paid, spent, rtol=1e-9, atol=1e-9)
    assert sum(spent) == pytest.approx(r.daily["purchase_cost"].sum(), rel=1e-9, abs=1e-9)
    ev = r.events
    orders = ev[ev["kind"] == "order"]
    by_order = orders.groupby([orders["city"] == "centre", "replication", "order_id"], observed=True)["quantity"].sum()
    if len(orders):
        pd.testing.assert_series_equal(by_order[True], by_order[False], check_names=False)
    keys = ["replication", "city", "item"]
    parts = orders[orders["city"] != "centre"].groupby(keys, observed=True)["quantity"].sum()
    last = r.daily[r.daily["day"] == r.daily["day"].max()].set_index(keys)
    received = r.daily.groupby(keys, observed=True)["received"].sum().reindex(last.index)
    expected = parts.reindex(last.index).fillna(0) - received
    np.testing.assert_allclose(last["on_order"], expected, rtol=1e-9, atol=1e-6)
