"""Each replication's concrete parameters: an uncertain number is drawn once per replication."""

from __future__ import annotations

import math
from dataclasses import fields

import numpy as np
import pytest
from conftest import base_dict, loaded, series, simulate

from stocksim.draws.params import sample_batch
from stocksim.experiment.run import run


def test_an_uncertain_rate_is_drawn_once_per_replication():
    rate = {"dist": "uniform", "low": 0.05, "high": 0.15}
    d = base_dict(replications=200, horizon_days=5, cities=[{**base_dict()["cities"][0], "stock": {"x": 1e6}}])
    d["demand"] = {"noise": "none", "routine_per_health_worker_day": {"x": rate}}
    r = simulate(d)
    per_rep = np.array([series(r, "demand", replication=k) for k in range(200)])
    assert np.all(per_rep == per_rep[:, :1])  # constant within a replication
    rates = per_rep[:, 0] / 100
    assert len(np.unique(rates)) == 200
    assert rates.min() >= 0.05 and rates.max() <= 0.15
    assert abs(rates.mean() - 0.1) < 4 * (0.1 / math.sqrt(12)) / math.sqrt(200)


# ---- reusable items and routine use by protection level ---------------------------------------

GOGGLES = {"id": "g", "name": "Goggles", "shelf_life_days": 10_000, "unit_cost_cny": 1.0, "uses_per_unit": 10}


def _two_items(demand: dict, **city) -> dict:
    """Item x (single use) and goggles g (10 uses a unit), daily max at full load over 3 days."""
    d = base_dict(reserve={"coverage_days": 3, "daily_max": "full_load"})
    d["items"] = [*d["items"], GOGGLES]
    d["cities"] = [{**d["cities"][0], "stock": {"x": 1e6, "g": 1e6}, **city}]
    d["demand"] = {"noise": "none", **demand}
    return d


def _per_city(r, column: str, item: str) -> float:
    row = r.per_replication[(r.per_replication["city"] == "a") & (r.per_replication["item"] == item)]
    return float(row[column].iloc[0])


def test_uses_per_unit_divides_demand_and_the_full_load_daily_max(tmp_path):
    # Both items have the same rates in uses; goggles serve 10 uses a unit.
    rates = {"x": 1.0, "g": 1.0}
    demand = {
        "routine_per_health_worker_day": {"x": 0.1, "g": 0.1},
        "per_patient_day": {"mild": rates, "severe": {"x": 2.0, "g": 2.0}, "icu": {"x": 4.0, "g": 4.0}},
        "per_swab": {"x": 0.02, "g": 0.02},
    }
    d = _two_items(demand, designated_beds=20, designated_icu_share=0.25)
    d["epidemic"] = {"model": "census", "file": "c.csv"}
    (tmp_path / "c.csv").write_text("day,city,mild,severe,icu,swabs\n0,a,4,2,1,50\n")
    r = run(loaded(d, base_dir=tmp_path), keep_daily=True)
    # Day 0: 100 workers x 0.1 + 4 x 1 + 2 x 2 + 1 x 4 + 50 x 0.02 = 23 uses; day 1: routine only, 10.
    np.testing.assert_allclose(series(r, "demand", item="x")[:2], [23.0, 10.0])
    np.testing.assert_allclose(series(r, "demand", item="g")[:2], [2.3, 1.0])
    # Full load: 20 beds x (0.75 x 2 + 0.25 x 4) + 100 x 0.1 = 60 uses a day, times 3 days.
    assert _per_city(r, "required_reserve", "x") == pytest.approx(180.0)
    assert _per_city(r, "required_reserve", "g") == pytest.approx(18.0)


PROTECTION = {
    "level1": {"staff_share": 0.5, "per_shift": {"x": 4}},
    "level2": {"staff_share": 0.25, "per_shift": {"x": 2, "g": 2}},
    "level3": {"staff_share": 0.125, "per_shift": {"x": 1, "g": 4}},
}


def test_protection_levels_give_workers_x_shifts_x_the_shares_times_the_uses_per_shift():
    r = simulate(_two_items({"protection": PROTECTION, "shifts_per_day": 0.75}))
    # x: 100 x 0.75 x (0.5 x 4 + 0.25 x 2 + 0.125 x 1) = 196.875 a day.
    # g: 100 x 0.75 x (0.25 x 2 + 0.125 x 4) = 75 uses, 7.5 units a day.
    np.testing.assert_allclose(series(r, "demand", item="x"), 196.875)
    np.testing.assert_allclose(series(r, "demand", item="g"), 7.5)
    assert _per_city(r, "required_reserve", "x") == pytest.approx(3 * 196.875)
    assert _per_city(r, "required_reserve", "g") == pytest.approx(3 * 7.5)


def test_uncertain_protection_values_are_drawn_after_every_other_draw():
    """Protection levels with uncertain values leave every other parameter's draws as they were;
    their own draws differ across replications and stay in range."""
    tri = {"dist": "triangular", "low": 0.5, "mode": 1.0, "high": 2.0}
    d = _two_items({"routine_per_health_worker_day": {"x": 0.1}, "dispersion": tri, "per_swab": {"g": tri}})
    d["items"][0]["unit_cost_cny"] = tri
    d["suppliers"] = [
        {
            "id": "s",
            "lead_time_days": 2,
            "capacity_per_day": {"x": tri, "g": 5},
            "disruptions": [{"from_day": 2, "to_day": 4, "capacity_factor": tri}],
        }
    ]
    share = {"dist": "uniform", "low": 0.1, "high": 0.3}
    levels = {**PROTECTION, "level2": {"staff_share": share, "per_shift": {"x": tri, "g": 2}}}
    d_levels = {**d, "demand": {**d["demand"], "routine_per_health_worker_day": {}, "protection": levels}}
    d_levels["demand"]["shifts_per_day"] = {"dist": "uniform", "low": 0.5, "high": 1.0}
    reps = np.arange(50)
    before = sample_batch(loaded(d).scenario, 3, reps)
    after = sample_batch(loaded(d_levels).scenario, 3, reps)
    for field in fields(before):
        if field.name != "routine_rate":
            np.testing.assert_array_equal(getattr(before, field.name), getattr(after, field.name), err_msg=field.name)
    g = after.routine_rate[:, 1]  # 0.5-1 shifts x (0.1-0.3 x 2 + 0.125 x 4) uses / 10
    assert len(np.unique(g)) == 50 and g.min() >= 0.5 * 0.7 / 10 and g.max() <= 1.0 * 1.1 / 10
