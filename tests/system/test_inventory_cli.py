"""`stocksim inventory template` in both languages, and a filled template run by `stocksim run`."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import yaml
from conftest import base_dict
from openpyxl import load_workbook

from stocksim.cli import main


def write_config(folder, **extra) -> str:
    d = base_dict(start_date="2020-01-24", horizon_days=20, **extra)
    d["reserve"] = {"coverage_days": 3, "daily_max": "declared", "pools": "separate", "declared": {}}
    d["items"] = [
        {"id": "x", "name": "Mask", "name_zh": "口罩", "shelf_life_days": 1000, "unit_cost_cny": 1.0},
        {"id": "y", "name": "Gloves", "name_zh": "手套", "unit": "pair", "shelf_life_days": 1000},
    ]
    city = d["cities"][0] | {"stock": {}}
    d["cities"] = [city | {"id": "a", "name": "A-city", "name_zh": "甲市"}, city | {"id": "b", "name": "B-city"}]
    d["depots"] = [{"id": "prov", "name": "Provincial depot", "city": "a"}]
    d["reserve"]["declared"] = {c: {"x": 1.0, "y": 1.0} for c in ("a", "b")}
    d["demand"] = {"noise": "none", "routine_per_health_worker_day": {"x": 0.1}}  # a uses 10 x a day
    path = folder / "s.yaml"
    path.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("lang", "sheets", "headers", "places", "items"),
    [
        (
            "en",
            ["inventory", "lists", "help"],
            ["city", "item", "pool", "quantity", "expiry"],
            ["a", "b", "prov"],
            ["x", "y"],
        ),
        (
            "zh",
            ["库存", "选项", "说明"],
            ["城市", "物资", "类别", "数量", "有效期至"],
            ["甲市", "B-city", "Provincial depot"],
            ["口罩", "手套"],
        ),
    ],
)
def test_template_has_headers_lists_and_an_example(tmp_path, capsys, lang, sheets, headers, places, items):
    config = write_config(tmp_path)
    out = tmp_path / f"t-{lang}.xlsx"
    assert main(["inventory", "template", config, "--lang", lang, "--out", str(out)]) == 0
    book = load_workbook(out)
    assert book.sheetnames == sheets
    data, lists, help_sheet = book.worksheets
    assert [c.value for c in data[1]] == headers
    assert data.max_row == 1  # no lot: the example is on the help sheet
    assert [lists.cell(r, 1).value for r in range(2, 5)] == places
    assert [lists.cell(r, 2).value for r in range(2, 5)] == ["a", "b", "prov"]
    assert [lists.cell(r, 4).value for r in range(2, 5)] == ["甲市", None, None]  # Chinese names where given
    assert [lists.cell(r, 7).value for r in range(2, 4)] == items
    assert [lists.cell(r, 8).value for r in range(2, 4)] == ["x", "y"]
    pools = ["working", "reserve"] if lang == "en" else ["周转", "储备"]
    assert [lists.cell(r, 13).value for r in range(2, 4)] == pools
    checks = {str(dv.sqref): (dv.type, dv.formula1) for dv in data.data_validations.dataValidation}
    name = f"'{sheets[1]}'"
    assert checks == {
        "A2:A5001": ("list", f"={name}!$A$2:$A$4"),
        "B2:B5001": ("list", f"={name}!$G$2:$G$3"),
        "C2:C5001": ("list", f"={name}!$M$2:$M$3"),
        "D2:D5001": ("decimal", "0"),
    }
    example = [
        [c.value for c in row] for row in help_sheet.iter_rows() if row[0].value == places[0] and row[3].value == 1000
    ]
    assert example == [[places[0], items[0], pools[0], 1000, dt.datetime(2021, 1, 23)]]  # day 0 + 365


def test_template_never_overwrites_silently(tmp_path, capsys):
    config = write_config(tmp_path)
    out = tmp_path / "t.xlsx"
    out.write_text("mine", encoding="utf-8")
    assert main(["inventory", "template", config, "--out", str(out)]) == 2
    assert "already exists; pass --overwrite" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "mine"
    assert main(["inventory", "template", config, "--out", str(out), "--overwrite"]) == 0
    assert load_workbook(out).sheetnames[0] == "库存"


def test_a_filled_template_runs(tmp_path, capsys):
    config = write_config(tmp_path, inventory={"file": "stock.xlsx"})
    stock = tmp_path / "stock.xlsx"
    # the template is made from the scenario before its sheet exists: from a copy without the key
    bare = tmp_path / "bare"
    bare.mkdir()
    assert main(["inventory", "template", write_config(bare), "--out", str(stock)]) == 0
    book = load_workbook(stock)
    ws = book.worksheets[0]
    ws.append(["甲市", "口罩", "周转", 100, None])
    ws.append(["甲市", "口罩", "储备", 60, dt.datetime(2020, 1, 30)])  # last use day 6, written off on day 7
    ws.append(["B-city", "手套", "储备", 25, None])
    ws.append(["Provincial depot", "口罩", None, 1000, None])
    book.save(stock)
    out = tmp_path / "run"
    code = main(["run", config, "--out", str(out), "--format", "csv", "--workers", "1", "--replications", "1"])
    assert code == 0, capsys.readouterr().err
    assert "20 days, 2020-01-24 to 2020-02-12" in capsys.readouterr().out
    reps = pd.read_csv(out / "replications.csv").set_index(["city", "item"])
    assert reps.loc[("a", "x"), "initial_on_hand"] == 160
    assert reps.loc[("b", "y"), "initial_on_hand"] == 25
    assert reps.loc[("prov", "x"), "initial_on_hand"] == 1000
    daily = pd.read_csv(out / "daily.csv")
    ax = daily[(daily["city"] == "a") & (daily["item"] == "x")].set_index("day")
    assert ax.loc[7, "reserve_expired"] == 60 and ax.loc[7, "date"] == "2020-01-31"
    assert ax.loc[0, "working_on_hand"] == 90  # 100 less day 0's use of 10


def test_a_bad_sheet_stops_the_run_with_exit_2(tmp_path, capsys):
    config = write_config(tmp_path, inventory={"file": "stock.csv"})
    (tmp_path / "stock.csv").write_text("城市,物资,数量\n甲市,口罩,many\n", encoding="utf-8")
    out = tmp_path / "run"
    assert main(["run", config, "--out", str(out), "--workers", "1"]) == 2
    assert "row 2, column 数量: must be a number >= 0 (units) (value: 'many')" in capsys.readouterr().err
    assert not out.exists()
