"""The verdict after a comparison: known numbers give exact sentences, in English and Chinese."""

from __future__ import annotations

import pandas as pd

from stocksim.experiment.compare import Comparison, Setup
from stocksim.present.verdict import baseline_line, policy_words, verdict_lines, verdict_sentence

COLUMNS = ["policy", "city", "item", "metric", "mean", "diff", "diff_low", "diff_high", "n"]


def circle_table(
    policy: str, unmet: tuple, stockout: tuple, net_cost: tuple, base: tuple = (1000.0, 0.84)
) -> pd.DataFrame:
    """The circle's rows (all items) of a comparison: the baseline 'independent' with mean unmet
    and chance of a stockout ``base``, and ``policy`` with (mean, diff, low, high) of each metric."""
    rows = [
        ("independent", "unmet", base[0], 0.0, 0.0, 0.0),
        ("independent", "stockout", base[1], 0.0, 0.0, 0.0),
        ("independent", "net_cost", 900e6, 0.0, 0.0, 0.0),
        (policy, "unmet", *unmet),
        (policy, "stockout", *stockout),
        (policy, "net_cost", *net_cost),
    ]
    return pd.DataFrame([(p, "ALL", "ALL", m, *v, 50) for p, m, *v in rows], columns=COLUMNS)


CLEAR = circle_table(
    "joint+transfers",
    unmet=(380.0, -620.0, -750.0, -480.0),
    stockout=(0.41, -0.43, -0.60, -0.26),
    net_cost=(903.1e6, 3.1e6, 2.0e6, 4.2e6),
)


def test_a_clear_comparison_in_english_and_chinese():
    # -620 / 1000 = -62 %, its interval [-750, -480] / 1000; 3.1 M CNY = 310 万元.
    assert verdict_sentence(CLEAR, "joint+transfers", "independent", "en") == (
        "joint procurement with transfers between cities: unmet use -62 % [-75, -48], "
        "chance that some city runs out 84 % -> 41 %, net cost +3.1 M CNY [+2.0, +4.2]"
    )
    assert verdict_sentence(CLEAR, "joint+transfers", "independent", "zh") == (
        "联合采购＋城市间调拨：未满足需求 -62% [-75, -48]，"
        "任一城市断供的概率 84% → 41%，净成本 +310.0 万元 [+200.0, +420.0]"
    )


def test_an_interval_that_spans_zero_says_no_clear_difference():
    table = circle_table(
        "joint-combined",
        unmet=(950.0, -50.0, -120.0, 20.0),
        stockout=(0.80, -0.04, -0.10, 0.02),
        net_cost=(899.5e6, -0.5e6, -1.5e6, 0.5e6),
    )
    assert verdict_sentence(table, "joint-combined", "independent", "en") == (
        "joint procurement (cities' orders combined): unmet use -5 % [-12, +2] (no clear difference), "
        "chance that some city runs out 84 % -> 80 % (no clear difference), "
        "net cost -0.5 M CNY [-1.5, +0.5] (no clear difference)"
    )
    assert verdict_sentence(table, "joint-combined", "independent", "zh") == (
        "联合采购（汇总各市订单）：未满足需求 -5% [-12, +2]（无明显差别），"
        "任一城市断供的概率 84% → 80%（无明显差别），净成本 -50.0 万元 [-150.0, +50.0]（无明显差别）"
    )


def test_unmet_use_in_units_where_the_baseline_had_none():
    table = circle_table(
        "independent+nodepots",
        unmet=(1234.0, 1234.0, 200.0, 2268.0),
        stockout=(0.30, 0.30, 0.16, 0.44),
        net_cost=(900e6, 0.0, 0.0, 0.0),
        base=(0.0, 0.0),
    )
    assert verdict_sentence(table, "independent+nodepots", "independent", "en") == (
        "independent procurement without the provincial depots: unmet use +1,234 units [+200, +2,268], "
        "chance that some city runs out 0 % -> 30 %, net cost +0 CNY [+0, +0] (no clear difference)"
    )
    assert "未满足需求 +1,234 件 [+200, +2,268]" in verdict_sentence(table, "independent+nodepots", "independent", "zh")


def test_the_verdict_starts_with_the_baseline_its_depots_and_transfers():
    cmp = Comparison(
        ["independent", "joint+transfers"],
        {},
        CLEAR,
        0.0,
        {"independent": Setup(("provincial_reserve",), False), "joint+transfers": Setup(("provincial_reserve",), True)},
    )
    lines = verdict_lines(cmp, "en")
    assert lines[0] == (
        "baseline: independent procurement (independent); depots: provincial_reserve "
        "(kept by every policy unless +nodepots); transfers between cities: off"
    )
    assert lines[1] == verdict_sentence(CLEAR, "joint+transfers", "independent", "en") and len(lines) == 2
    assert baseline_line("joint+transfers", Setup((), True), "zh") == (
        "基准：联合采购＋城市间调拨（joint+transfers）；省级储备：无；城市间调拨：开"
    )


def test_policy_names_in_words():
    assert policy_words("independent", "zh") == "各市独立采购"
    assert (
        policy_words("joint-combined+transfers+nodepots", "zh") == "联合采购（汇总各市订单）＋城市间调拨＋不含省级储备"
    )
    assert policy_words("joint-combined+transfers+nodepots", "en") == (
        "joint procurement (cities' orders combined) with transfers between cities and without the provincial depots"
    )


def test_a_cost_difference_of_tens_of_thousands_is_given_in_millions_with_two_decimals():
    table = circle_table(
        "independent+transfers",
        unmet=(950.0, -50.0, -120.0, 20.0),
        stockout=(0.80, -0.04, -0.10, 0.02),
        net_cost=(939.8e6, -29.0, -55_353.0, 55_295.0),
    )
    assert verdict_sentence(table, "independent+transfers", "independent", "en").endswith(
        "net cost -0.00 M CNY [-0.06, +0.06] (no clear difference)"
    )
