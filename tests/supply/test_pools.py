"""The reserve held apart from working stock (reserve.pools: separate): release, replenishment,
rotation, the depot's gate, and working stock's [s, S] on the burn rate. Exact, by hand."""

from __future__ import annotations

import numpy as np
from conftest import base_dict, check_invariants, series, simulate

from stocksim.supply.procurement import burn_rates, nearest_units

SUPPLIER = {"id": "s", "lead_time_days": 3, "capacity_per_day": {"x": 1000}}


def _separate(working, reserve, coverage=30, release=None, procurement=None, **kw):
    """One city using 10 a day (peak 10), ``working`` units of working stock and ``reserve`` held apart."""
    city = {**base_dict()["cities"][0], "stock": {"x": working}, "reserve": {"x": reserve}}
    reserve_cfg = {"coverage_days": coverage, "daily_max": "peak", "pools": "separate"}
    if release is not None:
        reserve_cfg["release"] = release
    return base_dict(
        cities=[city],
        reserve=reserve_cfg,
        procurement={"basis": "burn_rate", **(procurement or {"mode": "none"})},
        suppliers=[SUPPLIER],
        **kw,
    )


def test_a_reserve_never_released_stays_untouched_while_working_stock_is_used_and_replenished():
    # Working stock 100, [s, S] = 3 and 6 days of the burn rate (10 a day): s = 30, S = 60. It
    # falls to 30 at the end of day 6 and orders 30, which arrives on day 9 (lead time 3), ...
    proc = {"mode": "independent", "review_every_days": 1, "reorder_point_days": 3, "order_up_to_days": 6}
    r = simulate(_separate(100, 300, coverage=30, procurement=proc))
    check_invariants(r)
    assert (series(r, "reserve_on_hand") == 300).all()
    assert (series(r, "released") == 0).all() and (series(r, "reserve_received") == 0).all()
    assert series(r, "compliant").all()  # the reserve, 300 = 30 days x 10, is what the rule counts
    working = series(r, "working_on_hand")
    assert list(working[:10]) == [90, 80, 70, 60, 50, 40, 30, 20, 10, 30]
    assert (series(r, "unmet") == 0).all()
    orders = r.events[r.events["kind"] == "order"]
    assert list(orders["time"][:2]) == [6, 9] and list(orders["quantity"][:2]) == [30, 30]
    np.testing.assert_array_equal(series(r, "on_hand"), working + 300)


def test_with_when_working_out_the_reserve_serves_from_the_first_day_working_stock_runs_out():
    # Working 50 lasts days 0-4; from day 5 the reserve (100 = 10 days x 10) serves, so the city
    # is non-compliant from day 5 and runs out 100 / 10 = 10 days later, on day 15.
    r = simulate(_separate(50, 100, coverage=10, release={"when_working_out": True}))
    check_invariants(r)
    released = series(r, "released")
    assert (released[:5] == 0).all() and (released[5:15] == 10).all() and (released[15:] == 0).all()
    compliant = series(r, "compliant")
    assert compliant[:5].all() and not compliant[5:].any()
    unmet = series(r, "unmet")
    assert (unmet[:15] == 0).all() and (unmet[15:] == 10).all()
    assert list(series(r, "reserve_on_hand")[4:7]) == [100, 90, 80]


def test_without_release_the_city_runs_out_with_its_reserve_full():
    r = simulate(_separate(50, 100, coverage=10))  # at_level IV, but no level is ever declared
    assert (series(r, "reserve_on_hand") == 100).all()
    assert (series(r, "unmet")[5:] == 10).all()


def test_rotation_moves_the_lot_on_the_right_day_and_the_reserve_is_back_after_the_lead_time():
    # A reserve lot of 50 expiring on day 20, rotated 5 days before: it moves on day 15, when
    # 20 - 15 <= 5 first holds; working use (10 a day) absorbs it by day 19, nothing is written
    # off; the reserve (target 5 days x 10 = 50) orders 50 at the day-15 review, back on day 18.
    d = _separate(
        200,
        0,
        coverage=5,
        procurement={"mode": "independent", "review_every_days": 1, "reorder_point_days": 0, "order_up_to_days": 0},
    )
    d["cities"][0]["reserve"] = {}
    d["cities"][0]["reserve_lots"] = [{"item": "x", "quantity": 50, "expires_day": 20}]
    d["reserve"]["rotate_before_expiry_days"] = 5
    d["horizon_days"] = 25
    r = simulate(d)
    check_invariants(r)
    rotated = series(r, "rotated")
    assert rotated[15] == 50 and rotated.sum() == 50
    assert series(r, "expired").sum() == 0
    reserve = series(r, "reserve_on_hand")
    assert (reserve[:15] == 50).all() and (reserve[15:18] == 0).all() and (reserve[18:] == 50).all()
    assert series(r, "reserve_received")[18] == 50
    assert series(r, "working_on_hand")[15] == 200 - 160 + 50
    # Without rotation the lot is written off on day 20, from the reserve.
    del d["reserve"]["rotate_before_expiry_days"]
    r = simulate(d)
    assert series(r, "expired")[20] == 50 and series(r, "reserve_expired")[20] == 50
    assert series(r, "rotated").sum() == 0


def test_days_to_units_at_the_float_edges():
    assert 1.1 * 100 != 110 and 0.29 * 100 != 29  # the edges: 110.00000000000001, 28.999999999999996
    np.testing.assert_array_equal(nearest_units(np.array([1.1 * 100, 0.29 * 100, 2.5, 2.4999])), [110, 29, 3, 2])
    # A city using 100 a day, 129 on hand: 29 left after day 0 is at s = 0.29 x 100 and orders up
    # to S = 1.1 x 100 = 110, i.e. 81, on either basis (s = 28.999999999999996 is taken as 29).
    proc = {"mode": "independent", "review_every_days": 100, "reorder_point_days": 0.29, "order_up_to_days": 1.1}
    d = _separate(129, 0, coverage=1, procurement=proc, horizon_days=3)
    d["cities"][0]["health_workers"] = 1000
    d["reserve"]["target_days"] = 0  # no reserve orders: only working stock's
    orders = simulate(d).events.query("kind == 'order' and city == 'a'")
    assert list(orders["quantity"]) == [81]
    d["procurement"]["basis"] = "daily_max"
    orders = simulate(d).events.query("kind == 'order' and city == 'a'")
    assert list(orders["quantity"]) == [81]


def test_burn_rate_is_the_trailing_mean_of_realised_demand():
    demand = np.arange(10, dtype=float).reshape(1, 10, 1, 1)  # day t asks for t
    expected = np.full((1, 1, 1), 4.5)
    rate = burn_rates(demand, expected, 7)[:, 0, 0, 0]
    assert rate[0] == 4.5
    assert rate[3] == 1.0  # days 0-2
    assert rate[9] == 5.0  # days 2-8


def test_every_days_burn_rate_is_numpys_mean_to_the_last_bit():
    """Worked out once for the batch, each day's figure is the mean numpy takes over the window,
    bit for bit, on fractional demand too (crisis practice's use factors make it fractional)."""
    demand = np.random.default_rng(5).gamma(2.0, 7.3, size=(3, 40, 2, 2)) * 0.7
    expected = np.full((3, 2, 2), 1.25)
    for window in (1, 7, 9, 60):
        rates = burn_rates(demand, expected, window)
        for t in range(1, 40):
            np.testing.assert_array_equal(rates[t], demand[:, max(0, t - window) : t].mean(axis=1))
        np.testing.assert_array_equal(rates[0], expected)


def test_the_depot_ships_only_while_the_city_may_release_its_reserve_and_keeps_its_days():
    depot = [{"id": "prov", "city": "a", "stock": {"x": 100}, "keeps_days": 3}]
    d = _separate(0, 0, coverage=1, depots=depot)
    d["transfers"] = {"request_below_days": 1, "request_up_to_days": 5}
    r = simulate(d)
    assert series(r, "transfer_out", city="prov").sum() == 0  # never released: the depot holds
    d["reserve"]["release"] = {"when_working_out": True}
    r = simulate(d)
    check_invariants(r)
    # Short on day 0, the city asks for 5 x 10; the depot gives all but 3 x 10 (circle daily max).
    assert series(r, "transfer_out", city="prov")[0] == 50
    assert series(r, "on_hand", city="prov")[-1] == 30


def test_the_terminal_table_shows_the_reserve_and_beside_it_working_days_of_cover():
    from conftest import loaded

    from stocksim.present.terminal import compliance_table

    d = _separate(50, 30, coverage=3)  # reserve 30 = 3 days x 10: compliant; working 50 = 5 days of 10
    r = simulate(d)
    row = r.summary[r.summary["city"] == "a"].iloc[0]
    assert row["initial_days_of_cover"] == 3 and row["initial_working_days_of_cover"] == 5
    table = compliance_table(r.summary, loaded(d))
    assert table.splitlines()[2].split() == ["A", "100%", "3.0", "5w"]
