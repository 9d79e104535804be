"""The complaint bundle uses the redacted version where there is one, and lists its log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from pytest_django import DjangoCaptureOnCommitCallbacks

from requests_app import models
from tests.factories import FoiRequestFactory, MessageFactory
from tests.redaction.documents import attach, text_pdf
from tests.reports.reading import build_bundle, page_texts

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def reply(user: User) -> models.Attachment:
    foi_request = FoiRequestFactory.create(owner=user, title="Consultancy contracts")
    return attach(MessageFactory.create(request=foi_request), text_pdf(), "reply.pdf")


def test_without_a_redacted_version_the_bundle_carries_the_original(
    reply: models.Attachment,
) -> None:
    text = "\n".join(page_texts(build_bundle(foi_request=reply.message.request, today=TODAY)))
    assert "Thistlewood" in text
    assert "Redacted version" not in text


def test_the_bundle_uses_the_redacted_version_and_its_index_lists_the_log(
    reply: models.Attachment, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "redact", str(reply.pk), "--box", "1:60,212,560,242", "--reason", "personal data"
        )
    version = models.RedactedVersion.objects.get()

    pages = page_texts(build_bundle(foi_request=reply.message.request, today=TODAY))
    text = "\n".join(pages)
    index = pages[0]
    assert "Thistlewood" not in text
    assert "pineapple" in text
    assert f"Attachment: {version.attachment.filename}" in index
    assert "Attachment: reply.pdf" not in index  # the original is not there beside it
    assert "Redacted version: 1 area withheld" in index
    assert "page 1, 59,211–561,243 pt: Personal data" in index
    assert any("REDACTION LOG" in page and "Personal data" in page for page in pages[1:])
