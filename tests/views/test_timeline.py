"""A request's history is written in Python (`timeline_entries`): it must read exactly as
the template it replaced, whatever the letters and events hold."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils.html import linebreaks
from hypothesis import given
from hypothesis import strategies as st

from requests_app import models
from requests_app.templatetags.foi_tags import paragraphs
from requests_app.views.requests import timeline
from tests.factories import MessageFactory, make_attachment
from tests.views.conftest import LONDON

# The history as the request page's template wrote it, kept as the reference.
REFERENCE = Template((Path(__file__).parent / "timeline_reference.html").read_text())
WRITTEN = Template("{% load foi_tags %}{% timeline_entries timeline %}")


def markup(html: str) -> str:
    """The HTML with the whitespace between and inside tags made uniform."""
    return re.sub(r"\s*(<|>)\s*", r"\1", re.sub(r"\s+", " ", html)).strip()


def render(page: Template, foi_request: models.FoiRequest) -> str:
    return markup(page.render(Context({"timeline": timeline(foi_request)})))


def render_models(page: Template, foi_request: models.FoiRequest) -> str:
    """The history with each letter as its model, as the template it replaced read it."""
    letters = {letter.pk: letter for letter in foi_request.messages.all()}
    entries = [
        replace(entry, message=letters[entry.message.pk]) if entry.message else entry
        for entry in timeline(foi_request)
    ]
    return markup(page.render(Context({"timeline": entries})))


@pytest.fixture
def varied_history(alice_request: models.FoiRequest, user: object) -> models.FoiRequest:
    """Letters in winter and summer time, with and without text, people, subject and
    attachments; events with notes, a changed status, a new date and edited fields."""
    first = MessageFactory(
        request=alice_request,
        direction=models.Direction.INCOMING,
        kind=models.MessageKind.ACKNOWLEDGEMENT,
        sent_at=dt.datetime(2026, 1, 6, 9, 5, tzinfo=LONDON),
        sender='Jane "FOI" <jane@examples.gov.example>',
        recipients="us@example.org, <b>them</b>",
        subject="Re: <your> request & 'more'",
        body_text="Dear requester,\r\n\r\nWe acknowledge.\r\nLine two & <three>\n\n\n\nRegards",
    )
    make_attachment(first, filename="ack (1) & <more>.pdf")
    make_attachment(first, filename="Ünïcode.pdf", content=b"%PDF-1.4 second")
    MessageFactory(
        request=alice_request,
        direction=models.Direction.OUTGOING,
        channel=models.Channel.PHONE,
        sent_at=dt.datetime(2026, 1, 8, 23, 59, tzinfo=LONDON),
        sender="",
        recipients="",
        subject="",
        body_text="",
    )
    MessageFactory(
        request=alice_request,
        channel=models.Channel.NOTE,
        sent_at=dt.datetime(2026, 7, 1, 0, 30, tzinfo=LONDON),
        sender="",
        recipients="foi@examples.gov.example",
        body_text="One line",
    )
    alice_request.record_event(
        models.EventKind.ACKNOWLEDGED,
        on=dt.date(2026, 1, 7),
        actor=user,
        note="Rang.\r\nIt's <fine>",
    )
    alice_request.record_event(
        models.EventKind.EXTENSION_CLAIMED, on=dt.date(2026, 1, 9), new_due_on=dt.date(2026, 3, 2)
    )
    for details in (
        {"fields": ["title", "<notes>"]},
        {"status_from": "awaiting_response", "status_to": "refused", "outcome": "refused"},
        {"status_to": "closed"},
    ):
        models.RequestEvent.objects.create(
            request=alice_request,
            kind=models.EventKind.EDITED,
            on=dt.date(2026, 1, 10),
            details=details,
        )
    return alice_request


def test_the_written_history_reads_as_the_template_did(varied_history: models.FoiRequest) -> None:
    written = render(WRITTEN, varied_history)
    assert written == render_models(REFERENCE, varied_history)
    assert written.count("extraction-progress.js") == 1  # the badges' script, once a page
    assert "1 Jul 2026, 00:30" in written  # summer time, the page's zone


@given(st.text(alphabet="ab<>&\"' \r\n", max_size=30))
def test_paragraphs_are_djangos_linebreaks(text: str) -> None:
    assert paragraphs(text) == linebreaks(text, autoescape=True)
