"""PDFs: the text layer page by page, scans through OCR, passwords, damage and limits."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from pypdf import PdfReader, PdfWriter
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks, Settings

from requests_app.extraction.services import scanned_page_numbers
from requests_app.models import Attachment, ExtractionStatus
from tests.extraction import files
from tests.extraction.conftest import needs_tesseract
from tests.extraction.factories import extracted, pages_of, recognised

pytestmark = pytest.mark.django_db

LETTER = [
    "Dear Ms Smith,\nThank you for your request of 5 January 2026.",
    "We spent GBP 1,200,000 on management consultants in 2024-25.",
    "You may ask for an internal review within 40 working days.",
]

Attach = Callable[..., Attachment]


def test_a_text_pdf_becomes_one_page_row_per_page(attach: Attach) -> None:
    attachment = extracted(attach(files.text_pdf(LETTER), "reply.pdf"))
    assert attachment.status == ExtractionStatus.DONE
    assert attachment.page_count == 3
    assert attachment.pages_done == 3
    assert attachment.extraction_attempts == 1
    assert pages_of(attachment) == LETTER


def test_a_weasyprint_pdf_keeps_its_words_and_page_breaks(attach: Attach) -> None:
    html = (
        "<h1>Decision notice</h1><p>The Commissioner finds the council breached s.10.</p>"
        "<p style='page-break-before: always'>Right of appeal to the First-tier Tribunal.</p>"
    )
    attachment = extracted(attach(files.weasyprint_pdf(html), "decision.pdf"))
    assert attachment.status == ExtractionStatus.DONE
    first, second = pages_of(attachment)
    assert "Commissioner finds the council breached s.10" in " ".join(first.split())
    assert "First-tier Tribunal" in second


def test_the_type_comes_from_the_content_not_the_name(attach: Attach) -> None:
    attachment = extracted(attach(files.text_pdf(LETTER), "minutes.docx"))
    assert attachment.status == ExtractionStatus.DONE
    assert pages_of(attachment)[1] == LETTER[1]


@needs_tesseract
def test_an_image_only_pdf_waits_for_ocr_then_its_words_are_read(
    attach: Attach, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("requests_app.extraction.pdf.PAGES_PER_OPENING", 1)  # reopen each page
    scan = files.scanned_pdf(["Scanned letter about consultants", "Second page of the scan"])
    attachment = extracted(attach(scan, "scan.pdf"))
    assert attachment.status == ExtractionStatus.NEEDS_OCR
    assert attachment.status_detail == "2 of 2 pages are scanned images: waiting for OCR."
    assert attachment.pages_done == 0
    assert attachment.page_count == 2

    attachment = recognised(attachment)
    assert attachment.status == ExtractionStatus.OCR_DONE
    assert attachment.pages_done == 2
    first, second = pages_of(attachment)
    assert "Scanned letter about consultants" in first
    assert "Second page of the scan" in second


@needs_tesseract
def test_only_the_scanned_pages_of_a_mixed_pdf_go_through_ocr(attach: Attach) -> None:
    mixed = _merged(files.text_pdf(LETTER[:1]), files.scanned_pdf(["Handwritten annex"]))
    attachment = extracted(attach(mixed, "mixed.pdf"))
    assert attachment.status == ExtractionStatus.NEEDS_OCR
    assert scanned_page_numbers(attachment.pk) == [2]
    assert attachment.pages_done == 1  # the text page is done; the progress bar shows it

    attachment = recognised(attachment)
    assert attachment.status == ExtractionStatus.OCR_DONE
    text_page, scanned_page = pages_of(attachment)
    assert text_page == LETTER[0]
    assert "Handwritten annex" in scanned_page


@pytest.mark.usefixtures("no_tesseract")
def test_without_tesseract_a_scan_waits_and_says_ocr_is_unavailable(
    attach: Attach, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        attachment = extracted(attach(files.scanned_pdf(["Scanned letter"]), "scan.pdf"))
    assert attachment.status == ExtractionStatus.NEEDS_OCR
    assert "OCR is not available on this server" in attachment.status_detail
    assert "tesseract-ocr" in attachment.status_detail
    assert callbacks == []  # no OCR task queued that could only fail

    attachment = recognised(attachment)  # an OCR task that arrives anyway changes nothing
    assert attachment.status == ExtractionStatus.NEEDS_OCR


def test_a_pdf_protected_by_a_password_is_marked_encrypted(attach: Attach) -> None:
    attachment = extracted(attach(files.encrypted_pdf(LETTER[1], "s3cret"), "locked.pdf"))
    assert attachment.status == ExtractionStatus.ENCRYPTED
    assert attachment.status_detail == "The PDF is protected by a password we do not have."
    assert pages_of(attachment) == []


def test_a_pdf_with_an_empty_user_password_is_read(attach: Attach) -> None:
    attachment = extracted(attach(files.encrypted_pdf(LETTER[1], ""), "restricted.pdf"))
    assert attachment.status == ExtractionStatus.DONE
    assert pages_of(attachment) == [LETTER[1]]


def test_a_truncated_pdf_fails_with_the_reason_and_keeps_the_original(attach: Attach) -> None:
    content = files.truncated(files.text_pdf(LETTER))
    attachment = extracted(attach(content, "cut.pdf"))
    assert attachment.status == ExtractionStatus.FAILED
    assert attachment.status_detail == "The PDF could not be read: it is damaged or truncated."
    with attachment.file.open("rb") as stored:
        assert stored.read() == content


def test_a_pdf_cut_off_at_the_end_keeps_the_pages_it_has_and_says_so(attach: Attach) -> None:
    attachment = extracted(attach(files.text_pdf(LETTER)[:-20], "cut.pdf"))
    assert attachment.status == ExtractionStatus.FAILED
    assert attachment.status_detail.startswith("The PDF is truncated (no end-of-file marker)")
    assert pages_of(attachment) == LETTER


def test_pages_beyond_the_page_limit_are_not_read(attach: Attach, settings: Settings) -> None:
    settings.FOI_EXTRACTION_MAX_PAGES = 2
    attachment = extracted(attach(files.text_pdf(LETTER), "long.pdf"))
    assert attachment.status == ExtractionStatus.FAILED
    assert attachment.status_detail == (
        "Stopped at the limit of 2 pages of 3; those pages were kept."
    )
    assert pages_of(attachment) == LETTER[:2]
    assert attachment.page_count == 2


def _merged(*documents: bytes) -> bytes:
    writer = PdfWriter()
    for document in documents:
        for page in PdfReader(io.BytesIO(document)).pages:
            writer.add_page(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
