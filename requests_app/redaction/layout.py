"""The words on a page and where they are: from the PDF's text layer, or by OCR for scans.

Every position is an `Area` in points from the top-left of the page as it is shown, so the
words, the boxes a person draws and the rendered image all share one frame.
"""

from __future__ import annotations

import csv
import ctypes
import io
import os
import subprocess
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from requests_app.extraction.limits import current_ocr_settings
from requests_app.extraction.ocr import LANGUAGES, tesseract_command
from requests_app.redaction.geometry import Area

# PDFium maps page points to whole device pixels: work on a 1/16 pt grid for precision.
GRID = 16
OCR_TIMEOUT = 120.0


class OcrUnavailable(RuntimeError):
    """A scanned page needs tesseract, which is missing or failed."""


@dataclass(frozen=True)
class Word:
    text: str
    area: Area
    line: int


@dataclass
class PageLayout:
    number: int  # 1-based
    width: float  # points, as shown
    height: float
    scanned: bool = False
    words: list[Word] = field(default_factory=list)


def page_size(page: pdfium.PdfPage) -> tuple[float, float]:
    """Width and height in points as the page is shown (PDFium applies /Rotate)."""
    width, height = page.get_size()
    return float(width), float(height)


def read_layout(page: pdfium.PdfPage, number: int, image: Image.Image) -> PageLayout:
    """The words of a page; `image` is the page rendered at any scale, read when scanned."""
    width, height = page_size(page)
    layout = PageLayout(number, width, height)
    layout.words = text_layer_words(page, width, height)
    letters = sum(len(word.text) for word in layout.words)
    if letters < current_ocr_settings().min_text_chars and _draws_something(page):
        layout.scanned = True
        layout.words += ocr_words(image, image.width / width, line_offset=len(layout.words) + 1)
    return layout


def _draws_something(page: pdfium.PdfPage) -> bool:
    return bool(pdfium_c.FPDFPage_CountObjects(page.raw) > 0)


# --- the text layer -----------------------------------------------------------------------


def text_layer_words(page: pdfium.PdfPage, width: float, height: float) -> list[Word]:
    textpage = page.get_textpage()
    try:
        return list(_words(page, textpage, width, height))
    finally:
        textpage.close()


def _words(
    page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, width: float, height: float
) -> list[Word]:
    words: list[Word] = []
    letters: list[str] = []
    areas: list[Area] = []
    line = 0
    for index in range(textpage.count_chars()):
        letter = _letter(textpage, index)
        if letter.isspace() or not letter:
            _close_word(words, letters, areas, line)
            letters, areas = [], []
            line += letter == "\n"
            continue
        area = _char_area(page, textpage, index, width, height)
        if area is None:
            continue
        letters.append(letter)
        areas.append(area)
    _close_word(words, letters, areas, line)
    return words


def _close_word(words: list[Word], letters: list[str], areas: list[Area], line: int) -> None:
    if letters:
        total = areas[0]
        for area in areas[1:]:
            total = total.union(area)
        words.append(Word("".join(letters), total, line))


def _letter(textpage: pdfium.PdfTextPage, index: int) -> str:
    code = pdfium_c.FPDFText_GetUnicode(textpage.raw, index)
    if code == 0 or 0xD800 <= code <= 0xDFFF:  # halves of a surrogate pair: keep as a letter
        return "\ufffd" if code else ""
    return chr(code)


def _char_area(
    page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, index: int, width: float, height: float
) -> Area | None:
    left, bottom, right, top = textpage.get_charbox(index, loose=True)
    if right <= left and top <= bottom:
        return None
    x0, y0 = _to_shown(page, left, top, width, height)
    x1, y1 = _to_shown(page, right, bottom, width, height)
    return Area.normalised(x0, y0, x1, y1)


def _to_shown(
    page: pdfium.PdfPage, x: float, y: float, width: float, height: float
) -> tuple[float, float]:
    """Page space (bottom-left origin, unrotated) to shown points from the top-left."""
    device_x, device_y = ctypes.c_int(), ctypes.c_int()
    pdfium_c.FPDF_PageToDevice(
        page.raw,
        0,
        0,
        round(width * GRID),
        round(height * GRID),
        0,
        ctypes.c_double(x),
        ctypes.c_double(y),
        ctypes.byref(device_x),
        ctypes.byref(device_y),
    )
    return device_x.value / GRID, device_y.value / GRID


# --- OCR ---------------------------------------------------------------------------------


def ocr_words(image: Image.Image, pixels_per_point: float, *, line_offset: int = 0) -> list[Word]:
    """Words tesseract reads in the page image, with their boxes (its TSV output)."""
    dpi = round(pixels_per_point * 72)
    rows = csv.DictReader(io.StringIO(_tesseract_tsv(image, dpi)), delimiter="\t", quoting=3)
    lines: dict[tuple[str, str, str], int] = {}
    words = []
    for row in rows:
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        key = (row["block_num"], row["par_num"], row["line_num"])
        line = lines.setdefault(key, line_offset + len(lines))
        left, top = int(row["left"]) / pixels_per_point, int(row["top"]) / pixels_per_point
        right = left + int(row["width"]) / pixels_per_point
        bottom = top + int(row["height"]) / pixels_per_point
        words.append(Word(text, Area(left, top, right, bottom), line))
    return words


def _tesseract_tsv(image: Image.Image, dpi: int) -> str:
    ocr = current_ocr_settings()
    command = tesseract_command(ocr)
    if command is None or not LANGUAGES.match(ocr.languages):
        raise OcrUnavailable("This page is a scan and OCR (tesseract) is not available.")
    buffer = io.BytesIO()
    image.convert("L").save(buffer, format="PPM")
    result = subprocess.run(  # noqa: S603 - a fixed command, no shell
        [command, "stdin", "stdout", "-l", ocr.languages, "--psm", "3", "--dpi", str(dpi), "tsv"],
        input=buffer.getvalue(),
        capture_output=True,
        timeout=OCR_TIMEOUT,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        check=False,
    )
    if result.returncode != 0:
        raise OcrUnavailable(f"Tesseract could not read the page: {result.stderr[-300:]!r}")
    return result.stdout.decode("utf-8", "replace")
