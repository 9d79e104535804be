"""Attachments with real content, and small documents to fill them with."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import cast

import docx
from PIL import Image
from pypdf import PdfReader, PdfWriter

from requests_app.models import Attachment, DocumentPage, ExtractionStatus, Message
from requests_app.models.documents import store_blob
from tests.factories import MessageFactory


def simple_pdf(page_texts: Sequence[str], *, size: tuple[int, int] = (595, 842)) -> bytes:
    """A valid PDF with one line of Helvetica text per page, written by hand (fast)."""
    width, height = size
    objects: list[bytes] = []
    count = len(page_texts)
    kids = " ".join(f"{3 + 2 * index} 0 R" for index in range(count))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode())
    font_number = 3 + 2 * count
    for index, text in enumerate(page_texts):
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        stream = f"BT /F1 14 Tf 72 {height - 100} Td ({escaped}) Tj ET".encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] "
            f"/Resources << /Font << /F1 {font_number} 0 R >> >> "
            f"/Contents {4 + 2 * index} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def encrypted_pdf(password: str = "secret") -> bytes:  # noqa: S107 - a test fixture
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(simple_pdf(["Secret page"]))))
    writer.encrypt(user_password=password, owner_password=password + "-owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(image_format: str, *, size: tuple[int, int] = (400, 300), frames: int = 1) -> bytes:
    colours = ["#2a6fdb", "#db6f2a", "#2adb6f", "#6f2adb"]
    images = [Image.new("RGB", size, colours[index % 4]) for index in range(frames)]
    out = io.BytesIO()
    if frames > 1:
        images[0].save(out, image_format, save_all=True, append_images=images[1:])
    else:
        images[0].save(out, image_format)
    return out.getvalue()


def docx_bytes(paragraphs: Sequence[str]) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_attachment(
    message: Message,
    *,
    filename: str,
    content: bytes,
    content_type: str,
    page_count: int | None = None,
    page_texts: Sequence[str] = (),
    status: str = ExtractionStatus.DONE,
) -> Attachment:
    """An attachment stored as a blob, the way the importer stores one."""
    name, sha256, size = store_blob(io.BytesIO(content))
    attachment = Attachment.objects.create(
        message=message,
        filename=filename,
        content_type=content_type,
        size=size,
        sha256=sha256,
        file=name,
        status=status,
        page_count=page_count if page_count is not None else (len(page_texts) or None),
    )
    DocumentPage.objects.bulk_create(
        DocumentPage(attachment=attachment, number=number, text=text)
        for number, text in enumerate(page_texts, start=1)
    )
    return attachment


def message_on(foi_request: object, when: dt.datetime, **kwargs: object) -> Message:
    return cast(Message, MessageFactory(request=foi_request, sent_at=when, **kwargs))
