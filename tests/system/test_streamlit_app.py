"""The browser app under Streamlit's AppTest: answers from the library's numbers, errors named by
city and item, out-of-date results, both languages, every preset through every tab and export."""

from __future__ import annotations

import html
import io
import re

import pandas as pd
import pytest
import yaml
from conftest import CONFIGS, DEFAULT, ROOT
from editing import loaded, to_yaml
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from stocksim.cli import main
from stocksim.experiment.compare import per_replication_metrics
from stocksim.experiment.run import run
from stocksim.present.dashboard import headline_text
from stocksim.present.i18n import LABELS, t
from stocksim.results.bands import headline_figures
from stocksim.scenario import load_scenario

APP = str(ROOT / "app" / "streamlit_app.py")
TABS = ("dashboard", "scenario", "compare", "size", "sensitivity", "report")
# Words a Chinese label may hold: names of formats, units of measure and symbols the field uses.
LATIN_OK = {
    "stocksim",
    "YAML",
    "CSV",
    "Excel",
    "HTML",
    "PDF",
    "A4",
    "R0",
    "N95",
    "KN95",
    "ICU",
    "IV",
    "III",
    "II",
    "I",
    "D",
    "E",
    "s",
    "S",
    "S1",
    "ST",
    "Sobol'",
    "N",
    "SALib",
    "docs",
    "outputs",
    "md",
    "reserve",
    "counts_agreements",
    "start_date",
    "daily_max",
    "Wilson",
    "t",
    "x",
    "y",
    "M",
    "w",
    "id",
    "LOW",
    "HIGH",
    "vary",
}


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _gen(at: AppTest) -> int:
    return at.session_state.gen


def _run(at: AppTest, reps: int = 4) -> AppTest:
    at.number_input(key=f"{_gen(at)}:replications").set_value(reps).run()
    at.button(key="run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def _tab(at: AppTest, key: str, lang: str = "en") -> AppTest:
    at.session_state["tab"] = t(key, lang)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_dashboard_answers_first_with_the_librarys_numbers():
    at = _run(_app())
    d = dict(at.session_state.base, replications=4)
    expected = headline_figures(per_replication_metrics(run(loaded(d), keep_daily=False)))
    metrics = {m.label: m.value for m in at.metric}
    for _, row in expected.iterrows():
        value, interval = headline_text(row, "en")
        assert metrics[t(f"head_{row['metric']}", "en")] == value
        assert interval in [c.value for c in at.caption]
    answer = next(m.value for m in at.markdown if m.value.startswith("**") and "cities hold 30 days" in m.value)
    assert re.match(r"\*\*\d of 7 cities hold 30 days of every item on day 0", answer)
    assert any(s.value.startswith("Results of the inputs shown: 4 replications") for s in at.success)
    matrix = next(df.value for df in at.dataframe if "N95 respirator" in getattr(df.value, "columns", []))
    assert list(matrix.index)[:2] == ["Jinan", "Zibo"] and list(matrix.index)[-1] == "Circle (all)"


def test_an_invalid_cell_is_named_by_city_and_item_and_run_waits_until_it_is_fixed():
    at = _app()
    gen = _gen(at)
    at.session_state[f"{gen}:reserve"] = {"edited_rows": {1: {"n95_respirator": -5000}}, "added_rows": [],
                                          "deleted_rows": []}  # fmt: skip
    at.run()
    errors = [e.value for e in at.error]
    assert any(e.startswith("Zibo · N95 respirator: ") and "-5000" in e for e in errors), errors
    assert at.button(key="run").disabled
    at.session_state[f"{gen}:reserve"] = {"edited_rows": {1: {"n95_respirator": 5000}}, "added_rows": [],
                                          "deleted_rows": []}  # fmt: skip
    at.run()
    assert not at.error and not at.button(key="run").disabled
    at.button(key="run").click().run()
    ran = at.session_state.base  # the base is what was loaded; the run used the edit
    assert ran["cities"][1]["reserve"]["n95_respirator"] != 5000


def test_results_say_out_of_date_when_the_inputs_change():
    at = _run(_app(), reps=3)
    assert not at.warning
    at.number_input(key=f"{_gen(at)}:coverage_days").set_value(45.0).run()
    assert any("Out of date" in w.value for w in at.warning)
    at.number_input(key=f"{_gen(at)}:coverage_days").set_value(30.0).run()
    assert not any("Out of date" in w.value for w in at.warning)


def test_a_refused_scenario_keeps_the_last_good_one_and_duplicate_keys_are_refused():
    at = _tab(_app(), "scenario")
    before = at.session_state.base
    at.text_area(key="pasted").input("name: broken\nhorizon_days: -5\nitems: []\ncities: []\n").run()
    at.button(key="apply_yaml").click().run()
    errors = " ".join(e.value for e in at.error)
    assert "horizon_days" in errors and "-5" in errors
    assert at.session_state.base is before
    assert any("last good scenario" in i.value for i in at.info)
    at.text_area(key="pasted").input("name: a\nname: b\nhorizon_days: 10\n").run()
    at.button(key="apply_yaml").click().run()
    assert "appears twice" in " ".join(e.value for e in at.error) and at.session_state.base is before


def test_scenarios_the_cli_accepts_run_in_the_app(tmp_path):
    """Issue 15: a horizon above 730 days, a seed above 2^31 and an R0 below 0.5 crashed the app."""
    d = yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))
    d.update(horizon_days=800, seed=2**40, replications=2)
    d["epidemic"]["r0"] = 0.3
    text = to_yaml(d)  # the distances inline: the file runs from anywhere
    path = tmp_path / "wide.yaml"
    path.write_text(text, encoding="utf-8")
    load_scenario(path)  # the command line accepts it
    at = _tab(_app(), "scenario")
    at.text_area(key="pasted").input(text).run()
    at.button(key="apply_yaml").click().run()
    assert not at.error, [e.value for e in at.error]
    assert at.session_state.base["horizon_days"] == 800
    _run(at, reps=2)
    assert at.session_state.result_key


def test_switching_language_keeps_the_tab_and_the_selections():
    at = _run(_app(), reps=2)
    at.selectbox(key="chart_city@en").set_value("liaocheng").run()
    _tab(at, "report")
    at.radio(key="lang").set_value("zh").run()
    assert not at.exception
    assert at.session_state["tab"] == t("report", "zh")
    assert at.session_state["keep:chart_city"] == "liaocheng"
    _tab(at, "dashboard", "zh")
    assert at.selectbox(key="chart_city@zh").value == "liaocheng" and not at.error
    assert at.markdown[1].value == "### stocksim：省会经济圈防护物资储备"
    assert any(b.label == "运行" for b in at.button)


def test_every_label_has_both_languages_and_the_chinese_holds_no_english_word():
    for key, (en, zh) in LABELS.items():
        assert en.strip() and zh.strip(), key
        words = set(re.findall(r"[A-Za-z][A-Za-z0-9_']*", re.sub(r"\{[^}]*\}", "", zh)))
        assert words <= LATIN_OK, (key, words - LATIN_OK)


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.name)
def test_every_preset_through_every_tab_and_every_export(config):
    """Each shipped config is a preset: picked, run, compared, sized, analysed and exported in both
    languages without an error; its run gives `run` on the file."""
    from report_build import html_bytes
    from runs import get_result, plan_xlsx, results_xlsx

    at = _app()
    at.selectbox(key="preset@en").set_value(config.stem).run()
    assert at.session_state.base["name"] == load_scenario(config).scenario.name
    _run(at, reps=2)
    result = get_result(at.session_state.result_key)
    expected = run(load_scenario(config), replications=2, keep_daily=False).summary
    pd.testing.assert_frame_equal(result.summary, expected)
    _tab(at, "compare")
    at.multiselect(key="policies@en").set_value(["independent", "joint+transfers"]).run()
    at.button(key="run_compare").click().run()
    assert not at.exception and at.session_state.compare["cmp"].policies == ["independent", "joint+transfers"]
    assert any(m.value.startswith("- baseline: independent procurement") for m in at.markdown)
    _tab(at, "size")
    at.multiselect(key="size_policies@en").set_value(["independent"]).run()
    at.number_input(key="size_reps").set_value(2).run()
    at.button(key="run_size").click().run()
    assert not at.exception and len(at.session_state.size["sizes"]) == 1
    _tab(at, "sensitivity")
    if at.button(key="run_sens") is not None and any(b.key == "run_sens" for b in at.button):
        at.number_input(key="sens_reps").set_value(2).run()
        at.button(key="run_sens").click().run()
        assert not at.exception
    for lang in ("en", "zh"):
        _tab(at, "report", "en")
        page = html_bytes(result.key, lang, result, at.session_state.compare).decode("utf-8")
        assert page.startswith(f"<!doctype html><html lang='{lang}'>") and "@page{size:A4" in page
        assert all(html.escape(t(k, lang)) in page for k in ("answer", "plan", "compare", "inputs"))
        book = load_workbook(io.BytesIO(results_xlsx(result.key, lang, result)))
        assert book.sheetnames == [t(k, lang) for k in ("sheet_summary", "sheet_first_short", "sheet_bands")]
        load_workbook(io.BytesIO(plan_xlsx(result.key, lang, result)))
    assert not at.error, [e.value for e in at.error]


def test_the_downloaded_yaml_reproduces_the_apps_numbers_with_the_cli(tmp_path):
    from runs import get_result

    at = _run(_app(), reps=3)
    result = get_result(at.session_state.result_key)
    path = tmp_path / "from-app.yaml"
    path.write_text(to_yaml(result.d), encoding="utf-8")
    out = tmp_path / "cli"
    assert main(["run", str(path), "--out", str(out), "--quiet", "--daily", "none"]) == 0
    cli = pd.read_csv(out / "summary.csv")
    app = result.summary
    roundtrip = app.assign(city=app["city"].astype(str), item=app["item"].astype(str))
    pd.testing.assert_frame_equal(cli, pd.read_csv(io.StringIO(roundtrip.to_csv(index=False))))


def test_the_size_answer_names_each_policy_once_in_words_in_both_languages():
    """The sizing sentences name a policy in words only: not "independent procurement procurement"
    (its words hold its code), and no code like `joint-combined+transfers` in Chinese either."""
    from stocksim.present.searches import words_only
    from stocksim.present.verdict import policy_words

    at = _tab(_app(), "size")
    policies = ["independent", "joint-combined+transfers"]
    at.multiselect(key="size_policies@en").set_value(policies).run()
    at.number_input(key="size_reps").set_value(2).run()
    at.button(key="run_size").click().run()
    assert not at.exception
    for lang in ("en", "zh"):
        if lang == "zh":
            at.radio(key="lang").set_value("zh").run()
        lines = [m.value for m in at.markdown if m.value.startswith("- ")]
        assert lines and lines[0].startswith(f"- {policy_words('independent', lang)}：" if lang == "zh" else
                                             f"- {policy_words('independent', lang)}:")  # fmt: skip
        text = " ".join(lines)
        assert "procurement procurement" not in text
        for p in sorted(policies, key=lambda p: len(policy_words(p, lang)), reverse=True):
            text = text.replace(policy_words(p, lang), "")  # what is left holds no code
        assert not any(re.search(rf"(?<![A-Za-z+-]){re.escape(p)}(?![A-Za-z+-])", text) for p in policies), text
    assert words_only(["independent needs 7 days; independent procurement (independent): 7 days"], ["independent"],
                      "en") == ["independent procurement needs 7 days; independent procurement: 7 days"]  # fmt: skip
