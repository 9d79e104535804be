"""The inbound webhook: signatures checked, raw messages kept byte for byte, then imported."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest
from django.test import Client
from django.urls import reverse

from requests_app import models
from tests.mail.conftest import CorpusWorld, corpus_bytes
from tests.trust.services import celery_broker, start_private_redis

pytestmark = pytest.mark.django_db
SIGNING_KEY = "mailgun-signing-key"
BOUNDARY = "----inbound-form"


@pytest.fixture(autouse=True)
def anymail_settings(settings) -> None:
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}


def mailgun_form(raw: bytes, *, key: str = SIGNING_KEY, recipient: str = "") -> bytes:
    """Mailgun's forward() to a URL ending in "mime": a form with the message as sent."""
    timestamp, token = str(int(time.time())), "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0"
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    fields = {
        "timestamp": timestamp.encode(),
        "token": token.encode(),
        "signature": signature.encode(),
        "recipient": recipient.encode(),
        "body-mime": raw,
    }
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        + value
        + b"\r\n"
        for name, value in fields.items()
    ]
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def post_mailgun(client: Client, body: bytes) -> int:
    response = client.generic(
        "POST",
        reverse("mail_inbound", kwargs={"esp": "mailgun"}),
        body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )
    return response.status_code


def test_a_signed_mailgun_post_is_imported_byte_for_byte(
    world: CorpusWorld,
    client: Client,
    django_capture_on_commit_callbacks,
) -> None:
    raw = corpus_bytes("06_undeclared_8bit.eml")  # holds bytes that are not UTF-8
    with django_capture_on_commit_callbacks(execute=True):
        assert post_mailgun(client, mailgun_form(raw)) == 200
    message = models.Message.objects.get(source=models.MessageSource.WEBHOOK)
    assert message.request == world.examples
    with message.raw_email.open("rb") as stored:
        assert stored.read() == raw
    assert message.subject == "Fees of £450"


def test_the_envelope_recipient_files_a_blind_copy(
    world: CorpusWorld,
    client: Client,
    django_capture_on_commit_callbacks,
) -> None:
    raw = corpus_bytes("19_unmatched.eml")
    address = "foi+foi-2026-0043-qfjshn44@replies.foi-tracker.example"
    with django_capture_on_commit_callbacks(execute=True):
        assert post_mailgun(client, mailgun_form(raw, recipient=address)) == 200
    assert (
        models.Message.objects.get(source=models.MessageSource.WEBHOOK).request == world.borsetshire
    )


def test_a_post_with_a_wrong_signature_is_refused_and_nothing_is_kept(
    world: CorpusWorld,
    client: Client,
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        status = post_mailgun(
            client, mailgun_form(corpus_bytes("02_gmail_alternative.eml"), key="guess")
        )
    assert status == 400
    assert callbacks == []
    assert not models.Message.objects.filter(source=models.MessageSource.WEBHOOK).exists()


def test_postmark_needs_its_basic_auth_password(
    world: CorpusWorld,
    client: Client,
    settings,
    django_capture_on_commit_callbacks,
) -> None:
    settings.ANYMAIL = {"WEBHOOK_SECRET": "postmark:inbound-password"}
    payload = json.dumps(
        {"RawEmail": corpus_bytes("02_gmail_alternative.eml").decode(), "MessageID": "pm-1"}
    )
    url = reverse("mail_inbound", kwargs={"esp": "postmark"})

    def post(password: str) -> int:
        credentials = base64.b64encode(f"postmark:{password}".encode()).decode()
        return client.post(
            url, payload, content_type="application/json", HTTP_AUTHORIZATION=f"Basic {credentials}"
        ).status_code

    with django_capture_on_commit_callbacks(execute=True):
        assert post("wrong") == 400
        assert post("inbound-password") == 200
    message = models.Message.objects.get(source=models.MessageSource.WEBHOOK)
    assert message.request == world.examples


def test_a_service_that_is_not_set_up_or_not_known_is_not_found(
    settings,
    client: Client,
) -> None:
    settings.ANYMAIL = {}
    assert post_mailgun(client, mailgun_form(b"Subject: x\r\n\r\ny")) == 404
    assert client.post(reverse("mail_inbound", kwargs={"esp": "pigeon"})).status_code == 404


def test_with_the_broker_down_the_webhook_imports_the_message_itself(
    world: CorpusWorld, client: Client, django_capture_on_commit_callbacks, tmp_path
) -> None:
    raw = corpus_bytes("06_undeclared_8bit.eml")
    redis = start_private_redis(tmp_path)
    try:
        with celery_broker(redis.url):
            redis.stop()
            with django_capture_on_commit_callbacks(execute=True):
                assert post_mailgun(client, mailgun_form(raw)) == 200
    finally:
        redis.stop()
    message = models.Message.objects.get(source=models.MessageSource.WEBHOOK)
    assert message.request == world.examples
