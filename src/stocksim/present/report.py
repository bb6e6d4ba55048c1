"""The self-contained HTML report of a run, to hand in: figures embedded as PNG, so nothing needs
the internet (no map tiles, no script from a CDN), a print stylesheet that fits an A4 page width
(the browser's print gives the PDF), every word in English or Chinese.

``stocksim report RUN_DIR`` writes it from a run directory; the browser app adds what it knows
beside the run (``Extras``): the reserve rule's answer and headline figures, the purchase plan,
the outbreak charts, a comparison with its verdict, and the scenario's inputs with their
[S]/[D]/[E] tags and a note when its stock figures are illustrative.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

from stocksim.present.dashboard import summary_view
from stocksim.present.figures import matrix_figure, names, png, stock_figure, transfers_figure
from stocksim.present.i18n import percent, t
from stocksim.results.tables import CIRCLE
from stocksim.scenario.dates import date_of

STYLE = """
body{font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;max-width:180mm;margin:auto;padding:0 6mm;
font-size:11pt;line-height:1.4;color:#111}
h1{font-size:17pt}h2{font-size:13pt;border-bottom:1px solid #999;margin-top:1.4em}
img{max-width:100%}table{border-collapse:collapse;font-size:9pt;margin:.4em 0}
td,th{border:1px solid #999;padding:2px 5px;vertical-align:top}th{background:#eee}
.note{border-left:4px solid #e6550d;padding:.3em .6em;background:#fff5eb}.meta{color:#444;font-size:9pt}
@page{size:A4;margin:14mm}
@media print{body{max-width:none;padding:0;font-size:10pt}h2{break-after:avoid}img,table,tr{break-inside:avoid}}
"""


@dataclass
class Extras:
    """What the app knows beside the run: sentences, tables (already in the language) and figures
    (base64 PNG with a caption)."""

    answer: str = ""
    headline: list[tuple[str, str, str]] = field(default_factory=list)  # label, value, interval
    plan_title: str = ""
    plan_lines: list[str] = field(default_factory=list)
    plan_table: pd.DataFrame | None = None
    figures: list[tuple[str, str]] = field(default_factory=list)
    verdict: list[str] = field(default_factory=list)
    compare_figure: str = ""
    compare_table: pd.DataFrame | None = None
    inputs: list[tuple[str, str, str]] = field(default_factory=list)  # setting, tags, comment
    illustrative: bool = False
    summary_table: pd.DataFrame | None = None


def _dates(s) -> str:
    """`` (2020-01-24 to 2020-07-21)`` with a start date, else nothing."""
    if s.start_date is None:
        return ""
    return f" ({date_of(s.start_date, 0)} – {date_of(s.start_date, s.horizon_days - 1)})"


def _img(b64: str, caption: str = "") -> str:
    cap = f"<p class='meta'>{html.escape(caption)}</p>" if caption else ""
    return f"<img src='data:image/png;base64,{b64}'>{cap}"


def _table(df: pd.DataFrame) -> str:
    return df.to_html(index=False, escape=True, border=0, float_format=lambda v: f"{v:,.3g}", na_rep="-")


def html_report(run: dict, lang: str = "en", extras: Extras | None = None) -> str:
    """One HTML page, figures embedded, for a run loaded with ``load_run`` (or the app's run)."""
    s, summary, info = run["scenario"], run["summary"], run["info"]
    x = extras or Extras()
    days = t("days_unit", lang)
    parts = [
        f"<h1>{html.escape(t('title', lang))}</h1>",
        f"<p class='meta'>{html.escape(s.name)} · {info['replications']} × {s.horizon_days} {days}{_dates(s)} · "
        f"{t('seed', lang)} {info['seed']} · {t('hash', lang)} {info['config_hash']} · "
        f"stocksim {info['stocksim_version']}</p>",
    ]
    if x.illustrative:
        parts.append(f"<p class='note'>{html.escape(t('illustrative_note', lang))}</p>")
    parts += _answer(x, lang)
    parts.append(f"<h2>{html.escape(t('matrix', lang))}</h2>")
    parts.append(_img(png(matrix_figure(summary, s, lang)), t("matrix_help", lang)))
    parts += _short(run, s, lang, with_charts=not x.figures)
    parts += [_img(b64, caption) for caption, b64 in x.figures]
    parts += _comparison(x, lang)
    if run["events"] is not None and not x.figures:
        fig = transfers_figure(run["events"], s, info["replications"], lang)
        parts.append(f"<h2>{html.escape(t('transfers', lang))}</h2>{_img(png(fig))}")
    parts += _inputs(x, lang)
    parts.append(f"<h2>{html.escape(t('summary', lang))}</h2>")
    parts.append(_table(x.summary_table if x.summary_table is not None else summary_view(summary, s, lang)))
    body = "\n".join(parts)
    return (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>{html.escape(s.name)}</title>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<style>{STYLE}</style></head><body>{body}</body></html>")  # fmt: skip


def _items(lines: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>"


def _answer(x: Extras, lang: str) -> list[str]:
    """The rule's answer with the headline figures, then the purchase plan."""
    parts = []
    if x.answer or x.headline:
        parts.append(f"<h2>{html.escape(t('answer', lang))}</h2><p><b>{html.escape(x.answer)}</b></p>")
        rows = "".join(f"<tr><td>{html.escape(a)}</td><td>{html.escape(b)}</td><td>{html.escape(c)}</td></tr>"
                       for a, b, c in x.headline)  # fmt: skip
        parts.append(f"<table>{rows}</table>" if rows else "")
    if x.plan_lines:
        parts.append(f"<h2>{html.escape(t('plan', lang))}</h2><p>{html.escape(x.plan_title)}</p>")
        parts.append(_items(x.plan_lines))
        if x.plan_table is not None and not x.plan_table.empty:
            parts.append(_table(x.plan_table))
    return parts


def _comparison(x: Extras, lang: str) -> list[str]:
    if not x.verdict:
        return []
    parts = [f"<h2>{html.escape(t('compare', lang))}</h2>", _items(x.verdict)]
    if x.compare_figure:
        parts.append(_img(x.compare_figure))
    if x.compare_table is not None:
        parts.append(_table(x.compare_table))
    return parts


def _inputs(x: Extras, lang: str) -> list[str]:
    """The scenario's settings with their [S]/[D]/[E] tags."""
    if not x.inputs:
        return []
    rows = "".join(
        f"<tr><td><code>{html.escape(a)}</code></td><td>{b}</td><td>{html.escape(c)}</td></tr>" for a, b, c in x.inputs
    )
    head = f"<tr><th>{t('col_setting', lang)}</th><th>{t('col_tags', lang)}</th><th>{t('col_comment', lang)}</th></tr>"
    return [
        f"<h2>{html.escape(t('inputs', lang))}</h2><p>{html.escape(t('inputs_help', lang))}</p>",
        f"<table>{head}{rows}</table>",
    ]


def _short(run: dict, s, lang: str, with_charts: bool) -> list[str]:
    """Who ran out first, by median first day, and (from a run directory) the stock of the first three."""
    summary = run["summary"]
    cities, items = names(s, lang)
    short = summary[(summary["city"] != CIRCLE) & (summary["p_stockout"] > 0)].sort_values(
        ["first_stockout_day_median", "p_stockout"], ascending=[True, False]
    )
    parts = [f"<h2>{html.escape(t('first_short', lang))}</h2>"]
    if short.empty:
        return parts + [f"<p>{html.escape(t('none_short', lang))}</p>"]
    rows = "".join(
        f"<tr><td>{html.escape(cities.get(r.city, r.city))}</td><td>{html.escape(items.get(r.item, r.item))}</td>"
        f"<td>{percent(r.p_stockout)}</td><td>{r.first_stockout_day_median:.0f}</td>"
        + (f"<td>{date_of(s.start_date, r.first_stockout_day_median)}</td>" if s.start_date else "")
        + "</tr>"
        for r in short.head(12).itertuples()
    )
    keys = ("city", "item", "p_stockout", "first_stockout", *(("date",) if s.start_date else ()))
    head = "".join(f"<th>{t(k, lang)}</th>" for k in keys)
    parts.append(f"<table><tr>{head}</tr>{rows}</table>")
    if with_charts and run["bands"] is not None:
        for r in short.head(3).itertuples():
            parts.append(_img(png(stock_figure(run["bands"], summary, s, r.city, r.item, lang))))
    return parts
