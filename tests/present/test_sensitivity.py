"""A sensitivity analysis in words: inputs and metrics named in both languages, values in their
units, and the charts built with Chinese labels."""

from __future__ import annotations

from conftest import DEFAULT, base_dict, loaded

from stocksim.experiment.inputs import find_inputs
from stocksim.experiment.sensitivity import Metric, parse_metrics, sobol, tornado
from stocksim.present.sensitivity import input_label, metric_words, sobol_lines, value_text
from stocksim.present.tornado import sobol_figure, tornado_figure
from stocksim.scenario import load_scenario


def test_inputs_are_named_with_what_they_belong_to():
    s = load_scenario(DEFAULT).scenario
    assert input_label("epidemic.r0", s, "en") == "R0"
    assert input_label("epidemic.r0", s, "zh") == "基本再生数R0"
    assert input_label("response.levels[3].routine_multiplier", s, "en") == "routine-use multiplier (level I)"
    assert input_label("response.levels[3].routine_multiplier", s, "zh") == "日常消耗倍数（I级响应）"
    assert (
        input_label("suppliers[0].disruptions[0].capacity_factor", s, "en")
        == "capacity in the disruption as a multiple of normal (National market, days 40-80)"
    )
    assert input_label("cities[1].reserve.n95_respirator", s, "zh") == "首日储备（淄博，N95医用防护口罩）"
    assert input_label("demand.per_patient_day.severe.gloves_exam", s, "en") == (
        "uses per patient-day (severe, Exam gloves)"
    )
    assert input_label("epidemic.care.icu.share", s, "zh") == "占感染者比例（危重症）"


def test_metrics_and_values_in_words():
    s = load_scenario(DEFAULT).scenario
    assert metric_words(Metric("p_stockout"), s, "en") == "the chance that some city runs out"
    assert (
        metric_words(Metric("p_stockout", "jinan", "goggles"), s, "en") == "the chance that Jinan runs out of Goggles"
    )
    assert metric_words(Metric("p_stockout", "jinan", "goggles"), s, "zh") == "济南护目镜断供的概率"
    assert metric_words(Metric("unmet", "zibo"), s, "zh") == "淄博的未满足需求"
    assert value_text(0.41, 0.353, 0.472, "p_stockout", "en") == "41 % [35, 47]"
    assert value_text(0.41, 0.353, 0.472, "p_stockout", "zh") == "41% [35, 47]"
    assert value_text(949.3e6, 947.7e6, 950.9e6, "net_cost", "en") == "949.3 M CNY [947.7, 950.9]"
    assert value_text(949.3e6, 947.7e6, 950.9e6, "net_cost", "zh") == "9.49 亿元 [9.48, 9.51]"
    assert value_text(-2.5e-7, -1e-6, 0.0, "unmet", "en") == "0 units [0, 0]"  # never "-0"
    assert value_text(123_456, 100_000, 150_000, "unmet", "zh") == "12.3 万件 [10.0, 15.0]"


def test_charts_and_sobol_words_in_both_languages():
    d = base_dict(items=[{"id": "x", "name": "X", "shelf_life_days": 10_000, "unit_cost_cny": 2.0}])
    d["demand"]["routine_per_health_worker_day"] = {"x": {"dist": "uniform", "low": 0.1, "high": 0.3}}
    sc = loaded(d)
    inputs, metrics = find_inputs(sc.scenario), parse_metrics("unmet,p_stockout", sc.scenario)
    t = tornado(sc, inputs, metrics, replications=1)
    so = sobol(sc, inputs, metrics, n=4, replications=1)
    for lang in ("en", "zh"):
        for fig, panels in ((tornado_figure(t, sc.scenario, lang), 2), (sobol_figure(so, sc.scenario, lang), 2)):
            assert len(fig.axes) == panels
    flat = t.table[t.table["metric"] == "p_stockout"]  # 1 in every replication: nothing moves it
    assert (flat["effect"] == 0).all()
    lines = sobol_lines(so, sc.scenario, "en")
    assert (
        lines[2]
        == "The chance that some city runs out does not vary over the inputs' ranges in these runs: no indices."
    )
    assert lines[1].startswith(
        "Of the variance of unmet use of the circle over the inputs' ranges, routine uses per health worker a day "
        "(X) explains the most: "
    )
    assert " alone and " in lines[1] and lines[1].endswith(" with its interactions.")
