"""Letters: composed from templates, sent with the reply address, retried, failures shown."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from email import policy

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core import mail

from requests_app import models
from requests_app.mail.addresses import reply_address
from requests_app.mail.sending import compose_letter, queue_letter
from requests_app.models import Profile
from tests.mail.conftest import LETTER_42, CorpusWorld

pytestmark = pytest.mark.django_db


class Keeper:
    def __init__(self) -> None:
        self.envelopes: list[object] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server(settings) -> Iterator[Keeper]:
    keeper = Keeper()
    controller = Controller(keeper, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield keeper
    controller.stop()


@pytest.fixture(autouse=True)
def february() -> Iterator[None]:
    with time_machine.travel("2026-02-10 12:00 +0000", tick=False):
        yield


def send(world: CorpusWorld, letter: str, capture) -> models.Message:
    draft = compose_letter(foi_request=world.examples, letter=letter, author=world.alice)
    with capture(execute=True):
        return queue_letter(
            foi_request=world.examples,
            letter=letter,
            to=draft.to,
            subject=draft.subject,
            body=draft.body,
            author=world.alice,
        )


def test_the_request_letter_is_written_from_its_template(world: CorpusWorld) -> None:
    world.alice.first_name, world.alice.last_name = "Alice", "Example"
    draft = compose_letter(foi_request=world.examples, letter="request", author=world.alice)
    assert draft.to == "foi@examples.gov.example"
    assert draft.subject == "Freedom of Information request: Spending on management consultants"
    assert "under the Freedom of Information Act 2000" in draft.body
    assert "Our reference for this request is FOI-2026-0042" in draft.body
    assert draft.body.rstrip().endswith("Alice Example")


def test_a_chaser_says_how_overdue_the_reply_is(world: CorpusWorld) -> None:
    draft = compose_letter(foi_request=world.examples, letter="chaser", author=world.alice)
    assert "you should have responded by 2 February 2026, 6 working days ago" in draft.body
    assert "FOIA s.10(1)" in draft.body


@pytest.mark.parametrize("letter", ["request", "chaser", "follow_up", "internal_review"])
def test_letters_to_a_body_end_as_the_account_page_says(world: CorpusWorld, letter: str) -> None:
    """They open "Dear <body>", so they close "Yours faithfully," then the signature."""
    profile = Profile.for_user(world.alice)
    profile.letter_signature = "Alice Example\nSave Our Clinics"
    profile.save()
    draft = compose_letter(foi_request=world.examples, letter=letter, author=world.alice)
    assert draft.body.rstrip().endswith("Yours faithfully,\n\nAlice Example\nSave Our Clinics")


def test_a_complaint_goes_to_the_regulator(world: CorpusWorld) -> None:
    draft = compose_letter(foi_request=world.examples, letter="complaint", author=world.alice)
    assert draft.to == "icocasework@ico.org.uk"
    assert draft.body.startswith("Dear Information Commissioner's Office")


def test_a_sent_letter_has_the_reply_address_and_threads_under_the_last_message(
    world: CorpusWorld,
    django_capture_on_commit_callbacks,
) -> None:
    message = send(world, "follow_up", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    sent = email.message_from_bytes(mail.outbox[0].message().as_bytes(), policy=policy.default)
    assert sent["Reply-To"] == reply_address(world.examples)
    assert sent["Message-ID"].strip() == message.message_id
    assert message.message_id.endswith("@replies.foi-tracker.example>")
    assert sent["In-Reply-To"] == LETTER_42
    assert sent["References"] == LETTER_42
    message.refresh_from_db()
    assert message.send_status == models.SendStatus.SENT
    assert message.source == models.MessageSource.SENT
    assert message.direction == models.Direction.OUTGOING
    with message.raw_email.open("rb") as stored:
        assert b"Reply-To: " + reply_address(world.examples).encode() in stored.read()
    logged = world.examples.events.get(kind=models.EventKind.MESSAGE_LOGGED)
    assert logged.details == {"message": message.pk, "letter": "follow_up"}


def test_sending_an_internal_review_request_records_it(
    world: CorpusWorld,
    django_capture_on_commit_callbacks,
) -> None:
    send(world, "internal_review", django_capture_on_commit_callbacks)
    world.examples.refresh_from_db()
    assert world.examples.status == models.Status.AWAITING_REVIEW
    assert world.examples.events.filter(kind=models.EventKind.REVIEW_REQUESTED).count() == 1


def test_a_letter_goes_through_a_real_smtp_server(
    world: CorpusWorld,
    smtp_server: Keeper,
    django_capture_on_commit_callbacks,
) -> None:
    message = send(world, "follow_up", django_capture_on_commit_callbacks)
    assert len(smtp_server.envelopes) == 1
    envelope = smtp_server.envelopes[0]
    assert envelope.rcpt_tos == ["foi@examples.gov.example"]  # type: ignore[attr-defined]
    received = email.message_from_bytes(envelope.content, policy=policy.default)  # type: ignore[attr-defined]
    assert received["Message-ID"].strip() == message.message_id
    assert received["Reply-To"] == reply_address(world.examples)
    assert received["In-Reply-To"] == LETTER_42
    message.refresh_from_db()
    assert message.send_status == models.SendStatus.SENT


def test_a_letter_that_cannot_be_sent_is_retried_then_shown_as_failed(
    world: CorpusWorld,
    settings,
    django_capture_on_commit_callbacks,
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 2
    settings.FOI_MAIL_SEND_MAX_ATTEMPTS = 3
    message = send(world, "follow_up", django_capture_on_commit_callbacks)
    message.refresh_from_db()
    assert message.send_status == models.SendStatus.FAILED
    assert message.send_attempts == 3
    assert "Gave up after 3 attempts" in message.send_error
    assert "Connection refused" in message.send_error or "Errno" in message.send_error


def test_a_failed_letter_is_sent_when_tried_again(
    world: CorpusWorld,
    smtp_server: Keeper,
    django_capture_on_commit_callbacks,
) -> None:
    from requests_app.mail.sending import resend

    message = send(world, "follow_up", django_capture_on_commit_callbacks)
    models.Message.objects.filter(pk=message.pk).update(send_status=models.SendStatus.FAILED)
    message.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        resend(message=message)
    message.refresh_from_db()
    assert message.send_status == models.SendStatus.SENT
    assert len(smtp_server.envelopes) == 2
