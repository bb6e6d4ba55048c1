"""The app's decision tabs, each run on a button with progress, its result kept per scenario hash
and settings: Compare (policies on common random numbers: the verdict first, then the paired
differences with their intervals), Size (the smallest reserve meeting a target, per policy) and
Sensitivity (a tornado over the scenario's uncertain inputs). The library runs them all."""

from __future__ import annotations

import logging

import pandas as pd
import streamlit as st
from editing import ConfigError, max_work, work
from panels import Page
from runs import paired_png
from widgets import choose

from stocksim.experiment.backends import Backend
from stocksim.experiment.compare import ALL_ITEMS, AT, compare, policy_scenario
from stocksim.experiment.inputs import find_inputs
from stocksim.experiment.sensitivity import check_inputs, parse_metrics, tornado
from stocksim.experiment.sizing import LEVERS, METRICS, parse_lever, parse_target, size
from stocksim.present.figures import names, png_bytes
from stocksim.present.i18n import number, t
from stocksim.present.searches import equal_cost_lines, money, size_lines
from stocksim.present.sensitivity import tornado_lines
from stocksim.present.tornado import tornado_figure
from stocksim.present.verdict import policy_words, verdict_lines
from stocksim.results.tables import CIRCLE

log = logging.getLogger("stocksim.app")
POLICIES = (
    "independent",
    "joint",
    "joint+transfers",
    "joint-combined",
    "joint-combined+transfers",
    "independent+transfers",
    "independent+nodepots",
    "none",
)
SENS_METRICS = ("p_stockout", "fill_rate", "unmet", "net_cost")


def _ready(page: Page, lang: str) -> bool:
    if page.ls is None or page.errors:
        st.error(t("fix_first", lang).format(n=len(page.errors)))
        return False
    return True


def _stale(page: Page, kept: dict | None, lang: str) -> None:
    if kept is not None and page.ls is not None and kept["hash"] != page.ls.config_hash():
        st.warning(t("out_of_date_analysis", lang), icon=":material/update:")


def _depot_names(page: Page) -> dict[str, str]:
    assert page.ls is not None
    return {d.id: d.name or d.id for d in page.ls.scenario.depots}


# ---- compare ---------------------------------------------------------------------------------


def compare_tab(page: Page, lang: str) -> None:
    st.caption(t("compare_help", lang))
    if not _ready(page, lang):
        return
    assert page.ls is not None
    s = page.ls.scenario
    chosen = choose(
        "multiselect",
        st,
        t("policies", lang),
        POLICIES,
        "policies",
        lang,
        lambda p: policy_words(p, lang),
        list(POLICIES[:3]),
        help=t("policies_help", lang),
    )
    at = choose(
        "radio",
        st,
        t("compare_at", lang),
        AT,
        "compare_at",
        lang,
        lambda a: t(f"at_{a}", lang),
        horizontal=True,
        help=t("compare_at_help", lang),
    )
    too_big = work(s, s.replications) * max(1, len(chosen)) > max_work()
    if too_big:
        st.warning(t("too_big", lang))
    if len(chosen) < 2:
        st.info(t("pick_two", lang))
    clicked = st.button(t("run_compare", lang), key="run_compare", type="primary", disabled=too_big or len(chosen) < 2)
    if clicked:
        with st.spinner(t("comparing", lang).format(n=len(chosen), reps=s.replications), show_time=True):
            cmp = compare(page.ls, list(chosen), at=at)
        st.session_state.compare = {
            "hash": page.ls.config_hash(),
            "cmp": cmp,
            "key": f"{page.ls.config_hash()}:{','.join(chosen)}:{at}",
        }
    kept = st.session_state.get("compare")
    if kept is None:
        return
    _stale(page, kept, lang)
    cmp = kept["cmp"]
    shown = cmp.results[cmp.policies[0]].scenario
    lines = verdict_lines(cmp, lang, _depot_names(page))
    lines[1:1] = equal_cost_lines(cmp, shown, lang, codes=False)
    st.markdown(f"#### {t('verdict', lang)}")
    st.markdown("\n".join(f"- {line}" for line in lines))
    st.caption(t("verdict_help", lang))
    st.image(paired_png(kept["key"], lang, cmp), width="stretch")
    st.markdown(f"#### {t('compare_cities', lang)}")
    st.dataframe(compare_view(cmp, shown, lang), width="stretch", key="compare_table")
    st.markdown(f"#### {t('compare_circle', lang)}")
    st.dataframe(circle_view(cmp, lang), width="stretch", key="compare_circle_table")


def compare_view(cmp, s, lang: str) -> pd.DataFrame:
    """City x policy: the chance of running out of any item, with the paired difference to the baseline."""
    cities, _ = names(s, lang)
    table = cmp.table[(cmp.table["metric"] == "stockout") & (cmp.table["item"] == ALL_ITEMS)]
    cells = {}
    for p in cmp.policies:
        rows = table[table["policy"] == p].set_index("city")
        col = []
        for c in [*s.city_ids, CIRCLE]:
            r = rows.loc[c]
            text = f"{100 * r['mean']:.0f}%"
            if p != cmp.policies[0] and pd.notna(r["diff_low"]):
                text += f" ({100 * r['diff']:+.0f} [{100 * r['diff_low']:+.0f}, {100 * r['diff_high']:+.0f}])"
            col.append(text)
        cells[policy_words(p, lang)] = col
    out = pd.DataFrame(cells, index=[cities[c] for c in [*s.city_ids, CIRCLE]])
    out.index.name = t("city", lang)
    return out


def circle_view(cmp, lang: str) -> pd.DataFrame:
    """The circle's service and costs per policy (all items), mean with the paired difference."""
    table = cmp.table[(cmp.table["city"] == CIRCLE) & (cmp.table["item"] == ALL_ITEMS)]
    rows = {}
    for metric in ("stockout", "fill_rate", "unmet", "stockout_days", "net_cost", "total_cost"):
        sel = table[table["metric"] == metric].set_index("policy")
        cells = []
        for p in cmp.policies:
            r = sel.loc[p]
            value = _fmt(metric, r["mean"], lang)
            if p != cmp.policies[0] and pd.notna(r["diff_low"]):
                value += (
                    f" ({_fmt(metric, r['diff'], lang, True)} [{_fmt(metric, r['diff_low'], lang, True)}, "
                    f"{_fmt(metric, r['diff_high'], lang, True)}])"
                )
            cells.append(value)
        rows[t(f"cmp_{metric}", lang)] = cells
    out = pd.DataFrame(rows, index=[policy_words(p, lang) for p in cmp.policies]).T
    return out


def _fmt(metric: str, x: float, lang: str, signed: bool = False) -> str:
    if metric in ("stockout", "fill_rate"):
        return f"{100 * x:{'+' if signed else ''}.1f}%"
    if metric in ("net_cost", "total_cost"):
        return ("+" if signed and x > 0 else "") + money(x, lang)
    return ("+" if signed and x > 0 else "") + number(x, lang)


# ---- size ------------------------------------------------------------------------------------


def size_tab(page: Page, lang: str) -> None:
    st.caption(t("size_help", lang))
    if not _ready(page, lang):
        return
    assert page.ls is not None
    s = page.ls.scenario
    c1, c2, c3 = st.columns(3)
    metric = choose(
        "selectbox",
        c1,
        t("size_metric", lang),
        list(METRICS),
        "size_metric",
        lang,
        lambda m: t(f"size_metric_{m}", lang),
    )
    default = 0.05 if metric == "p_stockout" else 0.99
    value = c2.number_input(
        t("size_value", lang),
        min_value=0.0,
        max_value=1.0,
        value=default,
        step=0.01,
        key=f"size_value_{metric}",
        persist_state="page",
        help=t("size_value_help", lang),
    )
    by = choose("selectbox", c3, t("size_by", lang), list(LEVERS), "size_by", lang, lambda b: t(f"by_{b}", lang))
    chosen = choose(
        "multiselect",
        st,
        t("policies", lang),
        POLICIES,
        "size_policies",
        lang,
        lambda p: policy_words(p, lang),
        ["independent", "joint-combined+transfers"],
    )
    reps = st.number_input(
        t("size_reps", lang),
        min_value=2,
        value=min(s.replications, 100),
        step=10,
        key="size_reps",
        persist_state="page",
        help=t("size_reps_help", lang),
    )
    if st.button(t("run_size", lang), key="run_size", type="primary", disabled=not chosen):
        target = parse_target(f"{metric}{METRICS[metric]}{value}", s)
        lever = parse_lever(by, s)
        bar = st.progress(0.0, text=t("sizing", lang))
        sizes = []
        for k, p in enumerate(chosen):
            bar.progress(k / len(chosen), text=f"{t('sizing', lang)}: {policy_words(p, lang)} ({k + 1}/{len(chosen)})")
            sizes += size(page.ls, {p: policy_scenario(s, p)}, target, lever, s.seed, int(reps))
        bar.empty()
        st.session_state.size = {"hash": page.ls.config_hash(), "sizes": sizes, "scenario": s}
    kept = st.session_state.get("size")
    if kept is None:
        return
    _stale(page, kept, lang)
    st.markdown(f"#### {t('size_result', lang)}")
    lines = size_lines(kept["sizes"], kept["scenario"], lang, codes=False)
    st.markdown("\n".join(f"- {line}" for line in lines))


# ---- sensitivity -----------------------------------------------------------------------------


def sensitivity_tab(page: Page, lang: str) -> None:
    st.caption(t("sens_help", lang))
    if not _ready(page, lang):
        return
    assert page.ls is not None
    s = page.ls.scenario
    inputs = find_inputs(s)
    try:
        check_inputs(inputs, page.ls.source)
    except ConfigError:
        st.info(t("sens_no_inputs", lang))
        return
    metrics = choose(
        "multiselect",
        st,
        t("sens_metrics", lang),
        SENS_METRICS,
        "sens_metrics",
        lang,
        lambda m: t(f"sens_metric_{m}", lang),
        list(SENS_METRICS[:2]),
    )
    reps = st.number_input(
        t("sens_reps", lang),
        min_value=2,
        value=min(s.replications, 50),
        step=10,
        key="sens_reps",
        persist_state="page",
        help=t("sens_reps_help", lang),
    )
    runs = 2 * len(inputs) + 1
    st.caption(t("sens_plan", lang).format(inputs=len(inputs), runs=runs, reps=int(reps)))
    if st.button(t("run_sens", lang), key="run_sens", type="primary", disabled=not metrics):
        total = runs * int(reps)
        bar = st.progress(0.0, text=t("running", lang))
        done = [0]

        def step(n: int) -> None:
            done[0] += n
            bar.progress(min(1.0, done[0] / total), text=f"{t('running', lang)}: {done[0]} / {total}")

        result = tornado(page.ls, inputs, parse_metrics(",".join(metrics), s), int(reps), s.seed, Backend(), step)
        bar.empty()
        st.session_state.sens = {
            "hash": page.ls.config_hash(),
            "result": result,
            "scenario": s,
            "key": f"{page.ls.config_hash()}:{','.join(metrics)}:{reps}",
        }
    kept = st.session_state.get("sens")
    if kept is None:
        return
    _stale(page, kept, lang)
    st.markdown(f"#### {t('sens_result', lang)}")
    st.markdown("\n".join(f"- {line}" for line in tornado_lines(kept["result"], kept["scenario"], lang)))
    st.image(_tornado_png(kept["key"], lang, kept), width="stretch")


@st.cache_data(max_entries=8, show_spinner=False)
def _tornado_png(key: str, lang: str, _kept: dict) -> bytes:
    return png_bytes(tornado_figure(_kept["result"], _kept["scenario"], lang), dpi=100)
