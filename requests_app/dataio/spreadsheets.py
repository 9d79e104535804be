"""The one way the app writes a spreadsheet cell, CSV or XLSX: a value is never a formula.

A spreadsheet program runs a cell that starts with `=`, `+`, `-` or `@` as a formula, and
some strip a leading tab or carriage return first (CSV injection). Names, titles, answer
fields and tags come from users and from public bodies' replies, so every CSV and XLSX the
app writes — headers included — goes through here:

- in a CSV, text that starts with one of those characters gets a leading apostrophe, the
  mark spreadsheets read as "this is text";
- in an XLSX, text is always stored as text (openpyxl would store `=…` as a formula), and
  characters XML cannot hold are dropped.

Numbers and dates stay numbers and dates: a negative number is not a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Characters an XLSX (XML 1.0) cannot hold.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Number = int | float | Decimal


def is_number(value: object) -> bool:
    return isinstance(value, Number) and not isinstance(value, bool)


def safe_text(value: object) -> str:
    """Text that a spreadsheet shows as it is, whatever it starts with."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


# --- CSV ----------------------------------------------------------------------------------


def csv_cell(value: object) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if is_number(value):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return safe_text(value)


def csv_row(values: Iterable[object]) -> list[str]:
    return [csv_cell(value) for value in values]


class SafeCsvWriter:
    """`csv.writer` whose every cell, headers included, goes through `csv_cell`."""

    def __init__(self, stream: Any) -> None:
        self.writer = csv.writer(stream)

    def writerow(self, values: Iterable[object]) -> Any:
        return self.writer.writerow(csv_row(values))


class LineBuffer:
    """A file-like object whose write() hands back the line, for streaming a CSV."""

    def write(self, value: str) -> str:
        return value


# --- XLSX ---------------------------------------------------------------------------------


def xlsx_cell(sheet: Any, value: object) -> Any:
    """A cell of `sheet` (ordinary or write-only) that holds exactly the value."""
    from openpyxl.cell import Cell

    if isinstance(value, dt.date):
        cell = Cell(sheet, row=1, column=1, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if is_number(value):
        cell = Cell(sheet, row=1, column=1, value=value)
        cell.number_format = "General"
        return cell
    text = XML_ILLEGAL.sub("", "" if value is None else str(value))
    cell = Cell(sheet, row=1, column=1, value=text)
    cell.data_type = "s"  # never "f": openpyxl takes text starting with "=" for a formula
    return cell


def append_xlsx_row(sheet: Any, values: Iterable[object]) -> None:
    sheet.append([xlsx_cell(sheet, value) for value in values])
