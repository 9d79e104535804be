"""`manage.py reextract`: pending by default, --failed, --all, with a progress bar."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.management import call_command

from requests_app.models import Attachment, ExtractionStatus
from tests.extraction.factories import pages_of

pytestmark = pytest.mark.django_db

Attach = Callable[..., Attachment]


def reextract(*options: str) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("reextract", *options, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def three(attach: Attach) -> dict[str, Attachment]:
    return {
        "pending": attach(b"Waiting since the worker was down.", "a.txt"),
        "failed": attach(b"Failed before, fine now.", "b.txt", status=ExtractionStatus.FAILED),
        "done": attach(b"Read long ago.", "c.txt", status=ExtractionStatus.DONE),
    }


def status_of(attachment: Attachment) -> str:
    attachment.refresh_from_db()
    return attachment.status


def test_without_options_it_reads_what_is_still_pending(three: dict[str, Attachment]) -> None:
    stdout, stderr = reextract()
    assert stdout.strip() == "Read 1 attachments: 1 done."
    assert status_of(three["pending"]) == ExtractionStatus.DONE
    assert pages_of(three["pending"]) == ["Waiting since the worker was down."]
    assert status_of(three["failed"]) == ExtractionStatus.FAILED
    assert "[##############################] 1/1" in stderr


def test_failed_reads_the_failures_again(three: dict[str, Attachment]) -> None:
    reextract("--failed")
    assert status_of(three["failed"]) == ExtractionStatus.DONE
    assert pages_of(three["failed"]) == ["Failed before, fine now."]
    assert status_of(three["pending"]) == ExtractionStatus.PENDING


def test_all_reads_everything_with_a_progress_line_per_step(three: dict[str, Attachment]) -> None:
    stdout, stderr = reextract("--all")
    assert stdout.strip() == "Read 3 attachments: 3 done."
    assert pages_of(three["done"]) == ["Read long ago."]
    lines = stderr.splitlines()
    assert lines[0].startswith("[##########                    ] 1/3")
    assert lines[-1].startswith("[##############################] 3/3")
