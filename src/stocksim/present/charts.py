"""The dashboard's charts beyond ``present.figures``: the outbreak (patients in care by severity,
the response level in force as coloured bands, the supply disruptions as hatched windows) above
the stock of one city and item (reserve apart from working stock, median and 5-95 % band) on one
shared day axis; and the paired differences of a comparison with their 95 % intervals. Pure
functions of result tables returning a matplotlib ``Figure`` (no pyplot state).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from stocksim.experiment.compare import ALL_ITEMS
from stocksim.present.figures import RED, day_label, names, stacked_figure
from stocksim.present.i18n import number, t, unit_word
from stocksim.present.verdict import policy_words
from stocksim.results.tables import CIRCLE
from stocksim.scenario.schema import LEVEL_NAMES, SEVERITIES, Scenario

LEVEL_COLOURS = {"IV": "#fff7bc", "III": "#fee391", "II": "#fdae6b", "I": "#fc9272"}
SEVERITY_COLOURS = {"mild": "#9ecae1", "severe": "#fd8d3c", "icu": "#a50f15"}
RESERVE_COLOUR, WORKING_COLOUR = "#08519c", "#31a354"
# The circle's figures a comparison chart shows: metric, label key, and whether it is a share (percent points).
PAIRED_METRICS = (("stockout", "chart_d_stockout", True), ("fill_rate", "chart_d_fill_rate", True),
                  ("unmet", "chart_d_unmet", False), ("net_cost", "chart_d_net_cost", False))  # fmt: skip


def item_unit(s: Scenario, item: str, lang: str) -> str:
    """The item's unit as a word of the language: pieces / 件, pairs / 副 (``i18n.unit_word``)."""
    return unit_word(s.items[s.item_ids.index(item)].unit, lang)


def level_runs(levels: pd.DataFrame, city: str) -> list[tuple[int, int, str]]:
    """(first day, last day, level) of each run of one level in force in ``city`` (``levels``: day,
    city, level as given by ``results`` tables' median over replications)."""
    rows = levels[levels["city"].astype(str) == city].sort_values("day")
    runs: list[tuple[int, int, str]] = []
    for day, level in zip(rows["day"].to_numpy(), rows["level"].astype(str).to_numpy(), strict=True):
        if runs and runs[-1][2] == level and runs[-1][1] == day - 1:
            runs[-1] = (runs[-1][0], int(day), level)
        else:
            runs.append((int(day), int(day), level))
    return [r for r in runs if r[2] != LEVEL_NAMES[0]]


def _windows(ax: Axes, s: Scenario, levels: pd.DataFrame | None, city: str) -> None:
    """Response levels as bands, supply disruptions as hatched windows, behind the data."""
    if levels is not None:
        for first, last, level in level_runs(levels, city):
            ax.axvspan(first - 0.5, last + 0.5, color=LEVEL_COLOURS.get(level, "#eeeeee"), alpha=0.6, lw=0, zorder=0)
    for sup in s.suppliers:
        for d in sup.disruptions:
            ax.axvspan(d.from_day, d.to_day + 1, facecolor="none", edgecolor="#636363", hatch="//", lw=0, zorder=0)


def _legend_windows(s: Scenario, levels: pd.DataFrame | None, city: str, lang: str) -> list[Patch]:
    shown = {lvl for *_, lvl in level_runs(levels, city)} if levels is not None else set()
    handles = [
        Patch(color=LEVEL_COLOURS[lvl], alpha=0.6, label=t("chart_level", lang).format(level=lvl))
        for lvl in LEVEL_NAMES[1:]
        if lvl in shown
    ]
    if any(sup.disruptions for sup in s.suppliers):
        handles.append(Patch(facecolor="none", edgecolor="#636363", hatch="//", label=t("chart_disruption", lang)))
    return handles


def outbreak_stock_figure(
    stock: pd.DataFrame,
    census: pd.DataFrame | None,
    levels: pd.DataFrame | None,
    summary: pd.DataFrame,
    s: Scenario,
    city: str,
    item: str,
    lang: str = "en",
) -> Figure:
    """Above: patients in care in ``city`` by severity (median over replications), with the
    response level (median over replications) as bands and the disruptions as hatched windows.
    Below, on the same days: the reserve and working stock of ``item`` (median, 5-95 % band), the
    required reserve and the median first stockout day. ``stock``: daily bands (``daily_bands``)
    of on_hand, reserve_on_hand and working_on_hand; ``census``: daily bands of mild, severe, icu;
    either panel is left out when there is nothing to draw (no epidemic: only the stock)."""
    cities, items = names(s, lang)
    has_census = census is not None and not census.empty
    fig, axes = stacked_figure(
        (9, 6.2 if has_census else 3.8), 2 if has_census else 1, [1, 1.3] if has_census else None
    )
    top, bottom = (axes[0], axes[1]) if has_census else (None, axes[0])
    if top is not None:
        sel = census[census["city"].astype(str) == city]
        for sev in SEVERITIES:
            b = sel[sel["metric"] == sev]
            top.plot(b["day"], b["p50"], color=SEVERITY_COLOURS[sev], label=t(f"input_{sev}", lang))
        _windows(top, s, levels, city)
        peak = float(sel["p50"].max()) if len(sel) else 0.0
        top.set_ylim(0, peak * 1.1 if peak > 0 else 1.0)  # a calm city: an empty panel from 0, not ticks of -0
        if peak <= 0:
            top.text(0.5, 0.5, t("chart_no_patients", lang), transform=top.transAxes, ha="center", va="center")
        top.set_ylabel(t("chart_patients", lang))
        top.set_title(f"{t('chart_outbreak', lang)}: {cities[city]}", fontsize=10)
        top.yaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v, lang)))
        top.legend(handles=[*top.get_legend_handles_labels()[0], *_legend_windows(s, levels, city, lang)],
                   fontsize=7, loc="upper right", ncol=2)  # fmt: skip
        top.tick_params(labelbottom=False)
    _stock_panel(bottom, stock, summary, s, city, item, lang)
    _windows(bottom, s, None if has_census else levels, city)
    if not has_census:
        handles = bottom.get_legend_handles_labels()[0] + _legend_windows(s, levels, city, lang)
        bottom.legend(handles=handles, fontsize=7, loc="upper right", ncol=2)
    bottom.set_xlabel(day_label(s, lang))
    bottom.set_xlim(0, s.horizon_days - 1)
    if top is not None:
        top.sharex(bottom)
    fig.tight_layout()
    return fig


def _stock_panel(
    ax: Axes, stock: pd.DataFrame, summary: pd.DataFrame, s: Scenario, city: str, item: str, lang: str
) -> None:
    cities, items = names(s, lang)
    sel = stock[(stock["city"].astype(str) == city) & (stock["item"].astype(str) == item)]
    separate = s.reserve.pools == "separate"
    series = (
        ("reserve_on_hand", "chart_reserve", RESERVE_COLOUR),
        ("working_on_hand", "chart_working", WORKING_COLOUR),
    )
    for metric, key, colour in series if separate else (("on_hand", "chart_stock", RESERVE_COLOUR),):
        b = sel[sel["metric"] == metric]
        ax.fill_between(b["day"], b["p5"], b["p95"], color=colour, alpha=0.2, lw=0)
        ax.plot(b["day"], b["p50"], color=colour, label=f"{t(key, lang)} ({t('median', lang)}, {t('band', lang)})")
    row = summary[(summary["city"].astype(str) == city) & (summary["item"].astype(str) == item)].iloc[0]
    ax.axhline(row["required_reserve"], color=RED, linestyle="--", label=t("required", lang))
    first = row["first_stockout_day_median"]
    if pd.notna(first):
        ax.axvline(first, color="black", linestyle=":", label=f"{t('first_stockout', lang)} ({first:.0f})")
    ax.set_title(f"{cities[city]} · {items[item]}", fontsize=10)
    ax.set_ylabel(f"{t('units', lang)} ({item_unit(s, item, lang)})")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v, lang)))
    ax.legend(fontsize=7, loc="upper right")


def consumption_figure(bands: pd.DataFrame, s: Scenario, city: str, item: str, cumulative: bool, lang: str = "en"):
    """Mean daily (or cumulative) use and unmet use of one city and item, with units on the axis."""
    cities, items = names(s, lang)
    sel = (bands["city"].astype(str) == city) & (bands["item"].astype(str) == item)
    demand = bands[sel & (bands["metric"] == "demand")].set_index("day")["mean"]
    unmet = bands[sel & (bands["metric"] == "unmet")].set_index("day")["mean"]
    if cumulative:
        demand, unmet = demand.cumsum(), unmet.cumsum()
    fig, axes = stacked_figure((9, 3), 1)
    ax = axes[0]
    ax.plot(demand.index, demand, label=t("consumption", lang), color="#3182bd")
    ax.fill_between(unmet.index, 0, unmet, color=RED, alpha=0.5, label=t("unmet", lang))
    title = t("cumulative", lang) if cumulative else t("consumption", lang)
    ax.set_title(f"{title} ({t('chart_mean', lang)}): {cities[city]} · {items[item]}", fontsize=10)
    ax.set_xlabel(day_label(s, lang))
    per = "" if cumulative else t("chart_per_day", lang)
    ax.set_ylabel(f"{t('units', lang)} ({item_unit(s, item, lang)}{per})")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v, lang)))
    ax.set_xlim(0, s.horizon_days - 1)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def _paired_scale(metric: str, share: bool, lang: str) -> float:
    """What a paired difference is multiplied by on the chart's axis: a share in percentage points,
    net cost in M CNY (万元 in Chinese), unmet use in whole units."""
    if share:
        return 100.0
    if metric == "net_cost":
        return 1e-4 if lang == "zh" else 1e-6
    return 1.0


def _signed_ticks(ax: Axes) -> None:
    """Signed tick labels with as many decimals as the axis's tick spacing needs (0.01 points of a
    fill rate are not all "-0.0"), thousands separated."""
    low, high = ax.get_xlim()
    step = (high - low) / 5 if high > low else 1.0
    digits = int(max(0, np.ceil(-np.log10(step)))) if step > 0 else 1
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:+,.{digits}f}"))


def paired_figure(table: pd.DataFrame, policies: list[str], lang: str = "en") -> Figure:
    """The circle's paired differences to the first policy (all items), one panel per metric, one
    row per other policy: the mean difference and its 95 % interval; 0 is no difference."""
    circle = table[(table["city"] == CIRCLE) & (table["item"] == ALL_ITEMS)]
    others = policies[1:]
    fig, axes = stacked_figure((9, 1.0 + 0.9 * len(PAIRED_METRICS) * max(len(others), 1)), len(PAIRED_METRICS))
    for ax, (metric, key, share) in zip(axes, PAIRED_METRICS, strict=True):
        rows = circle[circle["metric"] == metric].set_index("policy")
        factor = _paired_scale(metric, share, lang)
        y = np.arange(len(others))
        for k, p in enumerate(others):
            r = rows.loc[p]
            d, lo, hi = (float(r[c]) * factor for c in ("diff", "diff_low", "diff_high"))
            clear = bool(r["diff_low"] > 0 or r["diff_high"] < 0)
            colour = "#08519c" if clear else "#969696"
            if np.isfinite(lo) and np.isfinite(hi):
                ax.plot([lo, hi], [k, k], color=colour, lw=2)
            ax.plot([d], [k], "o", color=colour)
        ax.axvline(0, color="black", lw=0.8)
        ax.set_yticks(y, [policy_words(p, lang) for p in others], fontsize=7)
        ax.set_ylim(-0.6, len(others) - 0.4)
        ax.set_xlabel(t(key, lang), fontsize=8)
        ax.tick_params(axis="x", labelsize=7)
        _signed_ticks(ax)
    title = t("chart_paired_title", lang).format(baseline=policy_words(policies[0], lang))
    axes[0].set_title(title.replace(" (", "\n(").replace("（", "\n（"), fontsize=9)  # two lines: never cut off
    fig.tight_layout()
    return fig
