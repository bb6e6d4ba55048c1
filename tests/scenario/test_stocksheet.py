"""The inventory sheet (inventory.file): read from XLSX or CSV with Chinese or English headers and
names, turned into the cities' and depots' opening stock, every bad row refused by row, column
and value."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from conftest import base_dict, loaded
from openpyxl import Workbook

from stocksim.experiment.run import run
from stocksim.scenario import ConfigError
from stocksim.supply.inventory import opening_lots

START = dt.date(2020, 1, 24)


def two_cities(**overrides) -> dict:
    """Cities a (甲市) and b (乙市), a depot, items x (口罩) and y (手套); no demand, no procurement."""
    d = base_dict(
        start_date="2020-01-24",
        horizon_days=60,
        reserve={"coverage_days": 3, "daily_max": "declared", "pools": "separate"},
    )
    d["demand"] = {"noise": "none"}  # no use at all: the stock stays as the sheet says until it expires
    d["items"] = [
        {"id": "x", "name": "Mask", "name_zh": "口罩", "shelf_life_days": 1000, "unit_cost_cny": 1.0},
        {"id": "y", "name": "Gloves", "name_zh": "手套", "shelf_life_days": 1000, "unit_cost_cny": 1.0},
    ]
    city = d["cities"][0] | {"stock": {}}
    d["cities"] = [
        city | {"id": "a", "name": "A-city", "name_zh": "甲市", "stock": {"x": 7}},
        city | {"id": "b", "name": "B-city", "name_zh": "乙市", "stock": {"y": 11}},
    ]
    d["depots"] = [{"id": "prov", "name": "Provincial depot", "city": "a"}]
    d["reserve"]["declared"] = {c: {"x": 1.0, "y": 1.0} for c in ("a", "b")}
    d.update(overrides)
    return d


def write_xlsx(path, header, rows):
    book = Workbook()
    ws = book.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    book.save(path)


ZH = ["城市", "物资", "类别", "数量", "有效期至"]
SHEET = [
    ["甲市", "口罩", "储备", 1000, dt.datetime(2020, 2, 3)],  # an Excel date: last use day 10, off on day 11
    ["甲市", "口罩", "储备", 250, None],  # new on day 0
    ["甲市", "口罩", "周转", 40, "2020-03-01"],  # text date: last use day 37, off on day 38
    ["甲市", "手套", None, 30, 20],  # pool empty: working; a day number: last use day 20, off on day 21
    ["乙市", "Gloves", "reserve", 500, None],
    ["Provincial depot", "x", "储备", 900, None],
]


def test_xlsx_with_chinese_headers_and_names_is_the_day0_stock_and_dated_lots_expire_on_their_day(tmp_path):
    write_xlsx(tmp_path / "inv.xlsx", ZH, SHEET)
    d = two_cities(inventory={"file": "inv.xlsx"})
    ls = loaded(d, tmp_path)
    sums = {}
    for pool in ("working", "reserve"):
        for loc, item, qty, _ in opening_lots(ls.scenario, pool):
            key = (ls.scenario.location_ids[loc], pool, ls.scenario.item_ids[item])
            sums[key] = sums.get(key, 0) + qty
    # replace: a and b hold the sheet alone (a's 7 x and b's 11 y from the YAML are gone)
    assert sums == {
        ("a", "reserve", "x"): 1250,
        ("a", "working", "x"): 40,
        ("a", "working", "y"): 30,
        ("b", "reserve", "y"): 500,
        ("prov", "working", "x"): 900,
    }
    result = run(ls)
    df = result.daily.set_index(["day", "city", "item"])
    assert df.loc[(0, "a", "x"), "reserve_on_hand"] == 1250
    assert df.loc[(0, "a", "x"), "working_on_hand"] == 40
    assert df.loc[(0, "b", "y"), "reserve_on_hand"] == 500
    assert df.loc[(0, "prov", "x"), "on_hand"] == 900
    expired = result.daily[result.daily["expired"] > 0].set_index(["day", "city", "item"])["expired"]
    assert expired.to_dict() == {(11, "a", "x"): 1000, (21, "a", "y"): 30, (38, "a", "x"): 40}
    reserve_expired = result.daily[result.daily["reserve_expired"] > 0]
    assert list(reserve_expired["day"]) == [11]  # the reserve lot, from the reserve


def test_csv_with_english_headers_fills_what_the_scenario_leaves_out(tmp_path):
    (tmp_path / "inv.csv").write_text("item,quantity,city\nx,5,b\ny,3,a\n", encoding="utf-8")
    ls = loaded(two_cities(inventory={"file": "inv.csv", "mode": "fill"}), tmp_path)
    a, b = ls.scenario.cities
    assert a.stock == {"x": 7, "y": 3} and b.stock == {"y": 11, "x": 5}


def test_fill_refuses_a_place_pool_and_item_the_scenario_gives_too(tmp_path):
    (tmp_path / "inv.csv").write_text("city,item,quantity\na,y,1\na,x,2\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        loaded(two_cities(inventory={"file": "inv.csv", "mode": "fill"}), tmp_path)
    assert "row 3" in str(err.value) and "a working stock of x is also given" in str(err.value)
    assert "row 2" not in str(err.value)


def test_a_bad_row_is_named_by_row_column_and_value_and_every_problem_is_listed(tmp_path):
    rows = [SHEET[0], ["甲市", "口罩", "周转", -5, None], ["丙市", "口罩", "仓库", 1, "2020-02-30"], SHEET[1]]
    write_xlsx(tmp_path / "inv.xlsx", ZH, rows)
    with pytest.raises(ConfigError) as err:
        loaded(two_cities(inventory={"file": "inv.xlsx"}), tmp_path)
    text = str(err.value)
    assert text.startswith(str(tmp_path / "inv.xlsx"))
    assert "4 problems" in text
    assert "row 3, column 数量: must be a number >= 0 (units) (value: -5)" in text
    assert "row 4, column 城市: unknown city or depot" in text and "(value: '丙市')" in text
    assert "row 4, column 类别" in text and "(value: '仓库')" in text
    assert "row 4, column 有效期至" in text and "(value: '2020-02-30')" in text


def test_one_bad_row_alone_reads_as_one_error(tmp_path):
    (tmp_path / "inv.csv").write_text("city,item,quantity,expiry\na,x,1,2020-01-01\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        loaded(two_cities(inventory={"file": "inv.csv"}), tmp_path)
    assert str(err.value) == (
        f"{tmp_path / 'inv.csv'}: row 2, column expiry: expired before day 0 (2020-01-24): the last day of use is "
        "before it (value: '2020-01-01')"
    )


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("city,item\na,x\n", "no quantity / 数量 column"),
        ("city,item,quantity,colour\na,x,1,red\n", "row 1, column D: unknown header"),
        ("city,城市,item,quantity\na,a,x,1\n", "the same column as 'city'"),
        ("city,item,quantity,expiry\na,x,1,2020-03-01\n", "a date needs start_date"),
        ("city,item,pool,quantity\nprov,x,working,1\n", "a depot holds reserve only"),
    ],
)
def test_sheet_level_problems(tmp_path, text, needle):
    (tmp_path / "inv.csv").write_text(text, encoding="utf-8")
    d = two_cities(inventory={"file": "inv.csv"})
    if "start_date" in needle:
        del d["start_date"]
    with pytest.raises(ConfigError) as err:
        loaded(d, tmp_path)
    assert needle in str(err.value)


def test_gb18030_csv_as_chinese_excel_saves_it(tmp_path):
    (tmp_path / "inv.csv").write_bytes("城市,物资,数量\n乙市,口罩,12\n".encode("gb18030"))
    ls = loaded(two_cities(inventory={"file": "inv.csv"}), tmp_path)
    assert ls.scenario.cities[1].stock == {"x": 12}


def test_the_hash_follows_the_sheet(tmp_path):
    (tmp_path / "inv.csv").write_text("city,item,quantity\na,x,1\n", encoding="utf-8")
    d = two_cities(inventory={"file": "inv.csv"})
    first = loaded(d, tmp_path).config_hash()
    (tmp_path / "inv.csv").write_text("city,item,quantity\na,x,2\n", encoding="utf-8")
    assert loaded(d, tmp_path).config_hash() != first
    assert np.isclose(loaded(d, tmp_path).scenario.cities[0].stock["x"], 2)


def test_a_missing_sheet_names_the_key(tmp_path):
    with pytest.raises(ConfigError) as err:
        loaded(two_cities(inventory={"file": "nowhere.xlsx"}), tmp_path)
    assert "inventory.file: file not found" in str(err.value)
