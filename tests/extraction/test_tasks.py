"""Extraction and OCR are Celery tasks on their own queues, queued after the commit."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks

from foi_tracker.celery import app
from requests_app.extraction import schedule_extraction
from requests_app.extraction.tasks import extract, ocr
from requests_app.models import Attachment, ExtractionStatus
from tests.extraction import files
from tests.extraction.conftest import needs_tesseract
from tests.extraction.factories import pages_of

pytestmark = pytest.mark.django_db

Attach = Callable[..., Attachment]


def test_extraction_and_ocr_have_queues_of_their_own() -> None:
    route = app.amqp.router.route
    assert route({}, extract.name, (1,), {})["queue"].name == "extract"
    assert route({}, ocr.name, (1,), {})["queue"].name == "ocr"
    assert (extract.name, ocr.name) == ("extraction.extract", "extraction.ocr")


def test_scheduling_waits_for_the_commit(
    attach: Attach, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    attachment = attach(b"Our reply, in plain text.", "reply.txt")
    with django_capture_on_commit_callbacks() as callbacks:
        schedule_extraction(attachment.pk)
        attachment.refresh_from_db()
        assert attachment.status == ExtractionStatus.PENDING
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: the (inline) task runs
    attachment.refresh_from_db()
    assert attachment.status == ExtractionStatus.DONE
    assert pages_of(attachment) == ["Our reply, in plain text."]


@needs_tesseract
def test_a_scan_goes_from_the_extract_task_to_the_ocr_task(
    attach: Attach, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    attachment = attach(files.scanned_pdf(["Minutes of the board meeting"]), "scan.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        schedule_extraction(attachment.pk)
    attachment.refresh_from_db()
    assert attachment.status == ExtractionStatus.OCR_DONE
    assert "Minutes of the board meeting" in pages_of(attachment)[0]
