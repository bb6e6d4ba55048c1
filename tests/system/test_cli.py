"""The command line on every shipped scenario: every command, its tables and what it prints."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import CONFIGS, ROOT

from stocksim.cli import main
from stocksim.scenario import load_scenario

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


COST_COLUMNS = ["holding_cost", "opening_stock_value", "closing_stock_value", "net_cost"]

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


def test_every_shipped_config_is_described_in_the_configs_readme():
    """The scenarios the tests run are the ones configs/README.md offers a newcomer, no more, no
    fewer (an empty CONFIGS fails at collection: empty_parameter_set_mark in pyproject)."""
    readme = (ROOT / "configs" / "README.md").read_text(encoding="utf-8")
    described = set(re.findall(r"^\| `([\w.-]+\.yaml)` \|", readme, flags=re.MULTILINE))
    assert described == {p.name for p in CONFIGS}


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
    assert "holding_cost" in daily.columns
    assert set(COST_COLUMNS) <= set(pd.read_csv(out / "replications.csv").columns)
    assert {"holding_cost_mean", "net_cost_mean", "net_cost_mean_low", "net_cost_mean_high"} <= set(summary.columns)
    assert printed.startswith(f"ok: {s.name}: {len(s.cities)} cities, {len(s.items)} items")  # validate's line


def test_compare_writes_a_tidy_table_and_prints_the_matrix(tmp_path, capsys, default_config):
    out = tmp_path / "cmp"
    args = ["compare", str(default_config), "--replications", "3", "--policies", "independent,joint", "--out", str(out)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "Jinan" in printed and "independent" in printed and "joint" in printed
    table = pd.read_csv(out / "compare.csv")
    assert list(table.columns) == ["policy", "city", "item", "metric", "mean", "diff", "diff_low", "diff_high", "n"]
    assert set(table["metric"]) >= {"stockout", "unmet", "compliance_share", "total_cost", "transport_cost"}
    assert set(table["metric"]) >= {"net_cost", "holding_cost"}
    circle = table[(table["city"] == "ALL") & (table["item"] == "ALL") & (table["metric"] == "net_cost")]
    net = {p: f"net {m / 1e6:,.1f}" for p, m in zip(circle["policy"], circle["mean"], strict=True)}
    for policy in ("independent", "joint"):  # each policy's line: total cost, then net cost beside it
        line = next(x for x in printed.splitlines() if re.match(rf"\s+{policy}:\s+total ", x))
        assert net[policy] in line
    assert (table["n"] == 3).all()
    assert json.loads((out / "manifest.json").read_text())["policies"] == ["independent", "joint"]


def test_compare_writes_the_verdict_in_chinese(tmp_path, capsys, default_config):
    out = tmp_path / "cmp"
    args = ["compare", str(default_config), "--replications", "2", "--policies", "independent,joint-combined+transfers"]
    assert main([*args, "--lang", "zh", "--out", str(out)]) == 0
    verdict = (out / "verdict.txt").read_text(encoding="utf-8").splitlines()
    assert verdict[0].startswith("基准：各市独立采购（independent）；省级储备：")
    assert verdict[1].startswith("联合采购（汇总各市订单）＋城市间调拨：未满足需求 ")
    assert "任一城市断供的概率" in verdict[1] and "净成本 " in verdict[1] and len(verdict) == 2
    assert verdict[1] in capsys.readouterr().out


# ---- every door: each shipped config through each command, with few replications -----------


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.name)
def test_every_config_through_epidemic(config, tmp_path, capsys):
    s = load_scenario(config).scenario
    out = tmp_path / "epi"
    code = main(["epidemic", str(config), "--replications", "2", "--out", str(out)])
    captured = capsys.readouterr()
    if s.epidemic.model == "none":  # nothing to run: said so, nothing written
        assert code == 2 and "the scenario has no epidemic to run" in captured.err
        assert not out.exists()
        return
    assert code == 0, captured.err
    assert f"{s.name}: epidemic ({s.epidemic.model}), 2 replications x {s.horizon_days} days" in captured.out
    census = pd.read_parquet(out / "census.parquet")
    assert len(census) == 2 * s.horizon_days * len(s.cities)
    assert set(census["city"].astype(str)) == set(s.city_ids)
    assert (census[["mild", "severe", "icu", "swabs"]] >= 0).all().all()
    peaks = pd.read_csv(out / "peaks.csv")
    assert list(peaks["city"]) == s.city_ids
    assert (peaks["peak_hospital_median"] >= 0).all() and peaks["peak_hospital_median"].max() > 0  # calm cities: 0
    assert json.loads((out / "manifest.json").read_text())["replications"] == 2


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.name)
def test_every_config_through_compare(config, tmp_path, capsys):
    s = load_scenario(config).scenario
    out = tmp_path / "cmp"
    assert main(["compare", str(config), "--replications", "2", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    policies = ["independent", "joint", "joint+transfers"]  # the default
    assert all(p in printed for p in policies) and s.cities[0].name in printed
    table = pd.read_csv(out / "compare.csv")
    assert list(table["policy"].unique()) == policies
    assert (table["n"] == 2).all()
    assert (table.loc[table["policy"] == "independent", "diff"] == 0).all()
    summaries = pd.read_csv(out / "summaries.csv")
    assert len(summaries) == len(policies) * (len(s.location_ids) + 1) * len(s.items)
    verdict = (out / "verdict.txt").read_text(encoding="utf-8").splitlines()
    depots = ", ".join(d.id for d in s.depots) or "none"
    assert verdict[0].startswith(f"baseline: independent procurement (independent); depots: {depots}")
    assert verdict[1].startswith("joint procurement: unmet use ") and len(verdict) == len(policies)
    assert verdict[2].startswith("joint procurement with transfers between cities: unmet use ")
    assert all(line in printed for line in verdict)  # the terminal says the same after the table


# Every config, including those without an SEIR epidemic: their manifest's resolved config holds
# `epidemic.r0: null` (and latent_days, infectious_days), which `report` must read back.
@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.name)
def test_every_config_through_a_report_in_both_languages(config, tmp_path, capsys):
    s = load_scenario(config).scenario
    out = tmp_path / "run"
    args = ["run", str(config), "--replications", "2", "--daily", "quantiles", "--workers", "1", "--quiet"]
    assert main([*args, "--out", str(out)]) == 0
    assert main(["report", str(out)]) == 0
    assert main(["report", str(out), "--lang", "zh", "--out", str(tmp_path / "zh.html")]) == 0
    for path, lang in ((out / "report.html"), "en"), ((tmp_path / "zh.html"), "zh"):
        text = path.read_text(encoding="utf-8")
        assert text.startswith(f"<!doctype html><html lang='{lang}'>") and text.rstrip().endswith("</html>")
        days = "天" if lang == "zh" else "d"
        assert f"<title>{s.name}</title>" in text and f"2 × {s.horizon_days} {days}" in text
        assert text.count("<img src='data:image/png;base64,") >= 2  # the matrix and the transfers, embedded
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)  # nothing fetched from elsewhere
    assert "济南" in (tmp_path / "zh.html").read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["report", str(out)]) == 2  # an existing report is not replaced silently
    assert "already exists" in capsys.readouterr().err
    assert main(["report", str(tmp_path)]) == 2  # not a run directory
    assert "no manifest.json" in capsys.readouterr().err


def test_every_config_in_one_campaign_and_the_batch_alias_resumes_it(tmp_path, capsys):
    out = tmp_path / "campaign"
    args = ["--replications", "2", "--out", str(out), "--workers", "1", "--daily", "none"]
    assert main(["campaign", *map(str, CONFIGS), *args, "--quiet"]) == 0
    index = pd.read_csv(out / "index.csv")
    assert list(index["name"]) == [load_scenario(c).scenario.name for c in CONFIGS]
    assert (index["status"] == "done").all() and (index["replications"] == 2).all()
    for run_dir in index["run_dir"]:
        assert json.loads((out / run_dir / "manifest.json").read_text())["replications"] == 2
    capsys.readouterr()
    assert main(["batch", *map(str, CONFIGS), *args]) == 0  # the old name, the same command
    lines = [line for line in capsys.readouterr().out.splitlines() if line.endswith(".yaml") or ": " in line]
    assert sum("skipped" in line for line in lines) == len(CONFIGS)
    assert f"{len(CONFIGS)} of {len(CONFIGS)} runs complete" in lines[-1]


def test_the_installed_command_validates_the_default_config(default_config):
    """The console script the README tells people to type, not just ``main``."""
    exe = Path(sys.executable).with_name("stocksim")
    done = subprocess.run([str(exe), "validate", str(default_config)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok: jinan-circle: 7 cities")
