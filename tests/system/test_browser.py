"""The app in a real headless Chromium (Debian's), as a commission user drives it: run the default,
an invalid cell named next to its table with Run disabled, the out-of-date marker, a widget change
timed, every label in Chinese, every download one after another, and the README's screenshots at
1440 px and 390 px (copied to ``STOCKSIM_SCREENSHOTS``, e.g. docs/, when that is set)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from conftest import DEFAULT, ROOT

APP = str(ROOT / "app" / "streamlit_app.py")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip
# Latin words a Chinese page may show: formats, units and symbols, Roman level numerals, the version.
LATIN_OK = {"stocksim", "YAML", "CSV", "Excel", "HTML", "PDF", "A4", "R0", "N95", "KN95", "ICU", "IV", "III", "II",
            "I", "s", "S", "D", "E", "x", "M", "docs", "outputs", "md", "Browse", "files", "Drag", "and", "drop",
            "file", "here", "Limit", "MB", "per", "YML", "yml", "yaml", "Press", "Enter", "to", "apply",
            "English", "Wilson", "reserve.counts_agreements", "outputs.md", "t", "SEIR"}  # fmt: skip


HASH = re.compile(r"[0-9a-f]{8,16}")  # the scenario's hash
# The main area's text without Material icons (their names are ligatures, not words shown).
VISIBLE_TEXT = """() => {
  const main = document.querySelector('[data-testid="stMain"]').cloneNode(true);
  main.querySelectorAll('[data-testid*="Icon"], [class*="material"]').forEach(e => e.remove());
  document.body.appendChild(main);
  const text = main.innerText;
  main.remove();
  return text;
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _user_words() -> set[str]:
    """Words of the scenario the user gave (ids, names, descriptions): allowed in any language."""
    d = yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))
    text = " ".join(str(v) for v in _strings(d))
    return set(re.findall(r"[A-Za-z][A-Za-z0-9_']*", text))


def _strings(node):
    if isinstance(node, dict):
        for k, v in node.items():
            yield k
            yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)
    elif isinstance(node, str):
        yield node


def _idle(page, timeout: float = 120) -> None:
    """Wait until Streamlit has finished the rerun (the app's script state back to not running)."""
    page.wait_for_timeout(250)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stApp\"]')?.getAttribute('data-test-script-state')"
        " === 'notRunning'",
        timeout=timeout * 1000,
    )


def _shot(page, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    page.screenshot(path=str(path), full_page=False)
    target = os.environ.get("STOCKSIM_SCREENSHOTS")
    if target:
        shutil.copy(path, Path(target) / name)
    return path


@pytest.fixture
def server():
    port = _free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", APP, "--server.headless", "true", "--server.port", str(port),
           "--server.address", "127.0.0.1"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.3)
    yield url
    proc.terminate()
    proc.wait(timeout=30)


@pytest.mark.skipif(os.environ.get("STOCKSIM_SKIP_BROWSER") == "1", reason="browser test switched off")
def test_a_commission_user_in_chromium(server, tmp_path):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is needed (make test installs it)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1100}, accept_downloads=True)
        page.goto(server)
        first, widget = _first_run(page, tmp_path)
        _invalid_cell(page, tmp_path)
        later = _later_run(page)
        print(f"\nbrowser timings: first run {first:.1f} s, later run {later:.1f} s, widget change {widget:.2f} s")
        _downloads(page, tmp_path)
        _chinese(page, tmp_path)
        browser.close()
        _phone(p, server, tmp_path)


def _run_button(page):
    return page.get_by_role("button", name=re.compile("^(Run|运行)$"))


def _first_run(page, tmp_path: Path) -> tuple[float, float]:
    """The default preset run (timed), the dashboard's screenshot, then a widget change (timed)."""
    run = _run_button(page)
    run.wait_for(timeout=120_000)
    _idle(page)
    start = time.monotonic()
    run.click()
    page.get_by_text("Results of the inputs shown").wait_for(timeout=180_000)
    first = time.monotonic() - start
    page.get_by_text("The reserve rule's answer").wait_for()
    _idle(page)
    assert _shot(page, tmp_path, "app-dashboard.png").stat().st_size > 50_000
    start = time.monotonic()
    page.get_by_text("Cumulative", exact=True).click()
    _idle(page)
    return first, time.monotonic() - start


def _cell(page, box: dict, text: str) -> None:
    """Zibo's N95 respirator in the reserve table: the first row's city, one down, one right."""
    page.mouse.click(box["x"] + 40, box["y"] + 35 + 17)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")  # opens the cell's editor
    page.wait_for_timeout(300)
    page.keyboard.press("Control+A")
    page.keyboard.type(text, delay=60)
    page.wait_for_timeout(200)
    page.keyboard.press("Enter")


def _invalid_cell(page, tmp_path: Path) -> None:
    """The out-of-date marker after an edit; an invalid cell named next to its table, Run disabled."""
    from playwright.sync_api import expect

    run = _run_button(page)
    page.get_by_role("tab", name="Scenario").click()
    _idle(page)
    cover = page.get_by_role("spinbutton", name="Reserve: coverage days")
    cover.fill("45")
    cover.press("Enter")
    _idle(page)
    expect(page.get_by_text("Out of date: the inputs changed since the last run. Press Run.")).to_be_visible()
    editor = page.locator("[data-testid='stDataFrame']").nth(1)  # counts, reserve, stock: the reserve
    editor.scroll_into_view_if_needed()
    box = editor.bounding_box()
    _cell(page, box, "-5000")
    _idle(page)
    message = page.get_by_text(re.compile(r"^Zibo · N95 respirator: "))
    expect(message).to_be_visible()
    expect(run).to_be_disabled()
    _shot(page, tmp_path, "app-invalid-cell.png")
    _cell(page, editor.bounding_box(), "406000")
    _idle(page)
    cover.fill("30")
    cover.press("Enter")
    _idle(page)
    expect(message).to_have_count(0)
    expect(run).to_be_enabled()
    expect(page.get_by_text("Results of the inputs shown")).to_be_visible()


def _later_run(page) -> float:
    """A run of the preset's replications on another seed, after the first."""
    seed = page.get_by_role("spinbutton", name="Seed", exact=True)
    seed.fill("7")
    seed.press("Enter")
    _idle(page)
    start = time.monotonic()
    _run_button(page).click()
    page.get_by_text("Results of the inputs shown").wait_for(timeout=120_000)
    return time.monotonic() - start


def _downloads(page, tmp_path: Path) -> None:
    """Every download, one after another: none lost, each a whole file of its kind."""
    page.get_by_role("tab", name="Report and downloads").click()
    _idle(page)
    names = ["Download scenario (YAML)", "Report (HTML)", "Summary and daily quantiles (Excel)",
             "Purchase plan (Excel)", "Summary (CSV)", "Daily table (CSV)"]  # fmt: skip
    files = []
    for label in names:
        with page.expect_download(timeout=120_000) as info:
            page.get_by_role("button", name=label).click()
        path = tmp_path / "downloads" / info.value.suggested_filename
        info.value.save_as(path)
        files.append(path)
    assert [f.stat().st_size > 1000 for f in files] == [True] * len(names)
    assert files[1].read_text(encoding="utf-8").startswith("<!doctype html><html lang='en'>")
    assert all(f.read_bytes()[:2] == b"PK" for f in files[2:4])  # xlsx


def _chinese(page, tmp_path: Path) -> None:
    """中文: the open tab kept, every tab free of English outside what the user typed."""
    from playwright.sync_api import expect

    page.get_by_text("中文", exact=True).click()
    _idle(page)
    expect(page.get_by_role("tab", name="报告与下载", exact=True)).to_have_attribute("aria-selected", "true")
    allowed = LATIN_OK | _user_words()
    for tab in ("总览", "情景", "政策比较", "储备规模测算", "敏感性分析", "报告与下载"):
        page.get_by_role("tab", name=tab, exact=True).click()
        _idle(page)
        text = page.evaluate(VISIBLE_TEXT)
        words = {w for w in re.findall(r"[A-Za-z][A-Za-z0-9_'.]*", text) if not HASH.fullmatch(w)} - allowed
        assert not words, (tab, sorted(words))
    page.get_by_role("tab", name="总览", exact=True).click()
    _idle(page)
    _shot(page, tmp_path, "app-dashboard-zh.png")


def _phone(p, server: str, tmp_path: Path) -> None:
    """A phone, 390 px: Run without opening the sidebar; the answer and the matrix readable."""
    browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone.goto(server)
    button = _run_button(phone)
    button.wait_for(timeout=120_000)
    _idle(phone)
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    button.click()
    phone.get_by_text("Results of the inputs shown").wait_for(timeout=120_000)
    _idle(phone)
    _shot(phone, tmp_path, "app-phone.png")
    phone.get_by_text("中文", exact=True).click()
    _idle(phone)
    _shot(phone, tmp_path, "app-phone-zh.png")
    browser.close()
