"""The inventory template (``stocksim inventory template``): an XLSX workbook a commission fills
with its stock, one row per lot, and names in ``inventory.file``.

Three sheets: the data sheet first (the one ``inventory.file`` reads: headers only, each column
with a list to pick from or a number check), the lists (ids, English and Chinese names of the
scenario's cities, depots and items, and the pools) and a help sheet (what each column means
and an example row, kept off the data sheet so that it is never imported as stock).
"""

from __future__ import annotations

import datetime as dt

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from stocksim.present.i18n import t, unit_word
from stocksim.scenario.schema import Scenario
from stocksim.scenario.stocksheet import COLUMNS, POOLS, header, pool_word

ROWS = 5000  # data rows that carry the lists and checks
DATE_FORMAT = "yyyy-mm-dd"


def place_labels(s: Scenario, lang: str) -> list[tuple[str, str, str, str, str]]:
    """(label to pick, id, English name, Chinese name, kind) of every city, then every depot. The
    label is the Chinese name in Chinese (the English name or id where there is none), else the id."""
    rows = []
    for c in s.cities:
        label = (c.name_zh or c.name) if lang == "zh" else c.id
        rows.append((label, c.id, c.name, c.name_zh, t("inventory_city", lang)))
    for d in s.depots:
        label = (d.name or d.id) if lang == "zh" else d.id
        rows.append((label, d.id, d.name, "", t("inventory_depot", lang)))
    return rows


def item_labels(s: Scenario, lang: str) -> list[tuple[str, str, str, str, str]]:
    """(label to pick, id, English name, Chinese name, unit) of every item."""
    return [
        ((it.name_zh or it.name) if lang == "zh" else it.id, it.id, it.name, it.name_zh, unit_word(it.unit, lang))
        for it in s.items
    ]


def template_workbook(s: Scenario, lang: str) -> Workbook:
    """The empty inventory workbook for scenario ``s`` in ``lang`` (en or zh)."""
    book = Workbook()
    data = book.active
    assert data is not None
    data.title = t("inventory_sheet", lang)
    lists = book.create_sheet(t("inventory_lists", lang))
    help_sheet = book.create_sheet(t("inventory_help", lang))
    _data_sheet(data, lists.title, s, lang)
    _lists_sheet(lists, s, lang)
    _help_sheet(help_sheet, s, lang)
    return book


def _data_sheet(ws: Worksheet, lists: str, s: Scenario, lang: str) -> None:
    keys = list(COLUMNS)
    _header_row(ws, [header(k, lang) for k in keys], [22, 28, 12, 14, 16])
    ws.freeze_panes = "A2"
    n_places, n_items = len(place_labels(s, lang)), len(s.items)
    ref = f"'{lists}'"
    checks = {
        "city": _pick(f"{ref}!$A$2:$A${n_places + 1}", t("inventory_pick_place", lang)),
        "item": _pick(f"{ref}!$G$2:$G${n_items + 1}", t("inventory_pick_item", lang)),
        "pool": _pick(f"{ref}!$M$2:$M${len(POOLS) + 1}", t("inventory_pick_pool", lang)),
        "quantity": DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0"),
    }
    checks["quantity"].error = t("inventory_quantity_error", lang)
    for k, key in enumerate(keys):
        column = get_column_letter(k + 1)
        if key in checks:
            dv = checks[key]
            dv.showErrorMessage = True
            ws.add_data_validation(dv)
            dv.add(f"{column}2:{column}{ROWS + 1}")
    # A column style, not 5,000 formatted cells: the sheet stays empty (rows are added from row 2).
    ws.column_dimensions[get_column_letter(keys.index("expiry") + 1)].number_format = DATE_FORMAT


def _pick(formula: str, message: str) -> DataValidation:
    dv = DataValidation(type="list", formula1=f"={formula}", allow_blank=True)
    dv.error = message
    return dv


def _lists_sheet(ws: Worksheet, s: Scenario, lang: str) -> None:
    heads = ["label", "id", "name", "name_zh", "kind"]
    words = [t(f"inventory_list_{h}", lang) for h in heads]
    for k, word in enumerate(words):
        ws.cell(1, 1 + k, f"{t('inventory_city', lang)}: {word}" if k == 0 else word).font = Font(bold=True)
        ws.cell(1, 7 + k, f"{t('inventory_item', lang)}: {word}" if k == 0 else word).font = Font(bold=True)
    ws.cell(1, 11, t("inventory_list_unit", lang)).font = Font(bold=True)
    ws.cell(1, 13, t("inventory_pool", lang)).font = Font(bold=True)
    for r, row in enumerate(place_labels(s, lang), start=2):
        for k, value in enumerate(row):
            ws.cell(r, 1 + k, value)
    for r, row in enumerate(item_labels(s, lang), start=2):
        for k, value in enumerate(row):
            ws.cell(r, 7 + k, value)
    for r, pool in enumerate(POOLS, start=2):
        ws.cell(r, 13, pool_word(pool, lang))
    for column, width in zip("ABCDEFGHIJKLM", [22, 20, 30, 16, 8, 2, 22, 28, 26, 18, 8, 2, 10], strict=True):
        ws.column_dimensions[column].width = width


def _help_sheet(ws: Worksheet, s: Scenario, lang: str) -> None:
    ws.cell(1, 1, t("inventory_help_title", lang).format(name=s.name)).font = Font(bold=True)
    start = s.start_date.isoformat() if s.start_date else t("inventory_no_start", lang)
    ws.cell(2, 1, t("inventory_help_start", lang).format(start=start))
    for r, key in enumerate(COLUMNS, start=4):
        ws.cell(r, 1, header(key, lang)).font = Font(bold=True)
        ws.cell(r, 2, t(f"inventory_about_{key}", lang))
    first = 5 + len(COLUMNS)
    ws.cell(first, 1, t("inventory_example", lang)).font = Font(bold=True)
    _header_row(ws, [header(k, lang) for k in COLUMNS], [22, 100], row=first + 1)
    for r, values in enumerate(example_rows(s, lang), start=first + 2):
        for k, value in enumerate(values):
            cell = ws.cell(r, 1 + k, value)
            if isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT


def example_rows(s: Scenario, lang: str) -> list[list[object]]:
    """Two example lots (working stock, then reserve) of the first city and item: the last day of
    use a year after day 0, as a date with a start date, else as a day number."""
    place, item = place_labels(s, lang)[0][0], item_labels(s, lang)[0][0]
    last: object = s.start_date + dt.timedelta(days=365) if s.start_date else 365
    return [
        [place, item, pool_word("working", lang), 1000, last],
        [place, item, pool_word("reserve", lang), 5000, None],
    ]


def _header_row(ws: Worksheet, names: list[str], widths: list[int], row: int = 1) -> None:
    for k, name in enumerate(names):
        ws.cell(row, k + 1, name).font = Font(bold=True)
    for k, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(k + 1)].width = width
