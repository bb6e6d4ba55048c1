"""A run as the app keeps it, and everything built from it on demand: the run's small tables (kept
per scenario hash, so a widget change never reruns the model), the figures, the workbook and the
report (each cached by the result's hash and what it shows, built only when its tab or button
asks). Every number comes from the stocksim library; nothing is computed here."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from stocksim import __version__
from stocksim.experiment.compare import Comparison, per_replication_metrics
from stocksim.experiment.run import run
from stocksim.present.charts import consumption_figure, outbreak_stock_figure, paired_figure
from stocksim.present.dashboard import bands_view, first_short, results_workbook, summary_view
from stocksim.present.figures import png_bytes
from stocksim.present.i18n import t
from stocksim.present.plan import plan_lines, plan_title, plan_workbook
from stocksim.results.bands import census_bands, headline_figures, level_by_day
from stocksim.results.plan import lots_table, plan_table
from stocksim.results.stats import daily_bands
from stocksim.scenario import LoadedScenario
from stocksim.supply.plan import purchase_plan

log = logging.getLogger("stocksim.app")
STOCK_BANDS = ("on_hand", "reserve_on_hand", "working_on_hand", "demand", "unmet")
SAMPLE_REPLICATIONS = 5  # the daily table offered for download: the first replications
KEPT_RESULTS = 6


@dataclass
class AppResult:
    """One run's tables, small enough to keep: no daily table, only its bands and a sample."""

    key: str  # the scenario's hash (resolved scenario and data files): what the run is of
    d: dict  # the scenario mapping that ran
    loaded: LoadedScenario
    summary: pd.DataFrame
    headline: pd.DataFrame
    bands: pd.DataFrame
    census: pd.DataFrame | None
    levels: pd.DataFrame
    events: pd.DataFrame  # replication 0's events: one path through the horizon
    daily_sample: pd.DataFrame
    plan: pd.DataFrame
    lots: pd.DataFrame
    plan_draws: int
    wall_seconds: float
    yaml_text: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def info(self) -> dict:
        s = self.loaded.scenario
        return {
            "replications": s.replications,
            "seed": s.seed,
            "config_hash": self.key,
            "stocksim_version": __version__,
        }


@st.cache_resource
def _store() -> tuple[OrderedDict, threading.Lock]:
    """Results kept on the server by scenario hash (the last few): a rerun never runs the model again."""
    return OrderedDict(), threading.Lock()


def get_result(key: str) -> AppResult | None:
    results, lock = _store()
    with lock:
        return results.get(key)


def run_app(d: dict, ls: LoadedScenario, yaml_text: str, on_batch: Callable[[int], None]) -> AppResult:
    """Run the scenario (its own replications and seed) and keep its small tables."""
    key = ls.config_hash()
    found = get_result(key)
    if found is not None:
        return found
    s = ls.scenario
    r = run(ls, on_batch=on_batch)
    assert r.daily is not None
    bands = pd.concat([daily_bands(r.daily, m) for m in STOCK_BANDS if m in r.daily.columns], ignore_index=True)
    plan = purchase_plan(ls, 0)
    result = AppResult(
        key=key,
        d=d,
        loaded=ls,
        summary=r.summary,
        headline=headline_figures(per_replication_metrics(r)),
        bands=bands,
        census=census_bands(r.census) if r.census is not None else None,
        levels=level_by_day(r.daily, s.city_ids),
        events=r.events[r.events["replication"] == 0].reset_index(drop=True),
        daily_sample=r.daily[r.daily["replication"] < SAMPLE_REPLICATIONS].reset_index(drop=True),
        plan=plan_table(s, plan),
        lots=lots_table(s, plan),
        plan_draws=plan.draws,
        wall_seconds=r.wall_seconds,
        yaml_text=yaml_text,
    )
    results, lock = _store()
    with lock:
        results[key] = result
        while len(results) > KEPT_RESULTS:
            results.popitem(last=False)
    return result


def warm_kernels(ls: LoadedScenario) -> None:
    """One replication of a scenario: loads (or compiles) the model's kernels before the first Run."""
    run(ls, replications=1, keep_daily=False)


# ---- built on demand, cached by the result's hash --------------------------------------------------


@st.cache_data(max_entries=64, show_spinner=False)
def outbreak_png(key: str, city: str, item: str, lang: str, _r: AppResult) -> bytes:
    fig = outbreak_stock_figure(_r.bands, _r.census, _r.levels, _r.summary, _r.loaded.scenario, city, item, lang)
    return png_bytes(fig, dpi=100)


@st.cache_data(max_entries=64, show_spinner=False)
def consumption_png(key: str, city: str, item: str, cumulative: bool, lang: str, _r: AppResult) -> bytes:
    return png_bytes(consumption_figure(_r.bands, _r.loaded.scenario, city, item, cumulative, lang), dpi=100)


@st.cache_data(max_entries=16, show_spinner=False)
def paired_png(key: str, lang: str, _cmp: Comparison) -> bytes:
    return png_bytes(paired_figure(_cmp.table, _cmp.policies, lang), dpi=100)


@st.cache_data(max_entries=16, show_spinner=False)
def plan_text(key: str, lang: str, _r: AppResult) -> list[str]:
    s = _r.loaded.scenario
    return [plan_title(s, 0, lang), *plan_lines(_r.plan, _r.lots, _r.loaded, _r.plan_draws, lang)]


@st.cache_data(max_entries=16, show_spinner=False)
def plan_xlsx(key: str, lang: str, _r: AppResult) -> bytes:
    return plan_workbook(_r.plan, _r.lots, _r.loaded, _r.plan_draws, lang)


@st.cache_data(max_entries=16, show_spinner=False)
def results_xlsx(key: str, lang: str, _r: AppResult) -> bytes:
    s = _r.loaded.scenario
    sheets = {
        t("sheet_summary", lang): summary_view(_r.summary, s, lang),
        t("sheet_first_short", lang): first_short(_r.summary, s, lang),
        t("sheet_bands", lang): bands_view(_r.bands, s, lang),
    }
    return results_workbook(sheets)


@st.cache_data(max_entries=16, show_spinner=False)
def daily_csv(key: str, _r: AppResult) -> bytes:
    return _r.daily_sample.to_csv(index=False).encode("utf-8")


@st.cache_data(max_entries=16, show_spinner=False)
def summary_csv(key: str, _r: AppResult) -> bytes:
    return _r.summary.to_csv(index=False).encode("utf-8")
