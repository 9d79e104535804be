"""The correspondence panel a request's page includes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from requests_app import models
from tests.mail.conftest import CorpusWorld

pytestmark = pytest.mark.django_db
PANEL = Template("{% load mail_tags %}{% mail_panel foi_request letters %}")


def render(world: CorpusWorld, *, can_edit: bool) -> str:
    request = RequestFactory().get("/")
    context = Context({"foi_request": world.examples, "can_edit": can_edit, "request": request})
    context["letters"] = list(world.examples.messages.all())
    return PANEL.render(context)


def test_the_panel_shows_the_reply_address_upload_and_letters_to_editors(
    world: CorpusWorld,
) -> None:
    html = render(world, can_edit=True)
    assert "foi+foi-2026-0042-kmwf16j0@replies.foi-tracker.example" in html
    assert 'action="/requests/FOI-2026-0042/mail/upload/"' in html
    assert "multiple" in html and "data-drop-zone" in html
    for letter in ("request", "follow_up", "chaser", "internal_review", "complaint"):
        assert f"/requests/FOI-2026-0042/letters/{letter}/" in html


def test_viewers_see_the_address_but_no_actions(world: CorpusWorld) -> None:
    html = render(world, can_edit=False)
    assert "foi+foi-2026-0042-kmwf16j0@replies.foi-tracker.example" in html
    assert "/mail/upload/" not in html and "/letters/" not in html


def test_a_letter_that_finally_failed_is_shown(world: CorpusWorld) -> None:
    models.Message.objects.filter(pk=world.letter.pk).update(
        send_status=models.SendStatus.FAILED, send_error="Gave up after 5 attempts."
    )
    html = render(world, can_edit=True)
    assert "1 letter could not be sent" in html
    assert "Gave up after 5 attempts." in html
    assert f"/mail/messages/{world.letter.pk}/resend/" in html


def test_the_newest_failed_letters_come_first(world: CorpusWorld) -> None:
    models.Message.objects.filter(pk=world.letter.pk).update(
        send_status=models.SendStatus.FAILED, send_error="The oldest failure."
    )
    for day in range(1, 11):
        models.Message.objects.create(
            request=world.examples,
            direction=models.Direction.OUTGOING,
            sent_at=world.letter.sent_at + dt.timedelta(days=day),
            subject=f"Chaser {day}",
            send_status=models.SendStatus.FAILED,
            send_error=f"Failure {day}.",
        )
    html = render(world, can_edit=True)
    assert "10 letters could not be sent" in html
    assert html.index("Failure 10.") < html.index("Failure 1.")
    assert "The oldest failure." not in html
