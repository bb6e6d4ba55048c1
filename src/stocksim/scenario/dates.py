"""Calendar dates: ``start_date`` is the date of day 0, and day d is start_date + d days.

With a ``start_date``, every key that counts days (a schedule's ``from_day``, a lot's
``expires_day``, ...; the list is ``DAY_KEYS``) may be given as an ISO date instead
(``from_day: 2020-03-08``): it is turned into its day number when the scenario is parsed, so
the validated scenario holds day numbers only and nothing downstream knows about dates. The
outputs carry a ``date`` column beside ``day`` (``results.tables``), and the terminal and the
report show dates beside days. A date before ``start_date`` (a negative day) is an error, as is
a date without a ``start_date``.

A new key that counts days becomes date-capable by adding its path to ``DAY_KEYS``; readers of
data files convert a date with ``day_number``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from stocksim.scenario.errors import ConfigError

# Paths of the keys that count days; "*" stands for every entry of a list.
DAY_KEYS: tuple[tuple[str, ...], ...] = (
    ("response", "schedule", "*", "from_day"),
    ("response", "schedule", "*", "to_day"),
    ("cities", "*", "lots", "*", "expires_day"),
    ("cities", "*", "reserve_lots", "*", "expires_day"),
    ("depots", "*", "lots", "*", "expires_day"),
    ("epidemic", "introductions", "*", "day"),
    ("epidemic", "interventions", "*", "from_day"),
    ("epidemic", "interventions", "*", "to_day"),
    ("suppliers", "*", "disruptions", "*", "from_day"),
    ("suppliers", "*", "disruptions", "*", "to_day"),
    ("procurement", "first_review_day"),
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def as_date(value: Any) -> dt.date | None:
    """A calendar date from a YAML date, a datetime at midnight or an ISO text ``YYYY-MM-DD``;
    None when the value is not written as a date (a day number, say)."""
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) else None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def looks_like_date(value: Any) -> bool:
    """Written as a date, valid or not (``2020-02-30`` looks like one and is refused as one)."""
    return isinstance(value, dt.date) or (isinstance(value, str) and bool(_ISO_DATE.match(value.strip())))


def day_number(start: dt.date | None, value: Any, file: str | Path, where: str) -> int:
    """The day of a date counted from ``start`` (day 0); errors name ``file``, ``where`` and the value."""
    when = as_date(value)
    if when is None:
        raise ConfigError(file, where, "not a valid date (YYYY-MM-DD)", _shown(value))
    if start is None:
        raise ConfigError(file, where, "a date needs start_date in the scenario (the date of day 0)", _shown(value))
    day = (when - start).days
    if day < 0:
        raise ConfigError(file, where, f"before start_date {start.isoformat()} (day 0)", _shown(value))
    return day


def _shown(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def resolve_dates(data: dict[str, Any], source: str | Path) -> dict[str, Any]:
    """The raw scenario mapping with ``start_date`` as a date and every date in a ``DAY_KEYS`` key
    turned into its day number (a copy where anything changed; the input is not modified)."""
    start = _start_date(data, source)
    out = dict(data)
    if start is not None:
        out["start_date"] = start
    for path in DAY_KEYS:
        for where, parent, key in _places(out, path):
            if looks_like_date(parent[key]):
                parent[key] = day_number(start, parent[key], source, where)
    return out


def _start_date(data: dict[str, Any], source: str | Path) -> dt.date | None:
    value = data.get("start_date")
    if value is None:
        return None
    when = as_date(value)
    if when is None:
        raise ConfigError(source, "start_date", "must be a date written YYYY-MM-DD (the date of day 0)", value)
    return when


def _places(node: dict[str, Any], path: tuple[str, ...]) -> Iterator[tuple[str, dict[str, Any], str]]:
    """(where, mapping, key) of every value at ``path`` present in the mapping, copying the
    mappings and lists on the way so that the caller may set the value in place."""
    yield from _walk(node, path, "")


def _walk(node: Any, path: tuple[str, ...], where: str) -> Iterator[tuple[str, dict[str, Any], str]]:
    head, rest = path[0], path[1:]
    if head == "*":
        if not isinstance(node, list):
            return
        for k, entry in enumerate(node):
            node[k] = _copied(entry)
            yield from _walk(node[k], rest, f"{where}[{k}]")
        return
    if not isinstance(node, dict) or head not in node:
        return
    here = f"{where}.{head}" if where else head
    if not rest:
        yield here, node, head
        return
    node[head] = _copied(node[head])
    yield from _walk(node[head], rest, here)


def _copied(value: Any) -> Any:
    return dict(value) if isinstance(value, dict) else list(value) if isinstance(value, list) else value


def calendar(start: dt.date, days: np.ndarray) -> np.ndarray:
    """The dates of day numbers counted from ``start`` (datetime64[s], midnight: a date column)."""
    base = np.datetime64(start, "D")
    return (base + np.asarray(days).astype("timedelta64[D]")).astype("datetime64[s]")


def date_of(start: dt.date | None, day: float) -> str:
    """The date of a day as YYYY-MM-DD, or "" without a start date or day (NaN)."""
    if start is None or day != day:
        return ""
    return (start + dt.timedelta(days=int(day))).isoformat()
