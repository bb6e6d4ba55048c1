"""Variants on kept draws give exactly the numbers of a fresh run, and the kept draws cannot be changed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import DEFAULT, base_dict, loaded

from stocksim.experiment.compare import policy_scenario
from stocksim.experiment.crn import CommonDraws, any_stockout, circle_net_cost, draws_key, fill_rate
from stocksim.experiment.run import run
from stocksim.experiment.search import scaled_ordering
from stocksim.scenario import load_scenario


def _fresh(sc, s, n, seed):
    return run(sc.model_copy(update={"scenario": s}), replications=n, seed=seed, keep_daily=False).per_replication


def test_variants_on_kept_draws_equal_fresh_runs_of_each_variant():
    sc = load_scenario(DEFAULT)
    draws = CommonDraws(sc, 11, 3)
    variants = [
        policy_scenario(sc.scenario, "independent"),
        scaled_ordering(policy_scenario(sc.scenario, "joint+transfers"), 1.3),
        policy_scenario(sc.scenario, "independent+nodepots"),  # other locations: draws of its own
        policy_scenario(sc.scenario, "independent"),  # again, after the others: the draws were not changed
    ]
    for s in variants:
        pd.testing.assert_frame_equal(draws.per_replication(s), _fresh(sc, s, 3, 11))
    assert len(draws._kept) == 2 and draws.evaluations == 4


def test_draws_key_ignores_only_what_the_day_loop_alone_reads():
    s = load_scenario(DEFAULT).scenario
    key = draws_key(s)
    assert draws_key(policy_scenario(s, "joint-combined+transfers")) == key
    assert draws_key(scaled_ordering(s, 2.0)) == key
    city = s.cities[0].model_copy(update={"reserve": {}, "stock": {}})
    assert draws_key(s.model_copy(update={"cities": [city, *s.cities[1:]]})) == key
    assert draws_key(policy_scenario(s, "independent+nodepots")) != key
    assert draws_key(s.model_copy(update={"horizon_days": 100})) != key
    assert draws_key(s.model_copy(update={"reserve": s.reserve.model_copy(update={"coverage_days": 20})})) != key


def test_kept_draws_are_read_only():
    sc = loaded(base_dict(replications=2))
    draws = CommonDraws(sc, 0, 2)
    draws.per_replication(sc.scenario)
    ((_, kept),) = draws._kept.values()
    with pytest.raises(ValueError, match="read-only"):
        kept[0].inputs.demand[0, 0, 0, 0] = 1.0


def test_metrics_per_replication_by_hand():
    """Demand 10 a day for 30 days from 100 units: short from day 10; net cost = the 100 units used."""
    d = base_dict(replications=2)
    two = {**d["cities"][0], "id": "b", "name": "B", "lat": 36.2, "stock": {"x": 1000}}
    sc = loaded({**d, "cities": [d["cities"][0], two]})
    per_rep = CommonDraws(sc, 0, 2).per_replication(sc.scenario)
    np.testing.assert_array_equal(any_stockout(per_rep), [True, True])
    np.testing.assert_array_equal(any_stockout(per_rep, "b"), [False, False])
    np.testing.assert_allclose(fill_rate(per_rep, "a"), [100 / 300] * 2)
    np.testing.assert_allclose(fill_rate(per_rep), [(100 + 300) / 600] * 2)
    np.testing.assert_allclose(circle_net_cost(per_rep), [400.0] * 2)  # 100 + 300 units used at 1 CNY
