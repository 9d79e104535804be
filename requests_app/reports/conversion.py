"""Turning an attachment into PDF pages for the bundle, or saying why it cannot be.

PDFs go in as they are. Images (PNG, JPEG, TIFF and the other raster formats Pillow
reads) become one page per frame; plain text, CSV and Word documents become typeset
pages; any other format whose text was extracted is included as that text. Everything
else — archives, password-protected files, broken PDFs — is listed in the index as not
convertible, with the reason. The kind is judged from the content, never from the name.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
from PIL import Image, ImageSequence, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from requests_app.extraction.sniffing import IMAGE_KINDS, FileKind, sniff
from requests_app.models import Attachment, ExtractionStatus
from requests_app.reports import pdf

DOCUMENT_TEMPLATE = "pdf/bundle_document.html"
IMAGES_TEMPLATE = "pdf/bundle_images.html"

# Ceilings that keep one odd attachment from swamping the bundle.
MAX_TEXT_CHARS = 400_000
MAX_CSV_ROWS = 2_000
MAX_IMAGE_FRAMES = 300
PASSED_THROUGH_IMAGES = (FileKind.PNG, FileKind.JPEG)
JPEG_END = b"\xff\xd9"  # the EOI marker (ITU T.81, B.1.1.3)

KIND_NAMES = {
    FileKind.ZIP: "a zip archive",
    FileKind.SEVEN_ZIP: "a 7-Zip archive",
    FileKind.RAR: "a RAR archive",
    FileKind.GZIP: "a gzip archive",
    FileKind.OOXML_ENCRYPTED: "a password-protected Office document",
    FileKind.XLSX: "an Excel workbook",
    FileKind.XLS: "an Excel workbook",
    FileKind.DOC: "a Word 97-2003 document",
    FileKind.ODT: "an OpenDocument text",
    FileKind.ODS: "an OpenDocument spreadsheet",
    FileKind.PPTX: "a PowerPoint presentation",
    FileKind.PPT: "a PowerPoint presentation",
    FileKind.RTF: "a rich text document",
    FileKind.HTML: "a web page",
    FileKind.EML: "an email",
    FileKind.MSG: "an Outlook message",
}
ARCHIVES = (FileKind.ZIP, FileKind.SEVEN_ZIP, FileKind.RAR, FileKind.GZIP)
TEXT_STATUSES = (ExtractionStatus.DONE, ExtractionStatus.OCR_DONE)


@dataclass(frozen=True)
class Caption:
    """What each converted page says about where it came from."""

    number: int
    filename: str
    received_on: dt.date
    reference: str


@dataclass(frozen=True)
class Converted:
    path: Path | None = None
    page_count: int = 0
    note: str = ""  # how it was converted
    reason: str = ""  # why it is not in the bundle

    @property
    def included(self) -> bool:
        return self.path is not None and self.page_count > 0


def not_convertible(reason: str) -> Converted:
    return Converted(reason=reason)


def convert_attachment(
    attachment: Attachment,
    *,
    caption: Caption,
    workdir: Path,
    extracted: list[str],
    has_children: bool = False,
) -> Converted:
    """PDF pages for one attachment, written into `workdir`; never raises on bad content."""
    source = workdir / f"attachment-{attachment.pk}"
    try:
        with attachment.file.open("rb") as stored, source.open("wb") as copy:
            shutil.copyfileobj(stored, copy, 1024 * 1024)
    except (OSError, ValueError):
        return not_convertible("the stored file is missing")
    with source.open("rb") as stream:
        kind = sniff(stream)
    try:
        return _convert(kind, attachment, source, caption, extracted, has_children)
    except Exception as error:  # a hostile file must not stop the whole bundle
        return not_convertible(f"it could not be converted ({type(error).__name__})")


def _convert(
    kind: FileKind,
    attachment: Attachment,
    source: Path,
    caption: Caption,
    extracted: list[str],
    has_children: bool,
) -> Converted:
    if kind is FileKind.PDF:
        return pdf_as_is(source)
    if kind in IMAGE_KINDS:
        return images_to_pdf(source, kind, caption)
    if kind in (FileKind.TEXT, FileKind.CSV):
        return text_to_pdf(source, kind, caption)
    if kind is FileKind.DOCX:
        return docx_to_pdf(source, caption)
    if kind is FileKind.EMPTY:
        return not_convertible("the file is empty")
    if kind in ARCHIVES:
        inside = " (the files inside it are listed separately)" if has_children else ""
        return not_convertible(f"it is {KIND_NAMES[kind]}{inside}")
    if kind is FileKind.OOXML_ENCRYPTED or attachment.status == ExtractionStatus.ENCRYPTED:
        return not_convertible("it is encrypted with a password")
    if extracted and attachment.status in TEXT_STATUSES:
        return extracted_text_to_pdf(extracted, kind, caption, source)
    what = KIND_NAMES.get(kind, "this format")
    return not_convertible(f"{what} cannot be converted to PDF pages{_status_note(attachment)}")


def _status_note(attachment: Attachment) -> str:
    if attachment.status in TEXT_STATUSES:
        return ""
    return f"; text extraction: {attachment.get_status_display().lower()}"


# --- PDFs ------------------------------------------------------------------------------


def pdf_as_is(source: Path) -> Converted:
    """The PDF itself, once it has been checked to open and to have readable pages."""
    try:
        with source.open("rb") as stream:
            reader = PdfReader(stream)
            if reader.is_encrypted and not _opens_without_password(reader):
                return not_convertible("the PDF is encrypted with a password")
            count = len(reader.pages)
            for page in reader.pages:
                page.get_contents()  # decodes the content streams: a broken one raises here
                page.cropbox  # noqa: B018 - reading the box validates it
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AssertionError) as error:
        return not_convertible(f"the PDF is damaged and cannot be read ({error})"[:300])
    if count == 0:
        return not_convertible("the PDF has no pages")
    return Converted(path=source, page_count=count)


def _opens_without_password(reader: PdfReader) -> bool:
    """Many bodies restrict printing with an owner password only; those open as they are."""
    try:
        return bool(reader.decrypt(""))
    except Exception:
        return False


# --- images ----------------------------------------------------------------------------


def images_to_pdf(source: Path, kind: FileKind, caption: Caption) -> Converted:
    """One page per image frame, scaled to fit A4; PNG and JPEG are embedded as they are."""
    try:
        _check_complete(source, kind)
        with Image.open(source) as image:
            frames = _frame_files(image, source, kind)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        return not_convertible(f"the image cannot be read ({type(error).__name__})")
    context = {"caption": caption, "frames": [path.as_uri() for path in frames]}
    note = f"Converted from an image: {len(frames)} page{'s' if len(frames) != 1 else ''}."
    return _render(IMAGES_TEMPLATE, context, source, note=note, roots=(source.parent,))


def _check_complete(source: Path, kind: FileKind) -> None:
    """Refuse a cut-off PNG or JPEG: WeasyPrint would quietly draw half of it.

    (WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process, so decoding
    alone does not tell.)
    """
    if kind is FileKind.PNG:
        with Image.open(source) as image:
            image.verify()  # walks every chunk and checks its CRC, up to IEND
    elif kind is FileKind.JPEG:
        with source.open("rb") as stream:
            stream.seek(max(0, source.stat().st_size - 64 * 1024))
            if JPEG_END not in stream.read():
                raise OSError("the JPEG data ends before its end-of-image marker")


def _frame_files(image: Image.Image, source: Path, kind: FileKind) -> list[Path]:
    if kind in PASSED_THROUGH_IMAGES:
        return [source]
    paths = []
    for index, frame in enumerate(ImageSequence.Iterator(image)):
        if index >= MAX_IMAGE_FRAMES:
            break
        path = source.with_name(f"{source.name}-frame-{index}.png")
        _web_safe(frame).save(path, "PNG")
        paths.append(path)
    return paths


def _web_safe(frame: Image.Image) -> Image.Image:
    if frame.mode in ("RGB", "RGBA", "L", "LA", "1"):
        return frame.copy()
    return frame.convert("RGBA" if "A" in frame.getbands() else "RGB")


# --- text ------------------------------------------------------------------------------


def decode_text(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.start >= len(raw) - 3:  # a character cut in two where the text was clipped
            return raw[: error.start].decode("utf-8-sig", errors="replace")
        return raw.decode("cp1252", errors="replace")


def _clipped(text: str) -> tuple[str, str]:
    if len(text) <= MAX_TEXT_CHARS:
        return text, ""
    return text[:MAX_TEXT_CHARS], f"; only the first {MAX_TEXT_CHARS:,} characters are shown"


def text_to_pdf(source: Path, kind: FileKind, caption: Caption) -> Converted:
    with source.open("rb") as stream:
        text = decode_text(stream.read(MAX_TEXT_CHARS * 4))
    if kind is FileKind.CSV:
        rows = _csv_rows(text)
        if rows:
            return _csv_to_pdf(rows, source, caption)
    body, clipped = _clipped(text)
    note = f"Converted from plain text{clipped}."
    return _render(DOCUMENT_TEMPLATE, {"caption": caption, "note": note, "text": body}, source)


def _csv_rows(text: str) -> list[list[str]]:
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = []
        for index, row in enumerate(csv.reader(io.StringIO(text), dialect)):
            if index > MAX_CSV_ROWS:
                break
            rows.append(row)
        return rows
    except csv.Error:
        return []


def _csv_to_pdf(rows: list[list[str]], source: Path, caption: Caption) -> Converted:
    header, body = rows[0], rows[1 : MAX_CSV_ROWS + 1]
    clipped = (
        f"; only the first {MAX_CSV_ROWS:,} rows are shown" if len(rows) > MAX_CSV_ROWS else ""
    )
    context = {
        "caption": caption,
        "note": f"Converted from a CSV table of {len(header)} columns{clipped}.",
        "header": header,
        "rows": body,
    }
    return _render(DOCUMENT_TEMPLATE, context, source)


def docx_to_pdf(source: Path, caption: Caption) -> Converted:
    document = docx.Document(str(source))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts.append("")
        parts += ["\t".join(cell.text for cell in row.cells) for row in table.rows]
    body, clipped = _clipped("\n".join(parts))
    note = f"Converted from the text of a Word document; its layout is not kept{clipped}."
    return _render(DOCUMENT_TEMPLATE, {"caption": caption, "note": note, "text": body}, source)


def extracted_text_to_pdf(
    pages: list[str], kind: FileKind, caption: Caption, source: Path
) -> Converted:
    what = KIND_NAMES.get(kind, "the file")
    body, clipped = _clipped("\n\n".join(pages))
    note = f"The text extracted from {what}; its layout is not kept{clipped}."
    context = {"caption": caption, "note": note, "text": body}
    return _render(DOCUMENT_TEMPLATE, context, source)


def _render(
    template: str,
    context: dict[str, Any],
    source: Path,
    *,
    note: str = "",
    roots: tuple[Path, ...] = (),
) -> Converted:
    document = pdf.render_document(template, context, local_roots=roots)
    target = source.with_name(f"{source.name}.pdf")
    document.write_pdf(target)
    return Converted(path=target, page_count=len(document.pages), note=note or context["note"])
