"""The browser app under Streamlit's AppTest: the library's numbers, errors, languages, compare."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from conftest import CONFIGS, DEFAULT, ROOT
from editing import loaded, to_yaml
from streamlit.testing.v1 import AppTest

from stocksim.cli import main
from stocksim.experiment.run import run
from stocksim.present.i18n import number, percent, t
from stocksim.results.tables import CIRCLE
from stocksim.scenario import load_scenario

APP = str(ROOT / "app" / "streamlit_app.py")


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    assert not at.exception
    return at


def _run(at: AppTest, reps: int = 4) -> AppTest:
    at.number_input(key="reps").set_value(reps).run()
    at.button(key="run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_preset_runs_and_shows_the_librarys_numbers():
    at = _run(_app())
    d = at.session_state.ran
    summary = run(loaded(d), replications=4, seed=d["seed"], keep_daily=False).summary
    circle = summary[summary["city"] == CIRCLE]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Probability some city runs out"] == percent(float(circle["p_stockout"].max()))
    assert metrics["Unmet units (mean)"] == number(float(circle["unmet_mean"].sum()), "en")
    assert metrics["Total cost (mean, CNY)"] == number(float(circle["total_cost_mean"].sum()), "en")
    pd.testing.assert_frame_equal(at.session_state.result["summary"], summary)
    matrix = next(df.value for df in at.dataframe if "N95 respirator" in getattr(df.value, "columns", []))
    assert list(matrix.index) == [
        "Jinan",
        "Zibo",
        "Tai'an",
        "Liaocheng",
        "Dezhou",
        "Binzhou",
        "Dongying",
        "Circle (all)",
    ]
    jinan_n95 = summary[(summary["city"] == "jinan") & (summary["item"] == "n95_respirator")].iloc[0]
    assert matrix.loc["Jinan", "N95 respirator"].startswith(f"{jinan_n95['initial_days_of_cover']:.1f} d")


def test_an_invalid_scenario_shows_its_error_and_keeps_the_last_good_one():
    at = _app()
    before = dict(at.session_state.scenario)
    at.text_area(key="pasted").input("name: broken\nhorizon_days: -5\nitems: []\ncities: []\n").run()
    at.button(key="apply_yaml").click().run()
    errors = " ".join(e.value for e in at.error)
    assert "horizon_days" in errors and "-5" in errors
    assert at.session_state.scenario == before
    assert any("last good scenario" in i.value for i in at.info)


def test_the_language_switch_changes_labels():
    at = _app()
    assert at.title[0].value.startswith("stocksim: protective-supply")
    at.radio(key="lang").set_value("zh").run()
    assert at.title[0].value == "stocksim：济南都市圈防护物资储备"
    assert any(b.label == "运行" for b in at.button)


def test_downloaded_yaml_reproduces_the_apps_numbers_with_the_cli(tmp_path):
    at = _run(_app(), reps=3)
    path = tmp_path / "from-app.yaml"
    path.write_text(to_yaml(at.session_state.ran), encoding="utf-8")
    out = tmp_path / "cli"
    assert main(["run", str(path), "--out", str(out), "--quiet", "--daily", "none"]) == 0
    cli = pd.read_csv(out / "summary.csv")
    app = at.session_state.result["summary"]
    roundtrip = app.assign(city=app["city"].astype(str), item=app["item"].astype(str))
    pd.testing.assert_frame_equal(cli, pd.read_csv(io.StringIO(roundtrip.to_csv(index=False))))


def test_compare_tab_shows_the_policies_side_by_side():
    at = _app()
    at.number_input(key="reps").set_value(3).run()
    at.button(key="run_compare").click().run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.session_state.compare
    assert set(table["policy"]) == {"independent", "joint", "joint+transfers"}
    view = next(df.value for df in at.dataframe if "joint+transfers" in getattr(df.value, "columns", []))
    assert "jinan" in view.index and "ALL" in view.index


@pytest.mark.parametrize("config", [c for c in CONFIGS if c != DEFAULT], ids=lambda p: p.name)
def test_every_preset_runs_in_the_app_with_the_librarys_numbers(config):
    """Each shipped config is a preset; picked and run untouched, it gives `run` on the file (the
    default preset: test_preset_runs_and_shows_the_librarys_numbers)."""
    at = _app()
    picker = next(sb for sb in at.selectbox if sb.label == t("preset", "en"))
    picker.set_value(config.stem).run()
    assert not at.exception, [e.value for e in at.exception]
    _run(at, reps=2)
    s = load_scenario(config).scenario
    assert at.session_state.scenario["name"] == s.name
    expected = run(load_scenario(config), replications=2, keep_daily=False).summary
    pd.testing.assert_frame_equal(at.session_state.result["summary"], expected)
    assert {m.label for m in at.metric} >= {"Probability some city runs out", "Unmet units (mean)"}
