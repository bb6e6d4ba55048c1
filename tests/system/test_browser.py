"""The app in a real headless Chromium: a run shows the dashboard."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT

APP = str(ROOT / "app" / "streamlit_app.py")


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
