"""The census and none epidemics: a census in every replication, and the levels of a schedule."""

from __future__ import annotations

import numpy as np
from conftest import base_dict, deep_update, loaded, series, three_cities

from stocksim.draws.params import sample_batch
from stocksim.epidemic.driver import EpidemicDriver
from stocksim.experiment.run import run
from stocksim.scenario import LEVEL_NAMES

LEVELS = [
    {"level": "IV", "enter_at": 1, "exit_below": 0.5, "routine_multiplier": 1.5, "coverage_days": 5},
    {
        "level": "II",
        "enter_at": 5,
        "exit_below": 2,
        "routine_multiplier": 2.0,
        "swab_share_per_day": 0.01,
        "coverage_days": 10,
    },
    {"level": "I", "enter_at": 10, "exit_below": 5, "routine_multiplier": 3.0, "coverage_days": 20},
]
SCHEDULE = [
    {"level": "IV", "from_day": 0, "to_day": 4, "cities": ["b"]},
    {"level": "I", "from_day": 2, "to_day": 4, "cities": ["a"]},
    {"level": "II", "from_day": 5, "to_day": 7},  # every city
    {"level": "IV", "from_day": 10},  # every city, to the end
]


def _two_cities(tmp_path, model: str = "census", **response) -> dict:
    """Cities a (100 health workers, 1,000 residents) and b (200, 2,000) at 0.1 a worker-day; one
    unit per swab; a census of 5 swabs in a on day 0; a declared daily max of 10 (a) and 20 (b)."""
    d = base_dict(horizon_days=12)
    d["cities"].append({**d["cities"][0], "id": "b", "name": "B", "population": 2000, "health_workers": 200})
    (tmp_path / "c.csv").write_text("day,city,mild,severe,icu,swabs\n0,a,0,0,0,5\n0,b,0,0,0,0\n")
    d["epidemic"] = {"model": model, "file": "c.csv"} if model == "census" else {"model": model}
    d["demand"]["per_swab"] = {"x": 1.0}
    d["reserve"] = {"coverage_days": 3, "daily_max": "declared", "declared": {"a": {"x": 10}, "b": {"x": 20}}}
    d["response"] = {"levels": LEVELS, **response}
    return d


def test_a_schedule_on_a_census_sets_each_levels_use_and_coverage_on_exactly_its_days_and_cities(tmp_path):
    r = run(loaded(_two_cities(tmp_path, schedule=SCHEDULE), base_dir=tmp_path))
    none, iv, ii, i = "none", "IV", "II", "I"
    assert list(series(r, "response_level", "a")) == [none, none, i, i, i, ii, ii, ii, none, none, iv, iv]
    assert list(series(r, "response_level", "b")) == [iv] * 5 + [ii] * 3 + [none, none, iv, iv]
    # a: 10 a day x the level's routine multiplier (+ 5 census swabs on day 0; at II a swab
    # campaign of 1 % of 1,000 residents a day, one unit a swab).
    np.testing.assert_allclose(series(r, "demand", "a"), [15, 10, 30, 30, 30, 30, 30, 30, 10, 10, 15, 15])
    # b: 20 a day; at II x 2 + 1 % of 2,000.
    np.testing.assert_allclose(series(r, "demand", "b"), [30] * 5 + [60] * 3 + [20, 20, 30, 30])
    # Required reserve = the level's coverage days (none: reserve.coverage_days 3) x the declared max.
    np.testing.assert_allclose(
        series(r, "required_reserve", "a"), [30, 30, 200, 200, 200, 100, 100, 100, 30, 30, 50, 50]
    )
    np.testing.assert_allclose(series(r, "required_reserve", "b"), [100] * 5 + [200] * 3 + [60, 60, 100, 100])
    ev = r.events[r.events["kind"] == "response_level"]
    got = list(zip(ev["time"], ev["city"].astype(str), ev["quantity"].astype(int), strict=True))
    code = LEVEL_NAMES.index
    assert got == [
        (0, "b", code("IV")),  # in force on day 0: a change from none
        (2, "a", code("I")),
        (5, "a", code("II")),
        (5, "b", code("II")),
        (8, "a", 0),
        (8, "b", 0),
        (10, "a", code("IV")),
        (10, "b", code("IV")),
    ]


def test_scope_circle_with_no_epidemic_raises_every_city_to_the_highest(tmp_path):
    schedule = [
        {"level": "I", "from_day": 2, "to_day": 4, "cities": ["a"]},
        {"level": "IV", "from_day": 3, "cities": ["b"]},
    ]
    r = run(loaded(_two_cities(tmp_path, "none", schedule=schedule, scope="circle"), base_dir=tmp_path))
    expected = ["none", "none", "I", "I", "I"] + ["IV"] * 7
    assert list(series(r, "response_level", "a")) == expected
    assert list(series(r, "response_level", "b")) == expected
    np.testing.assert_allclose(series(r, "demand", "b"), [20, 20, 60, 60, 60] + [30] * 7)
    np.testing.assert_allclose(series(r, "required_reserve", "b"), [60, 60, 400, 400, 400] + [100] * 7)


def _uncertain_levels() -> list[dict]:
    """LEVELS with uncertain settings, so that each replication draws its own."""
    out = [dict(lv) for lv in LEVELS]
    out[1]["surge_beds"] = {"dist": "uniform", "low": 10, "high": 50}
    out[2]["routine_multiplier"] = {"dist": "triangular", "low": 2, "mode": 3, "high": 4}
    out[2]["swab_share_per_day"] = {"dist": "uniform", "low": 0.01, "high": 0.02}
    return out


def test_levels_without_the_epidemic_are_the_epidemics_own(tmp_path):
    """``EpidemicDriver.levels`` (what the purchase plan's full load reads) draws each level's
    settings exactly as ``batch`` does: SEIR (after its own parameters), a census with a schedule,
    and no levels drawn for a census without one."""
    levels = {"response": {"levels": _uncertain_levels()}}
    seir = deep_update(three_cities(r0={"dist": "uniform", "low": 1.5, "high": 3}), levels)
    census = deep_update(_two_cities(tmp_path, schedule=SCHEDULE), levels)
    no_levels = {**_two_cities(tmp_path), "response": {}}
    cases = [(seir, None), (census, tmp_path), (no_levels, tmp_path)]
    for d, base in cases:
        ls = loaded(d, base_dir=base)
        p = sample_batch(ls.scenario, 5, np.arange(4))
        driver = EpidemicDriver(ls)
        want, got = driver.batch(5, p).levels, driver.levels(5, p)
        if want is None:
            assert got is None
            continue
        assert got is not None and np.ptp(want.surge_beds[:, 3]) > 0
        for a, b in zip(want, got, strict=True):
            np.testing.assert_array_equal(a, b)
