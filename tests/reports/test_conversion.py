from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from requests_app.models import Attachment, ExtractionStatus, FoiRequest
from requests_app.reports.conversion import Caption, Converted, convert_attachment, decode_text
from tests.reports.conftest import at
from tests.reports.factories import docx_bytes, image_bytes, make_attachment, message_on
from tests.reports.reading import flat, page_texts

pytestmark = pytest.mark.django_db

CAPTION = Caption(7, "file", dt.date(2026, 3, 16), "FOI-2026-0001")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def convert(
    foi_request: FoiRequest, tmp_path: Path, content: bytes, **fields: object
) -> tuple[Attachment, Converted]:
    message = message_on(foi_request, at(dt.date(2026, 3, 16)))
    attachment = make_attachment(message, content=content, **fields)  # type: ignore[arg-type]
    texts = [page.text for page in attachment.pages.all()]
    return attachment, convert_attachment(
        attachment, caption=CAPTION, workdir=tmp_path, extracted=texts
    )


def text_of(converted: Converted) -> str:
    assert converted.path is not None
    return flat(" ".join(page_texts(converted.path.read_bytes())))


def test_windows_1252_text_is_decoded_not_mangled(refused_case: FoiRequest, tmp_path: Path) -> None:
    _, converted = convert(
        refused_case,
        tmp_path,
        "Costs: £1,200 – “final”".encode("cp1252"),
        filename="costs.txt",
        content_type="text/plain",
    )
    assert converted.page_count == 1
    text = text_of(converted)
    assert "Costs: £1,200 – “final”" in text
    assert "ITEM 7 · ATTACHMENT RECEIVED MON 16 MAR 2026" in text


def test_the_kind_is_judged_from_the_content_not_the_name(
    refused_case: FoiRequest, tmp_path: Path
) -> None:
    _, converted = convert(
        refused_case,
        tmp_path,
        docx_bytes(["Paragraph from a document called .pdf"]),
        filename="letter.pdf",
        content_type="application/pdf",
    )
    assert converted.included
    assert "Converted from the text of a Word document" in converted.note
    assert "Paragraph from a document called .pdf" in text_of(converted)


def test_other_formats_go_in_as_their_extracted_text(
    refused_case: FoiRequest, tmp_path: Path
) -> None:
    workbook = b"PK\x03\x04" + b"\x00" * 40  # sniffed as a zip: the extracted text is used only
    _, as_zip = convert(refused_case, tmp_path, workbook, filename="a.zip", content_type=XLSX)
    assert not as_zip.included and as_zip.reason == "it is a zip archive"
    _, html = convert(
        refused_case,
        tmp_path,
        b"<!doctype html><html><body><p>Minutes</p></body></html>",
        filename="minutes.html",
        content_type="text/html",
        page_texts=["Minutes of the board meeting"],
    )
    assert html.included and html.note.startswith("The text extracted from a web page")
    assert "Minutes of the board meeting" in text_of(html)


def test_an_unreadable_image_and_a_missing_file_are_not_convertible(
    refused_case: FoiRequest, tmp_path: Path
) -> None:
    _, truncated = convert(
        refused_case,
        tmp_path,
        image_bytes("PNG")[:120],
        filename="cut.png",
        content_type="image/png",
    )
    assert not truncated.included and truncated.reason.startswith("the image cannot be read")
    attachment, _ = convert(refused_case, tmp_path, b"gone", filename="gone.txt", content_type="")
    default_storage.delete(str(attachment.file.name))
    missing = convert_attachment(attachment, caption=CAPTION, workdir=tmp_path, extracted=[])
    assert missing.reason == "the stored file is missing"


def test_an_encrypted_office_file_says_so(refused_case: FoiRequest, tmp_path: Path) -> None:
    _, converted = convert(
        refused_case,
        tmp_path,
        b"\x00\x01binary",
        filename="locked.docx",
        content_type="application/msword",
        status=ExtractionStatus.ENCRYPTED,
    )
    assert converted.reason == "it is encrypted with a password"


def test_gif_images_are_converted_page_by_page(refused_case: FoiRequest, tmp_path: Path) -> None:
    _, converted = convert(
        refused_case, tmp_path, image_bytes("GIF", frames=2), filename="a.gif", content_type=""
    )
    assert converted.page_count == 2


def test_utf8_cut_in_the_middle_of_a_character_is_still_utf8() -> None:
    assert decode_text("café".encode()[:-1]) == "caf"
    assert decode_text("\ufeffhello".encode()) == "hello"
    assert decode_text("naïve".encode("utf-16")) == "naïve"
