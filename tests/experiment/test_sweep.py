"""Sweeps: derived configs carry the swept values; a path not in the scenario is refused."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import DEFAULT

from stocksim.cli import main
from stocksim.scenario import load_scenario


def test_sweep_derives_valid_configs_carrying_the_swept_values(tmp_path, capsys):
    out = tmp_path / "sweep"
    args = [
        "sweep", str(DEFAULT), "--set", "reserve.coverage_days=20,30", "--set", "procurement.mode=independent,joint",
        "--lhs", "2", "--range", "epidemic.r0=1.8:2.6", "--replications", "2", "--daily", "none", "--out", str(out),
        "--workers", "1", "--quiet",
    ]  # fmt: skip
    assert main(args) == 0
    index = pd.read_csv(out / "index.csv")
    assert len(index) == 2 * 2 * 2
    assert {"reserve.coverage_days", "procurement.mode", "epidemic.r0"} <= set(index.columns)
    assert (index["status"] == "done").all()
    for _, row in index.iterrows():
        s = load_scenario(row["config"]).scenario  # each derived config validates on its own
        assert s.reserve.coverage_days == row["reserve.coverage_days"]
        assert s.procurement.mode == row["procurement.mode"]
        assert s.epidemic.r0 == pytest.approx(row["epidemic.r0"])
        assert 1.8 <= s.epidemic.r0 <= 2.6
    assert index["epidemic.r0"].nunique() == 2  # Latin hypercube points


def test_sweep_refuses_a_path_that_is_not_in_the_scenario(tmp_path, capsys):
    code = main(["sweep", str(DEFAULT), "--set", "reserve.coverage_dayz=20", "--out", str(tmp_path / "s"), "--quiet"])
    assert code == 2
    err = capsys.readouterr().err
    assert "reserve.coverage_dayz" in err
    assert list(tmp_path.iterdir()) == []


def test_a_sweep_with_one_bad_point_writes_nothing(tmp_path, capsys):
    """The third value is refused by the schema: no config of the first two is written, no folder made."""
    out = tmp_path / "s"
    code = main(["sweep", str(DEFAULT), "--set", "reserve.coverage_days=20,30,-5", "--out", str(out), "--quiet"])
    assert code == 2
    err = capsys.readouterr().err
    assert "reserve.coverage_days" in err and "-5" in err and "jinan-circle.yaml" in err
    assert list(tmp_path.iterdir()) == []
