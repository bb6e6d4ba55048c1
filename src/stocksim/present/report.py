"""The self-contained HTML report of a run: figures embedded as PNG, so nothing needs the internet
(no map tiles, no script from a CDN)."""

from __future__ import annotations

import html

from stocksim.present.figures import matrix_figure, names, png, stock_figure, transfers_figure
from stocksim.present.i18n import percent, t
from stocksim.results.tables import CIRCLE
from stocksim.scenario.dates import date_of


def _dates(s) -> str:
    """`` (2020-01-24 to 2020-07-21)`` with a start date, else nothing."""
    if s.start_date is None:
        return ""
    return f" ({date_of(s.start_date, 0)} – {date_of(s.start_date, s.horizon_days - 1)})"


def html_report(run: dict, lang: str = "en") -> str:
    """One HTML page, figures embedded, for a run loaded with ``load_run``."""
    s, summary, info = run["scenario"], run["summary"], run["info"]
    cities, items = names(s, lang)
    parts = [
        f"<h1>{html.escape(t('title', lang))}</h1>",
        f"<p>{html.escape(s.name)} · {info['replications']} × {s.horizon_days} d{_dates(s)} · seed {info['seed']} · "
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
            f"<td>{percent(r.p_stockout)}</td><td>{r.first_stockout_day_median:.0f}</td>"
            + (f"<td>{date_of(s.start_date, r.first_stockout_day_median)}</td>" if s.start_date else "")
            + "</tr>"
            for r in short.head(12).itertuples()
        )
        keys = ("city", "item", "p_stockout", "first_stockout", *(("date",) if s.start_date else ()))
        head = "".join(f"<th>{t(k, lang)}</th>" for k in keys)
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
