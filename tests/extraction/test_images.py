"""Images (PNG, JPEG, multi-page TIFF): every frame is a page read by OCR."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytest_django.fixtures import Settings

from requests_app.models import Attachment, ExtractionStatus
from tests.extraction import files
from tests.extraction.conftest import needs_tesseract
from tests.extraction.factories import extracted, pages_of, recognised

pytestmark = pytest.mark.django_db

Attach = Callable[..., Attachment]


@pytest.mark.usefixtures("no_tesseract")
def test_an_image_is_one_page_waiting_for_ocr(attach: Attach) -> None:
    attachment = extracted(attach(files.image_bytes("Photo of a letter", "PNG"), "photo.png"))
    assert attachment.status == ExtractionStatus.NEEDS_OCR
    assert attachment.page_count == 1
    assert pages_of(attachment) == [""]


@needs_tesseract
@pytest.mark.parametrize("image_format", ["PNG", "JPEG"])
def test_a_photographed_letter_is_read(attach: Attach, image_format: str) -> None:
    content = files.image_bytes("Refusal notice under section 43", image_format)
    attachment = recognised(extracted(attach(content, "letter.img")))
    assert attachment.status == ExtractionStatus.OCR_DONE
    [text] = pages_of(attachment)
    assert "Refusal notice under section 43" in text


@needs_tesseract
def test_each_page_of_a_multipage_tiff_is_read_into_its_own_page(attach: Attach) -> None:
    content = files.multipage_tiff(["First page of the fax", "Second page of the fax"])
    attachment = extracted(attach(content, "fax.tif"))
    assert attachment.page_count == 2
    attachment = recognised(attachment)
    assert attachment.status == ExtractionStatus.OCR_DONE
    first, second = pages_of(attachment)
    assert "First page of the fax" in first
    assert "Second page of the fax" in second


def test_a_damaged_image_fails_with_the_reason(attach: Attach) -> None:
    broken = files.image_bytes("x", "PNG")[:40]
    attachment = extracted(attach(broken, "broken.png"))
    assert attachment.status == ExtractionStatus.FAILED
    assert attachment.status_detail == "The image could not be read: it is damaged or truncated."


@needs_tesseract
def test_a_missing_ocr_language_keeps_the_scan_waiting_with_what_to_install(
    attach: Attach,
    settings: Settings,
) -> None:
    attachment = extracted(attach(files.image_bytes("Llythyr", "PNG"), "llythyr.png"))
    settings.FOI_OCR_LANGUAGES = "zzz"
    attachment = recognised(attachment)
    assert attachment.status == ExtractionStatus.NEEDS_OCR
    assert "tesseract-ocr-zzz" in attachment.status_detail
