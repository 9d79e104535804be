"""Which request a message belongs to, and the order in which the clues count."""

from __future__ import annotations

import datetime as dt

import pytest

from requests_app import models
from requests_app.mail.matching import MatchedBy, match_request, our_references
from requests_app.mail.parsing import ParsedMessage
from tests.factories import FoiRequestFactory, MessageFactory, UserFactory
from tests.mail.conftest import CorpusWorld

pytestmark = pytest.mark.django_db
SENT_ON = dt.date(2026, 1, 5)
ADDRESS_43 = "foi+foi-2026-0043-qfjshn44@replies.foi-tracker.example"


def match(parsed: ParsedMessage, **extra: object) -> tuple[str | None, str]:
    found = match_request(parsed, candidates=models.FoiRequest.objects.all(), **extra)  # type: ignore[arg-type]
    return (found.request.reference, found.matched_by) if found else (None, "")


def test_the_reply_address_wins_over_a_reference_in_the_subject(world: CorpusWorld) -> None:
    parsed = ParsedMessage(subject="Re: FOI-2026-0042", recipient_addresses=[ADDRESS_43])
    assert match(parsed) == ("FOI-2026-0043", MatchedBy.REPLY_ADDRESS)


def test_the_envelope_recipient_of_a_webhook_counts_as_a_recipient(world: CorpusWorld) -> None:
    parsed = ParsedMessage(subject="Hello", recipient_addresses=["alice@example.org"])
    assert match(parsed, envelope_recipients=[ADDRESS_43]) == (
        "FOI-2026-0043",
        MatchedBy.REPLY_ADDRESS,
    )


def test_a_reply_to_a_filed_message_follows_its_thread(world: CorpusWorld) -> None:
    parsed = ParsedMessage(
        subject="Re: hello", in_reply_to="<letter-0042-1@replies.foi-tracker.example>"
    )
    assert match(parsed) == ("FOI-2026-0042", MatchedBy.THREAD)


def test_our_reference_is_found_however_it_was_typed() -> None:
    assert our_references("re foi 2026/42 and FOI_2026_0043; FOI-2026-0042") == [
        "FOI-2026-0042",
        "FOI-2026-0043",
    ]


def test_their_reference_is_found_even_written_with_spaces(world: CorpusWorld) -> None:
    parsed = ParsedMessage(
        subject="Your request",
        body_text="Case FOI / 25 / 0123",
        sender_address="x@borsetshire.gov.example",
    )
    assert match(parsed) == ("FOI-2026-0043", MatchedBy.THEIR_REFERENCE)


def test_the_sender_domain_counts_only_with_exactly_one_open_request(world: CorpusWorld) -> None:
    one = ParsedMessage(subject="Hi", sender_address="someone@examples.gov.example")
    two = ParsedMessage(subject="Hi", sender_address="someone@nhs-example.example")
    assert match(one) == ("FOI-2026-0042", MatchedBy.SENDER_DOMAIN)
    assert match(two) == (None, "")


def test_a_closed_request_is_not_matched_by_domain(world: CorpusWorld) -> None:
    world.examples.record_event(models.EventKind.CLOSED, on=SENT_ON)
    parsed = ParsedMessage(subject="Hi", sender_address="someone@examples.gov.example")
    assert match(parsed) == (None, "")


def test_a_webmail_domain_matches_only_the_bodys_own_address(world: CorpusWorld) -> None:
    parish = world.examples.public_body
    parish.foi_email = "parish.clerk@gmail.com"
    parish.save()
    assert match(ParsedMessage(sender_address="stranger@gmail.com")) == (None, "")
    assert match(ParsedMessage(sender_address="parish.clerk@gmail.com"))[0] == "FOI-2026-0042"


def test_a_persons_upload_matches_only_requests_they_may_change(world: CorpusWorld) -> None:
    mallory = UserFactory.create(username="mallory")
    theirs = FoiRequestFactory.sent(on=SENT_ON, owner=mallory)
    MessageFactory.create(request=theirs, message_id="<mallory-thread@x.example>")
    parsed = ParsedMessage(
        in_reply_to="<mallory-thread@x.example>", subject=f"Re: {theirs.reference}"
    )
    alices = models.FoiRequest.objects.editable_by(world.alice)
    assert match_request(parsed, candidates=alices) is None
