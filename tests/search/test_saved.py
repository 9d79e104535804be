"""Saved searches: new matches go into the alert outbox; one digest a day per user."""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from requests_app import models
from requests_app.search import tasks
from requests_app.search.saved import ALERT_KIND
from tests.factories import FoiRequestFactory, MessageFactory
from tests.search.factories import AttachmentFactory, DocumentPageFactory

LONDON = ZoneInfo("Europe/London")
MONDAY = dt.date(2026, 1, 12)


@contextmanager
def at(day: dt.date, hour: int, minute: int = 30) -> Iterator[None]:
    moment = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)
    with time_machine.travel(moment, tick=False):
        yield


def run_hourly(day: dt.date, hour: int) -> dict[str, int]:
    with at(day, hour):
        return tasks.match_saved_searches()


def later(days: int) -> dt.date:
    return MONDAY + dt.timedelta(days=days)


@pytest.fixture
def alice_request(user: User, body: models.PublicBody) -> models.FoiRequest:
    with at(MONDAY, 8):
        return FoiRequestFactory.create(owner=user, public_body=body, title="School buildings")


@pytest.fixture
def asbestos_search(user: User) -> models.SavedSearch:
    with at(MONDAY, 8):
        return models.SavedSearch.objects.create(user=user, name="Asbestos", query="asbestos")


def letter(foi_request: models.FoiRequest, text: str, day: dt.date = MONDAY) -> models.Message:
    with at(day, 9):
        return MessageFactory.create(
            request=foi_request,
            subject="Reply",
            body_text=text,
            sent_at=dt.datetime.combine(day, dt.time(9), tzinfo=LONDON),
        )


def test_a_new_letter_that_matches_is_emailed_in_the_next_mornings_digest(
    user: User, alice_request: models.FoiRequest, asbestos_search: models.SavedSearch
) -> None:
    message = letter(alice_request, "Asbestos was found in two classrooms.")
    assert run_hourly(MONDAY, 10)["alerts"] == 1
    assert run_hourly(MONDAY, 11)["alerts"] == 0
    assert mail.outbox == []  # today's matches wait for tomorrow's digest
    alert = models.Alert.objects.get()
    assert (alert.user, alert.request, alert.kind, alert.deadline) == (
        user,
        alice_request,
        ALERT_KIND,
        MONDAY,
    )
    run_hourly(later(1), 7)
    run_hourly(later(1), 8)
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [user.email]
    assert email.subject == "Saved searches: 1 new match"
    assert alice_request.reference in email.body and "Asbestos" in email.body
    assert f"/requests/{alice_request.reference}/#message-{message.pk}" in email.body
    html = email.alternatives[0][0]  # type: ignore[attr-defined]
    assert f"#message-{message.pk}" in html
    alert.refresh_from_db()
    assert alert.status == models.AlertStatus.SENT


def test_each_user_gets_at_most_one_digest_a_day(
    user: User,
    other_user: User,
    body: models.PublicBody,
    campaign: models.Campaign,
    alice_request: models.FoiRequest,
    asbestos_search: models.SavedSearch,
) -> None:
    with at(MONDAY, 8):
        models.SavedSearch.objects.create(user=user, name="Classrooms", query="classrooms")
        models.SavedSearch.objects.create(user=other_user, name="Mallory's", query="asbestos")
        shared = FoiRequestFactory.create(
            owner=user, public_body=body, campaign=campaign, title="Roofs"
        )
    letter(alice_request, "Asbestos in classrooms.")
    run_hourly(MONDAY, 10)
    letter(shared, "Asbestos in the roof.")
    letter(alice_request, "More asbestos.")
    run_hourly(MONDAY, 14)
    for hour in (7, 8, 9, 15, 23):
        run_hourly(later(1), hour)
    assert sorted(email.to[0] for email in mail.outbox) == [user.email, other_user.email]
    alices = next(email for email in mail.outbox if email.to == [user.email])
    assert alices.subject == "Saved searches: 3 new matches"
    assert "Classrooms" in alices.body and shared.reference in alices.body
    letter(shared, "Asbestos again.", day=later(1))
    run_hourly(later(1), 16)
    assert len(mail.outbox) == 2  # Tuesday's match waits for Wednesday
    run_hourly(later(2), 7)
    assert len(mail.outbox) == 4


def test_a_scanned_page_matches_once_its_text_has_been_recognised(
    user: User, alice_request: models.FoiRequest, asbestos_search: models.SavedSearch
) -> None:
    message = letter(alice_request, "Please find the survey attached.")
    page = DocumentPageFactory.create(
        attachment=AttachmentFactory.create(message=message), number=4, text=""
    )
    run_hourly(MONDAY, 10)
    assert not models.Alert.objects.exists()
    page.text = "Asbestos survey, page 4."
    page.save()
    run_hourly(MONDAY, 11)
    run_hourly(later(1), 7)
    assert len(mail.outbox) == 1
    assert f"/attachments/{page.attachment_id}/pages/#page-4" in mail.outbox[0].body


def test_matches_are_limited_to_what_the_searcher_may_see(
    other_user: User, alice_request: models.FoiRequest
) -> None:
    with at(MONDAY, 8):
        models.SavedSearch.objects.create(user=other_user, name="Spy", query="asbestos")
    letter(alice_request, "Asbestos in the hall.")
    run_hourly(MONDAY, 10)
    run_hourly(later(1), 7)
    assert not models.Alert.objects.exists()
    assert mail.outbox == []


def test_saved_search_filters_apply_to_new_matches(
    user: User, alice_request: models.FoiRequest
) -> None:
    with at(MONDAY, 8):
        models.SavedSearch.objects.create(
            user=user, name="Pages", query="asbestos", filters={"kind": ["page"]}
        )
    message = letter(alice_request, "Asbestos in the letter only.")
    run_hourly(MONDAY, 10)
    assert not models.Alert.objects.exists()
    DocumentPageFactory.create(
        attachment=AttachmentFactory.create(message=message), text="Asbestos table"
    )
    run_hourly(MONDAY, 11)
    assert models.Alert.objects.get().details["items"][0][0] == "page"


def test_a_saved_search_within_a_request_matches_only_that_request(
    user: User, body: models.PublicBody, alice_request: models.FoiRequest
) -> None:
    with at(MONDAY, 8):
        other = FoiRequestFactory.create(owner=user, public_body=body, title="Other")
        models.SavedSearch.objects.create(
            user=user,
            name="Within",
            query="asbestos",
            filters={"request": alice_request.reference},
        )
    letter(other, "Asbestos elsewhere.")
    letter(alice_request, "Asbestos here.")
    run_hourly(MONDAY, 10)
    assert [alert.request for alert in models.Alert.objects.all()] == [alice_request]


def test_a_user_who_switched_these_alerts_off_gets_none(
    user: User, alice_request: models.FoiRequest, asbestos_search: models.SavedSearch
) -> None:
    models.Profile.objects.create(user=user, muted_alert_kinds=[ALERT_KIND])
    letter(alice_request, "Asbestos.")
    run_hourly(MONDAY, 10)
    assert not models.Alert.objects.exists()


def test_the_digest_waits_for_the_users_digest_hour(
    user: User, alice_request: models.FoiRequest, asbestos_search: models.SavedSearch
) -> None:
    models.Profile.objects.create(user=user, digest_hour=9)
    letter(alice_request, "Asbestos.")
    run_hourly(MONDAY, 10)
    run_hourly(later(1), 8)
    assert mail.outbox == []
    run_hourly(later(1), 9)
    assert len(mail.outbox) == 1


def test_a_request_no_longer_visible_is_left_out_of_the_digest(
    other_user: User,
    alice_request: models.FoiRequest,
    asbestos_search: models.SavedSearch,
) -> None:
    letter(alice_request, "Asbestos.")
    run_hourly(MONDAY, 10)
    alice_request.owner = other_user
    alice_request.visibility = models.Visibility.PRIVATE
    alice_request.save()
    run_hourly(later(1), 7)
    assert mail.outbox == []
    assert models.Alert.objects.get().status == models.AlertStatus.CANCELLED


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_a_failed_digest_is_sent_on_a_later_run_and_only_once(
    settings: Any, alice_request: models.FoiRequest, asbestos_search: models.SavedSearch
) -> None:
    letter(alice_request, "Asbestos.")
    run_hourly(MONDAY, 10)
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    run_hourly(later(1), 7)
    alert = models.Alert.objects.get()
    assert (alert.status, alert.attempts) == (models.AlertStatus.PENDING, 1)
    assert "SMTPServerDisconnected" in alert.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run_hourly(later(1), 8)
    run_hourly(later(1), 9)
    assert len(mail.outbox) == 1


def test_the_alerts_areas_own_delivery_leaves_these_rows_to_the_digest(
    alice_request: models.FoiRequest, asbestos_search: models.SavedSearch
) -> None:
    from requests_app.alerts.delivery import immediate_due

    letter(alice_request, "Asbestos.")
    run_hourly(MONDAY, 10)
    with at(later(1), 7):
        assert not immediate_due(dt.datetime.now(tz=dt.UTC)).exists()


def test_each_run_records_when_the_searches_were_checked(
    asbestos_search: models.SavedSearch,
) -> None:
    run_hourly(MONDAY, 10)
    asbestos_search.refresh_from_db()
    assert asbestos_search.last_checked_at == dt.datetime(2026, 1, 12, 10, 30, tzinfo=LONDON)
