"""Content a reader does not see but a file still carries: hidden sheets, rows and
columns, comments, tracked changes, speaker notes, PDF attachments, scripts and metadata.

Each inspector opens the stored file, judged by its content, and lists what it finds;
a file it cannot read is reported as such, never as "nothing hidden".
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
from pypdf import PdfReader

from requests_app.extraction.sniffing import FileKind, sniff

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
MAX_LISTED = 20  # hidden rows or columns named one by one, then counted
MAX_XML_BYTES = 50 * 1024 * 1024  # a member larger than this is not parsed


@dataclass(frozen=True)
class Hidden:
    kind: str  # one of HIDDEN_KINDS
    detail: str


HIDDEN_KINDS = {
    "hidden_sheet": "Hidden sheet",
    "hidden_rows": "Hidden rows",
    "hidden_columns": "Hidden columns",
    "comment": "Comment",
    "tracked_change": "Tracked changes",
    "speaker_notes": "Speaker notes",
    "embedded_file": "File embedded in the PDF",
    "javascript": "JavaScript in the PDF",
    "pdf_metadata": "PDF metadata",
    "pdf_annotation": "Note on a PDF page",
    "unreadable": "Could not be checked",
}


def hidden_content(path: Path) -> list[Hidden]:
    with path.open("rb") as stream:
        kind = sniff(stream)
    inspector = INSPECTORS.get(kind)
    if inspector is None:
        return []
    try:
        return list(inspector(path))
    except Exception as error:  # a damaged or hostile file: say it was not checked
        return [Hidden("unreadable", f"The file could not be opened ({type(error).__name__}).")]


# --- spreadsheets ---------------------------------------------------------------------------


def xlsx_hidden(path: Path) -> Iterator[Hidden]:
    # A file object, not the path: openpyxl judges a path by its extension.
    with path.open("rb") as stream:
        workbook = openpyxl.load_workbook(stream, read_only=False, data_only=True)
    try:
        for sheet in workbook.worksheets:
            if sheet.sheet_state != "visible":
                filled = sheet.max_row if sheet.max_column else 0
                yield Hidden(
                    "hidden_sheet", f"Sheet “{sheet.title}” is {sheet.sheet_state} ({filled} rows)."
                )
            rows = [n for n, row in sheet.row_dimensions.items() if row.hidden]
            if rows:
                yield Hidden("hidden_rows", f"Sheet “{sheet.title}”: rows {_listed(rows)}.")
            columns = _hidden_columns(sheet)
            if columns:
                yield Hidden(
                    "hidden_columns", f"Sheet “{sheet.title}”: columns {_listed(columns)}."
                )
    finally:
        workbook.close()


def _hidden_columns(sheet: object) -> list[str]:
    columns: list[str] = []
    for letter, dimension in sheet.column_dimensions.items():  # type: ignore[attr-defined]
        if not dimension.hidden:
            continue
        first, last = dimension.min or 0, dimension.max or 0
        if first and last and last > first:
            columns.append(f"{letter}–{openpyxl.utils.get_column_letter(last)}")
        else:
            columns.append(letter)
    return columns


def _listed(values: Sequence[object]) -> str:
    shown = ", ".join(str(value) for value in values[:MAX_LISTED])
    more = len(values) - MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


# --- Word and PowerPoint ------------------------------------------------------------------------


def docx_hidden(path: Path) -> Iterator[Hidden]:
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if "word/comments.xml" in names:
            for comment in _xml(archive, "word/comments.xml").iter(f"{W}comment"):
                author = comment.get(f"{W}author", "someone")
                text = " ".join(t.text or "" for t in comment.iter(f"{W}t")).strip()
                yield Hidden("comment", f"{author}: {text[:200]}")
        document = _xml(archive, "word/document.xml")
        inserted = sum(1 for _ in document.iter(f"{W}ins"))
        deleted = list(document.iter(f"{W}del"))
        if inserted or deleted:
            removed = " ".join(t.text or "" for d in deleted for t in d.iter(f"{W}delText"))
            words = (
                f"; deleted text still in the file: “{removed.strip()[:200]}”"
                if removed.strip()
                else ""
            )
            yield Hidden(
                "tracked_change",
                f"{inserted} insertion{'s' if inserted != 1 else ''} and {len(deleted)} "
                f"deletion{'s' if len(deleted) != 1 else ''} not accepted{words}.",
            )


def pptx_hidden(path: Path) -> Iterator[Hidden]:
    notes = re.compile(r"^ppt/notesSlides/notesSlide(\d+)\.xml$")
    with zipfile.ZipFile(path) as archive:
        for name in sorted(archive.namelist()):
            found = notes.match(name)
            if found is None:
                continue
            text = " ".join(t.text or "" for t in _xml(archive, name).iter(f"{A}t")).strip()
            text = re.sub(r"^\d+$", "", text)  # the slide number placeholder alone
            if text:
                yield Hidden("speaker_notes", f"Notes {found.group(1)}: {text[:200]}")


def _xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    if archive.getinfo(name).file_size > MAX_XML_BYTES:
        raise ValueError(f"{name} is too large to inspect")
    return ElementTree.fromstring(archive.read(name))  # noqa: S314 - no DTDs in OOXML parts


# --- PDF ------------------------------------------------------------------------------------------


def pdf_hidden(path: Path) -> Iterator[Hidden]:
    reader = PdfReader(path)
    if reader.is_encrypted:
        reader.decrypt("")
    for name in reader.attachments:
        yield Hidden("embedded_file", f"“{name}” is attached inside the PDF.")
    root = reader.root_object
    names = root.get("/Names")
    has_script = "/JavaScript" in (names.get_object() if names else {}) or _opens_script(root)
    if has_script:
        yield Hidden("javascript", "The PDF runs JavaScript when opened.")
    metadata = {
        key.lstrip("/"): str(value)
        for key, value in (reader.metadata or {}).items()
        if key in ("/Author", "/Creator", "/Subject", "/Keywords", "/Title") and str(value).strip()
    }
    if metadata:
        listed = "; ".join(f"{key}: {value[:80]}" for key, value in metadata.items())
        yield Hidden("pdf_metadata", listed)
    yield from _annotations(reader)


def _opens_script(root: object) -> bool:
    action = root.get("/OpenAction")  # type: ignore[attr-defined]
    action = action.get_object() if action is not None else None
    return isinstance(action, dict) and action.get("/S") == "/JavaScript"


def _annotations(reader: PdfReader) -> Iterator[Hidden]:
    for number, page in enumerate(reader.pages, start=1):
        for reference in page.get("/Annots") or []:
            annotation = reference.get_object()
            contents = str(annotation.get("/Contents", "")).strip()
            if contents:
                yield Hidden("pdf_annotation", f"Page {number}: {contents[:200]}")


INSPECTORS: dict[FileKind, Callable[[Path], Iterator[Hidden]]] = {
    FileKind.XLSX: xlsx_hidden,
    FileKind.DOCX: docx_hidden,
    FileKind.PPTX: pptx_hidden,
    FileKind.PDF: pdf_hidden,
}


# --- what a reader sees ------------------------------------------------------------------------


def visible_sheet_pages(path: Path) -> list[str] | None:
    """The text of a workbook as a reader sees it: visible sheets only, without hidden
    rows and columns, one page a sheet (None when the file is not an .xlsx). Redacted
    versions are rendered from this, never from the extracted text, which holds it all."""
    with path.open("rb") as stream:
        if sniff(stream) is not FileKind.XLSX:
            return None
    with path.open("rb") as stream:
        workbook = openpyxl.load_workbook(stream, read_only=False, data_only=True)
    try:
        return [
            "\n".join([f"Sheet: {sheet.title}", *_visible_rows(sheet)])
            for sheet in workbook.worksheets
            if sheet.sheet_state == "visible"
        ]
    finally:
        workbook.close()


def _visible_rows(sheet: object) -> Iterator[str]:
    hidden_columns = {
        index
        for dimension in sheet.column_dimensions.values()  # type: ignore[attr-defined]
        if dimension.hidden and dimension.min and dimension.max
        for index in range(dimension.min, dimension.max + 1)
    }
    hidden_rows = {n for n, row in sheet.row_dimensions.items() if row.hidden}  # type: ignore[attr-defined]
    for row in sheet.iter_rows():  # type: ignore[attr-defined]
        if not row or row[0].row in hidden_rows:
            continue
        cells = [
            " ".join(str(cell.value).split()) if cell.value is not None else ""
            for cell in row
            if cell.column not in hidden_columns
        ]
        line = "\t".join(cells).rstrip("\t")
        if line.strip():
            yield line
