"""Office documents: Word, Excel, PowerPoint, OpenDocument, RTF, and the legacy binaries.

Formats without pages become one page per sheet or slide, or sections of
FOI_EXTRACTION_SECTION_CHARS characters for running text. Legacy .doc/.xls/.ppt are
converted by LibreOffice when it is installed, else read by catdoc's tools (catdoc,
xls2csv, catppt: the Debian package catdoc); without either they are kept with status
"unsupported" and a note saying what to install.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import docx
import openpyxl
from django.conf import settings
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from requests_app.extraction.archives import ZIP_ERRORS, check_archive_limits
from requests_app.extraction.base import (
    Damaged,
    Encrypted,
    Event,
    Extractor,
    LimitReached,
    PageCount,
    PageText,
    Source,
    Unsupported,
    split_into_sections,
)
from requests_app.extraction.limits import soffice_command
from requests_app.extraction.rtf import rtf_to_text
from requests_app.extraction.text import read_all, text_pages

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
# A spreadsheet repeats empty cells "16384 times"; text in a cell is repeated at most this often.
MAX_CELL_REPEAT = 100
ROWS_BETWEEN_CLOCK_CHECKS = 1000

LEGACY_TARGETS = {"doc": "docx", "xls": "xlsx", "ppt": "pptx"}
# catdoc's readers; each writes UTF-8 text, with a form feed between sheets or slides.
CATDOC_TOOLS = {"doc": "catdoc", "xls": "xls2csv", "ppt": "catppt"}
LEGACY_HINT = (
    "Legacy Word, Excel and PowerPoint files need catdoc or LibreOffice on the worker: "
    "install the Debian package catdoc (or libreoffice-writer-nogui, libreoffice-calc-nogui "
    "and libreoffice-impress-nogui), then retry."
)


# --- Word ---------------------------------------------------------------------------


def extract_docx(source: Source) -> Iterator[Event]:
    check_zip_container(source)
    try:
        document = docx.Document(str(source.path))
        lines = list(block_lines(document.element.body, document))
    except Exception as error:  # python-docx raises many kinds on a broken package
        raise Damaged(f"The Word document could not be read: {error}") from error
    yield from text_pages("\n".join(lines), source)


def block_lines(element: Any, parent: Any) -> Iterator[str]:
    """Paragraphs and tables in reading order; a table row becomes one line of cells."""
    for child in element.iterchildren():
        if child.tag == W + "p":
            yield Paragraph(child, parent).text
        elif child.tag == W + "tbl":
            yield from table_lines(Table(child, parent))
        elif child.tag == W + "sdt":  # a content control wraps ordinary blocks
            content = child.find(W + "sdtContent")
            if content is not None:
                yield from block_lines(content, parent)


def table_lines(table: Table) -> Iterator[str]:
    for row in table.rows:
        cells: list[str] = []
        seen: list[Any] = []
        for cell in row.cells:
            if any(cell._tc is other for other in seen):  # a merged cell is listed per column
                continue
            seen.append(cell._tc)
            cells.append(" ".join(" ".join(block_lines(cell._tc, cell)).split()))
        yield "\t".join(cells)


# --- Excel --------------------------------------------------------------------------


def extract_xlsx(source: Source) -> Iterator[Event]:
    check_zip_container(source)
    with open_workbook(source.path) as workbook:
        sheets = workbook.worksheets
        yield PageCount(len(sheets))
        number = 0
        for sheet in sheets:
            for section in sheet_sections(sheet.title, sheet_rows(sheet, source), source):
                number += 1
                yield PageText(number, section)


@contextmanager
def open_workbook(path: Path) -> Iterator[Any]:
    # Given a file object, openpyxl reads the content; given a name, it insists on ".xlsx".
    with path.open("rb") as stream:
        try:
            workbook = openpyxl.load_workbook(
                stream, read_only=True, data_only=True, keep_links=False
            )
        except Exception as error:  # openpyxl raises many kinds on a broken package
            raise Damaged(f"The Excel workbook could not be read: {error}") from error
        try:
            yield workbook
        finally:
            workbook.close()


def sheet_rows(sheet: Any, source: Source) -> Iterator[str]:
    # The stored dimensions may claim a million columns; read only the cells that exist.
    sheet.reset_dimensions()
    for index, row in enumerate(sheet.iter_rows(values_only=True)):
        if index % ROWS_BETWEEN_CLOCK_CHECKS == 0:
            source.check_time(f"in sheet {sheet.title!r}")
        line = "\t".join(cell_text(value) for value in row).rstrip("\t")
        if line.strip():
            yield line


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return " ".join(str(value).split())


def sheet_sections(title: str, rows: Iterable[str], source: Source) -> list[str]:
    """One page per sheet, or several ("continued") when a sheet is very long."""
    text = "\n".join(rows)
    sections = split_into_sections(text, source.limits.section_chars)
    heading = f"Sheet: {title}"
    return [
        f"{heading}{' (continued)' if index else ''}\n{section}".strip()
        for index, section in enumerate(sections)
    ]


# --- PowerPoint ---------------------------------------------------------------------


def extract_pptx(source: Source) -> Iterator[Event]:
    with opened_zip(source) as archive:
        slides = sorted(
            (name for name in archive.namelist() if _slide_number(name) is not None),
            key=lambda name: _slide_number(name) or 0,
        )
        yield PageCount(len(slides))
        for number, name in enumerate(slides, start=1):
            source.check_time(f"after {number - 1} of {len(slides)} slides")
            root = parse_member(archive, name)
            paragraphs = ("".join(p.itertext(A + "t")) for p in root.iter(A + "p"))
            yield PageText(number, "\n".join(line for line in paragraphs if line.strip()))


def _slide_number(name: str) -> int | None:
    stem = name.removeprefix("ppt/slides/slide").removesuffix(".xml")
    if not name.startswith("ppt/slides/slide") or not name.endswith(".xml"):
        return None
    return int(stem) if stem.isdigit() else None


# --- OpenDocument -------------------------------------------------------------------


def extract_odt(source: Source) -> Iterator[Event]:
    with opened_zip(source) as archive:
        body = _odf_body(archive, "text")
    yield from text_pages("\n".join(odf_lines(body)), source)


def extract_ods(source: Source) -> Iterator[Event]:
    with opened_zip(source) as archive:
        body = _odf_body(archive, "spreadsheet")
    tables = list(body.iter(TABLE + "table"))
    yield PageCount(len(tables))
    number = 0
    for table in tables:
        rows = (odf_row(row) for row in table.iter(TABLE + "table-row"))
        title = table.get(TABLE + "name", f"Sheet {number + 1}")
        for section in sheet_sections(title, (row for row in rows if row.strip()), source):
            number += 1
            yield PageText(number, section)


def extract_odp(source: Source) -> Iterator[Event]:
    with opened_zip(source) as archive:
        body = _odf_body(archive, "presentation")
    slides = list(body.iter(DRAW + "page"))
    yield PageCount(len(slides))
    for number, slide in enumerate(slides, start=1):
        yield PageText(number, "\n".join(odf_lines(slide)))


def _odf_body(archive: zipfile.ZipFile, kind: str) -> Any:
    body = parse_member(archive, "content.xml").find(f"{OFFICE}body/{OFFICE}{kind}")
    if body is None:
        raise Damaged(f"The OpenDocument file has no {kind} body.")
    return body


def odf_lines(element: Any) -> Iterator[str]:
    """Paragraphs and headings in order; a table row becomes one line of cells."""
    for child in element.iterchildren():
        if child.tag in (TEXT + "p", TEXT + "h"):
            yield odf_inline(child)
        elif child.tag == TABLE + "table-row":
            yield odf_row(child)
        elif isinstance(child.tag, str):
            yield from odf_lines(child)


def odf_row(row: Any) -> str:
    cells = []
    for cell in row.iterchildren(TABLE + "table-cell", TABLE + "covered-table-cell"):
        text = " ".join(" ".join(odf_lines(cell)).split())
        repeat = int(cell.get(TABLE + "number-columns-repeated", "1") or 1) if text else 1
        cells.extend([text] * min(max(repeat, 1), MAX_CELL_REPEAT))
    return "\t".join(cells).rstrip("\t")


def odf_inline(element: Any) -> str:
    """A paragraph's text: <text:s text:c="3"/> is three spaces, <text:tab/> a tab."""
    parts = [element.text or ""]
    for child in element.iterchildren():
        if child.tag == TEXT + "s":
            parts.append(" " * min(int(child.get(TEXT + "c", "1") or 1), 100))
        elif child.tag == TEXT + "tab":
            parts.append("\t")
        elif child.tag == TEXT + "line-break":
            parts.append("\n")
        elif child.tag != TEXT + "note" and isinstance(child.tag, str):
            parts.append(odf_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


# --- RTF ----------------------------------------------------------------------------


def extract_rtf(source: Source) -> Iterator[Event]:
    # RTF is 7-bit by definition; latin-1 maps any stray byte to one character.
    document = read_all(source).decode("latin-1")
    text = rtf_to_text(document, lambda: source.check_time("reading the RTF document"))
    yield from text_pages(text, source)


# --- legacy binaries and encrypted packages -----------------------------------------


def extract_encrypted_ooxml(source: Source) -> Iterator[Event]:
    # MS-OFFCRYPTO packages have no empty-password convention worth trying.
    raise Encrypted("The Office document is protected by a password.")


def legacy_extractor(kind: str) -> Extractor:
    """.doc/.xls/.ppt: converted by LibreOffice and read as the modern format, else catdoc."""
    target = LEGACY_TARGETS[kind]

    def extract_legacy(source: Source) -> Iterator[Event]:
        soffice = shutil.which(soffice_command())
        if soffice is not None:
            converted = convert_with_libreoffice(source, kind, target, soffice)
            yield from MODERN_EXTRACTORS[target](replace(source, path=converted))
        else:
            yield from catdoc_pages(source, kind)

    return extract_legacy


def catdoc_pages(source: Source, kind: str) -> Iterator[Event]:
    """A Word document's text in sections; a workbook's sheets or a deck's slides as pages."""
    text = read_with_catdoc(source, kind)
    if kind == "doc":
        yield from text_pages(text, source)
        return
    label = "Sheet" if kind == "xls" else "Slide"
    parts = [part.strip("\n") for part in text.split("\f")]
    parts = [part for part in parts if part.strip()] or [""]
    yield PageCount(len(parts))
    for number, part in enumerate(parts, start=1):
        yield PageText(number, f"{label} {number}\n{part}".strip() if len(parts) > 1 else part)


def catdoc_path() -> str | None:
    """Where to look for catdoc, xls2csv and catppt; None: the PATH."""
    return str(getattr(settings, "FOI_CATDOC_PATH", "") or "") or None


def read_with_catdoc(source: Source, kind: str) -> str:
    command = shutil.which(CATDOC_TOOLS[kind], path=catdoc_path())
    if command is None:
        raise Unsupported(LEGACY_HINT)
    try:
        result = subprocess.run(  # noqa: S603 - a fixed command, no shell
            [command, "-d", "utf-8", str(source.path)],
            capture_output=True,
            timeout=max(source.seconds_left(), 1.0),
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise LimitReached(f"{CATDOC_TOOLS[kind]} did not finish within the time limit.") from error
    if result.returncode != 0:
        problem = result.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = problem[-1] if problem else f"exit status {result.returncode}"
        raise Damaged(f"This .{kind} file could not be read: {reason}")
    return result.stdout.decode("utf-8", "replace").replace("\r\n", "\n")


def convert_with_libreoffice(source: Source, kind: str, target: str, command: str) -> Path:
    folder = source.workdir / "libreoffice"
    folder.mkdir(exist_ok=True)
    original = folder / f"document.{kind}"  # LibreOffice picks its import filter by suffix
    shutil.copyfile(source.path, original)
    arguments = [
        command,
        f"-env:UserInstallation={(folder / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        target,
        "--outdir",
        str(folder / "out"),
        str(original),
    ]
    try:
        subprocess.run(  # noqa: S603 - a fixed command, no shell
            arguments, capture_output=True, timeout=max(source.seconds_left(), 1.0), check=False
        )
    except subprocess.TimeoutExpired as error:
        raise LimitReached(
            "LibreOffice did not finish converting within the time limit."
        ) from error
    converted = folder / "out" / f"document.{target}"
    if not converted.exists():
        raise Damaged(f"LibreOffice could not convert this .{kind} file.")
    return converted


# --- shared -------------------------------------------------------------------------


@contextmanager
def opened_zip(source: Source) -> Iterator[zipfile.ZipFile]:
    try:
        archive = zipfile.ZipFile(source.path)
    except ZIP_ERRORS as error:
        raise Damaged(f"The document package could not be opened: {error}") from error
    with archive:
        check_archive_limits(archive, source, budget=source.limits.max_unpacked_bytes)
        yield archive


def check_zip_container(source: Source) -> None:
    """Office files are zips too: refuse a bomb before a library inflates it."""
    with opened_zip(source):
        pass


def parse_member(archive: zipfile.ZipFile, name: str) -> Any:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True
    )
    try:
        with archive.open(name) as member:
            return etree.parse(member, parser).getroot()
    except KeyError as error:
        raise Damaged(f"The document package has no {name}.") from error
    except (etree.XMLSyntaxError, *ZIP_ERRORS) as error:
        raise Damaged(f"The document's {name} could not be read: {error}") from error


MODERN_EXTRACTORS: dict[str, Extractor] = {
    "docx": extract_docx,
    "xlsx": extract_xlsx,
    "pptx": extract_pptx,
}
