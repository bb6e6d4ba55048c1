"""Recorded daily use (``reserve.observed.file``) and the ``observed`` reading of the daily max.

The file (CSV or XLSX, English or Chinese headers) holds one row per day, city and item:

- day / 日, or date / 日期 (one of the two): a whole day number, or a calendar date
  (YYYY-MM-DD). Records are history: the days need not be those of the horizon, nor the dates
  after ``start_date``;
- city / 城市 and item / 物资: by id, English or Chinese name;
- quantity / 数量 / 消耗量: units used that day, a number >= 0.

Every city and item of the scenario has a row on every day from the file's first day to its
last (write 0 for a day nothing was used); a missing day, a day given twice, a negative or
non-numeric quantity and an unknown city or item are errors naming the row, column and value.

The daily max of a city and item is the highest mean of ``window_days`` consecutive days (the
trailing rolling mean, full windows only): the CDC burn-rate method, and the literal reading
of 日均消耗上限 (the upper limit of the daily average). The circle's is the same figure of the
cities' summed use (never above the sum of the cities': their peaks need not coincide).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd

from stocksim.scenario.errors import ConfigError
from stocksim.scenario.limits import MAX_DAY, MAX_UNITS
from stocksim.scenario.schema import Observed, Scenario
from stocksim.scenario.sheets import Names, Problems, calendar_date, number, read_rows, where, whole

COLUMNS: dict[str, tuple[str, ...]] = {
    "day": ("day", "日"),
    "date": ("date", "日期"),
    "city": ("city", "城市"),
    "item": ("item", "物资"),
    "quantity": ("quantity", "数量", "消耗量"),
}
WHAT = "recorded use file"


def read_use(s: Scenario, path: Path) -> pd.DataFrame:
    """The recorded use as a table indexed by day (ordinal numbers: day numbers, or dates'
    ordinals), one column per (city, item) of the scenario, units per day; every row checked."""
    rows, found = read_rows(path, WHAT, COLUMNS)
    problems = Problems(path)
    day_key = _day_column(found, problems)
    for key in ("city", "item", "quantity"):
        if key not in found:
            problems.add("row 1", f"no {' / '.join(COLUMNS[key])} column")
    problems.raise_any()
    cities = Names([(c.id, (c.id, c.name, c.name_zh)) for c in s.cities])
    items = Names([(it.id, (it.id, it.name, it.name_zh)) for it in s.items])
    records = []
    for row in rows:
        n, cells, before = row.number, row.cells, len(problems.found)
        day = _day(cells.get(day_key), day_key)
        if day is None:
            problems.add(where(n, found[day_key]), _DAY_HELP[day_key], cells.get(day_key))
        city, why = cities.find(cells.get("city") or "")
        if city is None:
            problems.add(where(n, found["city"]), f"{why} city (ids: {', '.join(s.city_ids)})", cells.get("city"))
        item, why = items.find(cells.get("item") or "")
        if item is None:
            problems.add(where(n, found["item"]), f"{why} item (ids: {', '.join(s.item_ids)})", cells.get("item"))
        qty = number(cells.get("quantity")) if cells.get("quantity") is not None else None
        if qty is None or qty < 0:
            problems.add(
                where(n, found["quantity"]), "must be a number >= 0 (units used that day)", cells.get("quantity")
            )
        elif qty > MAX_UNITS:
            problems.add(where(n, found["quantity"]), f"above the limit of {MAX_UNITS:,.0f} units", qty)
        if len(problems.found) == before:
            records.append((n, day, city, item, qty))
    problems.raise_any()
    return _complete(s, path, records, day_key, found[day_key])


_DAY_HELP = {"day": "must be a whole day number", "date": "must be a date (YYYY-MM-DD)"}


def _day_column(found: dict[str, str], problems: Problems) -> str:
    if "day" in found and "date" in found:
        problems.add("row 1", f"give day ({found['day']}) or date ({found['date']}), not both")
    if "day" not in found and "date" not in found:
        problems.add("row 1", "no day / 日 or date / 日期 column")
    return "day" if "day" in found else "date"


def _day(value: object, key: str) -> int | None:
    if value is None:
        return None
    if key == "day":
        return whole(value)
    when = calendar_date(value)
    return None if when is None else when.toordinal()


def _complete(s: Scenario, path: Path, records: list, day_key: str, column: str) -> pd.DataFrame:
    """The records as a (day x city-item) table; a day given twice or missing is an error."""
    df = pd.DataFrame(records, columns=["row", "day", "city", "item", "quantity"])
    if df.empty:
        raise ConfigError(path, "", "no records of use")
    problems = Problems(path)
    twice = df[df.duplicated(["day", "city", "item"])]
    for row, day, city, item in zip(twice["row"], twice["day"], twice["city"], twice["item"], strict=True):
        problems.add(f"row {row}", f"{city}, {item} on this {day_key} given twice", _shown(int(day), day_key))
    problems.raise_any()
    first, last = int(df["day"].min()), int(df["day"].max())
    if last - first >= MAX_DAY:
        where_last = f"row {df['row'].to_numpy()[df['day'].to_numpy().argmax()]}, column {column}"
        raise ConfigError(
            path, where_last, f"the records span more than {MAX_DAY:,} days (from {_shown(first, day_key)})",
            _shown(last, day_key),
        )  # fmt: skip
    days = np.arange(first, last + 1)
    wide = df.pivot(index="day", columns=["city", "item"], values="quantity")
    wide = wide.reindex(index=days, columns=pd.MultiIndex.from_product([s.city_ids, s.item_ids]))
    for city, item in itertools.product(s.city_ids, s.item_ids):
        values = wide[(city, item)]
        missing = values.index[values.isna()]
        if len(missing):
            problems.add(
                f"column {column}",
                f"no record of {city}, {item} on {len(missing)} of the file's {len(days)} {day_key}s, the first"
                " (every city and item needs a row on every day from the first to the last; 0 if none used)",
                _shown(int(missing[0]), day_key),
            )
    problems.raise_any()
    return wide


def _shown(day: int, key: str) -> object:
    return calendar_date_of(day) if key == "date" else day


def calendar_date_of(ordinal: int) -> str:
    import datetime as dt

    return dt.date.fromordinal(ordinal).isoformat()


def highest_mean(use: pd.DataFrame, window: int) -> pd.Series:
    """Per column, the highest mean of ``window`` consecutive rows (full windows only)."""
    return use.rolling(window, min_periods=window).mean().max()


def with_observed(s: Scenario, path: Path) -> Scenario:
    """The scenario with ``reserve.observed``'s daily max per city and item and for the circle
    filled in from the recorded use."""
    observed = s.reserve.observed
    assert observed is not None
    use = read_use(s, path)
    window = observed.window_days
    if len(use) < window:
        raise ConfigError(path, "", f"{len(use)} days of records, fewer than reserve.observed.window_days", window)
    per_city = highest_mean(use, window)
    circle = highest_mean(use.T.groupby(level=1, sort=False).sum().T, window)
    daily = {c: {i: float(per_city[(c, i)]) for i in s.item_ids} for c in s.city_ids}
    filled = observed.model_copy(update={"daily_max": daily, "circle": {i: float(circle[i]) for i in s.item_ids}})
    return s.model_copy(update={"reserve": s.reserve.model_copy(update={"observed": filled})})


def observed_given(observed: Observed) -> bool:
    """Whether a scenario gives the figures that are filled in from the file."""
    return bool(observed.daily_max or observed.circle)
