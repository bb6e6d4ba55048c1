"""``stocksim size``: targets and levers as written, the reserve a point stands for, the table."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import base_dict, loaded

from stocksim.experiment.sizing import (
    Lever,
    check,
    opening_reserve,
    parse_lever,
    parse_target,
    size,
    size_table,
    sized_scenario,
)
from stocksim.scenario import ConfigError


def _two_cities(**reserve):
    d = base_dict(reserve={"pools": "separate", **reserve})
    a = {**d["cities"][0], "stock": {"x": 5}, "reserve": {"x": 40},
         "reserve_lots": [{"item": "x", "quantity": 20, "expires_day": 9}]}  # fmt: skip
    b = {**a, "id": "b", "name": "B", "lat": 36.3, "reserve": {"x": 10}, "reserve_lots": []}
    return loaded({**d, "cities": [a, b]}).scenario


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("p_stockout<=0.05", ("p_stockout", None, "<=", 0.05)),
        (" fill_rate >= 0.99 ", ("fill_rate", None, ">=", 0.99)),
        ("p_stockout@b<=0", ("p_stockout", "b", "<=", 0.0)),
    ],
)
def test_targets_as_written(text, expected):
    t = parse_target(text, _two_cities())
    assert (t.metric, t.city, t.op, t.value) == expected


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("p_stockout<0.05", "expected METRIC<=X"),
        ("unmet<=5", "unknown metric 'unmet'"),
        ("p_stockout@zz<=0.05", "unknown city 'zz'"),
        ("p_stockout<=five", "'five' is not a number"),
        ("p_stockout<=5", "must be in [0, 1]"),
        ("p_stockout>=0.05", "write p_stockout<=X"),
        ("fill_rate<=0.99", "write fill_rate>=X"),
    ],
)
def test_bad_targets_name_the_option_and_the_value(text, needle):
    with pytest.raises(ConfigError) as e:
        parse_target(text, _two_cities())
    assert "--target" in str(e.value) and needle in str(e.value) and text.strip() in str(e.value)


def test_levers_as_written_and_refused():
    s = _two_cities()
    assert parse_lever("coverage_days", s) == Lever("coverage_days", None)
    assert parse_lever("reserve_scale@b", s) == Lever("reserve_scale", "b")
    for text, needle in [("days", "expected one of"), ("coverage_days@zz", "unknown city 'zz'")]:
        with pytest.raises(ConfigError, match=needle):
            parse_lever(text, s)
    empty = s.model_copy(
        update={"cities": [c.model_copy(update={"reserve": {}, "reserve_lots": []}) for c in s.cities]}
    )
    with pytest.raises(ConfigError, match="no reserve to scale"):
        parse_lever("reserve_scale", empty)


def test_a_point_in_days_keeps_dated_lots_first_and_sets_the_target():
    s = _two_cities(coverage_days=3)
    dm = np.array([[10.0], [4.0]])
    x = sized_scenario(s, Lever("coverage_days", None), 2.5, dm)  # 25 and 10 units
    a, b = x.cities
    assert a.reserve == {"x": 5.0} and [lot.quantity for lot in a.reserve_lots] == [20.0]
    assert b.reserve == {"x": 10.0}
    assert a.stock == {"x": 5} and x.reserve.target_days == 2.5
    np.testing.assert_array_equal(opening_reserve(x), [[25.0], [10.0]])
    small = sized_scenario(s, Lever("coverage_days", None), 1.0, dm)  # 10 units: below the dated 20
    assert small.cities[0].reserve == {"x": 0.0} and small.cities[0].reserve_lots[0].quantity == 10.0
    assert small.cities[0].reserve_lots[0].expires_day == 9


def test_a_scale_multiplies_the_given_reserve_and_target_one_city_keeps_the_target():
    s = _two_cities(coverage_days=3, target_days=4)
    x = sized_scenario(s, Lever("reserve_scale", None), 1.5, np.zeros((2, 1)))
    np.testing.assert_array_equal(opening_reserve(x), [[90.0], [15.0]])
    assert x.reserve.target_days == 6.0
    one = sized_scenario(s, Lever("coverage_days", "b"), 2.0, np.array([[10.0], [4.0]]))
    np.testing.assert_array_equal(opening_reserve(one), [[60.0], [8.0]])
    assert one.reserve.target_days == 4 and one.cities[0] == s.cities[0]


def test_one_pile_sizes_all_of_a_citys_stock():
    d = base_dict()
    s = loaded({**d, "cities": [{**d["cities"][0], "lots": [{"item": "x", "quantity": 30, "expires_day": 5}]}]})
    x = sized_scenario(s.scenario, Lever("coverage_days", None), 5.0, np.array([[10.0]]))
    assert x.cities[0].stock == {"x": 20.0} and x.cities[0].lots[0].quantity == 30
    assert x.reserve == s.scenario.reserve  # one pile: no reserve target


def test_the_check_gives_wilson_for_a_chance_and_t_for_a_fill_rate():
    c = check(np.array([1.0] * 5 + [0.0] * 95), parse_target("p_stockout<=0.05", _two_cities()))
    assert (c.estimate, c.n, c.met) == (0.05, 100, True)
    z, n, share = 1.959963984540054, 100, 0.05  # Wilson's score interval, by its formula
    centre, half = (
        (share + z**2 / (2 * n)) / (1 + z**2 / n),
        z / (1 + z**2 / n) * np.sqrt(share * 0.95 / n + z**2 / (4 * n**2)),
    )
    assert (c.low, c.high) == pytest.approx((centre - half, centre + half), abs=1e-9)
    f = check(np.array([0.9, 1.0]), parse_target("fill_rate>=0.96", _two_cities()))
    assert f.estimate == pytest.approx(0.95) and not f.met
    assert f.high - f.estimate == pytest.approx(12.706204736 * 0.0707106781 / np.sqrt(2))


def test_the_table_has_a_row_per_policy_city_and_item_and_their_totals():
    sc = loaded(base_dict(replications=4, horizon_days=10))
    z = size(sc, {"none": sc.scenario}, parse_target("p_stockout<=0", sc.scenario),
             Lever("coverage_days", None), 3, 4)  # fmt: skip
    (only,) = z
    assert only.value == 10.0  # constant demand 10 a day, 10 days, daily max 10: exactly 10 days
    t = size_table(sc.scenario, z)
    assert list(t["city"]) == ["a", "a", "ALL", "ALL"] and list(t["item"]) == ["x", "ALL", "x", "ALL"]
    assert t["units"].iloc[0] == 100 and t["cost_cny"].iloc[-1] == 100.0
