"""Runs of a scenario's replications: switches that change what is recorded, not what happens."""

from __future__ import annotations

import pandas as pd
from conftest import DEFAULT, run_tables

from stocksim.experiment.run import run, run_to_dir
from stocksim.scenario import load_scenario


def test_turning_the_event_log_off_changes_no_result(tmp_path):
    loaded = load_scenario(DEFAULT)
    run_to_dir(loaded, tmp_path / "on", replications=3)
    run_to_dir(loaded, tmp_path / "off", replications=3, events="none")
    on, off = run_tables(tmp_path / "on"), run_tables(tmp_path / "off")
    pd.testing.assert_frame_equal(on["daily"], off["daily"])
    pd.testing.assert_frame_equal(on["summary"], off["summary"])
    assert off["events"].empty and list(off["events"].columns) == list(on["events"].columns)
    assert (on["events"]["kind"] == "delivery").any()


def test_a_run_in_memory_has_the_tables_of_its_run_directory(tmp_path):
    # The in-memory run fills its tables batch by batch; the run directory writes each batch apart.
    loaded = load_scenario(DEFAULT)
    memory = run(loaded, replications=5, batch_size=2)
    run_to_dir(loaded, tmp_path / "run", replications=5, batch_size=2)
    disk = run_tables(tmp_path / "run") | {"census": pd.read_parquet(tmp_path / "run" / "census.parquet")}
    for name in ("daily", "events", "census"):
        pd.testing.assert_frame_equal(getattr(memory, name), disk[name])
    pd.testing.assert_frame_equal(memory.per_replication, disk["replications"])
