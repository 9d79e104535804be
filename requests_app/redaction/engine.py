"""Redaction that really removes: every page is rebuilt from pixels and the words left.

Each page of the source PDF is rendered to an image, the boxes are painted black into
the pixels, and a new PDF page is made of that image plus an invisible text layer holding
only the words that no box touches (from the PDF's own text layer, or read by tesseract
on scanned pages). Nothing else of the source is copied: its metadata, annotations,
form fields, embedded files, JavaScript and any text hidden under the boxes cannot
survive, because the output is written from scratch by ReportLab.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median

import pypdfium2 as pdfium
from PIL import Image, ImageDraw
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from requests_app.extraction.pdf import open_pdf
from requests_app.redaction.geometry import Mark, Reason
from requests_app.redaction.layout import PageLayout, Word, read_layout
from requests_app.redaction.matching import Occurrence, find_occurrences

# Enough for tesseract and for reading small print; a scan is rarely finer.
DPI = 200
# Boxes grow by this much (points) so anti-aliased glyph edges are covered too.
PADDING = 1.0
JPEG_QUALITY = 85
TEXT_FONT = "DejaVuSans"
TEXT_FONT_FILE = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@dataclass(frozen=True)
class Finder:
    """Patterns to look for on every page, with the reason and source their marks carry."""

    patterns: list[re.Pattern[str]]
    reason: Reason
    source: str


@dataclass
class RedactionPlan:
    marks: list[Mark] = field(default_factory=list)
    finders: list[Finder] = field(default_factory=list)


@dataclass(frozen=True)
class RedactedPdf:
    marks: list[Mark]  # every box burnt in, drawn or found
    page_count: int


def render(page: pdfium.PdfPage, dpi: int) -> Image.Image:
    # Annotations (notes, stamps, form widgets) are not part of the page: left out of the
    # pixels as they are left out of the structure.
    return page.render(scale=dpi / 72, draw_annots=False).to_pil().convert("RGB")


def rendered_pages(source: Path, dpi: int) -> Iterator[tuple[PageLayout, Image.Image]]:
    """Each page's words and image, one page at a time."""
    document = open_pdf(source)
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                image = render(page, dpi)
                yield read_layout(page, index + 1, image), image
            finally:
                page.close()
    finally:
        document.close()


def write_redacted(
    source: Path,
    target: Path,
    plan: RedactionPlan,
    *,
    title: str,
    progress: Callable[[int, int], None] | None = None,
) -> RedactedPdf:
    """Write the redacted pages of `source` to `target`; returns what was blacked out.
    `progress(done, total)` is told after each page."""
    total = len(page_sizes(source)) if progress is not None else 0
    dpi = DPI
    canvas = Canvas(str(target), pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor("")
    canvas.setSubject("")
    canvas.setCreator("FOI Tracker")
    applied: list[Mark] = []
    count = 0
    for layout, image in rendered_pages(source, dpi):
        marks = marks_for_page(layout, plan)
        _draw_page(canvas, layout, burn(image, marks, layout), kept_words(layout, marks))
        applied += marks
        count += 1
        if progress is not None:
            progress(count, total)
    canvas.save()
    return RedactedPdf(applied, count)


def marks_for_page(layout: PageLayout, plan: RedactionPlan) -> list[Mark]:
    drawn = [mark for mark in plan.marks if mark.page == layout.number]
    found = []
    for finder in plan.finders:
        for occurrence in find_occurrences(layout, finder.patterns):
            found += [
                Mark(layout.number, area, finder.source, finder.reason) for area in occurrence.areas
            ]
    marks = drawn + found
    return [
        Mark(
            mark.page,
            mark.area.padded(PADDING).clipped(layout.width, layout.height),
            mark.source,
            mark.reason,
        )
        for mark in marks
    ]


def occurrences(source: Path, finder: Finder) -> list[Occurrence]:
    """Every match of the finder's patterns in the document, for a preview."""
    found: list[Occurrence] = []
    for layout, _image in rendered_pages(source, DPI):
        found += find_occurrences(layout, finder.patterns)
    return found


def burn(image: Image.Image, marks: list[Mark], layout: PageLayout) -> Image.Image:
    """Paint every mark solid black into the pixels."""
    scale_x, scale_y = image.width / layout.width, image.height / layout.height
    draw = ImageDraw.Draw(image)
    for mark in marks:
        area = mark.area
        draw.rectangle(
            (
                int(area.x0 * scale_x),
                int(area.y0 * scale_y),
                int(area.x1 * scale_x + 1),
                int(area.y1 * scale_y + 1),
            ),
            fill=(0, 0, 0),
        )
    return image


def kept_words(layout: PageLayout, marks: list[Mark]) -> list[Word]:
    """The words no mark touches: the rest never reach the output."""
    return [
        word for word in layout.words if not any(word.area.overlaps(mark.area) for mark in marks)
    ]


def _draw_page(canvas: Canvas, layout: PageLayout, image: Image.Image, words: list[Word]) -> None:
    canvas.setPageSize((layout.width, layout.height))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY)
    buffer.seek(0)
    canvas.drawImage(ImageReader(buffer), 0, 0, layout.width, layout.height)
    _draw_invisible_text(canvas, layout, words)
    canvas.showPage()


def _draw_invisible_text(canvas: Canvas, layout: PageLayout, words: list[Word]) -> None:
    """Each kept word at its place in render mode 3 (invisible): searchable and copyable."""
    if not words:
        return
    _register_font()
    for line_words in _lines(words):
        size = max(1.0, median(word.area.height for word in line_words) * 0.8)
        baseline = layout.height - max(word.area.y1 for word in line_words) + size * 0.2
        text = canvas.beginText()
        text.setTextRenderMode(3)
        for word in line_words:
            width = pdfmetrics.stringWidth(word.text, TEXT_FONT, size) or 1.0
            text.setFont(TEXT_FONT, size)
            text.setHorizScale(max(1.0, 100 * word.area.width / width))
            text.setTextOrigin(word.area.x0, baseline)
            text.textOut(word.text)
        canvas.drawText(text)


def _lines(words: list[Word]) -> list[list[Word]]:
    lines: dict[int, list[Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    return list(lines.values())


def _register_font() -> None:
    if TEXT_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(TEXT_FONT, TEXT_FONT_FILE))


def page_image(source: Path, number: int, dpi: int) -> Image.Image:
    """One page (1-based) as an image, for drawing boxes in the browser."""
    document = open_pdf(source)
    try:
        if not 1 <= number <= len(document):
            raise IndexError(number)
        page = document[number - 1]
        try:
            return render(page, dpi)
        finally:
            page.close()
    finally:
        document.close()


def page_sizes(source: Path) -> list[tuple[float, float]]:
    document = open_pdf(source)
    try:
        return [tuple(map(float, document[index].get_size())) for index in range(len(document))]  # type: ignore[misc]
    finally:
        document.close()
