"""The purchase plan for people: sentences that say what each figure means, a terminal table and a
workbook with one sheet per city and one for the circle, in English or Chinese (counts in 万 and
亿 in Chinese). The figures come from ``results.plan``'s tables; nothing is computed here but the
words."""

from __future__ import annotations

import io
import math
import re

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from stocksim.present.i18n import name, t, unit_word, zh_magnitude
from stocksim.results.plan import LOT_COLUMNS, PLAN_COLUMNS
from stocksim.results.tables import CIRCLE
from stocksim.scenario.loader import LoadedScenario
from stocksim.scenario.schema import Scenario
from stocksim.supply.reserve import full_load_level

PLAN_TEXT = "plan.txt"  # the sentences, beside plan.csv
PLAN_WORKBOOK = "plan.xlsx"
MILLION = 1e6


def count(x: float, lang: str) -> str:
    """A number of units: 1.2 M / 45,300 in English, 120.0 万 / 4.5 亿 in Chinese."""
    if lang == "zh":
        divisor, unit = zh_magnitude(x)
        return f"{x / divisor:,.1f} {unit}" if unit else f"{x:,.0f}"
    return f"{x / MILLION:,.1f} M" if abs(x) >= MILLION else f"{x:,.0f}"


def money(x: float, lang: str) -> str:
    """CNY: CNY 6.0 M / CNY 45,300 in English, 600.0 万元 in Chinese."""
    if lang == "zh":
        divisor, unit = zh_magnitude(x)
        return f"{x / divisor:,.1f} {unit}元" if unit else f"{x:,.0f} 元"
    return f"CNY {x / MILLION:,.1f} M" if abs(x) >= MILLION else f"CNY {x:,.0f}"


def _unit(s: Scenario, item: str, lang: str) -> str:
    return unit_word(s.items[s.item_ids.index(item)].unit, lang)


def _names(s: Scenario, lang: str) -> dict[str, str]:
    """City, depot and item names in the language; the circle as ``ALL``'s label."""
    places = {c.id: name(c, lang) for c in s.cities} | {d.id: d.name or d.id for d in s.depots}
    return places | {i.id: name(i, lang) for i in s.items} | {CIRCLE: t("ALL", lang)}


def reading(s: Scenario, lang: str) -> str:
    """The daily max reading in words."""
    r = s.reserve
    if r.daily_max == "full_load":
        level = full_load_level(s)
        if level == "none":
            return t("plan_reading_full_load_none", lang)
        return t("plan_reading_full_load", lang).format(level=level)
    if r.daily_max == "peak":
        return t("plan_reading_peak", lang).format(q=r.peak_quantile, n=r.peak_pilot)
    return t("plan_reading_declared", lang)


def plan_title(s: Scenario, day: int, lang: str) -> str:
    return t("plan_title", lang).format(day=day, days=s.reserve.coverage_days, reading=reading(s, lang))


def city_lines(plan: pd.DataFrame, lots: pd.DataFrame, s: Scenario, city: str, lang: str) -> list[str]:
    """What one city must buy, item by item (or that it holds enough), then its stock that leaves."""
    words = _names(s, lang)
    use = t(f"plan_use_{s.reserve.daily_max}", lang)
    rows = plan[(plan["city"] == city) & (plan["to_buy"] > 0)]
    lines = []
    for _, row in rows.iterrows():
        text = t("plan_buy", lang).format(
            city=words[city],
            units=count(row["to_buy"], lang),
            unit=_unit(s, row["item"], lang),
            item=words[row["item"]],
            cost=money(row["cost_cny"], lang),
            crisis=money(row["crisis_cost_cny"], lang),
            days=row["coverage_days"],
            use=use,
        )
        if row["physical_gap"] > row["gap"]:
            text += t("plan_buy_physical", lang).format(share=s.reserve.min_physical_share)
        lines.append(text)
    if rows.empty:
        lines.append(t("plan_enough", lang).format(city=words[city], days=s.reserve.coverage_days, use=use))
    return lines + lot_lines(lots[lots["city"] == city], s, lang)


def lot_lines(lots: pd.DataFrame, s: Scenario, lang: str) -> list[str]:
    """One sentence per lot that leaves the reserve by rotation or expires within the horizon."""
    words = _names(s, lang)
    lines = []
    for _, lot in lots.iterrows():
        common = {
            "city": words[lot["city"]],
            "units": count(lot["units"], lang),
            "unit": _unit(s, lot["item"], lang),
            "item": words[lot["item"]],
            "value": money(lot["value_cny"], lang),
        }
        if lot["leaves_day"] < lot["expires_day"]:
            lines.append(
                t("plan_lot_rotates", lang).format(day=lot["leaves_day"], expires=lot["expires_day"], **common)
            )
        elif lot["pool"] == "working":
            lines.append(t("plan_lot_expires_working", lang).format(day=lot["expires_day"], **common))
        else:
            pool = t(f"plan_pool_{lot['pool']}", lang)
            lines.append(t("plan_lot_expires", lang).format(day=lot["expires_day"], pool=pool, **common))
    return lines


def circle_lines(plan: pd.DataFrame, s: Scenario, draws: int, lang: str) -> list[str]:
    """The circle's purchase for every city to comply, and its own test on its summed stock."""
    words = _names(s, lang)
    circle = plan[plan["city"] == CIRCLE]
    day = int(plan["day"].iloc[0])
    if circle["to_buy"].sum() > 0:
        cost, crisis = circle["cost_cny"].sum(), circle["crisis_cost_cny"].sum()
        lines = [t("plan_circle_buy", lang).format(cost=money(cost, lang), crisis=money(crisis, lang))]
    else:
        lines = [t("plan_circle_none", lang).format(day=day)]
    short = circle[circle[["gap", "physical_gap"]].max(axis=1) > 0]
    if short.empty:
        lines.append(t("plan_circle_pooled_ok", lang))
    else:
        sep, space = ("，", "") if lang == "zh" else (", ", " ")
        parts = [
            f"{count(max(r['gap'], r['physical_gap']), lang)}{space}{_unit(s, r['item'], lang)} of {words[r['item']]}"
            if lang == "en"
            else f"{words[r['item']]}{count(max(r['gap'], r['physical_gap']), lang)}{_unit(s, r['item'], lang)}"
            for _, r in short.iterrows()
        ]
        lines.append(t("plan_circle_pooled_short", lang).format(items=sep.join(parts)))
    spread = circle[circle["daily_max_high"] > circle["daily_max_low"]]
    for _, row in spread.head(1).iterrows():
        low, high = count(row["daily_max_low"], lang), count(row["daily_max_high"], lang)
        lines.append(t("plan_spread", lang).format(n=draws, item=words[row["item"]], low=low, high=high))
    return lines


def note_lines(plan: pd.DataFrame, s: Scenario, lang: str) -> list[str]:
    """How the figures were made: the day, the prices, the agreements."""
    words = _names(s, lang)
    circle = plan[plan["city"] == CIRCLE]
    day = int(plan["day"].iloc[0])
    sep = "，" if lang == "zh" else ", "
    semi = "；" if lang == "zh" else "; "
    priced = circle[circle["supplier"] != ""]
    unpriced = circle[circle["supplier"] == ""]
    prices = []
    if not priced.empty:
        by_supplier = priced.groupby("supplier", sort=False)["item"].agg(list)
        every = len(by_supplier) == 1 and len(priced) == len(circle)
        called = {sup.id: sup.name or sup.id for sup in s.suppliers}  # the supplier's name, not its id
        names = sep.join(
            f"{called.get(sup, sup)}: {t('plan_every_item', lang) if every else sep.join(words[i] for i in items)}"
            for sup, items in by_supplier.items()
        )
        prices.append(t("plan_price_supplier", lang).format(names=names))
    if not unpriced.empty:
        names = sep.join(words[i] for i in unpriced["item"])
        prices.append(t("plan_price_item", lang).format(names=names))
    ratio = (circle["crisis_unit_price_cny"] / circle["unit_price_cny"]).dropna()
    factor = float(ratio.max()) if len(ratio) else 1.0
    if factor > 1:
        prices.append(t("plan_price_crisis", lang).format(factor=round(factor, 3)))
    else:
        prices.append(t("plan_price_no_crisis", lang))
    lines = [t("plan_day_note", lang).format(day=day), semi.join(prices)]
    if any(c.agreements for c in s.cities):
        if s.reserve.counts_agreements:
            lines.append(t("plan_agreements_counted", lang).format(share=s.reserve.min_physical_share))
        else:
            lines.append(t("plan_agreements_not_counted", lang))
    return lines


def plan_lines(plan: pd.DataFrame, lots: pd.DataFrame, loaded: LoadedScenario, draws: int, lang: str) -> list[str]:
    """Every sentence of the plan after its title: each city, the circle, the stock leaving, the notes."""
    s = loaded.scenario
    day = int(plan["day"].iloc[0])
    lines = []
    for city in s.city_ids:
        lines += city_lines(plan, lots, s, city, lang)
    lines += circle_lines(plan, s, draws, lang)
    depots = lots[~lots["city"].isin(s.city_ids)]
    lines += lot_lines(depots, s, lang)
    if lots.empty:
        lines.append(t("plan_no_lots", lang).format(day=day, last=s.horizon_days - 1))
    return lines + note_lines(plan, s, lang)


def _cell(x: float, lang: str, money_divisor: float | None) -> str:
    """A terminal cell: units (counts in 万 and 亿 in Chinese), or money over ``money_divisor``."""
    if isinstance(x, float) and math.isnan(x):
        return "-"
    if lang == "zh":
        return count(x, lang)
    if money_divisor is not None:
        return f"{x / money_divisor:,.2f}" if money_divisor > 1 else f"{x:,.0f}"
    return f"{x:,.0f}"


# The terminal's columns: (plan.csv column, a money column)
TERMINAL = (
    ("required_reserve", False),
    ("counted", False),
    ("gap", False),
    ("physical_gap", False),
    ("to_buy", False),
    ("cost_cny", True),
    ("crisis_cost_cny", True),
)


def plan_terminal(plan: pd.DataFrame, loaded: LoadedScenario, lang: str) -> str:
    """City x item: required, counted, the two gaps, what to buy and its cost at normal and crisis
    prices, and days of cover; then the circle. Units in the item's unit (万 and 亿 in Chinese),
    costs in CNY or M CNY (元 with 万 and 亿 in Chinese)."""
    s = loaded.scenario
    words = _names(s, lang)
    width, label = 12, 22
    divisor, money_unit = (MILLION, "M CNY") if plan["crisis_cost_cny"].max() >= MILLION else (1.0, "CNY")
    heads = [t(f"plan_short_{col}", lang) for col, _ in TERMINAL] + [t("plan_short_days_of_cover", lang)]
    lines = [
        t("plan_terminal_units", lang).format(money=money_unit),
        _pad("", label) + "".join(_pad(h, width, right=True) for h in heads),
    ]
    for city in [*s.city_ids, CIRCLE]:
        lines.append(words[city])
        for _, row in plan[plan["city"] == city].iterrows():
            cells = [_cell(row[col], lang, divisor if m else None) for col, m in TERMINAL]
            cover = row["days_of_cover"]
            cells.append("-" if math.isnan(cover) else f"{cover:.1f}")
            lines.append(
                "  " + _pad(words[row["item"]], label - 2) + "".join(_pad(c, width, right=True) for c in cells)
            )
    return "\n".join(lines)


def _pad(text: str, width: int, right: bool = False) -> str:
    """``text`` cut and padded to ``width`` terminal columns (a Chinese character takes two)."""
    out, used = "", 0
    for ch in text:
        w = 2 if ord(ch) > 0x2E7F else 1
        if used + w > width - right:
            break
        out, used = out + ch, used + w
    space = " " * (width - used)
    return space + out if right else out + space


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def plan_workbook(plan: pd.DataFrame, lots: pd.DataFrame, loaded: LoadedScenario, draws: int, lang: str) -> bytes:
    """``plan.xlsx``: one sheet per city and one for the circle, each with its sentences, its
    items (heads in the language, quantities in units, money in CNY) and its lots."""
    s = loaded.scenario
    words = _names(s, lang)
    book = Workbook()
    book.remove(book.active)
    day = int(plan["day"].iloc[0])
    for city in [*s.city_ids, CIRCLE]:
        sheet = book.create_sheet(_sheet_name(words[city], book.sheetnames))
        sheet.append([plan_title(s, day, lang)])
        sheet["A1"].font = Font(bold=True)
        if city == CIRCLE:
            text = circle_lines(plan, s, draws, lang) + lot_lines(lots[~lots["city"].isin(s.city_ids)], s, lang)
            text += note_lines(plan, s, lang)
        else:
            text = city_lines(plan, lots, s, city, lang)
        for line in text:
            sheet.append([line])
        sheet.append([])
        _table(sheet, plan[plan["city"] == city], PLAN_COLUMNS, s, words, lang)
        city_lots = lots if city == CIRCLE else lots[lots["city"] == city]
        if not city_lots.empty:
            sheet.append([])
            sheet.append([t("plan_lots", lang)])
            _table(sheet, city_lots, LOT_COLUMNS, s, words, lang)
        sheet.column_dimensions["A"].width = 28
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _table(sheet, df: pd.DataFrame, columns: tuple[str, ...], s: Scenario, words: dict[str, str], lang: str) -> None:  # type: ignore[no-untyped-def]
    """A head row in the language (with the item's unit after the item), then one row per record;
    the day column is left out (the title gives the day)."""
    shown = [c for c in columns if c != "day"]
    heads = []
    for c in shown:
        heads.append(t("plan_col_counted_lot" if c == "counted" and "pool" in columns else f"plan_col_{c}", lang))
        if c == "item":
            heads.append(t("plan_col_unit", lang))
    sheet.append(heads)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for _, row in df.iterrows():
        values: list[object] = []
        for c in shown:
            v = row[c]
            if c in ("city", "item"):
                values.append(words.get(v, v))
                if c == "item":
                    values.append(_unit(s, v, lang))
            elif c == "pool":
                values.append(t(f"plan_pool_{v}", lang))
            elif isinstance(v, float) and math.isnan(v):
                values.append(None)
            else:
                values.append(v.item() if hasattr(v, "item") else v)
        sheet.append(values)


def _sheet_name(text: str, taken: list[str]) -> str:
    """A valid, unique sheet name: at most 31 characters, none of []:*?/\\."""
    base = _SHEET_FORBIDDEN.sub("_", text)[:31] or "sheet"
    out, k = base, 2
    while out in taken:
        out = f"{base[:28]}-{k}"
        k += 1
    return out
