"""Figures and the self-contained HTML report, built from a run's tables.

Every chart builder is a pure function of result tables returning a matplotlib Figure; the
Streamlit app shows the same figures, and the report embeds them as PNG, so nothing needs the
internet (no map tiles, no script from a CDN).
"""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from stocksim.config import Scenario, parse_scenario  # noqa: E402
from stocksim.i18n import name, number, percent, t  # noqa: E402
from stocksim.results import CIRCLE  # noqa: E402

_CJK = [
    f.name
    for f in font_manager.fontManager.ttflist
    if any(k in f.name for k in ("WenQuanYi", "Noto Sans CJK", "Noto Sans SC"))
]
plt.rcParams["font.sans-serif"] = [*_CJK, "DejaVu Sans"]
plt.rcParams["axes.unicode_minus"] = False

RED, AMBER, GREEN = "#d7301f", "#fdae61", "#1a9850"


def _names(s: Scenario, lang: str) -> tuple[dict, dict]:
    cities = {c.id: name(c, lang) for c in s.cities} | {d.id: d.name or d.id for d in s.depots}
    cities[CIRCLE] = t("ALL", lang)
    return cities, {i.id: name(i, lang) for i in s.items}


def cover_colour(cover: float, required: float) -> str:
    """Red below the required days of cover, amber within 20 % above, green above that."""
    if cover is None or np.isnan(cover):
        return "#dddddd"
    if cover < required:
        return RED
    return AMBER if cover < 1.2 * required else GREEN


def cover_matrix(summary: pd.DataFrame, s: Scenario, lang: str = "en") -> tuple[pd.DataFrame, pd.DataFrame]:
    """City x item: days of cover on day 0, and the share of days compliant (cities and ALL)."""
    cities, items = _names(s, lang)
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


def daily_bands(daily: pd.DataFrame, metric: str = "on_hand") -> pd.DataFrame:
    """p5, p50, p95 and mean of a daily metric over replications, per day, city and item."""
    g = daily.groupby(["day", "city", "item"], observed=True)[metric]
    q = g.quantile([0.05, 0.5, 0.95]).unstack()
    q.columns = ["p5", "p50", "p95"]
    return q.assign(mean=g.mean()).reset_index().assign(metric=metric)


def matrix_figure(summary: pd.DataFrame, s: Scenario, lang: str = "en"):
    cover, share = cover_matrix(summary, s, lang)
    required = s.reserve.coverage_days
    fig, ax = plt.subplots(figsize=(1.6 * len(cover.columns) + 2, 0.55 * len(cover) + 1.2))
    for r in range(len(cover.index)):
        for c in range(len(cover.columns)):
            v = cover.iloc[r, c]
            ax.add_patch(plt.Rectangle((c, r), 1, 1, color=cover_colour(v, required), alpha=0.85))
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
    cities, items = _names(s, lang)
    b = bands[
        (bands["city"].astype(str) == city) & (bands["item"].astype(str) == item) & (bands["metric"] == "on_hand")
    ]
    row = summary[(summary["city"].astype(str) == city) & (summary["item"].astype(str) == item)].iloc[0]
    fig, ax = plt.subplots(figsize=(8, 3.4))
    ax.fill_between(b["day"], b["p5"], b["p95"], color="#6baed6", alpha=0.35, label=t("band", lang))
    ax.plot(b["day"], b["p50"], color="#08519c", label=t("median", lang))
    ax.axhline(row["required_reserve"], color=RED, linestyle="--", label=t("required", lang))
    first = row["first_stockout_day_median"]
    if pd.notna(first):
        ax.axvline(first, color="black", linestyle=":", label=f"{t('first_stockout', lang)} ({first:.0f})")
    ax.set_title(f"{cities[city]} · {items[item]}", fontsize=10)
    ax.set_xlabel(t("day", lang))
    ax.set_ylabel(t("units", lang))
    ax.legend(fontsize=7, loc="upper right")
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: number(v, lang)))
    fig.tight_layout()
    return fig


def consumption_figure(bands: pd.DataFrame, s: Scenario, city: str, item: str, cumulative: bool, lang: str = "en"):
    """Mean daily (or cumulative) demand and unmet demand of one city and item."""
    cities, items = _names(s, lang)
    sel = (bands["city"].astype(str) == city) & (bands["item"].astype(str) == item)
    demand = bands[sel & (bands["metric"] == "demand")].set_index("day")["mean"]
    unmet = bands[sel & (bands["metric"] == "unmet")].set_index("day")["mean"]
    if cumulative:
        demand, unmet = demand.cumsum(), unmet.cumsum()
    fig, ax = plt.subplots(figsize=(8, 3))
    ax.plot(demand.index, demand, label=t("consumption", lang), color="#3182bd")
    ax.fill_between(unmet.index, 0, unmet, color=RED, alpha=0.5, label=t("unmet", lang))
    title = t("cumulative", lang) if cumulative else t("consumption", lang)
    ax.set_title(f"{title}: {cities[city]} · {items[item]}", fontsize=10)
    ax.set_xlabel(t("day", lang))
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: number(v, lang)))
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def transfers_figure(events: pd.DataFrame, s: Scenario, replications: int, lang: str = "en"):
    """Cities at their coordinates; arrows for transfers, width by units moved per replication."""
    cities, _ = _names(s, lang)
    where = {c.id: (c.lon, c.lat) for c in s.cities} | {
        d.id: next((c.lon, c.lat) for c in s.cities if c.id == d.city) for d in s.depots
    }
    fig, ax = plt.subplots(figsize=(6, 4.5))
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


def png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def load_run(run_dir: Path) -> dict:
    """A run directory's tables (whatever daily mode it was written with)."""
    run_dir = Path(run_dir)
    info = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    fmt = info.get("format", "parquet")

    def read(name: str) -> pd.DataFrame | None:
        path = run_dir / f"{name}.{fmt}"
        if not path.exists():
            return None
        return pd.read_parquet(path) if fmt == "parquet" else pd.read_csv(path)

    daily = read("daily")
    bands = read("daily_quantiles")
    if bands is None and daily is not None:
        bands = pd.concat([daily_bands(daily, m) for m in ("on_hand", "demand", "unmet")], ignore_index=True)
    return {
        "info": info,
        "scenario": parse_scenario(info["resolved_config"], run_dir / "manifest.json"),
        "summary": pd.read_csv(run_dir / "summary.csv"),
        "bands": bands,
        "events": read("events"),
    }


def html_report(run: dict, lang: str = "en") -> str:
    """One HTML page, figures embedded, for a run loaded with ``load_run``."""
    s, summary, info = run["scenario"], run["summary"], run["info"]
    cities, items = _names(s, lang)
    parts = [
        f"<h1>{html.escape(t('title', lang))}</h1>",
        f"<p>{html.escape(s.name)} · {info['replications']} × {s.horizon_days} d · seed {info['seed']} · "
        f"hash {info['config_hash']} · stocksim {info['stocksim_version']}</p>",
        f"<img src='data:image/png;base64,{png(matrix_figure(summary, s, lang))}'>",
    ]
    short = summary[(summary["city"] != CIRCLE) & (summary["p_stockout"] > 0)].sort_values(
        "p_stockout", ascending=False
    )
    parts.append(f"<h2>{html.escape(t('first_short', lang))}</h2>")
    if short.empty:
        parts.append(f"<p>{html.escape(t('none_short', lang))}</p>")
    else:
        rows = "".join(
            f"<tr><td>{html.escape(cities.get(r.city, r.city))}</td><td>{html.escape(items.get(r.item, r.item))}</td>"
            f"<td>{percent(r.p_stockout)}</td><td>{r.first_stockout_day_median:.0f}</td></tr>"
            for r in short.head(12).itertuples()
        )
        head = "".join(f"<th>{t(k, lang)}</th>" for k in ("city", "item", "p_stockout", "first_stockout"))
        parts.append(f"<table border=1 cellpadding=4><tr>{head}</tr>{rows}</table>")
    if run["bands"] is not None and not short.empty:
        for r in short.head(3).itertuples():
            parts.append(
                f"<img src='data:image/png;base64,{png(stock_figure(run['bands'], summary, s, r.city, r.item, lang))}'>"
            )
    if run["events"] is not None:
        fig = transfers_figure(run["events"], s, info["replications"], lang)
        parts.append(f"<h2>{html.escape(t('transfers', lang))}</h2><img src='data:image/png;base64,{png(fig)}'>")
    parts.append(f"<h2>{html.escape(t('download_summary', lang))}</h2>")
    parts.append(summary.to_html(index=False, float_format=lambda v: f"{v:,.3g}"))
    body = "\n".join(parts)
    return (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>{html.escape(s.name)}</title>"
            f"<style>body{{font-family:sans-serif;max-width:1100px;margin:auto}}img{{max-width:100%}}"
            f"table{{border-collapse:collapse;font-size:12px}}</style></head><body>{body}</body></html>")  # fmt: skip
