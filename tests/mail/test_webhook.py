"""The inbound webhook: signatures checked, raw messages kept byte for byte, then imported."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from email.message import EmailMessage
from urllib.parse import urlencode

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


# --- every post authenticated ---------------------------------------------------------


POSTMARK_PASSWORD = "inbound-password"


def post_postmark(client: Client, raw: bytes, *, password: str | None = None) -> int:
    payload = json.dumps({"RawEmail": raw.decode("utf-8", "surrogateescape"), "MessageID": "pm"})
    headers = {}
    if password is not None:
        credentials = base64.b64encode(f"postmark:{password}".encode()).decode()
        headers["HTTP_AUTHORIZATION"] = f"Basic {credentials}"
    url = reverse("mail_inbound", kwargs={"esp": "postmark"})
    return client.post(url, payload, content_type="application/json", **headers).status_code


def test_without_its_secret_postmark_takes_no_mail_at_all(
    world: CorpusWorld, client: Client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert post_postmark(client, corpus_bytes("02_gmail_alternative.eml")) == 404
    assert callbacks == []
    assert not models.Message.objects.filter(source=models.MessageSource.WEBHOOK).exists()


def test_with_its_secret_postmark_refuses_a_post_without_the_password(
    world: CorpusWorld, client: Client, settings, django_capture_on_commit_callbacks
) -> None:
    settings.ANYMAIL = {"WEBHOOK_SECRET": f"postmark:{POSTMARK_PASSWORD}"}
    with django_capture_on_commit_callbacks(execute=True):
        assert post_postmark(client, corpus_bytes("02_gmail_alternative.eml")) == 400
        assert post_postmark(client, corpus_bytes("02_gmail_alternative.eml"), password="x") == 400
    assert not models.Message.objects.filter(source=models.MessageSource.WEBHOOK).exists()


def test_unsigned_posts_are_taken_only_when_development_allows_them(
    world: CorpusWorld, client: Client, settings, django_capture_on_commit_callbacks
) -> None:
    settings.ANYMAIL = {}
    settings.FOI_INBOUND_ALLOW_UNSIGNED = True
    raw = corpus_bytes("02_gmail_alternative.eml")
    with django_capture_on_commit_callbacks(execute=True):
        assert post_postmark(client, raw) == 200
        assert post_mailgun(client, mailgun_form(corpus_bytes("06_undeclared_8bit.eml"))) == 200
    assert models.Message.objects.filter(source=models.MessageSource.WEBHOOK).count() == 2


def test_a_service_left_out_of_the_list_takes_no_mail(
    world: CorpusWorld, client: Client, settings
) -> None:
    settings.FOI_INBOUND_WEBHOOKS = ["postmark"]
    assert post_mailgun(client, mailgun_form(corpus_bytes("02_gmail_alternative.eml"))) == 404


# --- Mailgun's real posts -------------------------------------------------------------


def mailgun_fields(*, key: str = SIGNING_KEY) -> dict[str, str]:
    timestamp, token = str(int(time.time())), "f3a1b2c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7a8b9"
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {"timestamp": timestamp, "token": token, "signature": signature}


def post_mailgun_urlencoded(client: Client, fields: dict[str, str], raw: bytes = b"") -> int:
    body = urlencode(fields)
    if raw:
        body += "&" + urlencode({"body-mime": raw}, encoding="latin-1")
    return client.post(
        reverse("mail_inbound", kwargs={"esp": "mailgun"}),
        body,
        content_type="application/x-www-form-urlencoded",
    ).status_code


def test_a_signed_url_encoded_mailgun_post_is_imported_byte_for_byte(
    world: CorpusWorld, client: Client, django_capture_on_commit_callbacks
) -> None:
    raw = corpus_bytes("06_undeclared_8bit.eml")  # bytes that are not UTF-8
    with django_capture_on_commit_callbacks(execute=True):
        assert post_mailgun_urlencoded(client, mailgun_fields(), raw) == 200
    message = models.Message.objects.get(source=models.MessageSource.WEBHOOK)
    with message.raw_email.open("rb") as stored:
        assert stored.read() == raw
    assert message.request == world.examples


def test_a_url_encoded_mailgun_post_with_a_wrong_signature_is_refused(
    world: CorpusWorld, client: Client, django_capture_on_commit_callbacks
) -> None:
    raw = corpus_bytes("02_gmail_alternative.eml")
    with django_capture_on_commit_callbacks(execute=True):
        assert post_mailgun_urlencoded(client, mailgun_fields(key="guess"), raw) == 400
        assert post_mailgun_urlencoded(client, {}, raw) == 400
    assert not models.Message.objects.filter(source=models.MessageSource.WEBHOOK).exists()


def test_mailguns_parsed_fields_are_read_as_utf8(
    world: CorpusWorld, client: Client, django_capture_on_commit_callbacks
) -> None:
    """A route forwarding to a URL not ending in "mime": Mailgun posts the fields parsed."""
    fields = {
        **mailgun_fields(),
        "sender": "foi@examples.gov.example",
        "from": "Department of Examples <foi@examples.gov.example>",
        "recipient": "foi+foi-2026-0042-qfjshn44@replies.foi-tracker.example",
        "subject": "Réponse – coût £450",
        "body-plain": "Le coût est de £450 pour le café.",
        "message-headers": json.dumps(
            [["From", "Department of Examples <foi@examples.gov.example>"],
             ["Subject", "Réponse – coût £450"], ["Message-Id", "<parsed-1@examples.gov.example>"]]
        ),
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert post_mailgun_urlencoded(client, fields) == 200
    message = models.Message.objects.get(source=models.MessageSource.WEBHOOK)
    assert message.subject == "Réponse – coût £450"
    assert "£450 pour le café" in message.body_text


# --- a guessable reference is not enough --------------------------------------------------


def forged_reply(sender: str) -> bytes:
    forged = EmailMessage()
    forged["From"] = sender
    forged["To"] = "foi@replies.foi-tracker.example"
    forged["Subject"] = "FOI-2026-0042 - our response"
    forged["Date"] = "Thu, 12 Feb 2026 10:00:00 +0000"
    forged["Message-ID"] = f"<forged-{sender.split('@')[0]}@evil.example>"
    forged.set_content("We have decided to close your request. Please send your bank details.")
    return forged.as_bytes()


def test_forged_mail_naming_a_reference_waits_for_a_member_who_confirms_it_in_one_click(
    world: CorpusWorld,
    client: Client,
    client_for,
    other_user,
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert post_mailgun(client, mailgun_form(forged_reply("attacker@evil.example"))) == 200
    held = models.Message.objects.get(source=models.MessageSource.WEBHOOK)
    assert held.request is None
    assert held.suggested_request == world.examples
    assert not world.examples.events.filter(details__message=held.pk).exists()

    outsider = client_for(other_user)
    inbox = outsider.get(reverse("mail_unmatched")).content.decode()
    assert "bank details" not in inbox
    assert outsider.get(reverse("mail_message", kwargs={"pk": held.pk})).status_code == 404
    confirm = reverse("mail_confirm_suggested", kwargs={"pk": held.pk})
    assert outsider.post(confirm).status_code == 404
    held.refresh_from_db()
    assert held.request is None

    alice = client_for(world.alice)
    inbox = alice.get(reverse("mail_unmatched")).content.decode()
    assert "bank details" in inbox
    assert "File on FOI-2026-0042" in inbox
    detail = alice.get(reverse("mail_message", kwargs={"pk": held.pk}))
    assert "Waiting for you to confirm: FOI-2026-0042" in detail.content.decode()
    response = alice.post(confirm)
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.request == world.examples and held.suggested_request is None
    event = world.examples.events.get(details__message=held.pk)
    assert event.details["matched_by"] == "suggestion confirmed"
    assert event.actor == world.alice


def test_mail_from_the_bodys_own_domain_naming_its_reference_is_filed(
    world: CorpusWorld, client: Client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        raw = forged_reply("casework@examples.gov.example")
        assert post_mailgun(client, mailgun_form(raw)) == 200
    message = models.Message.objects.get(source=models.MessageSource.WEBHOOK)
    assert message.request == world.examples and message.suggested_request is None
