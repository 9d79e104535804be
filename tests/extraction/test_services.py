"""The extraction service: one claim per run, statuses with reasons, progress, limits."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks, Settings

from requests_app.extraction.base import PageText
from requests_app.extraction.services import (
    PageWriter,
    extract_attachment,
    ocr_attachment,
    retry_extraction,
)
from requests_app.models import Attachment, ExtractionStatus
from tests.extraction import files
from tests.extraction.factories import extracted, pages_of

pytestmark = pytest.mark.django_db

Attach = Callable[..., Attachment]
LETTER = ["Dear Ms Smith, thank you for your request.", "We hold the information."]


def test_a_second_run_of_the_same_task_reads_nothing_again(attach: Attach) -> None:
    attachment = extracted(attach(files.text_pdf(LETTER), "reply.pdf"))
    result = extract_attachment(attachment_id=attachment.pk)
    attachment.refresh_from_db()
    assert result.skipped
    assert result.status == ExtractionStatus.DONE
    assert attachment.extraction_attempts == 1
    assert pages_of(attachment) == LETTER


def test_an_ocr_task_for_a_file_not_waiting_for_ocr_changes_nothing(attach: Attach) -> None:
    attachment = extracted(attach(files.text_pdf(LETTER), "reply.pdf"))
    result = ocr_attachment(attachment_id=attachment.pk)
    assert result.skipped
    attachment.refresh_from_db()
    assert attachment.status == ExtractionStatus.DONE


def test_a_file_over_the_size_limit_fails_without_being_read(
    attach: Attach, settings: Settings
) -> None:
    settings.FOI_EXTRACTION_MAX_FILE_BYTES = 100
    attachment = extracted(attach(files.text_pdf(LETTER), "big.pdf"))
    assert attachment.status == ExtractionStatus.FAILED
    assert attachment.status_detail == "The file is larger than the 100 byte limit for one file."
    assert not attachment.pages.exists()


def test_a_lost_stored_file_fails_with_the_reason(attach: Attach) -> None:
    attachment = attach(files.text_pdf(LETTER), "reply.pdf")
    attachment.file.storage.delete(str(attachment.file.name))
    attachment = extracted(attachment)
    assert attachment.status == ExtractionStatus.FAILED
    assert attachment.status_detail.startswith("The stored file is missing")


def test_the_time_limit_stops_the_run_and_says_so(attach: Attach, settings: Settings) -> None:
    settings.FOI_EXTRACTION_TIME_LIMIT = 1e-9
    attachment = extracted(attach(files.text_pdf(LETTER), "reply.pdf"))
    assert attachment.status == ExtractionStatus.FAILED
    assert attachment.status_detail.startswith("Stopped at the time limit of 1e-09 s")


def test_retrying_puts_the_attachment_back_in_the_queue_and_reads_it_again(
    attach: Attach,
    settings: Settings,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    settings.FOI_EXTRACTION_MAX_FILE_BYTES = 100
    attachment = extracted(attach(files.text_pdf(LETTER), "reply.pdf"))
    assert attachment.status == ExtractionStatus.FAILED
    settings.FOI_EXTRACTION_MAX_FILE_BYTES = 10_000_000
    with django_capture_on_commit_callbacks(execute=True):
        assert retry_extraction(attachment_ids=[attachment.pk]) == [attachment.pk]
    attachment.refresh_from_db()
    assert attachment.status == ExtractionStatus.DONE
    assert attachment.extraction_attempts == 2
    assert attachment.status_detail == ""
    assert pages_of(attachment) == LETTER


def test_an_attachment_being_read_is_not_retried(attach: Attach) -> None:
    attachment = attach(b"text", "a.txt", status=ExtractionStatus.EXTRACTING)
    assert retry_extraction(attachment_ids=[attachment.pk]) == []
    attachment.refresh_from_db()
    assert attachment.status == ExtractionStatus.EXTRACTING


def test_pages_reach_the_database_in_batches_with_the_progress(
    attach: Attach,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("requests_app.extraction.services.PAGE_BATCH", 2)
    attachment = attach(b"", "a.pdf")
    writer = PageWriter(attachment.pk)
    writer.announce(3)
    writer.add(PageText(1, "one"))
    assert attachment.pages.count() == 0
    writer.add(PageText(2, "two"))
    attachment.refresh_from_db()
    assert (attachment.pages_done, attachment.page_count) == (2, 3)
    assert pages_of(attachment) == ["one", "two"]
