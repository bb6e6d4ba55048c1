"""Local producers' ramp-up (产能储备): exact daily shipments of a producer whose orders exceed its
capacity, while a scheduled response level rises and ends; the level it answers to; a surge
that never fires changes nothing; bad surges are refused naming the path and the value."""

from __future__ import annotations

import re
from dataclasses import fields

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import DEFAULT, ROOT, base_dict, check_invariants, loaded, simulate
from hypothesis import given, settings
from hypothesis import strategies as st

from stocksim.draws.params import sample_batch
from stocksim.scenario import ConfigError, parse_scenario
from stocksim.supply.surge import _ramp

BASE = 100.0  # units a day, each producer's base capacity
LEVEL_FROM, LEVEL_TO = 5, 14  # the scheduled level IV is in force on these days, both included
HORIZON = 25
SURGE = {"at_level": "IV", "capacity_factor": 3, "ramp_days": 4}


def _scenario(*suppliers: dict, level_cities: list[str] | None = None, cities: int = 1) -> dict:
    """One city (or two) using 10 a day, ordering every day far more than any producer makes (S =
    10,000 days of use), lead time 1; level IV declared by date on days 5-14."""
    d = base_dict(
        horizon_days=HORIZON,
        procurement={
            "mode": "independent",
            "review_every_days": 1,
            "reorder_point_days": 1000,
            "order_up_to_days": 1e4,
        },
        suppliers=list(suppliers),
    )
    for k in range(1, cities):
        d["cities"].append({**d["cities"][0], "id": f"c{k}", "name": f"C{k}"})
    entry = {"level": "IV", "from_day": LEVEL_FROM, "to_day": LEVEL_TO}
    if level_cities is not None:
        entry["cities"] = level_cities
    d["response"] = {"levels": [{"level": "IV", "enter_at": 1, "exit_below": 0.5}], "schedule": [entry]}
    return d


def _producer(id_: str = "p", **extra) -> dict:
    return {"id": id_, "lead_time_days": 1, "capacity_per_day": {"x": BASE}, **extra}


def _shipped(d: dict, city: str = "a") -> pd.DataFrame:
    """Units each supplier shipped to ``city`` on each day it dispatched (rows: days 0 .. H-2,
    whose shipments arrive within the horizon)."""
    r = simulate(d)
    check_invariants(r)
    ev = r.events
    ev = ev[(ev["kind"] == "delivery") & (ev["city"] == city)]
    table = ev.pivot_table(index="dispatched", columns="supplier", values="quantity", aggfunc="sum", observed=True)
    return table.reindex(range(HORIZON - 1)).fillna(0.0)


# The ramp counter k by day: 0 before the level, 1 .. 4 on its first four days, 4 while it lasts,
# then down by one a day from day 15 (the first day without it).
K = np.array([0] * 5 + [1, 2, 3, 4] + [4] * 6 + [3, 2, 1] + [0] * 6)
BY_HAND = BASE + (3 - 1) * BASE * K / 4  # 100, 150, 200, 250, 300 ... 300, 250, 200, 150, 100


def test_a_local_producer_ramps_up_linearly_with_its_citys_level_and_back_down():
    shipped = _shipped(_scenario(_producer(city="a", surge=SURGE)))
    np.testing.assert_allclose(shipped["p"].to_numpy(), BY_HAND[: HORIZON - 1], rtol=1e-12)
    assert shipped["p"].max() == pytest.approx(3 * BASE)  # capacity_factor x base after ramp_days


def test_a_producer_without_surge_ships_its_base_beside_one_that_surges():
    shipped = _shipped(_scenario(_producer("p", city="a", surge=SURGE), _producer("q")))
    np.testing.assert_allclose(shipped["q"].to_numpy(), BASE)
    np.testing.assert_allclose(shipped["p"].to_numpy(), BY_HAND[: HORIZON - 1], rtol=1e-12)


def test_a_producer_answers_to_its_own_city_and_one_without_a_city_to_the_highest_level():
    """The level is declared in city c1 only: the producer of city a stays at base, a producer
    without a city ramps up."""
    d = _scenario(_producer("p", city="a", surge=SURGE), _producer("q", surge=SURGE), level_cities=["c1"], cities=2)
    total = _shipped(d, "a") + _shipped(d, "c1")  # each producer's output, split between the cities' orders
    np.testing.assert_allclose(total["p"].to_numpy(), BASE)
    np.testing.assert_allclose(total["q"].to_numpy(), BY_HAND[: HORIZON - 1], rtol=1e-12)


def test_the_surge_multiplies_a_disruption_window():
    """Capacity halved on days 6-7, inside the ramp: 0.5 x (1 + 2 x k / 4) x base."""
    disrupted = _producer(city="a", surge=SURGE, disruptions=[{"from_day": 6, "to_day": 7, "capacity_factor": 0.5}])
    shipped = _shipped(_scenario(disrupted))["p"].to_numpy()
    expected = BY_HAND[: HORIZON - 1].copy()
    expected[6:8] *= 0.5
    np.testing.assert_allclose(shipped, expected, rtol=1e-12)


def test_a_ramp_of_zero_days_steps_up_and_down_at_once():
    shipped = _shipped(_scenario(_producer(city="a", surge={**SURGE, "ramp_days": 0})))["p"].to_numpy()
    day = np.arange(HORIZON - 1)
    np.testing.assert_allclose(shipped, np.where((day >= LEVEL_FROM) & (day <= LEVEL_TO), 3 * BASE, BASE))


def test_the_ramp_comes_down_from_where_it_reached_when_the_level_ends_early():
    active = np.array([[[0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 0]]], dtype=bool)
    np.testing.assert_allclose(_ramp(active, np.array([4]))[0, 0], [0, 1, 2, 1, 0, 0, 1, 2, 3, 4, 4, 3] / np.float64(4))


def test_a_surge_that_never_fires_changes_no_number():
    plain = _scenario(_producer(city="a"))
    never = _scenario(_producer(city="a", surge={**SURGE, "at_level": "I"}))
    never["response"]["levels"].append({"level": "I", "enter_at": 100, "exit_below": 50})
    a, b = simulate(plain), simulate(never)
    pd.testing.assert_frame_equal(a.daily, b.daily)
    pd.testing.assert_frame_equal(a.events, b.events)


def test_an_uncertain_surge_factor_is_drawn_after_every_other_draw_and_within_its_range():
    tri = {"dist": "triangular", "low": 2.0, "mode": 3.0, "high": 9.0}
    d = _scenario(_producer(unit_cost_cny={"x": {"dist": "uniform", "low": 1, "high": 2}}))
    d["demand"]["dispersion"] = {"dist": "uniform", "low": 5, "high": 50}
    d_surge = _scenario(
        _producer(unit_cost_cny=d["suppliers"][0]["unit_cost_cny"], surge={**SURGE, "capacity_factor": tri})
    )
    d_surge["demand"] = d["demand"]
    reps = np.arange(40)
    before, after = sample_batch(loaded(d).scenario, 3, reps), sample_batch(loaded(d_surge).scenario, 3, reps)
    for field in fields(before):
        if field.name != "surge_factor":
            np.testing.assert_array_equal(getattr(before, field.name), getattr(after, field.name), err_msg=field.name)
    np.testing.assert_array_equal(before.surge_factor, 1.0)
    g = after.surge_factor[:, 0]
    assert len(np.unique(g)) == 40 and g.min() >= 2.0 and g.max() <= 9.0


@pytest.mark.parametrize(
    ("supplier", "path", "value"),
    [
        (_producer(city="atlantis"), "suppliers[0].city", "atlantis"),
        (_producer(surge={**SURGE, "capacity_factor": 0.5}), "suppliers[0].surge.capacity_factor", 0.5),
        (
            _producer(surge={**SURGE, "capacity_factor": {"dist": "uniform", "low": 0.8, "high": 2}}),
            "suppliers[0].surge.capacity_factor",
            {"dist": "uniform", "low": 0.8, "high": 2.0},
        ),
        (
            _producer(surge={**SURGE, "capacity_factor": {"dist": "normal", "mean": 3, "sd": 1}}),
            "suppliers[0].surge.capacity_factor",
            {"dist": "normal", "mean": 3.0, "sd": 1.0},
        ),
        (_producer(surge={**SURGE, "ramp_days": -1}), "suppliers[0].surge.ramp_days", -1),
        (_producer(surge={**SURGE, "at_level": "II"}), "suppliers[0].surge.at_level", "II"),
    ],
)
def test_a_bad_producer_is_refused_naming_the_path_and_the_value(supplier, path, value):
    with pytest.raises(ConfigError) as err:
        parse_scenario(_scenario(supplier), "x.yaml")
    assert err.value.path == path and err.value.value == value
    assert str(err.value).startswith(f"x.yaml: {path}: ")


def test_the_example_producers_of_configs_readme_validate_in_the_default_scenario():
    readme = (ROOT / "configs" / "README.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if "surge:" in b]
    assert len(blocks) == 1
    example = yaml.safe_load(blocks[0])["suppliers"]
    d = yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))
    d["suppliers"] += example
    s = parse_scenario(d, DEFAULT)
    surges = {sup.id: sup.surge for sup in s.suppliers if sup.surge is not None}
    assert set(surges) == {"jinan_mask_plant", "zibo_n95_plant"}
    assert surges["jinan_mask_plant"].capacity_factor == 2.4 and surges["zibo_n95_plant"].ramp_days == 28


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.booleans(), min_size=1, max_size=60),
    st.integers(0, 8),
)
def test_the_ramp_moves_one_step_a_day_within_its_bounds(days, n):
    """k / n changes by exactly +1/n on an active day and -1/n on another, clipped to [0, 1];
    after n active days in a row it is 1, after n inactive days 0 (n = 0: the day's activity)."""
    active = np.array(days, dtype=bool)
    share = _ramp(active[None, None, :], np.array([n]))[0, 0]
    if n == 0:
        np.testing.assert_array_equal(share, active.astype(float))
        return
    prev = np.concatenate([[0.0], share[:-1]])
    np.testing.assert_allclose(share, np.clip(prev + np.where(active, 1, -1) / n, 0, 1))
    for t in range(n - 1, len(days)):
        window = active[t - n + 1 : t + 1]
        if window.all():
            assert share[t] == 1.0
        if not window.any():
            assert share[t] == 0.0


def test_an_order_is_split_by_the_capacity_each_supplier_has_on_the_day_it_is_placed():
    """One order on day 10, when the producer has ramped up to 3 x base and the market has its
    base: S = 20 days x 10 = 200 against a position of 0 (the 100 units used up by day 9, day 10
    unmet), so the producer gets 3/4 = 150 and the market 1/4 = 50, both shipped that day. By
    base capacity the split would be 100 / 100."""
    d = _scenario(_producer("p", city="a", surge=SURGE), _producer("q"))
    d["procurement"].update(first_review_day=10, review_every_days=100, reorder_point_days=20, order_up_to_days=20)
    shipped = _shipped(d)
    assert shipped.loc[10, "p"] == pytest.approx(150.0) and shipped.loc[10, "q"] == pytest.approx(50.0)
    assert shipped.drop(index=10).to_numpy().sum() == 0.0  # the one order, filled on the day it was placed
