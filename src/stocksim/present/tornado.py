"""The charts of a sensitivity analysis (``stocksim sensitivity``): a tornado chart, one panel
per metric, each input a row (the largest effect on top) with a bar from the all-base value to
the metric at the input's low end and one to its high end, each bar's end with its paired 95 %
interval; and a Sobol' chart, first-order and total indices per input with SALib's intervals.
Pure functions of the analysis returning a matplotlib ``Figure`` (no pyplot), in the style of
``present.figures``, labelled in English or Chinese.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from stocksim.experiment.sensitivity import Metric, Sobol, Tornado
from stocksim.present.figures import stacked_figure
from stocksim.present.i18n import t
from stocksim.present.sensitivity import SHARES, input_label, metric_of, metric_words, unit_of
from stocksim.scenario.schema import Scenario

LOW_COLOUR, HIGH_COLOUR = "#3182bd", "#e6550d"
S1_COLOUR, ST_COLOUR = "#74a9cf", "#045a8d"


def tornado_figure(result: Tornado, s: Scenario, lang: str = "en") -> Figure:
    """One panel per metric; a metric no input moves gets a short panel that says so."""
    tables = [result.table[result.table["metric"] == m.label] for m in result.metrics]
    heights = [0.55 * len(result.inputs) + 1.5 if table["effect"].any() else 1.3 for table in tables]
    fig, axes = stacked_figure((9.5, sum(heights) + 0.4), len(heights), heights)
    for ax, table, m in zip(axes, tables, result.metrics, strict=True):
        _tornado_panel(ax, table, m, s, lang)
    fig.legend(*_handles(axes), fontsize=7, loc="upper right", ncol=3, frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.35 / (sum(heights) + 0.4)))
    return fig


def _handles(axes: list[Axes]) -> tuple[list, list]:
    """The legend of the first panel that has one (a panel nothing moves has none)."""
    for ax in axes:
        handles, labels = ax.get_legend_handles_labels()
        if handles:
            return handles, labels
    return [], []


def _tornado_panel(ax: Axes, rows: pd.DataFrame, m: Metric, s: Scenario, lang: str) -> None:
    base = float(rows["base"].iloc[0])
    scale, unit = _scale(rows, m, lang)
    ax.set_title(t("sens_chart_title", lang).format(metric=metric_words(m, s, lang)), fontsize=9)
    ax.set_xlabel(unit, fontsize=8)
    ax.tick_params(axis="x", labelsize=7)
    if not rows["effect"].any():  # nothing moves: say so rather than draw empty rows
        ax.axvline(base / scale, color="black", linewidth=0.8)
        ax.text(0.5, 0.5, t("sens_chart_flat", lang), transform=ax.transAxes, ha="center", va="center", fontsize=8)
        ax.set_xticks([base / scale], [f"{base / scale:,.{_digits(m)}f}"])
        ax.set_xlim(base / scale - 1, base / scale + 1)
        ax.set_yticks([])
        return
    paths = list(dict.fromkeys(rows["input"]))  # ranked: the largest effect first
    y = np.arange(len(paths))[::-1]
    for end, colour in (("low", LOW_COLOUR), ("high", HIGH_COLOUR)):
        sel = rows[rows["end"] == end].set_index("input").loc[paths]
        effect = sel["effect"].to_numpy(float)
        err = np.abs(np.vstack([effect - sel["effect_low"], sel["effect_high"] - effect]).astype(float))
        ax.barh(
            y,
            effect / scale,
            left=base / scale,
            height=0.6,
            color=colour,
            alpha=0.8,
            label=t(f"sens_chart_{end}", lang),
        )
        ax.errorbar(
            (base + effect) / scale,
            y,
            xerr=np.nan_to_num(err) / scale,
            fmt="none",
            ecolor="black",
            elinewidth=0.8,
            capsize=2,
        )
    ax.axvline(base / scale, color="black", linewidth=0.8, label=t("sens_chart_base", lang))
    labels = [f"{input_label(p, s, lang)}\n{_range(rows, p)}" for p in paths]
    ax.set_yticks(y, labels, fontsize=7)
    ax.set_ylim(-0.7, len(paths) - 0.3)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.{_digits(m)}f}"))


def _scale(rows: pd.DataFrame, m: Metric, lang: str) -> tuple[float, str]:
    """The axis's divisor and unit: percent for shares, else the unit the words use."""
    if m.name in SHARES:
        return 0.01, "%"
    size = float(np.nanmax(np.abs(rows[["base", "value"]].to_numpy(float))))
    divisor, unit, _ = unit_of(size, m.name, lang)
    return divisor, unit


def _digits(m: Metric) -> int:
    return 1 if m.name in ("fill_rate", "compliance_share") else 0


def _range(rows: pd.DataFrame, path: str) -> str:
    sel = rows[rows["input"] == path].set_index("end")
    low, high = sel.loc["low", "input_value"], sel.loc["high", "input_value"]
    return f"{low:.3g} – {high:.3g}" if max(abs(low), abs(high)) < 1000 else f"{low:,.0f} – {high:,.0f}"


def sobol_figure(result: Sobol, s: Scenario, lang: str = "en") -> Figure:
    """One panel per metric; a metric that did not vary gets a short panel that says so."""
    heights = [0.55 * len(result.inputs) + 1.3 if result.outputs_vary[o] else 1.0 for o in result.outputs]
    fig, axes = stacked_figure((9.5, sum(heights) + 0.4), len(heights), heights)
    for ax, label in zip(axes, result.outputs, strict=True):
        _sobol_panel(ax, result.table[result.table["metric"] == label], label, s, lang)
    fig.legend(*_handles(axes), fontsize=7, loc="upper right", ncol=2, frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.35 / (sum(heights) + 0.4)))
    return fig


def _sobol_panel(ax: Axes, rows: pd.DataFrame, label: str, s: Scenario, lang: str) -> None:
    ax.set_title(t("sens_chart_sobol", lang).format(metric=metric_words(metric_of(label), s, lang)), fontsize=9)
    if rows["estimate"].isna().all():  # the metric did not vary: no variance to share out
        ax.text(
            0.5, 0.5, t("sens_chart_no_indices", lang), transform=ax.transAxes, ha="center", va="center", fontsize=8
        )
        ax.set_xticks([])
        ax.set_yticks([])
        return
    paths = list(dict.fromkeys(rows["input"]))
    y = np.arange(len(paths))[::-1]
    for k, (index, colour) in enumerate((("S1", S1_COLOUR), ("ST", ST_COLOUR))):
        sel = rows[rows["index"] == index].set_index("input").loc[paths]
        est = sel["estimate"].to_numpy(float)
        err = np.abs(np.vstack([est - sel["low"], sel["high"] - est]).astype(float))
        ax.barh(y + (0.18 if k == 0 else -0.18), np.nan_to_num(est), height=0.34, color=colour,
                xerr=np.nan_to_num(err), error_kw={"elinewidth": 0.8, "capsize": 2},
                label=t(f"sens_chart_{index.lower()}", lang))  # fmt: skip
    ax.set_yticks(y, [input_label(p, s, lang) for p in paths], fontsize=7)
    ax.set_xlim(min(0.0, float(np.nanmin(rows["low"].to_numpy(float), initial=0.0))), 1.05)
    ax.set_xlabel(t("sens_chart_share", lang), fontsize=8)
    ax.tick_params(axis="x", labelsize=7)
