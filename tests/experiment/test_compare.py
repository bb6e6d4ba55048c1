"""Policies compared on common random numbers: identical demand, paired differences, checked names."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import DEFAULT, base_dict, loaded

from stocksim.experiment.compare import compare, policy_scenario
from stocksim.scenario import ConfigError, load_scenario


def test_policies_see_identical_demand_and_the_comparison_is_paired():
    sc = load_scenario(DEFAULT)
    cmp = compare(sc, ["independent", "joint", "joint+transfers"], replications=4, keep_daily=True)
    base = cmp.results["independent"].daily
    for name in ("joint", "joint+transfers"):
        other = cmp.results[name].daily
        np.testing.assert_array_equal(other["demand"].to_numpy(), base["demand"].to_numpy())
        pd.testing.assert_frame_equal(cmp.results[name].census, cmp.results["independent"].census)  # the same epidemic
    t = cmp.table
    assert set(t["policy"]) == {"independent", "joint", "joint+transfers"}
    first = t[t["policy"] == "independent"]
    assert (first["diff"] == 0).all()
    row = t[
        (t["policy"] == "joint") & (t["city"] == "ALL") & (t["item"] == "ALL") & (t["metric"] == "total_cost")
    ].iloc[0]
    per_rep = [
        cmp.results[p].per_replication.query("city == 'ALL'").groupby("replication")["total_cost"].sum()
        for p in ("joint", "independent")
    ]
    diffs = (per_rep[0] - per_rep[1]).to_numpy()
    assert row["diff"] == pytest.approx(diffs.mean())
    half = 3.182446305284263 * diffs.std(ddof=1) / 2  # t(0.975, 3 df) x sd / sqrt(4)
    assert row["diff_high"] - row["diff"] == pytest.approx(half)


def test_policy_names_are_checked():
    s = load_scenario(DEFAULT).scenario
    assert policy_scenario(s, "joint-combined+transfers").procurement.joint.ordering == "combined"
    assert policy_scenario(s, "independent").transfers.enabled is False
    with pytest.raises(ConfigError, match="unknown procurement mode"):
        policy_scenario(s, "jiont")
    with pytest.raises(ConfigError, match="unknown modifier"):
        policy_scenario(s, "joint+transfer")


def test_net_and_holding_cost_are_compared_for_each_item_and_for_all_items():
    cmp = compare(load_scenario(DEFAULT), ["independent", "joint"], replications=3)
    t = cmp.table
    for metric in ("net_cost", "holding_cost"):
        rows = t[(t["policy"] == "joint") & (t["city"] == "ALL") & (t["metric"] == metric)].set_index("item")
        per_rep = cmp.results["joint"].per_replication.query("city == 'ALL'")
        by_item = per_rep.groupby("item", observed=True)[metric].mean()
        for item, mean in by_item.items():
            assert rows.loc[str(item), "mean"] == pytest.approx(mean, rel=1e-12)
        assert rows.loc["ALL", "mean"] == pytest.approx(by_item.sum(), rel=1e-12)  # all items: summed
        assert rows.loc["ALL", "n"] == 3
    assert (t[t["metric"] == "holding_cost"]["mean"] > 0).any()


def test_every_policy_keeps_the_scenarios_depots_unless_it_says_nodepots():
    s = load_scenario(DEFAULT).scenario
    depots = [d.id for d in s.depots]
    assert depots  # the default scenario has a provincial depot
    for mode in ("none", "independent", "joint", "joint-pooled", "joint-combined"):
        for policy in (mode, f"{mode}+transfers"):
            assert [d.id for d in policy_scenario(s, policy).depots] == depots, policy
        assert policy_scenario(s, f"{mode}+nodepots").depots == []


def test_service_metrics_per_item_and_for_all_items_by_hand():
    # No procurement, no noise, 30 days: city a uses 10 x and 5 y a day from 100 of each (short
    # of x from day 10, of y from day 20); city b the same from 250 x and 40 y (days 25 and 8).
    d = base_dict()
    d["items"].append({"id": "y", "name": "Y", "shelf_life_days": 10_000, "unit_cost_cny": 1.0})
    d["demand"]["routine_per_health_worker_day"]["y"] = 0.05
    d["cities"][0]["stock"]["y"] = 100
    d["cities"].append(d["cities"][0] | {"id": "b", "name": "B", "stock": {"x": 250, "y": 40}})
    t = compare(loaded(d), ["none", "none+transfers"], replications=2).table
    mean = t[t["policy"] == "none"].set_index(["city", "item", "metric"])["mean"]
    assert mean[("a", "x", "stockout_days")] == 20 and mean[("a", "y", "stockout_days")] == 10
    assert mean[("a", "ALL", "stockout_days")] == 20  # days short of any item
    assert mean[("b", "ALL", "stockout_days")] == 22 and mean[("ALL", "ALL", "stockout_days")] == 22
    assert mean[("ALL", "x", "stockout_days")] == 20  # some city short of x
    assert mean[("a", "ALL", "unmet")] == 20 * 10 + 10 * 5  # units of both items summed
    assert mean[("a", "ALL", "fill_rate")] == pytest.approx(200 / 450)  # served 100 + 100 of 300 + 150
    assert mean[("ALL", "ALL", "unmet")] == 250 + 5 * 10 + 22 * 5


def test_each_policy_says_which_depots_it_has_and_whether_cities_transfer():
    cmp = compare(load_scenario(DEFAULT), ["independent", "joint+nodepots+transfers"], replications=1)
    depots = tuple(d.id for d in load_scenario(DEFAULT).scenario.depots)
    assert cmp.setups["independent"].depots == depots and cmp.setups["independent"].transfers is False
    assert cmp.setups["joint+nodepots+transfers"].depots == ()
    assert cmp.setups["joint+nodepots+transfers"].transfers is True
