"""Policies compared on common random numbers: identical demand, paired differences, checked names."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import DEFAULT

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
