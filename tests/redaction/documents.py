"""Real documents for the redaction tests: a typeset PDF, a scan, and their readers."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pypdfium2 as pdfium
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)
from reportlab.pdfgen.canvas import Canvas

from requests_app import models
from requests_app.models.documents import store_blob

LINES = [
    "Dear Campaigner, the officer Bartholomew Quigley wrote this reply.",
    "Call him on 020 7946 0123 or mail quigley@example.gov.uk today.",
    "The word pineapple stays visible, searchable and copyable.",
    "His colleague Zebedee Thistlewood signed the letter below.",
]
# Where each line is drawn on the A4 page, in points from the top-left corner.
LINE_TOPS = [100, 140, 180, 220]
FONT_SIZE = 14


def text_pdf(lines: list[str] = LINES) -> bytes:
    """A typeset page with a real text layer, plus everything redaction must drop:
    an author, an annotation, an embedded file and JavaScript."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(595, 842))
    canvas.setAuthor("Bartholomew Quigley")
    canvas.setFont("Helvetica", FONT_SIZE)
    for top, line in zip(LINE_TOPS, lines, strict=False):
        canvas.drawString(72, 842 - top - FONT_SIZE, line)
    canvas.showPage()
    canvas.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buffer.getvalue())))
    script = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('Quigley');"),
        }
    )
    writer.root_object[NameObject("/OpenAction")] = writer._add_object(script)
    writer.add_attachment("staff-list.txt", b"Bartholomew Quigley, grade 7")
    note = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Text"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (10, 10, 40, 40)]),
            NameObject("/Contents"): TextStringObject("Ask Quigley before release"),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(note)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def scanned_pdf(lines: list[str] = LINES) -> bytes:
    """The typeset page rasterised into an image-only PDF, as a scanner makes it."""
    document = pdfium.PdfDocument(text_pdf(lines))
    image = document[0].render(scale=200 / 72).to_pil().convert("L")
    document.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=200)
    return buffer.getvalue()


def attach(message: models.Message, content: bytes, filename: str) -> models.Attachment:
    name, sha256, size = store_blob(io.BytesIO(content))
    return models.Attachment.objects.create(
        message=message,
        filename=filename,
        content_type="application/pdf",
        size=size,
        sha256=sha256,
        file=name,
    )


def pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def tesseract_text(path: Path, folder: Path) -> str:
    """What OCR reads in the rendered pages of a PDF (poppler renders, tesseract reads)."""
    subprocess.run(
        ["pdftoppm", "-r", "200", "-gray", "-png", str(path), str(folder / "page")], check=True
    )
    texts = []
    for image in sorted(folder.glob("page*.png")):
        texts.append(
            subprocess.run(
                ["tesseract", str(image), "stdout"], capture_output=True, text=True, check=True
            ).stdout
        )
    return "\n".join(texts)


def pdf_without_log(path: Path, folder: Path) -> Path:
    """The redacted pages only (the log is the last page)."""
    reader = PdfReader(path)
    writer = PdfWriter()
    for page in reader.pages[:-1]:
        writer.add_page(page)
    target = folder / "pages-only.pdf"
    with target.open("wb") as out:
        writer.write(out)
    return target
