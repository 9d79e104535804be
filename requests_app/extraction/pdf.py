"""PDFs with PDFium (pypdfium2): the text layer page by page, and page images for OCR.

PDFium reads text layers about 25 times faster than pypdf on this kind of machine
(see docs/benchmarks.md), which is what lets a 500-page reply be searchable in a second.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from requests_app.extraction.base import (
    Damaged,
    Encrypted,
    Event,
    PageCount,
    PageSkipped,
    PageText,
    Source,
    Unsupported,
)
from requests_app.extraction.ocr import MAX_PIXELS, PageNotRecognised, recognise

# Readers look for "%%EOF" near the end (PDF 32000-1 s.7.5.5); a cut-off download lacks it.
END_MARKER_WINDOW = 4096
PAGES_PER_OPENING = 20


def open_pdf(path: Path) -> pdfium.PdfDocument:
    """The document, trying the empty user password that many "protected" PDFs carry."""
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as error:
        code = getattr(error, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            return _open_with_empty_password(path)
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise Unsupported("The PDF uses a security handler PDFium does not support.") from error
        raise Damaged("The PDF could not be read: it is damaged or truncated.") from error


def _open_with_empty_password(path: Path) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(str(path), password="")
    except pdfium.PdfiumError as error:
        raise Encrypted("The PDF is protected by a password we do not have.") from error


def extract_pdf(source: Source) -> Iterator[Event]:
    document = open_pdf(source.path)
    unreadable: list[int] = []
    try:
        total = len(document)
        yield PageCount(total)
        for index in range(total):
            source.check_time(f"after {index} of {total} pages")
            try:
                yield _page_text(document, index, source.ocr.min_text_chars)
            except pdfium.PdfiumError:
                unreadable.append(index + 1)
                yield PageText(index + 1, "")
    finally:
        document.close()
    if unreadable:
        listed = ", ".join(str(number) for number in unreadable[:20])
        raise Damaged(f"{len(unreadable)} of {total} pages could not be read (pages {listed}).")
    if not has_end_marker(source.path):
        raise Damaged(
            f"The PDF is truncated (no end-of-file marker): the {total} pages "
            "that could be read were kept."
        )


def _page_text(document: pdfium.PdfDocument, index: int, min_text_chars: int) -> PageText:
    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
        finally:
            textpage.close()
        return PageText(index + 1, text, needs_ocr=is_scanned(page, text, min_text_chars))
    finally:
        page.close()


def is_scanned(page: pdfium.PdfPage, text: str, min_text_chars: int) -> bool:
    """Almost no text, yet something is drawn: a page image to read with OCR."""
    if len("".join(text.split())) >= min_text_chars:
        return False
    return bool(pdfium_c.FPDFPage_CountObjects(page.raw) > 0)


def has_end_marker(path: Path) -> bool:
    with path.open("rb") as stream:
        stream.seek(max(0, path.stat().st_size - END_MARKER_WINDOW))
        return b"%%EOF" in stream.read()


def ocr_pdf(source: Source, numbers: list[int]) -> Iterator[Event]:
    """OCR text for the given pages (1-based), one rendered page image at a time.

    PDFium keeps every page's decoded streams (a scan's images) for the life of the
    document, so it is opened afresh every few pages: memory stays flat however long
    the scan."""
    document = open_pdf(source.path)
    try:
        yield PageCount(len(document))
        for position, number in enumerate(numbers):
            source.check_time(f"after OCR of {position} of {len(numbers)} pages")
            if position and position % PAGES_PER_OPENING == 0:
                document.close()
                document = open_pdf(source.path)
            yield _recognise_page(document, number, source)
    finally:
        document.close()


def _recognise_page(document: pdfium.PdfDocument, number: int, source: Source) -> Event:
    try:
        page = document[number - 1]
    except pdfium.PdfiumError:
        return PageSkipped(number, "PDFium could not load the page.")
    try:
        if pdfium_c.FPDFPage_CountObjects(page.raw) == 0:
            return PageText(number, "")  # a blank page: nothing to read
        dpi = _render_dpi(page, source.ocr.dpi)
        bitmap = page.render(scale=dpi / 72, grayscale=True, may_draw_forms=True)
        try:
            image = bitmap.to_pil()
            timeout = min(source.limits.ocr_page_time_limit, source.seconds_left())
            return PageText(number, recognise(image, ocr=source.ocr, timeout=timeout, dpi=dpi))
        finally:
            bitmap.close()
    except PageNotRecognised as problem:
        return PageSkipped(number, problem.detail)
    finally:
        page.close()


def _render_dpi(page: pdfium.PdfPage, dpi: int) -> int:
    """The wanted resolution, lowered for posters and plans so the image stays bounded."""
    width, height = page.get_size()
    pixels = (width * dpi / 72) * (height * dpi / 72)
    if pixels <= MAX_PIXELS:
        return dpi
    return max(36, int(dpi * (MAX_PIXELS / pixels) ** 0.5))
