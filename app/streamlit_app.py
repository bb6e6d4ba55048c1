"""stocksim in the browser, for health-commission staff: pick a scenario, change numbers, run, and
read the answer: does each city hold its reserve, what must it buy, who runs short of what and
when, and which policy does better. A thin layer over the stocksim library: every number shown
comes from it; nothing is computed here.

    streamlit run app/streamlit_app.py        (or: make app)
"""

from __future__ import annotations

import logging

import streamlit as st
from analyses import compare_tab, sensitivity_tab, size_tab
from editing import ConfigError, load_preset, loaded, max_work, presets, work
from panels import dashboard_tab, report_tab, scenario_tab, set_base
from runs import get_result, run_app, warm_kernels

from stocksim import __version__
from stocksim.present.i18n import LANGUAGES, t

st.set_page_config(
    page_title="stocksim",
    page_icon=":material/inventory_2:",
    layout="wide",
    initial_sidebar_state="collapsed",
    menu_items={},
)
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
log = logging.getLogger("stocksim.app")

PRESETS = presets()
DEFAULT_PRESET = "jinan-circle" if "jinan-circle" in PRESETS else next(iter(PRESETS))
TABS = ("dashboard", "scenario", "compare", "size", "sensitivity", "report")
CSS = """
<style>
h3 {padding-top: 0}
@media (max-width: 640px) {
  .block-container {padding: 2.2rem 0.6rem 1rem 0.6rem}
  h3 {font-size: 1.05rem !important}
  h4 {font-size: 0.98rem !important}
  [data-testid="stMetricValue"] {font-size: 1.3rem}
  /* a chart keeps a legible width (its labels ~8 px and up) and scrolls sideways on a phone */
  [data-testid="stImageContainer"] {overflow-x: auto; justify-content: flex-start}
  [data-testid="stImageContainer"] img {max-width: none !important; width: 780px !important}
}
</style>
"""


@st.cache_resource(show_spinner=False)
def warm() -> bool:
    """The model's kernels loaded (or compiled) once per server, when the first page opens."""
    try:
        d, _ = load_preset(PRESETS[DEFAULT_PRESET])
        warm_kernels(loaded(d, DEFAULT_PRESET))
    except Exception:  # a broken preset is reported when it is picked, not here
        log.exception("warming the kernels failed")
    return True


def on_preset(widget_key: str) -> None:
    name = st.session_state[widget_key]
    if name == st.session_state.preset or name not in PRESETS:
        return
    st.session_state.preset = name
    d, text = load_preset(PRESETS[name])
    set_base(d, text, name)


def on_language() -> None:
    """Switching language keeps the open tab (tabs are known by their label)."""
    old = st.session_state.get("shown_lang", "en")
    new = st.session_state.lang
    label = st.session_state.get("tab")
    for key in TABS:
        if label == t(key, old):
            st.session_state.tab = t(key, new)
    st.session_state.shown_lang = new


def init() -> None:
    if "base" not in st.session_state:
        st.session_state.preset = DEFAULT_PRESET
        d, text = load_preset(PRESETS[DEFAULT_PRESET])
        set_base(d, text, DEFAULT_PRESET)
        st.session_state.shown_lang = "en"


def header(lang: str) -> None:
    st.markdown(CSS, unsafe_allow_html=True)
    st.markdown(f"### {t('title', lang)}")
    c1, c2 = st.columns([1, 2])
    c1.radio(
        t("language", lang),
        list(LANGUAGES),
        format_func=lambda x: "English" if x == "en" else "中文",
        key="lang",
        horizontal=True,
        on_change=on_language,
    )
    names = list(PRESETS)
    c2.selectbox(
        t("preset", lang),
        names,
        index=names.index(st.session_state.preset),
        key=f"preset@{lang}",
        on_change=on_preset,
        args=(f"preset@{lang}",),
        format_func=lambda p: preset_name(p, lang),
    )


def preset_name(p: str, lang: str) -> str:
    key = f"preset_{p}"
    try:
        return t(key, lang)
    except KeyError:
        return p


def run_bar(lang: str, page) -> None:
    """Run, beside what the results are of: reachable at the top of every tab, on a phone too."""
    ok = page.ls is not None and not page.errors
    too_big = ok and work(page.ls.scenario, page.ls.scenario.replications) > max_work()
    c1, c2 = st.columns([1, 3], vertical_alignment="center")
    help_text = t("run_disabled", lang) if not ok else (t("too_big", lang) if too_big else t("run_help", lang))
    clicked = c1.button(
        t("run", lang), type="primary", key="run", disabled=not ok or too_big, help=help_text, width="stretch"
    )
    status = c2.empty()
    if clicked:
        s = page.ls.scenario
        bar = status.progress(0.0, text=t("running", lang))
        done = [0]

        def step(n: int) -> None:
            done[0] += n
            bar.progress(min(1.0, done[0] / s.replications), text=f"{t('running', lang)}: {done[0]} / {s.replications}")

        result = run_app(page.d, page.ls, st.session_state.base_text, step)
        st.session_state.result_key = result.key
        bar.empty()
    result = get_result(st.session_state.get("result_key", ""))
    if not ok:
        status.error(t("fix_first", lang).format(n=len(page.errors)))
    elif too_big:
        status.warning(t("too_big", lang))
    elif result is None:
        status.info(t("run_first", lang))
    elif page.ls.config_hash() != result.key:
        status.warning(t("out_of_date", lang), icon=":material/update:")
    else:
        s = result.loaded.scenario
        status.success(
            t("up_to_date", lang).format(n=s.replications, seed=s.seed, hash=result.key, sec=result.wall_seconds),
            icon=":material/check:",
        )


def main() -> None:
    init()
    warm()
    lang = st.session_state.get("lang", "en")
    header(lang)
    run_slot = st.container()
    labels = [t(k, lang) for k in TABS]
    tabs = st.tabs(labels, key="tab", on_change="rerun")
    with tabs[1]:  # always drawn: its widgets hold the edits, whichever tab is open
        page = scenario_tab(lang)
    with run_slot:
        run_bar(lang, page)
    result = get_result(st.session_state.get("result_key", ""))
    current = page.ls.config_hash() if page.ls is not None else None
    with tabs[0]:
        if tabs[0].open is not False:
            dashboard_tab(result, current, lang)
    with tabs[2]:
        if tabs[2].open:
            compare_tab(page, lang)
    with tabs[3]:
        if tabs[3].open:
            size_tab(page, lang)
    with tabs[4]:
        if tabs[4].open:
            sensitivity_tab(page, lang)
    with tabs[5]:
        if tabs[5].open:
            report_tab(page, result, lang)
    st.caption(f"stocksim {__version__}")


try:
    main()
except ConfigError as exc:  # a scenario that cannot be shown: back to the last good one
    log.warning("scenario refused: %s", exc)
    st.error(f"{t('scenario_error', st.session_state.get('lang', 'en'))}: {exc}")
    if "last_good" in st.session_state:
        set_base(*st.session_state.last_good)
except Exception:
    log.exception("the app failed")
    lang = st.session_state.get("lang", "en")
    st.error(t("internal_error", lang))
    good = st.session_state.get("last_good")
    if good is not None and good[0] is not st.session_state.get("base"):
        set_base(*good)
