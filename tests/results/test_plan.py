"""plan.csv and plan_lots.csv of tests/data/plan-two-cities.yaml: costs and circle totals by hand."""

from __future__ import annotations

import math

import pytest
from conftest import ROOT

from stocksim.results.plan import LOT_COLUMNS, PLAN_COLUMNS, lots_table, plan_table
from stocksim.scenario import load_scenario
from stocksim.supply.plan import purchase_plan


@pytest.fixture(scope="module")
def tables():
    ls = load_scenario(ROOT / "tests" / "data" / "plan-two-cities.yaml")
    plan = purchase_plan(ls, 0)
    return plan_table(ls.scenario, plan).set_index(["city", "item"]), lots_table(ls.scenario, plan)


def test_columns(tables):
    table, lots = tables
    assert [*table.index.names, *table.columns] == [
        "city",
        "item",
        *(c for c in PLAN_COLUMNS if c not in ("city", "item")),
    ]
    assert list(lots.columns) == list(LOT_COLUMNS)


def test_costs_by_hand(tables):
    """x at s2's 2.5 (crisis x4 = 10), y at s1's 12 (crisis 48): a.x 50 -> 125 / 500;
    b.x 100 -> 250 / 1,000; b.y 200 -> 2,400 / 9,600."""
    table, _ = tables
    expected = {
        ("a", "x"): (50, 125, 500),
        ("a", "y"): (0, 0, 0),
        ("b", "x"): (100, 250, 1000),
        ("b", "y"): (200, 2400, 9600),
    }
    for key, (units, cost, crisis) in expected.items():
        row = table.loc[key]
        assert (row["to_buy"], row["cost_cny"], row["crisis_cost_cny"]) == (units, cost, crisis)
    assert table.loc[("b", "x"), "supplier"] == "s2" and table.loc[("b", "y"), "supplier"] == "s1"


def test_circle_rows_by_hand(tables):
    """The circle buys what its cities buy (x 150, y 200: CNY 2,775, at crisis prices 11,100); as one
    reserve (depot's 100 x included) it is short of y only: 450 - 250 = 200."""
    table, _ = tables
    x, y = table.loc[("ALL", "x")], table.loc[("ALL", "y")]
    assert (x["to_buy"], y["to_buy"]) == (150, 200)
    assert x["cost_cny"] + y["cost_cny"] == 2775
    assert x["crisis_cost_cny"] + y["crisis_cost_cny"] == 11100
    assert (x["physical_reserve"], x["agreements_counted"], x["counted"], x["gap"]) == (450, 450, 900, 0)
    assert (y["required_reserve"], y["physical_reserve"], y["gap"], y["physical_gap"]) == (450, 250, 200, 0)
    assert y["days_of_cover"] == pytest.approx(250 / 15)


def test_per_row_figures(tables):
    table, _ = tables
    bx = table.loc[("b", "x")]
    assert (bx["physical_floor"], bx["physical_gap"], bx["gap"], bx["days_of_cover"]) == (300, 100, 50, 27.5)
    ax = table.loc[("a", "x")]
    assert (ax["leaving_units"], ax["leaving_value_cny"], ax["first_leaving_day"]) == (50, 100, 30)
    assert math.isnan(table.loc[("b", "y"), "first_leaving_day"])


def test_lots_by_leaving_day(tables):
    _, lots = tables
    rows = lots[["city", "item", "pool", "counted", "expires_day", "leaves_day", "units", "value_cny"]]
    assert rows.values.tolist() == [
        ["a", "x", "working", False, 25, 25, 20.0, 40.0],
        ["a", "x", "reserve", True, 40, 30, 50.0, 100.0],
    ]
