"""A commission's inventory sheet (``inventory.file``): one row per lot, read when the scenario is
loaded and turned into the cities' and depots' own opening stock (``stock``, ``lots``,
``reserve``, ``reserve_lots``), so that the loaded scenario carries it wherever it goes.

Columns (English or Chinese headers, in any order; the full table is in configs/README.md):
- city / 城市: a city or depot, by id, English or Chinese name;
- item / 物资: by id, English or Chinese name;
- pool / 类别: ``working``/``周转`` (default when empty) or ``reserve``/``储备``; a depot holds
  reserve only;
- quantity / 数量: units, a number >= 0;
- expiry / 有效期至 (also valid_until): the last day the lot may be used, as printed on it: a
  date (needs ``start_date``) or a day number; the lot is written off at the start of the next
  day. Empty: new on day 0 (expires ``shelf_life_days`` after day 0, like ``stock``).

``inventory.mode``: ``replace`` (default): every city and depot that the sheet names gets the
sheet as its whole opening stock (both pools, every item; the scenario's ``stock``, ``lots``,
``reserve`` and ``reserve_lots`` of that place are dropped; its agreements stay); places the
sheet does not name keep the scenario's. ``fill``: the sheet's lots are added to the
scenario's, and a place, pool and item that both give is an error (nothing counted twice).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stocksim.scenario.limits import MAX_DAY, MAX_UNITS
from stocksim.scenario.schema import City, Depot, Lot, Scenario
from stocksim.scenario.sheets import Names, Problems, Row, calendar_date, number, read_rows, where, whole

# column key -> (English header, Chinese header, other accepted headers)
COLUMNS: dict[str, tuple[str, ...]] = {
    "city": ("city", "城市", "location", "地点"),
    "item": ("item", "物资"),
    "pool": ("pool", "类别"),
    "quantity": ("quantity", "数量"),
    "expiry": ("expiry", "有效期至", "valid_until"),
}
REQUIRED = ("city", "item", "quantity")
# pool -> (English, Chinese)
POOLS: dict[str, tuple[str, str]] = {"working": ("working", "周转"), "reserve": ("reserve", "储备")}
WHAT = "inventory sheet"


def header(key: str, lang: str) -> str:
    """A column's header in the language (en or zh)."""
    return COLUMNS[key][1 if lang == "zh" else 0]


def pool_word(pool: str, lang: str) -> str:
    return POOLS[pool][1 if lang == "zh" else 0]


@dataclass(frozen=True)
class SheetLot:
    row: int
    place: tuple[str, int]  # ("city" | "depot", index)
    pool: str  # working | reserve
    item: str  # item id
    quantity: float
    expires_day: int | None  # None: new on day 0


def read_inventory(s: Scenario, path: Path) -> list[SheetLot]:
    """The sheet's lots, every row checked; all problems refused together (file, row, column, value)."""
    rows, found = read_rows(path, WHAT, COLUMNS)
    problems = Problems(path)
    for key in REQUIRED:
        if key not in found:
            problems.add("row 1", f"no {' / '.join(COLUMNS[key][:2])} column (headers: {', '.join(found.values())})")
    problems.raise_any()
    places = Names(
        [(("city", k), (c.id, c.name, c.name_zh)) for k, c in enumerate(s.cities)]
        + [(("depot", k), (d.id, d.name)) for k, d in enumerate(s.depots)]
    )
    items = Names([(it.id, (it.id, it.name, it.name_zh)) for it in s.items])
    pools = Names([(p, words) for p, words in POOLS.items()])
    lots = [lot for row in rows if (lot := _lot(s, row, found, places, items, pools, problems)) is not None]
    problems.raise_any()
    return lots


def _lot(
    s: Scenario, row: Row, found: dict[str, str], places: Names, items: Names, pools: Names, problems: Problems
) -> SheetLot | None:
    """One row as a lot, or None with its problems noted."""
    n, cells, before = row.number, row.cells, len(problems.found)

    def bad(key: str, message: str) -> None:
        problems.add(where(n, found[key]), message, cells.get(key))

    place, why = places.find(cells.get("city")) if cells.get("city") is not None else (None, "empty")
    if place is None:
        bad("city", f"{why} city or depot (ids: {', '.join(s.location_ids)})")
    item, why = items.find(cells.get("item")) if cells.get("item") is not None else (None, "empty")
    if item is None:
        bad("item", f"{why} item (ids: {', '.join(s.item_ids)})")
    pool: str | None = "working"
    if cells.get("pool") is not None:
        pool, why = pools.find(cells["pool"])
        if pool is None:
            bad("pool", "must be working / 周转 or reserve / 储备 (empty: working)")
    if place is not None and pool is not None:
        pool = _pool_of(s, place, pool, cells.get("pool") is not None, lambda m: bad("pool", m))
    quantity = _quantity(cells.get("quantity"), lambda m: bad("quantity", m))
    expires = None
    if cells.get("expiry") is not None:
        expires = _expires_day(s, cells["expiry"], lambda m: bad("expiry", m))
    if len(problems.found) > before:
        return None
    assert place is not None and item is not None and pool is not None and quantity is not None
    return SheetLot(n, place, pool, item, quantity, expires)


def _quantity(value: Any, bad: Any) -> float | None:
    """A lot's quantity: a number >= 0, at most MAX_UNITS."""
    quantity = number(value) if value is not None else None
    if quantity is None or quantity < 0:
        bad("must be a number >= 0 (units)")
    elif quantity > MAX_UNITS:
        bad(f"above the limit of {MAX_UNITS:,.0f} units")
    else:
        return quantity
    return None


def _pool_of(s: Scenario, place: tuple[str, int], pool: str, given: bool, bad: Any) -> str | None:
    """The pool a row's lot goes to: a depot's stock is all reserve (its rows say reserve or
    nothing); a city's reserve needs ``reserve.pools: separate``."""
    if place[0] == "depot":
        if given and pool != "reserve":
            bad("a depot holds reserve only: write reserve / 储备 or leave it empty")
            return None
        return "working"  # a depot's lots are its stock (the depots' one pool, counted as reserve)
    if pool == "reserve" and s.reserve.pools == "single":
        bad("a reserve apart from working stock needs reserve.pools: separate in the scenario")
        return None
    return pool


def _expires_day(s: Scenario, value: Any, bad: Any) -> int | None:
    """``expires_day`` (the day it is written off) of a lot usable through the date or day ``value``."""
    when = calendar_date(value)
    if when is not None:
        if s.start_date is None:
            bad("a date needs start_date in the scenario (the date of day 0); or give a day number")
            return None
        last = (when - s.start_date).days
    else:
        day = whole(value)
        if day is None:
            bad("must be a date (YYYY-MM-DD) or a whole day number (the last day of use)")
            return None
        last = day
    if last < 0:
        bad(f"expired before day 0{_on(s)}: the last day of use is before it")
        return None
    if last >= MAX_DAY:
        bad(f"the last day of use must be before day {MAX_DAY:,} (100 years)")
        return None
    return last + 1


def _on(s: Scenario) -> str:
    return f" ({s.start_date.isoformat()})" if s.start_date is not None else ""


# ---- into the scenario -------------------------------------------------------------------


def with_inventory(s: Scenario, lots: list[SheetLot], path: Path) -> Scenario:
    """The scenario with the sheet's lots as its places' opening stock (``inventory.mode``)."""
    assert s.inventory is not None
    by_place: dict[tuple[str, int], list[SheetLot]] = defaultdict(list)
    for lot in lots:
        by_place[lot.place].append(lot)
    if s.inventory.mode == "fill":
        _check_fill(s, by_place, path)
    cities = [_filled(c, by_place.get(("city", k)), s.inventory.mode) for k, c in enumerate(s.cities)]
    depots = [_filled(d, by_place.get(("depot", k)), s.inventory.mode) for k, d in enumerate(s.depots)]
    return s.model_copy(update={"cities": cities, "depots": depots})


def _filled(place: City | Depot, lots: list[SheetLot] | None, mode: str) -> Any:
    if not lots:
        return place
    update: dict[str, Any] = {}
    pools = ("working", "reserve") if isinstance(place, City) else ("working",)
    for pool in pools:
        stock_key, lots_key = ("stock", "lots") if pool == "working" else ("reserve", "reserve_lots")
        stock: dict[str, float] = {} if mode == "replace" else dict(getattr(place, stock_key))
        dated: list[Lot] = [] if mode == "replace" else list(getattr(place, lots_key))
        for lot in lots:
            if lot.pool != pool:
                continue
            if lot.expires_day is None:
                stock[lot.item] = stock.get(lot.item, 0.0) + lot.quantity
            else:
                dated.append(Lot(item=lot.item, quantity=lot.quantity, expires_day=lot.expires_day))
        update[stock_key], update[lots_key] = stock, dated
    return place.model_copy(update=update)


def _check_fill(s: Scenario, by_place: dict[tuple[str, int], list[SheetLot]], path: Path) -> None:
    """With ``fill``, no place, pool and item is given both by the scenario and by the sheet."""
    problems = Problems(path)
    for (kind, k), lots in by_place.items():
        place: City | Depot = s.cities[k] if kind == "city" else s.depots[k]
        prefix = f"{'cities' if kind == 'city' else 'depots'}[{k}]"
        for lot in lots:
            stock_key, lots_key = ("stock", "lots") if lot.pool == "working" else ("reserve", "reserve_lots")
            given = lot.item in getattr(place, stock_key) or any(x.item == lot.item for x in getattr(place, lots_key))
            if given:
                problems.add(
                    f"row {lot.row}",
                    f"{place.id} {lot.pool} stock of {lot.item} is also given in the scenario ({prefix}.{stock_key}"
                    f" or .{lots_key}); inventory.mode fill only adds what the scenario leaves out (or use replace)",
                    lot.item,
                )
    problems.raise_any()
