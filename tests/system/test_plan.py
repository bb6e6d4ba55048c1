"""`stocksim plan` on every shipped scenario and on bad input."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import CONFIGS, ROOT
from openpyxl import load_workbook

from stocksim.cli import main
from stocksim.present.i18n import name
from stocksim.scenario import load_scenario

TWO_CITIES = ROOT / "tests" / "data" / "plan-two-cities.yaml"


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.stem)
def test_plan_on_every_shipped_config(tmp_path, config):
    s = load_scenario(config).scenario
    out = tmp_path / "plan"
    assert main(["plan", str(config), "--out", str(out), "--quiet"]) == 0
    table = pd.read_csv(out / "plan.csv")
    assert len(table) == (len(s.cities) + 1) * len(s.items)
    assert (table["to_buy"] >= 0).all() and (table["required_reserve"] > 0).any()
    assert (out / "plan_lots.csv").is_file() and (out / "plan.txt").is_file() and (out / "manifest.json").is_file()
    book = load_workbook(out / "plan.xlsx", read_only=True)
    assert book.sheetnames == [c.name for c in s.cities] + ["Circle (all)"]


def test_plan_prints_the_table_and_sentences_in_chinese(tmp_path, capsys):
    out = tmp_path / "plan"
    assert main(["plan", str(TWO_CITIES), "--out", str(out), "--lang", "zh", "--day", "35"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("第35天采购计划")
    assert "甲市需采购物资甲100件" in printed  # day 35: the rotated lot no longer counts
    s = load_scenario(TWO_CITIES).scenario
    assert load_workbook(out / "plan.xlsx").sheetnames == [name(c, "zh") for c in s.cities] + ["全经济圈"]
    assert pd.read_csv(out / "plan.csv")["day"].eq(35).all()


@pytest.mark.parametrize("day", ["60", "1000"])
def test_a_day_past_the_horizon_exits_2_and_writes_nothing(tmp_path, capsys, day):
    out = tmp_path / "plan"
    assert main(["plan", str(TWO_CITIES), "--day", day, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"{TWO_CITIES}: --day: must be a day of the horizon, 0 to 59 (value: {day})" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("day", ["-1", "two"])
def test_a_day_that_is_not_a_day_exits_2(tmp_path, capsys, day):
    with pytest.raises(SystemExit) as exc:
        main(["plan", str(TWO_CITIES), "--day", day, "--out", str(tmp_path / "plan")])
    assert exc.value.code == 2
    assert "--day" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_kept_unless_overwrite(tmp_path, capsys):
    out = tmp_path / "plan"
    assert main(["plan", str(TWO_CITIES), "--out", str(out), "--quiet"]) == 0
    before = (out / "plan.csv").read_text()
    assert main(["plan", str(TWO_CITIES), "--out", str(out), "--day", "35", "--quiet"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert (out / "plan.csv").read_text() == before
    assert main(["plan", str(TWO_CITIES), "--out", str(out), "--day", "35", "--quiet", "--overwrite"]) == 0
    assert pd.read_csv(out / "plan.csv")["day"].eq(35).all()
