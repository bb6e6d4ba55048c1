"""Crisis practice, substitution (``substitutes``): an item standing in for another that has run out,
from a response level on. One city, N95 used 10 a day and KN95 with no use of its own; exact, by hand."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import base_dict, check_invariants, check_pool_balances, series, simulate

N95, KN95 = "n95", "kn95"
ITEMS = [
    {"id": N95, "name": "N95", "shelf_life_days": 10_000, "unit_cost_cny": 2.3},
    {"id": KN95, "name": "KN95", "shelf_life_days": 10_000, "unit_cost_cny": 2.3},
]
LEVELS = [{"level": "II", "enter_at": 1, "exit_below": 0.5}, {"level": "I", "enter_at": 2, "exit_below": 1}]


def _scenario(n95, kn95, substitutes, schedule=None, reserve=None, release=None) -> dict:
    """N95 10 a day (100 workers x 0.1) from ``n95`` units of working stock, ``kn95`` KN95 units;
    Level II in force from day 0 unless ``schedule`` says otherwise; ``reserve``: the city's reserve
    held apart (pools: separate, released from ``release``, default any level)."""
    city = {**base_dict()["cities"][0], "stock": {N95: n95, KN95: kn95}}
    d = base_dict(
        items=ITEMS,
        cities=[city],
        response={"levels": LEVELS, "schedule": schedule or [{"level": "II", "from_day": 0}]},
        substitutes=substitutes,
    )
    d["demand"] = {"noise": "none", "routine_per_health_worker_day": {N95: 0.1}}
    if reserve is not None:
        city["reserve"] = reserve
        d["reserve"] = {**d["reserve"], "pools": "separate", "release": release or {"at_level": "IV"}}
    return d


def _rule(ratio=1.0, from_level="II") -> list[dict]:
    return [{"item": N95, "by": KN95, "ratio": ratio, "from_level": from_level}]


@pytest.mark.parametrize("ratio", [1.0, 1.5])
def test_with_n95_out_and_kn95_in_stock_n95_unmet_is_zero_and_kn95_covers_the_shortfall_times_ratio(ratio):
    # N95 50 lasts days 0-4; from day 5 the shortfall is the whole 10 a day, and KN95 (1,000: more
    # than 25 days x 10 x 1.5) covers it at `ratio` KN95 a respirator.
    r = simulate(_scenario(50, 1000, _rule(ratio)))
    check_invariants(r)
    assert (series(r, "unmet", item=N95) == 0).all()
    assert (series(r, "served", item=N95) == 10).all()
    by_sub = series(r, "served_by_substitute", item=N95)
    shortfall = series(r, "demand", item=N95) - (series(r, "served", item=N95) - by_sub)  # what N95 itself lacked
    np.testing.assert_array_equal(shortfall, [0] * 5 + [10] * 25)
    np.testing.assert_allclose(series(r, "used_as_substitute", item=KN95), shortfall * ratio)
    np.testing.assert_allclose(series(r, "on_hand", item=KN95), 1000 - np.cumsum(shortfall * ratio))
    assert (series(r, "served", item=KN95) == 0).all() and (series(r, "unmet", item=KN95) == 0).all()
    totals = r.per_replication.set_index(["city", "item"]).loc[("a", N95)]
    assert totals["served_by_substitute"] == 250 and totals["unmet"] == 0 and totals["served"] == 300
    assert r.summary.set_index(["city", "item"]).loc[("a", N95), "fill_rate"] == 1.0


def test_a_substitute_that_runs_out_leaves_what_neither_could_serve_unmet():
    # KN95 30 at 2 a respirator covers 15: day 5 all 10 (20 KN95), day 6 five (10 KN95), then nothing.
    r = simulate(_scenario(50, 30, _rule(2.0)))
    check_invariants(r)
    np.testing.assert_array_equal(series(r, "served_by_substitute", item=N95)[4:8], [0, 10, 5, 0])
    np.testing.assert_array_equal(series(r, "unmet", item=N95)[4:8], [0, 0, 5, 10])
    np.testing.assert_array_equal(series(r, "used_as_substitute", item=KN95)[4:8], [0, 20, 10, 0])


def test_below_from_level_n95_unmet_is_as_without_substitutes_and_kn95_is_untouched():
    without = simulate(_scenario(50, 1000, []))
    r = simulate(_scenario(50, 1000, _rule(from_level="I")))  # Level II in force, the rule needs I
    check_invariants(r)
    np.testing.assert_array_equal(series(r, "unmet", item=N95), series(without, "unmet", item=N95))
    np.testing.assert_array_equal(series(r, "unmet", item=N95), [0] * 5 + [10] * 25)
    assert (series(r, "served_by_substitute", item=N95) == 0).all()
    assert (series(r, "on_hand", item=KN95) == 1000).all()
    assert "served_by_substitute" not in without.daily.columns  # the columns come with substitutes only


def test_substitution_starts_on_the_first_day_the_level_is_in_force():
    # Level I from day 8 (II before): the rule from I leaves days 5-7 unmet, then covers.
    schedule = [{"level": "II", "from_day": 0, "to_day": 7}, {"level": "I", "from_day": 8}]
    r = simulate(_scenario(50, 1000, _rule(from_level="I"), schedule=schedule))
    check_invariants(r)
    np.testing.assert_array_equal(series(r, "unmet", item=N95), [0] * 5 + [10] * 3 + [0] * 22)
    np.testing.assert_array_equal(series(r, "served_by_substitute", item=N95), [0] * 8 + [10] * 22)


def test_the_substitute_serves_its_own_users_first():
    # KN95 used 4 a day by its own users (100 x 0.04) from 100 units: 80 left after days 0-4. From
    # day 5 its users take 4 first, then N95's shortfall 10: 66, 52, 38, 24, 10 at the end of days
    # 5-9; on day 10 its users take 4 and N95 gets the last 6; from day 11 both are short. Nothing
    # is held back for the substitute's own users of tomorrow.
    d = _scenario(50, 100, _rule())
    d["demand"]["routine_per_health_worker_day"][KN95] = 0.04
    r = simulate(d)
    check_invariants(r)
    np.testing.assert_allclose(series(r, "on_hand", item=KN95)[4:11], [80, 66, 52, 38, 24, 10, 0])
    np.testing.assert_allclose(series(r, "used_as_substitute", item=KN95)[4:12], [0, 10, 10, 10, 10, 10, 6, 0])
    np.testing.assert_allclose(series(r, "served", item=KN95)[:12], [4] * 11 + [0])
    np.testing.assert_allclose(series(r, "unmet", item=N95)[4:12], [0] * 6 + [4, 10])


def test_with_separate_pools_the_substitute_gives_working_stock_then_its_released_reserve():
    # KN95: 20 working, 30 reserve, released at any level: day 5 and 6 from working (10 + 10),
    # days 7-9 from the reserve (counted in its `released`), then N95 is unmet.
    d = _scenario(50, 20, _rule(), reserve={N95: 0, KN95: 30})
    r = simulate(d)
    check_invariants(r)
    check_pool_balances(r, d)
    np.testing.assert_array_equal(series(r, "unmet", item=N95)[4:11], [0, 0, 0, 0, 0, 0, 10])
    np.testing.assert_array_equal(series(r, "released", item=KN95)[4:11], [0, 0, 0, 10, 10, 10, 0])
    np.testing.assert_array_equal(series(r, "working_on_hand", item=KN95)[4:8], [20, 10, 0, 0])


def test_a_reserve_not_released_is_not_given_as_a_substitute():
    # The reserve is released only at Level I; Level II is in force: KN95 gives its working 20 only.
    d = _scenario(50, 20, _rule(), reserve={N95: 0, KN95: 30}, release={"at_level": "I"})
    r = simulate(d)
    check_invariants(r)
    check_pool_balances(r, d)
    assert (series(r, "reserve_on_hand", item=KN95) == 30).all()
    assert series(r, "served_by_substitute", item=N95).sum() == 20
