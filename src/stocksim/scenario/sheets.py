"""Tables a commission keeps in a spreadsheet (an inventory, recorded use), read row by row.

A sheet is a CSV file (UTF-8, with or without the byte-order mark Excel writes, or GB18030 as
Chinese Excel saves CSV) or an XLSX workbook (its first worksheet, read with openpyxl). The first
row holds the headers, in English or Chinese; rows are numbered as the spreadsheet shows them
(the header is row 1) and blank rows are skipped. Cities, depots and items are named by id or by
English or Chinese name, case-insensitively. Every problem is collected with its row, column and
value, and the sheet is refused with all of them listed (up to ``limits.MAX_LISTED``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stocksim.scenario.errors import ConfigError

SHEET_SUFFIXES = (".csv", ".xlsx")


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet shows it: the header is row 1
    cells: dict[str, Any]  # column key -> value (None: empty)


@dataclass
class Problems:
    """The problems found in one sheet; ``raise_any`` refuses the sheet naming all of them."""

    file: Path
    found: list[tuple[str, str, Any]] = field(default_factory=list)  # (where, message, value)

    def add(self, where: str, message: str, value: Any = None) -> None:
        self.found.append((where, message, value))

    def raise_any(self) -> None:
        if self.found:
            raise ConfigError.listing(self.file, self.found)


def where(row: int, column: str) -> str:
    return f"row {row}, column {column}"


def read_rows(path: Path, what: str, columns: Mapping[str, tuple[str, ...]]) -> tuple[list[Row], dict[str, str]]:
    """The sheet's rows with their cells under the column keys of ``columns`` (key -> accepted
    headers, the first English, any Chinese after), and the header each key was found under.
    Unknown or repeated headers are errors; a missing column is simply absent (the caller knows
    which are required)."""
    header, body = _raw(path, what)
    aliases = {alias.strip().lower(): key for key, names in columns.items() for alias in names}
    keys: list[str | None] = []
    found: dict[str, str] = {}
    problems = Problems(path)
    for k, name in enumerate(header):
        text = "" if name is None else str(name).strip()
        key = aliases.get(text.lower())
        if key is None and text:
            accepted = "; ".join(" / ".join(names) for names in columns.values())
            problems.add(f"row 1, column {_letter(k)}", f"unknown header (accepted: {accepted})", text)
        elif key in found:
            problems.add(f"row 1, column {_letter(k)}", f"the same column as {found[key]!r}", text)
        elif key is not None:
            found[key] = text
        keys.append(key)
    problems.raise_any()
    rows = []
    for number, values in body:
        cells = {key: _blank_to_none(v) for key, v in zip(keys, values, strict=False) if key is not None}
        if any(v is not None for v in cells.values()):
            rows.append(Row(number, cells))
    return rows, found


def _raw(path: Path, what: str) -> tuple[list[Any], list[tuple[int, list[Any]]]]:
    """Header cells and numbered rows of cells of a CSV or XLSX file."""
    if not path.is_file():
        raise ConfigError(path, "", f"{what} not found")
    suffix = path.suffix.lower()
    if suffix not in SHEET_SUFFIXES:
        raise ConfigError(path, "", f"a {what} must be a .csv or .xlsx file", path.suffix)
    rows = _xlsx(path, what) if suffix == ".xlsx" else _csv(path, what)
    if not rows:
        raise ConfigError(path, "", f"the {what} is empty (no header row)")
    return rows[0], [(k + 2, r) for k, r in enumerate(rows[1:])]


def _csv(path: Path, what: str) -> list[list[Any]]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
    raise ConfigError(path, "", f"cannot read the {what}: neither UTF-8 nor GB18030 text")


def _xlsx(path: Path, what: str) -> list[list[Any]]:
    from openpyxl import load_workbook  # the XLSX reader is loaded only when a workbook is read

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for files it cannot read
        raise ConfigError(path, "", f"cannot read the {what} as XLSX: {exc}") from None
    try:
        return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _letter(k: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(k + 1)


class Names:
    """Ids and English and Chinese names of things (cities, depots, items) -> what they stand for;
    a name that two things share is ambiguous and refused when used."""

    def __init__(self, entries: Iterable[tuple[Any, Iterable[str]]]) -> None:
        self._map: dict[str, set[Any]] = {}
        for target, names in entries:
            for name in names:
                if name:
                    self._map.setdefault(name.strip().lower(), set()).add(target)

    def find(self, value: Any) -> tuple[Any, str]:
        """(what the value names, "") or (None, why not)."""
        text = _text(value)
        hits = self._map.get(text.lower(), set())
        if len(hits) == 1:
            return next(iter(hits)), ""
        return None, ("ambiguous: more than one has this name (use the id)" if hits else "unknown")


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def number(value: Any) -> float | None:
    """A finite number from a cell (a number, or text such as ``1,200`` or ``1200.5``), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        x = float(value)
    else:
        try:
            x = float(str(value).replace(",", "").strip())
        except ValueError:
            return None
    return x if x == x and abs(x) != float("inf") else None


def whole(value: Any) -> int | None:
    """A whole number from a cell, else None."""
    x = number(value)
    return int(x) if x is not None and x.is_integer() else None


def calendar_date(value: Any) -> dt.date | None:
    """A date from a cell: an Excel date, or text YYYY-MM-DD (also with / or . between); else None."""
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) else None
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip().replace("/", "-").replace(".", "-")
    parts = text.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        return None
    try:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None
