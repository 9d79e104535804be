"""The import service: dedupe, quarantine, limits, permissions, files of every kind."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage

from requests_app import models
from requests_app.mail import importer
from requests_app.mail.importer import ImportStatus, import_file, import_message, iter_mbox
from requests_app.mail.matching import MatchedBy
from tests.factories import UserFactory
from tests.mail.conftest import CorpusWorld, corpus_bytes
from tests.mail.outlook import OutlookAttachment, OutlookMessage, outlook_msg_bytes

pytestmark = pytest.mark.django_db
UPLOAD = models.MessageSource.UPLOAD


def stored_bytes(name: str | None) -> bytes:
    assert name
    with default_storage.open(name, "rb") as stored:
        return stored.read()


def test_a_reply_lands_on_its_request_with_its_attachments_and_a_history_entry(
    world: CorpusWorld,
) -> None:
    result = import_message(raw=corpus_bytes("01_exchange_winmail_dat.eml"), source=UPLOAD)
    assert result.status == ImportStatus.IMPORTED and result.message is not None
    assert result.message.request == world.examples
    assert result.message.attachments.count() == 3
    event = world.examples.events.get(kind=models.EventKind.MESSAGE_LOGGED)
    assert event.details == {
        "message": result.message.pk,
        "attachments": 3,
        "matched_by": "reply address",
    }
    assert str(event.on) == "2026-01-13"


def test_extraction_is_queued_for_every_stored_attachment_after_commit(
    world: CorpusWorld,
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = import_message(raw=corpus_bytes("10_forwarded_with_pdf.eml"), source=UPLOAD)
    assert result.message is not None
    # One extraction per stored file (the winmail-style children included), after commit,
    # and the delivery of the owner's reply alert.
    assert len(callbacks) == result.message.attachments.count() + 1 == 3


def test_the_same_message_twice_is_stored_once(world: CorpusWorld) -> None:
    first = import_message(raw=corpus_bytes("02_gmail_alternative.eml"), source=UPLOAD)
    again = import_message(
        raw=corpus_bytes("02_gmail_alternative.eml"), source=models.MessageSource.IMAP
    )
    assert again.status == ImportStatus.DUPLICATE
    assert again.message == first.message and first.message is not None
    assert models.Message.objects.filter(message_id=first.message.message_id).count() == 1


def test_without_a_message_id_the_bytes_decide_what_is_a_duplicate(world: CorpusWorld) -> None:
    raw = corpus_bytes("25_no_message_id.eml")
    import_message(raw=raw, source=UPLOAD)
    assert import_message(raw=raw, source=UPLOAD).status == ImportStatus.DUPLICATE
    changed = import_message(raw=raw.replace(b"Scanned letter", b"Scanned letter 2"), source=UPLOAD)
    assert changed.status == ImportStatus.IMPORTED


def test_another_persons_copy_of_a_message_is_not_a_duplicate_for_them(world: CorpusWorld) -> None:
    raw = corpus_bytes("19_unmatched.eml")
    import_message(raw=raw, source=UPLOAD, imported_by=world.alice)
    mallory = UserFactory.create(username="mallory")
    theirs = import_message(raw=raw, source=UPLOAD, imported_by=mallory)
    assert theirs.status == ImportStatus.IMPORTED
    assert theirs.message is not None and theirs.message.imported_by == mallory


def test_importing_an_unmatched_message_again_onto_a_request_files_it_there(
    world: CorpusWorld,
) -> None:
    raw = corpus_bytes("19_unmatched.eml")
    first = import_message(raw=raw, source=UPLOAD, imported_by=world.alice)
    again = import_message(raw=raw, source=UPLOAD, imported_by=world.alice, request=world.nhs)
    assert again.status == ImportStatus.DUPLICATE
    assert first.message is not None
    first.message.refresh_from_db()
    assert first.message.request == world.nhs


def test_a_message_over_the_size_limit_is_quarantined_whole(settings, world: CorpusWorld) -> None:
    settings.FOI_MAIL_MAX_MESSAGE_BYTES = 1000
    raw = corpus_bytes("01_exchange_winmail_dat.eml")
    result = import_message(raw=raw, source=UPLOAD, original_name="big.eml")
    assert result.status == ImportStatus.QUARANTINED and result.quarantine is not None
    assert "over the limit of 1000" in result.quarantine.reason
    assert stored_bytes(result.quarantine.raw.name) == raw
    assert result.quarantine.original_name == "big.eml"


def test_something_that_is_not_an_email_is_quarantined_with_the_reason(world: CorpusWorld) -> None:
    result = import_message(raw=b"%PDF-1.4 not an email", source=UPLOAD)
    assert result.status == ImportStatus.QUARANTINED and result.quarantine is not None
    assert "Not an email" in result.quarantine.reason
    assert models.Message.objects.count() == 1  # only the world's own letter
    again = import_message(raw=b"%PDF-1.4 not an email", source=UPLOAD)
    assert again.quarantine == result.quarantine


def test_a_failure_while_storing_quarantines_the_message_and_leaves_nothing_half_done(
    world: CorpusWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(importer, "_store_attachments", disk_full)
    raw = corpus_bytes("01_exchange_winmail_dat.eml")
    result = import_message(raw=raw, source=UPLOAD)
    assert result.status == ImportStatus.QUARANTINED and result.quarantine is not None
    assert "No space left on device" in result.quarantine.reason
    assert not models.Message.objects.filter(subject__startswith="RE: Freedom").exists()
    assert not world.examples.events.filter(kind=models.EventKind.MESSAGE_LOGGED).exists()
    assert stored_bytes(result.quarantine.raw.name) == raw


def test_a_copy_of_our_own_letter_is_recorded_as_outgoing(world: CorpusWorld) -> None:
    raw = (
        b"From: Alice <alice@example.org>\r\nTo: foi@examples.gov.example\r\n"
        b"Subject: FOI-2026-0042 follow-up\r\nDate: Mon, 12 Jan 2026 09:00:00 +0000\r\n"
        b"Message-ID: <sent-copy@example.org>\r\n\r\nAny news?\r\n"
    )
    result = import_message(raw=raw, source=UPLOAD, imported_by=world.alice)
    assert result.message is not None
    assert result.message.direction == models.Direction.OUTGOING
    assert result.matched_by == MatchedBy.REFERENCE


def test_an_outlook_msg_file_is_imported_and_kept_as_the_original(world: CorpusWorld) -> None:
    raw = outlook_msg_bytes(
        OutlookMessage(
            subject="Re: FOI-2026-0042",
            body="Please find attached our response.",
            sender_name="FOI Team",
            sender_email="foi@examples.gov.example",
            to_email="alice@example.org",
            attachments=[OutlookAttachment("Final response.pdf", b"%PDF-1.4 r", "application/pdf")],
        )
    )
    results = import_file(stream=io.BytesIO(raw), name="reply.msg", source=UPLOAD)
    message = results[0].message
    assert message is not None and message.request == world.examples
    assert list(message.attachments.values_list("filename", flat=True)) == ["Final response.pdf"]
    assert stored_bytes(message.raw_email.name) == raw


def test_an_mbox_is_split_into_its_messages_byte_for_byte() -> None:
    mbox = (
        b"From a@x Mon Jan  5 10:00:00 2026\nSubject: one\n\nFirst\n>From here\n\n"
        b"From b@x Mon Jan  5 11:00:00 2026\nSubject: two\n\nSecond\n"
    )
    assert list(iter_mbox(io.BytesIO(mbox))) == [
        b"Subject: one\n\nFirst\nFrom here\n",
        b"Subject: two\n\nSecond\n",
    ]


def test_a_file_named_eml_that_starts_with_from_is_one_message() -> None:
    raw = b"From alice Mon Jan  5 10:00:00 2026\nSubject: x\n\nbody\n"
    assert list(importer.messages_in_file(io.BytesIO(raw), "odd.eml")) == [("odd.eml", raw)]
