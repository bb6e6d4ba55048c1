"""What a replication's days add up to: folded day by day or from the daily table, the same totals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import DEFAULT, base_dict, simulate

from stocksim.experiment.compare import policy_scenario
from stocksim.experiment.run import run_to_dir
from stocksim.scenario import load_scenario
from stocksim.scenario.schema import Costs


@pytest.mark.parametrize("policy", ["independent", "joint-combined+transfers"])
def test_a_run_without_daily_table_folds_its_days_into_the_same_totals(tmp_path, policy):
    # With --daily none the model keeps one day at a time and folds it into the totals as it
    # goes; the per-replication table and the summary must be exactly those of a full run.
    loaded = load_scenario(DEFAULT)
    scenario = policy_scenario(loaded.scenario, policy)
    # Days of full load on both pools, above the reserve's 30 days: transfers happen in 5 replications.
    busy = {
        "basis": "daily_max",
        "request_below_days": 34,
        "request_up_to_days": 36,
        "donor_keeps_days": 40,
        "from_reserve": True,
    }
    scenario = scenario.model_copy(update={"transfers": scenario.transfers.model_copy(update=busy)})
    loaded = loaded.model_copy(update={"scenario": scenario})
    run_to_dir(loaded, tmp_path / "full", replications=5, daily="full", batch_size=2)
    run_to_dir(loaded, tmp_path / "none", replications=5, daily="none", batch_size=3)
    full, none = (pd.read_parquet(tmp_path / d / "replications.parquet") for d in ("full", "none"))
    pd.testing.assert_frame_equal(full, none)
    assert (full["transfer_in"] > 0).any() if "transfers" in policy else (full["received"] > 0).any()
    assert not (tmp_path / "none" / "daily.parquet").exists()


def test_holding_cost_is_the_same_with_or_without_a_daily_table(tmp_path):
    # The stock-days the holding cost accrues on are folded in day by day either way.
    loaded = load_scenario(DEFAULT)
    s = loaded.scenario.model_copy(update={"costs": Costs(holding_rate_per_year=0.25)})
    loaded = loaded.model_copy(update={"scenario": s})
    run_to_dir(loaded, tmp_path / "full", replications=3, daily="full")
    run_to_dir(loaded, tmp_path / "none", replications=3, daily="none", batch_size=2)
    full, none = (pd.read_parquet(tmp_path / d / "replications.parquet") for d in ("full", "none"))
    for col in ("holding_cost", "net_cost", "opening_stock_value", "closing_stock_value"):
        pd.testing.assert_series_equal(full[col], none[col])
    assert (full["holding_cost"] > 0).any()
    daily = pd.read_parquet(tmp_path / "full" / "daily.parquet")
    by_day = daily.groupby(["replication", "city", "item"], observed=True)["holding_cost"].sum()
    places = full[full["city"] != "ALL"].set_index(["replication", "city", "item"])["holding_cost"]
    np.testing.assert_allclose(places, by_day.reindex(places.index), rtol=1e-12)


@pytest.mark.parametrize("keep_daily", [True, False])
def test_stockout_days_count_every_day_short_per_item_any_item_and_circle(keep_daily):
    # No procurement, no noise: a stock of S at d a day serves days 0 .. S/d - 1, so the days
    # short are horizon (30) - S/d. City a: x 100 at 10 (short from day 10), y 100 at 5 (day 20);
    # city b: x 250 at 10 (day 25), y 40 at 5 (day 8).
    d = base_dict()
    d["items"].append({"id": "y", "name": "Y", "shelf_life_days": 10_000, "unit_cost_cny": 1.0})
    d["demand"]["routine_per_health_worker_day"]["y"] = 0.05
    d["cities"][0]["stock"]["y"] = 100
    d["cities"].append(d["cities"][0] | {"id": "b", "name": "B", "stock": {"x": 250, "y": 40}})
    reps = simulate(d, keep_daily=keep_daily).per_replication.set_index(["city", "item"])
    expected = {  # (city, item): (stockout_days, any_item_stockout_days)
        ("a", "x"): (20, 20),
        ("a", "y"): (10, 20),
        ("b", "x"): (5, 22),
        ("b", "y"): (22, 22),
        ("ALL", "x"): (20, 22),  # some city short of x: a from day 10
        ("ALL", "y"): (22, 22),  # some city short of y: b from day 8; of any item: from day 8
    }
    for key, (item_days, any_days) in expected.items():
        assert reps.loc[key, "stockout_days"] == item_days, key
        assert reps.loc[key, "any_item_stockout_days"] == any_days, key
    assert reps.loc[("a", "x"), "first_stockout_day"] == 30 - 20  # the first short day agrees
