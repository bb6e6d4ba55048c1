"""stocksim in the browser, for health-commission staff: pick a scenario, change numbers, run,
and see which city is short of which item, and when. A thin layer over the stocksim library:
every number shown comes from it; nothing is computed here.

    streamlit run app/streamlit_app.py        (or: make app)
"""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st
from editing import (
    apply_edits,
    cities_table,
    load_preset,
    loaded,
    max_work,
    parse_upload,
    presets,
    r0_mode,
    to_yaml,
    work,
)

from stocksim import __version__
from stocksim.experiment.compare import compare
from stocksim.experiment.run import run
from stocksim.present.figures import consumption_figure, cover_colour, cover_matrix, stock_figure, transfers_figure
from stocksim.present.i18n import LANGUAGES, name, number, percent, t
from stocksim.present.report import html_report
from stocksim.results.stats import BAND_METRICS, daily_bands
from stocksim.results.tables import CIRCLE
from stocksim.scenario import ConfigError, LoadedScenario, canonical_json

st.set_page_config(page_title="stocksim", layout="wide")
PRESETS = presets()
DEFAULT_PRESET = "jinan-circle" if "jinan-circle" in PRESETS else next(iter(PRESETS))


@st.cache_data(show_spinner=False, max_entries=8)
def cached_run(key: str, _ls: LoadedScenario, replications: int, seed: int) -> dict:
    """Results keyed by the scenario (``key``: its canonical JSON), seed and replications; the
    cache is per server."""
    bar = st.progress(0.0, text="…")
    done = [0]

    def step(n: int) -> None:
        done[0] += n
        bar.progress(min(1.0, done[0] / replications), text=f"{done[0]}/{replications}")

    r = run(_ls, replications=replications, seed=seed, on_batch=step)
    bar.empty()
    bands = pd.concat([daily_bands(r.daily, m) for m in BAND_METRICS], ignore_index=True)
    daily_csv = r.daily[r.daily["replication"] < 5].to_csv(index=False)  # a sample of replications
    return {"summary": r.summary, "bands": bands, "events": r.events, "daily_csv": daily_csv, "wall": r.wall_seconds}


@st.cache_data(show_spinner=False, max_entries=4)
def cached_compare(
    key: str, _ls: LoadedScenario, policies: tuple[str, ...], replications: int, seed: int
) -> pd.DataFrame:
    return compare(_ls, list(policies), replications=replications, seed=seed).table


def state_defaults() -> None:
    if "scenario" not in st.session_state:
        st.session_state.preset = DEFAULT_PRESET
        st.session_state.scenario = load_preset(PRESETS[DEFAULT_PRESET])


def sidebar(lang_key: str = "lang") -> str:
    lang = st.sidebar.radio(
        "Language / 语言", list(LANGUAGES), format_func=lambda x: "English" if x == "en" else "中文", key=lang_key
    )
    preset = st.sidebar.selectbox(t("preset", lang), list(PRESETS), index=list(PRESETS).index(st.session_state.preset))
    if preset != st.session_state.preset:
        st.session_state.preset = preset
        st.session_state.scenario = load_preset(PRESETS[preset])
        st.session_state.pop("result", None)
    upload = st.sidebar.file_uploader(t("upload", lang), type=["yaml", "yml"], max_upload_size=1)
    pasted = st.sidebar.text_area(t("paste", lang), key="pasted", height=80)
    text = upload.getvalue() if upload is not None else None
    if st.sidebar.button(t("apply_yaml", lang), key="apply_yaml") and pasted.strip():
        text = pasted
    if text is not None and st.session_state.get("last_text") != text:
        st.session_state.last_text = text
        try:
            st.session_state.scenario = parse_upload(text, upload.name if upload is not None else "pasted YAML")
            st.session_state.pop("upload_error", None)
            st.session_state.pop("result", None)
        except ConfigError as exc:
            st.session_state.upload_error = str(exc)
    if st.session_state.get("upload_error"):
        st.sidebar.error(f"{t('scenario_error', lang)}: {st.session_state.upload_error}")
        st.sidebar.info(t("kept", lang))
    return lang


def scenario_tab(lang: str) -> dict:
    d = st.session_state.scenario
    st.caption(d.get("description", ""))
    c1, c2, c3, c4 = st.columns(4)
    coverage = c1.number_input(
        t("coverage_days", lang), 1.0, 365.0, float(d.get("reserve", {}).get("coverage_days", 30))
    )
    modes = ["full_load", "peak", "declared", "observed"]
    daily_max = c2.selectbox(
        t("daily_max", lang), modes, index=modes.index(d.get("reserve", {}).get("daily_max", "full_load"))
    )
    procurement = ["none", "independent", "joint"]
    mode = c3.selectbox(
        t("procurement_mode", lang),
        procurement,
        index=procurement.index(d.get("procurement", {}).get("mode", "independent")),
    )
    transfers = c4.checkbox(t("transfers_on", lang), value=bool(d.get("transfers", {}).get("enabled", False)))
    c5, c6, c7, c8 = st.columns(4)
    horizon = c5.number_input(t("horizon", lang), 7, 730, int(d["horizon_days"]))
    reps = c6.number_input(t("replications", lang), 1, 2000, int(min(d.get("replications", 50), 50)), key="reps")
    seed = c7.number_input(t("seed", lang), 0, 2**31, int(d.get("seed", 0)), key="seed")
    r0 = r0_mode(d)
    r0 = c8.number_input(t("r0", lang), 0.5, 6.0, r0, step=0.1) if r0 is not None else None
    st.subheader(t("cities", lang))
    edited = st.data_editor(cities_table(d), hide_index=True, disabled=["id"], key="cities_editor", width="stretch")
    settings = dict(coverage_days=coverage, daily_max=daily_max, procurement_mode=mode, transfers=transfers, r0=r0)
    return apply_edits(d, edited, horizon_days=horizon, replications=reps, seed=seed, **settings)


def matrix_view(summary: pd.DataFrame, s, lang: str) -> None:
    cover, share = cover_matrix(summary, s, lang)
    required = s.reserve.coverage_days
    text = cover.map(lambda v: "-" if pd.isna(v) else f"{v:.1f}") + " d · " + share.map(percent)
    styled = text.style.apply(
        lambda col: [f"background-color: {cover_colour(v, required)}; color: black" for v in cover[col.name]]
    )
    st.subheader(f"{t('matrix', lang)} ({required:g} d)")
    st.caption(t("matrix_help", lang))
    st.dataframe(styled, width="stretch", key="matrix")


def dashboard(ls: LoadedScenario, result: dict, lang: str) -> None:
    s = ls.scenario
    summary, bands, events = result["summary"], result["bands"], result["events"]
    cities = summary[summary["city"].astype(str).isin(s.city_ids)]
    compliant0 = int((cities["initial_days_of_cover"] >= s.reserve.coverage_days).sum())
    circle = summary[summary["city"] == CIRCLE]
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("headline_compliant", lang), f"{compliant0} / {len(cities)}")
    m2.metric(t("headline_stockout", lang), percent(float(circle["p_stockout"].max())))
    m3.metric(t("headline_unmet", lang), number(float(circle["unmet_mean"].sum()), lang))
    m4.metric(t("headline_cost", lang), number(float(circle["total_cost_mean"].sum()), lang))
    matrix_view(summary, s, lang)
    short = cities[cities["p_stockout"] > 0].sort_values(
        ["p_stockout", "first_stockout_day_median"], ascending=[False, True]
    )
    st.subheader(t("first_short", lang))
    if short.empty:
        st.success(t("none_short", lang))
    else:
        item_obj = {i.id: i for i in s.items}
        city_obj = {c.id: c for c in s.cities}
        table = pd.DataFrame(
            {
                t("city", lang): [name(city_obj[c], lang) for c in short["city"].astype(str)],
                t("item", lang): [name(item_obj[i], lang) for i in short["item"].astype(str)],
                t("p_stockout", lang): short["p_stockout"].map(percent).to_numpy(),
                t("first_stockout", lang): short["first_stockout_day_median"].round().to_numpy(),
            }
        )
        st.dataframe(table.head(10), hide_index=True, key="shortages")
    c1, c2 = st.columns(2)
    city = c1.selectbox(
        t("city", lang), s.city_ids, format_func=lambda c: name(next(x for x in s.cities if x.id == c), lang)
    )
    default_item = str(short["item"].iloc[0]) if not short.empty else s.item_ids[0]
    item = c2.selectbox(t("item", lang), s.item_ids, index=s.item_ids.index(default_item),
                        format_func=lambda i: name(next(x for x in s.items if x.id == i), lang))  # fmt: skip
    st.pyplot(stock_figure(bands, summary, s, city, item, lang))
    cumulative = st.toggle(t("cumulative", lang), key="cumulative")
    st.pyplot(consumption_figure(bands, s, city, item, cumulative, lang))
    st.pyplot(transfers_figure(events, s, int(summary["replications"].max()), lang))
    st.subheader(t("events", lang))
    kinds = sorted(events["kind"].astype(str).unique())
    chosen = st.multiselect(
        t("event_kind", lang), kinds, default=[k for k in kinds if k not in ("delivery", "allocation", "carriage")]
    )
    st.dataframe(events[events["kind"].astype(str).isin(chosen)].head(2000), hide_index=True)


def compare_tab(ls: LoadedScenario, lang: str) -> None:
    options = [
        "independent",
        "joint",
        "joint+transfers",
        "joint-combined",
        "joint-combined+transfers",
        "independent+nodepots",
    ]
    chosen = st.multiselect(t("policies", lang), options, default=options[:3], key="policies")
    s = ls.scenario
    too_big = work(s, s.replications) * max(1, len(chosen)) > max_work()
    if too_big:
        st.warning(t("too_big", lang))
    if chosen and st.button(t("run_compare", lang), key="run_compare", disabled=too_big):
        key = canonical_json(s)
        st.session_state.compare = cached_compare(key, ls, tuple(chosen), s.replications, s.seed)
    table = st.session_state.get("compare")
    if table is not None:
        sel = table[(table["metric"] == "stockout") & (table["item"] == "ALL")]
        view = sel.pivot(index="city", columns="policy", values="mean").map(percent)
        st.subheader(t("p_stockout", lang))
        st.dataframe(view, width="stretch")
        st.dataframe(table, hide_index=True)


def report_tab(d: dict, ls: LoadedScenario, result: dict | None, lang: str) -> None:
    st.download_button(t("download_yaml", lang), to_yaml(d, ls), file_name=f"{d['name']}.yaml", key="dl_yaml")
    if result is None:
        st.info(t("run_first", lang))
        return
    st.download_button(t("download_summary", lang), result["summary"].to_csv(index=False), file_name="summary.csv")
    st.download_button(t("download_daily", lang), result["daily_csv"], file_name="daily-sample.csv")
    buf = io.BytesIO()
    with pd.ExcelWriter(buf) as xl:
        result["summary"].to_excel(xl, sheet_name="summary", index=False)
        result["bands"].to_excel(xl, sheet_name="daily_quantiles", index=False)
    st.download_button(t("download_excel", lang), buf.getvalue(), file_name="stocksim.xlsx")
    s = ls.scenario
    info = {"replications": s.replications, "seed": s.seed, "config_hash": ls.config_hash(),
            "stocksim_version": __version__}  # fmt: skip
    run_dict = {
        "info": info,
        "scenario": s,
        "summary": result["summary"],
        "bands": result["bands"],
        "events": result["events"],
    }
    st.download_button(
        t("download_report", lang), html_report(run_dict, lang), file_name="report.html", key="dl_report"
    )


def main() -> None:
    state_defaults()
    lang = sidebar()
    st.title(t("title", lang))
    tabs = st.tabs([t("scenario", lang), t("dashboard", lang), t("compare", lang), t("report", lang)])
    with tabs[0]:
        try:
            d = scenario_tab(lang)
            ls = loaded(d)  # the one load of this page's scenario: every tab uses it
        except ConfigError as exc:
            st.error(f"{t('scenario_error', lang)}: {exc}")
            d = st.session_state.scenario
            ls = loaded(d)
    s = ls.scenario
    too_big = work(s, s.replications) > max_work()
    if st.sidebar.button(t("run", lang), type="primary", key="run", disabled=too_big):
        st.session_state.result = cached_run(canonical_json(s), ls, s.replications, s.seed)
        st.session_state.ran, st.session_state.ran_loaded = d, ls
    if too_big:
        st.sidebar.warning(t("too_big", lang))
    result = st.session_state.get("result")
    with tabs[1]:
        if result is None:
            st.info(t("run_first", lang))
        else:
            dashboard(st.session_state.ran_loaded, result, lang)
    with tabs[2]:
        compare_tab(ls, lang)
    with tabs[3]:
        ran_d, ran_ls = (st.session_state.ran, st.session_state.ran_loaded) if result is not None else (d, ls)
        report_tab(ran_d, ran_ls, result, lang)
    st.caption(f"stocksim {__version__}")


main()
