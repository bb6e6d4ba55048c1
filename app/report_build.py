"""The HTML report the app hands out: ``stocksim.present.report`` with what the app knows beside the
run (the rule's answer, headline figures, the plan, the outbreak charts, a comparison of the same
scenario, the inputs' [S]/[D]/[E] tags). Built when the download is clicked, cached by the
result's hash, the language and the comparison's key."""

from __future__ import annotations

import base64

import streamlit as st
from analyses import compare_view
from runs import AppResult, outbreak_png, paired_png, plan_text

from stocksim.present.dashboard import headline_text, illustrative, rule_answer, summary_view, tagged_inputs
from stocksim.present.figures import names
from stocksim.present.i18n import t
from stocksim.present.report import Extras, html_report
from stocksim.present.searches import equal_cost_lines
from stocksim.present.verdict import verdict_lines
from stocksim.results.plan import PLAN_COLUMNS

PLAN_SHOWN = ("city", "item", "required_reserve", "counted", "gap", "to_buy", "cost_cny", "crisis_cost_cny")


def html_bytes(key: str, lang: str, r: AppResult, kept_compare: dict | None = None) -> bytes:
    cmp_key = kept_compare["key"] if kept_compare and kept_compare["hash"] == r.key else ""
    return _html(key, lang, cmp_key, r, kept_compare if cmp_key else None)


@st.cache_data(max_entries=8, show_spinner=False)
def _html(key: str, lang: str, cmp_key: str, _r: AppResult, _kept: dict | None) -> bytes:
    s = _r.loaded.scenario
    lines = plan_text(key, lang, _r)
    extras = Extras(
        answer=rule_answer(_r.plan, s, lang),
        headline=[(t(f"head_{row['metric']}", lang), *headline_text(row, lang)) for _, row in _r.headline.iterrows()],
        plan_title=lines[0],
        plan_lines=lines[1:],
        plan_table=_plan_table(_r, lang),
        figures=_figures(_r, lang),
        inputs=tagged_inputs(_r.yaml_text),
        illustrative=illustrative(_r.yaml_text, s),
        summary_table=summary_view(_r.summary, s, lang),
    )
    if _kept is not None:
        cmp = _kept["cmp"]
        depots = {d.id: d.name or d.id for d in s.depots}
        verdict = verdict_lines(cmp, lang, depots)
        verdict[1:1] = equal_cost_lines(cmp, s, lang, codes=False)
        extras.verdict = verdict
        extras.compare_figure = base64.b64encode(paired_png(cmp_key, lang, cmp)).decode()
        extras.compare_table = compare_view(cmp, s, lang).reset_index()
    run = {"scenario": s, "summary": _r.summary, "info": _r.info, "bands": None, "events": None}
    return html_report(run, lang, extras).encode("utf-8")


def _plan_table(r: AppResult, lang: str):
    cities, items = names(r.loaded.scenario, lang)
    rows = r.plan[(r.plan["to_buy"] > 0) & (r.plan["city"] != "ALL")][list(PLAN_SHOWN)].copy()
    rows["city"] = [cities.get(c, c) for c in rows["city"]]
    rows["item"] = [items.get(i, i) for i in rows["item"]]
    assert set(PLAN_SHOWN) <= set(PLAN_COLUMNS)
    return rows.rename(columns={c: t(f"plan_col_{c}", lang) for c in PLAN_SHOWN})


def _figures(r: AppResult, lang: str) -> list[tuple[str, str]]:
    """The outbreak and stock of the first three city-items to run short (or of the first city
    and item when none does)."""
    s = r.loaded.scenario
    summary = r.summary
    short = summary[summary["city"].astype(str).isin(s.city_ids) & (summary["p_stockout"] > 0)]
    short = short.sort_values(["first_stockout_day_median", "p_stockout"], ascending=[True, False]).head(3)
    pairs = [(str(c), str(i)) for c, i in zip(short["city"], short["item"], strict=True)]
    pairs = pairs or [(s.city_ids[0], s.item_ids[0])]
    out = []
    for city, item in pairs:
        b64 = base64.b64encode(outbreak_png(r.key, city, item, lang, r)).decode()
        out.append((t("report_chart", lang), b64))
    return out
