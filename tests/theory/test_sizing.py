"""``stocksim size`` against truths from outside the code.

One city, no procurement, Poisson demand of mean 100 a day for 30 days: the stock runs short in the
horizon exactly when the 30 days' demand, Poisson(3000), exceeds it, so the reserve that keeps the
chance of running short at 5 % is the 95 % quantile of Poisson(3000), scipy's ``poisson.ppf(0.95,
3000)`` = 3090 units = 30.9 days of the daily max (100 a day). Two identical cities that can send
each other stock need fewer days for the same chance than two that cannot (pooling)."""

from __future__ import annotations

import pytest
from conftest import base_dict, deep_update, loaded
from scipy.stats import poisson

from stocksim.experiment.compare import policy_scenario
from stocksim.experiment.sizing import Lever, parse_target, size

POISSON_100 = {"noise": "poisson", "routine_per_health_worker_day": {"x": 1.0}}  # 100 workers: mean 100 a day


def _one_city(pools: str) -> dict:
    reserve = {"coverage_days": 30, "daily_max": "full_load", "pools": pools, "release": {"when_working_out": True}}
    d = base_dict(horizon_days=30, demand=POISSON_100, reserve=reserve)
    d["cities"][0]["stock"] = {}
    return d


@pytest.mark.parametrize("pools", ["single", "separate"])
def test_the_reserve_for_a_five_percent_chance_is_the_poisson_quantile(pools):
    sc = loaded(_one_city(pools))
    target = parse_target("p_stockout<=0.05", sc.scenario)
    (z,) = size(sc, {"none": sc.scenario}, target, Lever("coverage_days", None), 7, 400)
    quantile_days = poisson.ppf(0.95, 3000) / 100
    assert quantile_days == pytest.approx(30.9)
    assert abs(z.value - quantile_days) <= 0.3
    assert z.check.low <= 0.05 <= z.check.high  # the fresh replications' Wilson interval covers the target
    assert z.units[0, 0] == round(100 * z.value) and z.cost == z.units[0, 0]  # 1 CNY a unit


def test_transfers_between_two_identical_cities_need_fewer_days():
    transfers = {"basis": "daily_max", "request_below_days": 3, "request_up_to_days": 5, "donor_keeps_days": 5,
                 "cooldown_days": 0}  # fmt: skip
    noisy = {"noise": "negative_binomial", "dispersion": 5, "routine_per_health_worker_day": {"x": 1.0}}
    d = deep_update(_one_city("single"), {"demand": noisy, "transfers": transfers})
    d["cities"].append({**d["cities"][0], "id": "b", "name": "B", "lat": 36.05})
    sc = loaded(d)
    policies = {p: policy_scenario(sc.scenario, p) for p in ("none", "none+transfers")}
    alone, sharing = size(
        sc, policies, parse_target("p_stockout<=0.05", sc.scenario), Lever("coverage_days", None), 7, 300
    )
    assert sharing.value < alone.value - 0.3
    assert sharing.cost < alone.cost
