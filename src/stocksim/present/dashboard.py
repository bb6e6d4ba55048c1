"""What the browser app and the report say first, in English or Chinese: the reserve rule's answer
in words (from the purchase plan), the headline figures with their 95 % intervals, who runs short
first, the summary as a table with named heads, a workbook of the results, and the inputs a
scenario tags as sourced [S], derived [D] or estimated [E]. Pure functions of result tables."""

from __future__ import annotations

import io
import math
import re

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from stocksim.present.figures import names
from stocksim.present.i18n import number, percent, t, unit_word
from stocksim.present.plan import count, money
from stocksim.scenario.dates import date_of
from stocksim.scenario.schema import Scenario

TAG = re.compile(r"\[(S|D|E)\]")
ILLUSTRATIVE = re.compile(r"illustrative", re.IGNORECASE)
# The summary's columns the app and the report show, in this order, with their label keys.
SUMMARY_VIEW = (
    ("city", "city"), ("item", "item"), ("required_reserve", "col_required"),
    ("initial_days_of_cover", "col_cover"), ("initial_working_days_of_cover", "col_working_cover"),
    ("compliance_share", "col_compliance"), ("p_stockout", "col_p_stockout"), ("fill_rate", "col_fill_rate"),
    ("unmet_mean", "col_unmet"), ("first_stockout_day_median", "first_stockout"),
    ("net_cost_mean", "col_net_cost"), ("total_cost_mean", "col_total_cost"),
)  # fmt: skip
BAND_VIEW = (("day", "day"), ("city", "city"), ("item", "item"), ("metric", "col_metric"),
             ("p5", "col_p5"), ("p50", "col_p50"), ("p95", "col_p95"), ("mean", "chart_mean"))  # fmt: skip


def rule_answer(plan: pd.DataFrame, s: Scenario, lang: str, shown: int = 2) -> str:
    """ "4 of 7 cities hold 30 days of every item; Liaocheng is short of Coverall/gown by 41,000
    pieces (CNY 1.6 M)": from the purchase plan on day 0 (``results.plan.plan_table``); the largest
    shortfalls by cost first."""
    cities, items = names(s, lang)
    rows = plan[plan["city"].isin(s.city_ids)]
    short = rows[rows["to_buy"] > 0]
    ok = len(s.city_ids) - short["city"].nunique()
    head = t("answer_head", lang).format(ok=ok, n=len(s.city_ids), days=s.reserve.coverage_days)
    parts = []
    for _, r in short.sort_values("cost_cny", ascending=False).head(shown).iterrows():
        unit = unit_word(s.items[s.item_ids.index(r["item"])].unit, lang)
        parts.append(
            t("answer_short", lang).format(
                city=cities[r["city"]],
                item=items[r["item"]],
                units=count(r["to_buy"], lang),
                unit=unit,
                cost=money(r["cost_cny"], lang),
            )
        )
    more = len(short) - len(parts)
    if more > 0:
        parts.append(t("answer_more", lang).format(n=more))
    sep = "；" if lang == "zh" else "; "
    return sep.join([head, *parts])


def headline_text(row: pd.Series, lang: str) -> tuple[str, str]:
    """A headline figure and its interval as text: the value, and "95 %: [low, high]"."""
    metric = row["metric"]
    if metric in ("stockout", "fill_rate"):
        digits = 0 if metric == "stockout" else 1
        fmt = lambda x: "-" if math.isnan(x) else f"{100 * x:.{digits}f}%"  # noqa: E731
    elif metric == "net_cost":
        fmt = lambda x: "-" if math.isnan(x) else _money_short(x, lang)  # noqa: E731
    else:
        fmt = lambda x: number(x, lang)  # noqa: E731
    return fmt(row["mean"]), t("ci95", lang).format(low=fmt(row["low"]), high=fmt(row["high"]))


def _money_short(x: float, lang: str) -> str:
    if lang == "zh":
        return number(x, lang) + " 元"
    return f"{x / 1e6:,.1f} M CNY" if abs(x) >= 1e6 else f"{x:,.0f} CNY"


def first_short(summary: pd.DataFrame, s: Scenario, lang: str) -> pd.DataFrame:
    """The city-item pairs that ran out in any replication, by median first day (then most often
    first), with the chance and its 95 % interval and the mean unmet units."""
    cities, items = names(s, lang)
    rows = summary[summary["city"].astype(str).isin(s.city_ids) & (summary["p_stockout"] > 0)]
    rows = rows.sort_values(["first_stockout_day_median", "p_stockout"], ascending=[True, False])
    out = pd.DataFrame(
        {
            t("first_stockout", lang): rows["first_stockout_day_median"].round().astype(int).to_numpy(),
            t("city", lang): [cities[c] for c in rows["city"].astype(str)],
            t("item", lang): [items[i] for i in rows["item"].astype(str)],
            t("p_stockout", lang): [
                f"{percent(p)} [{percent(lo)}, {percent(hi)}]"
                for p, lo, hi in zip(rows["p_stockout"], rows["p_stockout_low"], rows["p_stockout_high"], strict=True)
            ],
            t("col_unmet", lang): [
                f"{number(u, lang)} {unit_word(s.items[s.item_ids.index(i)].unit, lang)}"
                for u, i in zip(rows["unmet_mean"], rows["item"].astype(str), strict=True)
            ],
        }
    )
    if s.start_date is not None:
        out.insert(1, t("date", lang), [str(date_of(s.start_date, d)) for d in rows["first_stockout_day_median"]])
    return out


def summary_view(summary: pd.DataFrame, s: Scenario, lang: str) -> pd.DataFrame:
    """The summary with named cities and items and heads in the language (units in the heads)."""
    cities, items = names(s, lang)
    out = summary[[c for c, _ in SUMMARY_VIEW]].copy()
    out["city"] = [cities.get(c, c) for c in out["city"].astype(str)]
    out["item"] = [items.get(i, i) for i in out["item"].astype(str)]
    return out.rename(columns={c: t(key, lang) for c, key in SUMMARY_VIEW})


def bands_view(bands: pd.DataFrame, s: Scenario, lang: str) -> pd.DataFrame:
    cities, items = names(s, lang)
    out = bands[[c for c, _ in BAND_VIEW]].copy()
    out["city"] = [cities.get(c, c) for c in out["city"].astype(str)]
    out["item"] = [items.get(i, i) for i in out["item"].astype(str)]
    out["metric"] = [t(f"band_{m}", lang) for m in out["metric"]]
    return out.rename(columns={c: t(key, lang) for c, key in BAND_VIEW})


def results_workbook(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An Excel workbook, one sheet per table (names and heads already in the language)."""
    book = Workbook()
    book.remove(book.active)
    for title, df in sheets.items():
        sheet = book.create_sheet(title[:31])
        sheet.append([str(c) for c in df.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in df.itertuples(index=False):
            sheet.append([_cell(v) for v in row])
        sheet.column_dimensions["A"].width = 18
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _cell(v: object) -> object:
    if isinstance(v, float) and math.isnan(v):
        return None
    return v.item() if hasattr(v, "item") else v


def tagged_inputs(yaml_text: str) -> list[tuple[str, str, str]]:
    """The lines of a scenario's YAML whose comment tags a number as sourced [S], derived [D] or
    estimated [E]: (the line's setting, its tags, the comment), in file order."""
    out = []
    for line in yaml_text.splitlines():
        if "#" not in line:
            continue
        setting, _, comment = line.partition("#")
        tags = "".join(f"[{m}]" for m in dict.fromkeys(TAG.findall(comment)))
        if tags and setting.strip():
            out.append((setting.strip(), tags, comment.strip()))
    return out


def illustrative(yaml_text: str, s: Scenario) -> bool:
    """The scenario says its stock figures are illustrative (in its description or comments)."""
    return bool(ILLUSTRATIVE.search(yaml_text) or ILLUSTRATIVE.search(s.description))
