"""The Celery tasks of the mail area."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile

from requests_app import models
from requests_app.mail import tasks
from requests_app.mail.sending import DeliveryStatus, deliver
from requests_app.models.documents import store_blob
from tests.mail.conftest import CorpusWorld, corpus_bytes

pytestmark = pytest.mark.django_db


def test_polling_does_nothing_without_a_mailbox(settings) -> None:
    settings.IMAP_URL = ""
    assert tasks.poll_mailbox.delay().get() == {"skipped": "IMAP_URL is not set"}
    assert not models.MailboxState.objects.exists()


def test_import_raw_imports_stored_bytes(world: CorpusWorld) -> None:
    name, _, _ = store_blob(io.BytesIO(corpus_bytes("02_gmail_alternative.eml")))
    summary = tasks.import_raw.delay(name, models.MessageSource.WEBHOOK, "inbound 1").get()
    assert summary.startswith("inbound 1: imported message")
    assert world.examples.messages.filter(source=models.MessageSource.WEBHOOK).count() == 1


def test_a_failed_attempt_waits_longer_each_time_before_the_last(
    world: CorpusWorld,
    settings,
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    settings.FOI_MAIL_SEND_MAX_ATTEMPTS = 3
    letter = world.letter
    letter.raw_email.save("letter.eml", ContentFile(b"Subject: x\r\n\r\nHello\r\n"))
    models.Message.objects.filter(pk=letter.pk).update(
        send_status=models.SendStatus.QUEUED, recipients="foi@examples.gov.example"
    )
    outcomes = [deliver(message_id=letter.pk) for _attempt in range(4)]
    assert [outcome.status for outcome in outcomes] == [
        DeliveryStatus.RETRY,
        DeliveryStatus.RETRY,
        DeliveryStatus.FAILED,
        DeliveryStatus.SKIPPED,
    ]
    assert [outcome.retry_in for outcome in outcomes[:2]] == [60, 120]
