"""The command line and the run directory: complete or not at all, never overwritten silently."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import ROOT, base_dict

from stocksim.cli import main
from stocksim.scenario import load_scenario

CONFIGS = sorted((ROOT / "configs").glob("*.yaml"))

DAILY_COLUMNS = [
    "replication",
    "day",
    "city",
    "item",
    "demand",
    "served",
    "unmet",
    "on_hand",
    "on_order",
    "received",
    "transfer_in",
    "transfer_out",
    "expired",
    "required_reserve",
    "compliant",
    "days_of_cover",
]
SUMMARY_COLUMNS = [
    "city",
    "item",
    "required_reserve",
    "initial_days_of_cover",
    "compliance_share",
    "p_stockout",
    "fill_rate",
    "unmet_mean",
    "first_stockout_day_median",
    "expired_mean",
    "purchase_cost_mean",
]


def test_configs_exist():
    assert any(p.name == "jinan-circle.yaml" for p in CONFIGS)


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.name)
def test_every_config_validates_and_runs(config, tmp_path, capsys):
    assert main(["validate", str(config)]) == 0
    out = tmp_path / "run"
    assert main(["run", str(config), "--replications", "2", "--out", str(out), "--format", "csv"]) == 0
    printed = capsys.readouterr().out
    s = load_scenario(config).scenario
    for city in s.cities:
        assert city.name[:14] in printed
    daily = pd.read_csv(out / "daily.csv")
    assert list(daily.columns[: len(DAILY_COLUMNS)]) == DAILY_COLUMNS
    assert len(daily) == 2 * s.horizon_days * len(s.location_ids) * len(s.items)
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary.columns[: len(SUMMARY_COLUMNS)]) == SUMMARY_COLUMNS
    assert len(summary) == (len(s.location_ids) + 1) * len(s.items)


def test_run_writes_parquet_tables_and_a_manifest(tmp_path, default_config):
    out = tmp_path / "r"
    assert (
        main(
            [
                "run",
                str(default_config),
                "--replications",
                "3",
                "--seed",
                "5",
                "--out",
                str(out),
                "--quiet",
            ]
        )
        == 0
    )
    assert sorted(p.name for p in out.iterdir()) == [
        "census.parquet",
        "daily.parquet",
        "events.parquet",
        "manifest.json",
        "replications.parquet",
        "summary.csv",
    ]
    m = json.loads((out / "manifest.json").read_text())
    assert m["seed"] == 5 and m["replications"] == 3 and len(m["config_hash"]) == 16
    assert m["resolved_config"]["name"] == "jinan-circle"
    events = pd.read_parquet(out / "events.parquet")
    assert list(events.columns[:6]) == ["replication", "time", "kind", "city", "item", "quantity"]
    assert "order_id" in events.columns
    assert set(events["kind"]) >= {"order", "delivery", "expiry"}


def test_existing_output_is_never_overwritten_silently(tmp_path, capsys):
    cfg = tmp_path / "s.yaml"
    cfg.write_text(yaml.safe_dump(base_dict()))
    out = tmp_path / "r"
    assert main(["run", str(cfg), "--out", str(out), "--quiet"]) == 0
    before = (out / "manifest.json").read_text()
    assert main(["run", str(cfg), "--out", str(out), "--seed", "99"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert (out / "manifest.json").read_text() == before
    assert main(["run", str(cfg), "--out", str(out), "--seed", "99", "--overwrite", "--quiet"]) == 0
    assert json.loads((out / "manifest.json").read_text())["seed"] == 99
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_overwrite_refuses_a_directory_that_is_not_a_run(tmp_path, capsys):
    cfg = tmp_path / "s.yaml"
    cfg.write_text(yaml.safe_dump(base_dict()))
    precious = tmp_path / "thesis"
    precious.mkdir()
    (precious / "chapter1.txt").write_text("years of work")
    assert main(["run", str(cfg), "--out", str(precious), "--overwrite"]) == 2
    assert (precious / "chapter1.txt").read_text() == "years of work"


def test_a_failure_while_writing_leaves_nothing(tmp_path, monkeypatch):
    cfg = tmp_path / "s.yaml"
    cfg.write_text(yaml.safe_dump(base_dict()))
    out = tmp_path / "r"

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", boom)
    with pytest.raises(OSError):
        main(["run", str(cfg), "--out", str(out), "--quiet"])
    assert list(tmp_path.iterdir()) == [cfg]


def test_default_output_directory_is_new_each_time(tmp_path, monkeypatch, default_config):
    monkeypatch.chdir(tmp_path)
    for _ in range(2):
        assert main(["run", str(default_config), "--replications", "1", "--quiet"]) == 0
    runs = sorted(Path("runs").iterdir())
    assert len(runs) == 2 and all(p.name.startswith("jinan-circle-") for p in runs)


def test_compare_writes_a_tidy_table_and_prints_the_matrix(tmp_path, capsys, default_config):
    out = tmp_path / "cmp"
    args = ["compare", str(default_config), "--replications", "3", "--policies", "independent,joint", "--out", str(out)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "Jinan" in printed and "independent" in printed and "joint" in printed
    table = pd.read_csv(out / "compare.csv")
    assert list(table.columns) == ["policy", "city", "item", "metric", "mean", "diff", "diff_low", "diff_high", "n"]
    assert set(table["metric"]) >= {"stockout", "unmet", "compliance_share", "total_cost", "transport_cost"}
    assert (table["n"] == 3).all()
    assert json.loads((out / "manifest.json").read_text())["policies"] == ["independent", "joint"]
