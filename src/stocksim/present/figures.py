"""Figures built from a run's tables: the compliance matrix, stock and consumption over time,
transfers between the cities. Each builder is a pure function of result tables returning a
matplotlib ``Figure`` (no pyplot state); the app shows them and the report embeds them as PNG.
"""

from __future__ import annotations

import base64
import functools
import io

import matplotlib
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter

from stocksim.present.i18n import name, number, percent, t
from stocksim.results.tables import CIRCLE
from stocksim.scenario.schema import Scenario

CJK_FONTS = ("WenQuanYi", "Noto Sans CJK", "Noto Sans SC")
RED, AMBER, GREEN = "#d7301f", "#fdae61", "#1a9850"


@functools.cache
def _cjk_fonts() -> tuple[str, ...]:
    """Installed fonts that have Chinese glyphs (looked up once, when the first figure is built)."""
    return tuple(f.name for f in font_manager.fontManager.ttflist if any(k in f.name for k in CJK_FONTS))


def _figure(size: tuple[float, float]) -> tuple[Figure, Axes]:
    """A new figure in stocksim's style: Chinese labels need a CJK font, and an ASCII minus sign
    (the Unicode one is missing from several CJK fonts). The style is set here, not at import."""
    fig = _styled(size)
    return fig, fig.subplots()


def _styled(size: tuple[float, float]) -> Figure:
    matplotlib.rcParams["font.sans-serif"] = [*_cjk_fonts(), "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return Figure(figsize=size)


def stacked_figure(
    size: tuple[float, float], rows: int, heights: list[float] | None = None
) -> tuple[Figure, list[Axes]]:
    """A figure in stocksim's style with ``rows`` panels, one above the other (relative ``heights``)."""
    fig = _styled(size)
    return fig, list(np.atleast_1d(fig.subplots(rows, 1, gridspec_kw={"height_ratios": heights})))


def names(s: Scenario, lang: str) -> tuple[dict, dict]:
    cities = {c.id: name(c, lang) for c in s.cities} | {d.id: d.name or d.id for d in s.depots}
    cities[CIRCLE] = t("ALL", lang)
    return cities, {i.id: name(i, lang) for i in s.items}


def day_label(s: Scenario, lang: str) -> str:
    """The label of a day axis: "Day", and with a start date the date of day 0 beside it."""
    if s.start_date is None:
        return t("day", lang)
    return f"{t('day', lang)} (0 = {s.start_date.isoformat()})"


def cover_colour(cover: float, required: float) -> str:
    """Red below the required days of cover, amber within 20 % above, green above that."""
    if cover is None or np.isnan(cover):
        return "#dddddd"
    if cover < required:
        return RED
    return AMBER if cover < 1.2 * required else GREEN


def cover_matrix(summary: pd.DataFrame, s: Scenario, lang: str = "en") -> tuple[pd.DataFrame, pd.DataFrame]:
    """City x item: days of cover on day 0, and the share of days compliant (cities and ALL)."""
    cities, items = names(s, lang)
    rows = [*s.city_ids, CIRCLE]
    table = summary.assign(city=summary["city"].astype(str), item=summary["item"].astype(str))
    table = table[table["city"].isin(rows)]
    cover = table.pivot(index="city", columns="item", values="initial_days_of_cover").reindex(
        index=rows, columns=s.item_ids
    )
    share = table.pivot(index="city", columns="item", values="compliance_share").reindex(index=rows, columns=s.item_ids)
    rename = {"index": cities, "columns": items}
    cover, share = cover.rename(**rename), share.rename(**rename)
    cover.index.name = share.index.name = t("city", lang)
    cover.columns.name = share.columns.name = None
    return cover, share


def matrix_figure(summary: pd.DataFrame, s: Scenario, lang: str = "en"):
    cover, share = cover_matrix(summary, s, lang)
    required = s.reserve.coverage_days
    fig, ax = _figure((1.6 * len(cover.columns) + 2, 0.55 * len(cover) + 1.2))
    for r in range(len(cover.index)):
        for c in range(len(cover.columns)):
            v = cover.iloc[r, c]
            ax.add_patch(Rectangle((c, r), 1, 1, color=cover_colour(v, required), alpha=0.85))
            ax.text(c + 0.5, r + 0.5, f"{v:.0f} d\n{percent(share.iloc[r, c])}", ha="center", va="center", fontsize=8)
    ax.set_xlim(0, len(cover.columns))
    ax.set_ylim(len(cover), 0)
    ax.set_xticks(np.arange(len(cover.columns)) + 0.5, cover.columns, rotation=20, ha="right", fontsize=8)
    ax.set_yticks(np.arange(len(cover)) + 0.5, cover.index, fontsize=8)
    ax.set_title(f"{t('matrix', lang)} ({required:g} d)", fontsize=10)
    fig.tight_layout()
    return fig


def stock_figure(bands: pd.DataFrame, summary: pd.DataFrame, s: Scenario, city: str, item: str, lang: str = "en"):
    """Median stock with the 5-95 % band, the required reserve and the median first stockout."""
    cities, items = names(s, lang)
    b = bands[
        (bands["city"].astype(str) == city) & (bands["item"].astype(str) == item) & (bands["metric"] == "on_hand")
    ]
    row = summary[(summary["city"].astype(str) == city) & (summary["item"].astype(str) == item)].iloc[0]
    fig, ax = _figure((8, 3.4))
    ax.fill_between(b["day"], b["p5"], b["p95"], color="#6baed6", alpha=0.35, label=t("band", lang))
    ax.plot(b["day"], b["p50"], color="#08519c", label=t("median", lang))
    ax.axhline(row["required_reserve"], color=RED, linestyle="--", label=t("required", lang))
    first = row["first_stockout_day_median"]
    if pd.notna(first):
        ax.axvline(first, color="black", linestyle=":", label=f"{t('first_stockout', lang)} ({first:.0f})")
    ax.set_title(f"{cities[city]} · {items[item]}", fontsize=10)
    ax.set_xlabel(day_label(s, lang))
    ax.set_ylabel(t("units", lang))
    ax.legend(fontsize=7, loc="upper right")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v, lang)))
    fig.tight_layout()
    return fig


def transfers_figure(events: pd.DataFrame, s: Scenario, replications: int, lang: str = "en"):
    """Cities at their coordinates; arrows for transfers, width by units moved per replication."""
    cities, _ = names(s, lang)
    where = {c.id: (c.lon, c.lat) for c in s.cities} | {
        d.id: next((c.lon, c.lat) for c in s.cities if c.id == d.city) for d in s.depots
    }
    fig, ax = _figure((6, 4.5))
    moves = events[events["kind"].astype(str) == "transfer_out"]
    flows = moves.groupby([moves["city"].astype(str), moves["counterpart"].astype(str)])["quantity"].sum() / max(
        replications, 1
    )
    top = flows.max() if len(flows) else 0
    for (src, dst), q in flows.items():
        if src in where and dst in where and q > 0:
            (x0, y0), (x1, y1) = where[src], where[dst]
            arrow = dict(arrowstyle="-|>", color="#e6550d", lw=0.5 + 5 * q / top, alpha=0.7)
            ax.annotate("", xy=(x1, y1), xytext=(x0, y0), arrowprops=arrow)
    for c in s.cities:
        ax.scatter(c.lon, c.lat, s=c.population / 4e4, color="#3182bd", zorder=3)
        ax.text(c.lon, c.lat + 0.06, cities[c.id], ha="center", fontsize=8)
    ax.set_title(
        t("transfers", lang) + (f" ({number(flows.sum(), lang)} / rep)" if len(flows) else " (0)"), fontsize=10
    )
    ax.set_xlabel("lon")
    ax.set_ylabel("lat")
    ax.set_aspect(1 / np.cos(np.radians(np.mean([c.lat for c in s.cities]))))
    fig.tight_layout()
    return fig


def png(fig: Figure) -> str:
    """The figure as base64 PNG, to embed in HTML."""
    return base64.b64encode(png_bytes(fig)).decode()


def png_bytes(fig: Figure, dpi: int = 110) -> bytes:
    """The figure as a PNG file's bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
