"""What a replication's days add up to: folded day by day or from the daily table, the same totals."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import DEFAULT

from stocksim.experiment.compare import policy_scenario
from stocksim.experiment.run import run_to_dir
from stocksim.scenario import load_scenario


@pytest.mark.parametrize("policy", ["independent", "joint-combined+transfers"])
def test_a_run_without_daily_table_folds_its_days_into_the_same_totals(tmp_path, policy):
    # With --daily none the model keeps one day at a time and folds it into the totals as it
    # goes; the per-replication table and the summary must be exactly those of a full run.
    loaded = load_scenario(DEFAULT)
    loaded = loaded.model_copy(update={"scenario": policy_scenario(loaded.scenario, policy)})
    run_to_dir(loaded, tmp_path / "full", replications=5, daily="full", batch_size=2)
    run_to_dir(loaded, tmp_path / "none", replications=5, daily="none", batch_size=3)
    full, none = (pd.read_parquet(tmp_path / d / "replications.parquet") for d in ("full", "none"))
    pd.testing.assert_frame_equal(full, none)
    assert (full["transfer_in"] > 0).any() if "transfers" in policy else (full["received"] > 0).any()
    assert not (tmp_path / "none" / "daily.parquet").exists()
