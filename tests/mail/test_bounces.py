"""Bounces change shared data only when they come through our own mail channel and answer a
letter the app sent to that address; an upload touches only the uploader's own letters."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from requests_app import models
from requests_app.batches.services import emailable
from requests_app.mail.importer import import_message
from tests.factories import FoiRequestFactory, MessageFactory
from tests.mail.conftest import LETTER_42, CorpusWorld, corpus_bytes

pytestmark = pytest.mark.django_db
BOUNCE = "14_dsn_bounce.eml"  # a DSN for our letter LETTER_42 to foi@examples.gov.example


@pytest.fixture
def letter_sent_to_the_body(world: CorpusWorld) -> models.Message:
    world.letter.recipients = "foi@examples.gov.example"
    world.letter.save(update_fields=["recipients"])
    return world.letter


def examples_body() -> models.PublicBody:
    return models.PublicBody.objects.get(name="Department of Examples")


def test_an_uploaded_bounce_does_not_mark_the_bodys_address_for_everyone(
    world: CorpusWorld, client_for, other_user, letter_sent_to_the_body: models.Message
) -> None:
    """Mallory uploads a (forged) bounce onto her own request to the same body."""
    own = FoiRequestFactory.create(owner=other_user, public_body=examples_body())
    upload = client_for(other_user).post(
        reverse("mail_upload", kwargs={"reference": own.reference}),
        {"emails": [SimpleUploadedFile("bounce.eml", corpus_bytes(BOUNCE))]},
    )
    assert upload.status_code == 302
    assert models.Message.objects.filter(request=own, is_auto_reply=True).exists()
    assert not examples_body().email_failing
    assert emailable(models.FoiRequest.objects.filter(pk=world.examples.pk)).exists()
    letter_sent_to_the_body.refresh_from_db()
    assert letter_sent_to_the_body.send_status == models.SendStatus.SENT  # alice's, untouched


def test_an_uploaded_bounce_marks_the_uploaders_own_letter_only(
    world: CorpusWorld, letter_sent_to_the_body: models.Message
) -> None:
    import_message(raw=corpus_bytes(BOUNCE), source="upload", imported_by=world.alice)
    letter_sent_to_the_body.refresh_from_db()
    assert letter_sent_to_the_body.send_status == models.SendStatus.FAILED
    assert not examples_body().email_failing


def test_a_bounce_through_our_mailbox_answering_our_letter_marks_the_address(
    world: CorpusWorld, letter_sent_to_the_body: models.Message
) -> None:
    import_message(raw=corpus_bytes(BOUNCE), source=models.MessageSource.IMAP)
    assert examples_body().email_failing
    letter_sent_to_the_body.refresh_from_db()
    assert letter_sent_to_the_body.send_status == models.SendStatus.FAILED


def test_a_bounce_through_our_mailbox_about_no_letter_of_ours_changes_nothing(
    world: CorpusWorld, letter_sent_to_the_body: models.Message
) -> None:
    raw = corpus_bytes(BOUNCE).replace(LETTER_42.encode(), b"<made-up@elsewhere.example>")
    result = import_message(raw=raw, source=models.MessageSource.IMAP)
    assert result.message is not None and result.message.is_auto_reply
    assert not examples_body().email_failing


def test_a_bounce_naming_an_address_our_letter_was_not_sent_to_marks_no_body(
    world: CorpusWorld,
) -> None:
    """Our letter went to another address of the body; the bounce names the FOI address."""
    world.letter.recipients = "press@examples.gov.example"
    world.letter.save(update_fields=["recipients"])
    import_message(raw=corpus_bytes(BOUNCE), source=models.MessageSource.IMAP)
    assert not examples_body().email_failing


def test_a_copy_of_our_letter_kept_by_hand_is_not_a_letter_we_sent(world: CorpusWorld) -> None:
    logged = MessageFactory.create(
        request=world.examples,
        direction=models.Direction.OUTGOING,
        message_id="<logged-by-hand@example.org>",
        recipients="foi@examples.gov.example",
        source=models.MessageSource.MANUAL,
    )
    raw = corpus_bytes(BOUNCE).replace(LETTER_42.encode(), logged.message_id.encode())
    import_message(raw=raw, source=models.MessageSource.IMAP)
    assert not examples_body().email_failing
