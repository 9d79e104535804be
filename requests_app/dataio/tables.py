"""Reading an uploaded CSV or XLSX file into rows of text, with clear errors.

Excel saves "CSV" in the Windows code page (Windows-1252 in the UK) unless told to use
UTF-8, and with a semicolon where the decimal comma is usual; both are read here. The
original bytes are never changed: what cannot be read is reported, row by row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.template.defaultfilters import filesizeformat

# An .xlsx is a zip; its parts unpacked may not exceed this (a "zip bomb" is tiny packed).
MAX_XLSX_UNPACKED_BYTES = 100 * 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls format
ZIP_MAGIC = b"PK\x03\x04"
CSV_DELIMITERS = ",;\t"

Cell = str | dt.date


class TableError(Exception):
    """The whole file cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class RowProblem:
    number: int  # the row's number as the spreadsheet program shows it (header = 1)
    message: str


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    numbers: tuple[int, ...]  # spreadsheet row number of each row
    encoding: str
    problems: tuple[RowProblem, ...] = field(default=())

    def numbered_rows(self) -> Iterator[tuple[int, tuple[Cell, ...]]]:
        return zip(self.numbers, self.rows, strict=True)


def max_upload_bytes() -> int:
    limit: int = getattr(settings, "FOI_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
    return limit


def max_rows() -> int:
    limit: int = getattr(settings, "FOI_IMPORT_MAX_ROWS", 5000)
    return limit


def read_table(content: bytes, filename: str = "") -> Table:
    """Headers and rows of a CSV or XLSX file; TableError when it cannot be read at all."""
    check_size(len(content))
    if content.startswith(OLE_MAGIC):
        raise TableError(
            "This is an old Excel .xls file, which cannot be read. In Excel choose "
            "File › Save As and pick “Excel Workbook (.xlsx)” or “CSV UTF-8”."
        )
    if content.startswith(ZIP_MAGIC) or filename.lower().endswith(".xlsx"):
        return read_xlsx(content)
    return read_csv(content)


def check_size(size: int) -> None:
    limit = max_upload_bytes()
    if size > limit:
        raise TableError(
            f"The file is {filesizeformat(size)}; the limit is {filesizeformat(limit)}. "
            "Split it into several smaller files and import them one after another."
        )
    if size == 0:
        raise TableError("The file is empty.")


# --- CSV ---------------------------------------------------------------------------------


def decode_text(content: bytes) -> tuple[str, str]:
    """The text and the encoding it was in: UTF-8 (with or without a BOM), UTF-16, or
    Windows-1252, which is what Excel writes for "CSV (Comma delimited)" in the UK."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    try:
        return content.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as error:
        raise TableError(
            f"The file is not text in UTF-8 or Windows-1252 (byte {error.start + 1} cannot "
            "be read). Save it from your spreadsheet program as “CSV UTF-8”."
        ) from error


def sniff_delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    counts = {delimiter: first_line.count(delimiter) for delimiter in CSV_DELIMITERS}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def read_csv(content: bytes) -> Table:
    text, encoding = decode_text(content)
    if "\x00" in text:
        raise TableError("The file contains NUL characters: it is not a CSV file.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text), strict=True)
    # Numbered by record, as a spreadsheet program shows them, not by line of text.
    records: list[tuple[int, list[Cell]]] = []
    try:
        for row in reader:
            if len(records) > max_rows():
                raise TableError(too_many_rows())
            records.append((len(records) + 1, list(row)))
    except csv.Error as error:
        raise TableError(
            f"Row {len(records) + 1} cannot be read: {error}. A quote mark that is opened "
            "and never closed is the usual cause; nothing has been imported."
        ) from error
    return build_table(records, encoding)


def too_many_rows() -> str:
    return (
        f"The file has more than {max_rows():,} rows, the most one import takes. "
        "Split it into several files."
    )


# --- XLSX --------------------------------------------------------------------------------


def read_xlsx(content: bytes) -> Table:
    from openpyxl import load_workbook

    check_unpacked_size(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise TableError(
            "This file is not a readable Excel workbook (.xlsx). Open it in your "
            "spreadsheet program and save it again as .xlsx or as CSV."
        ) from error
    try:
        sheet = workbook.worksheets[0]
        records = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > max_rows() + 1:
                raise TableError(too_many_rows())
            records.append((number, [xlsx_cell(value) for value in values]))
    finally:
        workbook.close()
    return build_table(records, "Excel workbook")


def check_unpacked_size(content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as error:
        raise TableError("This file is not a readable Excel workbook (.xlsx).") from error
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise TableError(
            f"The workbook unpacks to {filesizeformat(unpacked)}, more than the "
            f"{filesizeformat(MAX_XLSX_UNPACKED_BYTES)} an import may use. Split it up."
        )


def xlsx_cell(value: object) -> Cell:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- both --------------------------------------------------------------------------------


def build_table(records: list[tuple[int, list[Cell]]], encoding: str) -> Table:
    """The first non-blank row is the header; blank rows are skipped; rows longer than
    the header with something in the extra cells are reported, not guessed at."""
    filled = [(number, row) for number, row in records if any(cell_text(c) for c in row)]
    if not filled:
        raise TableError("The file has no rows.")
    _, header = filled[0]
    headers = tuple(cell_text(cell) for cell in header)
    while headers and not headers[-1]:
        headers = headers[:-1]
    rows, numbers, problems = [], [], []
    for number, row in filled[1:]:
        extra = [cell for cell in row[len(headers) :] if cell_text(cell)]
        if extra:
            problems.append(
                RowProblem(
                    number,
                    f"Row {number} has {len(row)} cells but the header has {len(headers)} "
                    "columns; a value with an unquoted comma is the usual cause.",
                )
            )
            continue
        cells = list(row[: len(headers)]) + [""] * (len(headers) - len(row))
        rows.append(tuple(cells))
        numbers.append(number)
    return Table(headers, tuple(rows), tuple(numbers), encoding, tuple(problems))


def cell_text(cell: Cell) -> str:
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return cell.strip()
