"""The plan in words (English and Chinese), its terminal table and its workbook."""

from __future__ import annotations

import io

import pytest
from conftest import ROOT
from openpyxl import load_workbook

from stocksim.present.plan import count, money, note_lines, plan_lines, plan_terminal, plan_title, plan_workbook
from stocksim.results.plan import lots_table, plan_table
from stocksim.scenario import load_scenario
from stocksim.supply.plan import purchase_plan


@pytest.fixture(scope="module")
def planned():
    ls = load_scenario(ROOT / "tests" / "data" / "plan-two-cities.yaml")
    plan = purchase_plan(ls, 0)
    return ls, plan_table(ls.scenario, plan), lots_table(ls.scenario, plan), plan.draws


def test_numbers_in_each_language():
    assert (count(1_234_567, "en"), count(45_300, "en")) == ("1.2 M", "45,300")
    assert (count(1_234_567, "zh"), count(2.5e8, "zh"), count(6_519, "zh")) == ("123.5 万", "2.5 亿", "6,519")
    assert (money(6.0e6, "en"), money(450, "en"), money(6.0e6, "zh")) == ("CNY 6.0 M", "CNY 450", "600.0 万元")


def test_english_sentences(planned):
    ls, table, lots, draws = planned
    lines = plan_lines(table, lots, ls, draws, "en")
    assert (
        "B must buy 200 pairs of Item Y (CNY 2,400 at normal prices, CNY 9,600 at crisis prices) "
        "to hold 30 days of full-load use"
    ) in lines
    assert any(
        line.startswith("B must buy 100 pieces of Item X") and "the physical share decides" in line for line in lines
    )
    assert "A: 50 pieces of Item X (CNY 100) leave the reserve on day 30 by rotation (they expire on day 40)" in lines
    assert (
        "For every city to comply, the circle must buy CNY 2,775 at normal prices (CNY 11,100 at crisis prices)"
        in lines
    )
    assert "Counted as one reserve (depots included), the circle is short of 200 pairs of Item Y" in lines
    assert any("s2: Item X, s1: Item Y" in line and "x4" in line for line in lines)


def test_chinese_sentences(planned):
    ls, table, lots, draws = planned
    lines = plan_lines(table, lots, ls, draws, "zh")
    assert "乙市需采购物资乙200副（正常价格2,400 元，危机价格9,600 元），才能储备30天满负荷用量" in lines
    assert "要使每个城市达标，经济圈共需采购2,775 元（正常价格；危机价格1.1 万元）" in lines
    assert plan_title(ls.scenario, 0, "zh").startswith("第0天采购计划：储备要求 = 30天")


def test_terminal_in_chinese_counts_in_wan():
    ls = load_scenario(ROOT / "configs" / "jinan-circle.yaml")
    plan = purchase_plan(ls, 0)
    text = plan_terminal(plan_table(ls.scenario, plan), ls, "zh")
    jinan_n95 = text.splitlines()[3]
    assert jinan_n95.split()[:3] == ["N95医用防护口罩", "68.3", "万"]  # 683,493 required


def test_workbook_one_sheet_per_city_and_the_circle(planned):
    ls, table, lots, draws = planned
    for lang, sheets, head in (
        ("en", ["A", "B", "Circle (all)"], "To buy (units)"),
        ("zh", ["甲市", "乙市", "全经济圈"], "需采购"),
    ):
        book = load_workbook(io.BytesIO(plan_workbook(table, lots, ls, draws, lang)))
        assert book.sheetnames == sheets
        rows = [[c for c in row if c is not None] for row in book[sheets[1]].iter_rows(values_only=True)]
        heads = next(r for r in rows if head in r)
        item_y = rows[rows.index(heads) + 2]
        assert item_y[heads.index(head)] == 200


def test_the_price_note_names_suppliers_by_their_name_not_their_id():
    loaded = load_scenario(ROOT / "configs" / "jinan-circle.yaml")
    s = loaded.scenario
    plan = plan_table(s, purchase_plan(loaded, 0))
    text = " ".join(note_lines(plan, s, "en"))
    assert "National market (share available to the circle): every item" in text
    assert "national_market:" not in text
