"""Filing unmatched mail by hand, and confirming what a reply is."""

from __future__ import annotations

import datetime as dt

import pytest

from requests_app import models
from requests_app.mail.importer import ImportStatus, import_message
from requests_app.mail.matching import MatchedBy
from requests_app.mail.services import assign_message, confirm_kind, unmatched_visible_to
from tests.factories import MessageFactory, UserFactory
from tests.mail.conftest import CorpusWorld, corpus_bytes

pytestmark = pytest.mark.django_db
UPLOAD = models.MessageSource.UPLOAD


def stranger_mail(number: int, *, in_reply_to: str = "", references: str = "") -> bytes:
    thread = f"In-Reply-To: {in_reply_to}\r\n" if in_reply_to else ""
    thread += f"References: {references}\r\n" if references else ""
    return (
        f"From: Case Officer <officer{number}@unknown-body.example>\r\nTo: alice@example.org\r\n"
        f"Subject: Your question\r\nDate: Mon, {9 + number} Feb 2026 10:00:00 +0000\r\n"
        f"Message-ID: <stranger-{number}@unknown-body.example>\r\n{thread}\r\nText {number}\r\n"
    ).encode()


def test_filing_a_message_takes_the_rest_of_its_waiting_thread_along(world: CorpusWorld) -> None:
    first = import_message(raw=stranger_mail(1), source=UPLOAD, imported_by=world.alice)
    second = import_message(
        raw=stranger_mail(2, in_reply_to="<stranger-1@unknown-body.example>"),
        source=UPLOAD,
        imported_by=world.alice,
    )
    third = import_message(
        raw=stranger_mail(
            3, references="<stranger-1@unknown-body.example> <stranger-2@unknown-body.example>"
        ),
        source=UPLOAD,
        imported_by=world.alice,
    )
    unrelated = import_message(raw=stranger_mail(4), source=UPLOAD, imported_by=world.alice)
    assert first.message is not None and unrelated.message is not None
    filed = assign_message(message=first.message, foi_request=world.nhs, actor=world.alice)
    assert [item.pk for item in filed] == [first.message.pk, second.message.pk, third.message.pk]  # type: ignore[union-attr]
    unrelated.message.refresh_from_db()
    assert unrelated.message.request is None
    ways = world.nhs.events.filter(kind=models.EventKind.MESSAGE_LOGGED).values_list(
        "details__matched_by", flat=True
    )
    assert sorted(ways) == sorted([MatchedBy.ASSIGNED, MatchedBy.THREAD, MatchedBy.THREAD])


def test_a_later_reply_in_a_filed_thread_is_matched_by_itself(world: CorpusWorld) -> None:
    first = import_message(raw=stranger_mail(1), source=UPLOAD, imported_by=world.alice)
    assert first.message is not None
    assign_message(message=first.message, foi_request=world.nhs, actor=world.alice)
    later = import_message(
        raw=stranger_mail(5, in_reply_to="<stranger-1@unknown-body.example>"),
        source=models.MessageSource.IMAP,
    )
    assert later.request == world.nhs
    assert later.matched_by == MatchedBy.THREAD


def test_staff_see_unmatched_mail_the_system_received_and_others_do_not(world: CorpusWorld) -> None:
    received = import_message(raw=stranger_mail(1), source=models.MessageSource.IMAP)
    assert received.status == ImportStatus.IMPORTED
    staff = UserFactory.create(username="sorter", is_staff=True)
    assert list(unmatched_visible_to(staff)) == [received.message]
    assert list(unmatched_visible_to(world.alice)) == []


def test_confirming_an_extension_records_the_event_and_moves_the_deadline(
    world: CorpusWorld,
) -> None:
    before = world.examples.next_due_on
    reply = MessageFactory.create(
        request=world.examples, sent_at=dt.datetime(2026, 1, 29, 10, tzinfo=dt.UTC)
    )
    event = confirm_kind(message=reply, kind=models.MessageKind.EXTENSION_NOTICE, actor=world.alice)
    world.examples.refresh_from_db()
    assert event is not None and event.kind == models.EventKind.EXTENSION_CLAIMED
    assert event.details["message"] == reply.pk
    assert world.examples.status == models.Status.EXTENDED
    assert world.examples.next_due_on is not None and before is not None
    assert world.examples.next_due_on > before


def test_confirming_a_refusal_records_the_outcome_and_exemptions_once(world: CorpusWorld) -> None:
    reply = MessageFactory.create(request=world.examples)
    section_43 = models.Exemption.objects.get(law="uk-foia", section="43")
    for _click in range(2):
        confirm_kind(
            message=reply,
            kind=models.MessageKind.REFUSAL,
            actor=world.alice,
            exemptions=[section_43],
        )
    world.examples.refresh_from_db()
    assert world.examples.status == models.Status.REFUSED
    assert list(world.examples.exemptions.all()) == [section_43]
    assert world.examples.events.filter(kind=models.EventKind.RESPONSE).count() == 1
    reply.refresh_from_db()
    assert reply.kind == models.MessageKind.REFUSAL


def test_a_review_outcome_takes_the_outcome_chosen(world: CorpusWorld) -> None:
    reply = MessageFactory.create(request=world.examples)
    event = confirm_kind(
        message=reply,
        kind=models.MessageKind.REVIEW_OUTCOME,
        outcome=models.Status.PARTIALLY_SUCCESSFUL,
        actor=world.alice,
    )
    world.examples.refresh_from_db()
    assert event is not None and event.kind == models.EventKind.REVIEW_DECIDED
    assert world.examples.status == models.Status.PARTIALLY_SUCCESSFUL


def test_an_out_of_office_reply_records_no_response(world: CorpusWorld) -> None:
    result = import_message(raw=corpus_bytes("15_out_of_office.eml"), source=UPLOAD)
    assert result.message is not None and result.message.is_auto_reply
    world.examples.refresh_from_db()
    assert world.examples.status == models.Status.AWAITING_RESPONSE
    assert not world.examples.events.filter(kind=models.EventKind.RESPONSE).exists()
