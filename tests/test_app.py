"""The browser app: under Streamlit's AppTest, and in a real headless Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT
from editing import loaded, to_yaml
from streamlit.testing.v1 import AppTest

from stocksim.cli import main
from stocksim.experiment.run import run
from stocksim.present.i18n import number, percent
from stocksim.results.tables import CIRCLE

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
    pd.testing.assert_frame_equal(cli, pd.read_csv(__import__("io").StringIO(roundtrip.to_csv(index=False))))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.mark.skipif(os.environ.get("STOCKSIM_SKIP_BROWSER") == "1", reason="browser test switched off")
def test_in_a_real_browser_run_shows_the_matrix(tmp_path):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is needed (make test installs it)"
    port = _free_port()
    env = dict(os.environ, STOCKSIM_APP_MAX_WORK="3e7")
    cmd = [sys.executable, "-m", "streamlit", "run", APP, "--server.headless", "true", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]  # fmt: skip
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                      "--disable-sync", "--no-first-run"],
            )  # fmt: skip
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            page.get_by_role("button", name="Run").click(timeout=60_000)
            page.get_by_role("tab", name="Dashboard").click()
            page.get_by_text("Days of cover on day 0").wait_for(timeout=120_000)
            page.get_by_text("First to run short").wait_for(timeout=60_000)
            shot = tmp_path / "dashboard.png"
            page.screenshot(path=str(shot), full_page=False)
            target = os.environ.get("STOCKSIM_SCREENSHOT")
            if target:
                shutil.copy(shot, target)
            assert shot.stat().st_size > 20_000
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_compare_tab_shows_the_policies_side_by_side():
    at = _app()
    at.number_input(key="reps").set_value(3).run()
    at.button(key="run_compare").click().run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.session_state.compare
    assert set(table["policy"]) == {"independent", "joint", "joint+transfers"}
    view = next(df.value for df in at.dataframe if "joint+transfers" in getattr(df.value, "columns", []))
    assert "jinan" in view.index and "ALL" in view.index
