"""Saved searches: new matches go into the one alert outbox, sent like every alert."""

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
from requests_app.alerts import delivery
from requests_app.alerts.kinds import Kind
from requests_app.search import tasks
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


def send_alerts(day: dt.date, hour: int) -> None:
    """What the alerts area's beat tasks do each hour: immediate alerts, then digests."""
    with at(day, hour, minute=45):
        delivery.deliver_due()
        delivery.send_digests()


ALERT_KIND = Kind.SAVED_SEARCH_MATCH


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


def test_a_new_letter_that_matches_is_emailed_through_the_alert_outbox_once(
    user: User, alice_request: models.FoiRequest, asbestos_search: models.SavedSearch
) -> None:
    message = letter(alice_request, "Asbestos was found in two classrooms.")
    assert run_hourly(MONDAY, 10)["alerts"] == 1
    assert run_hourly(MONDAY, 11)["alerts"] == 0
    alert = models.Alert.objects.get()
    assert (alert.user, alert.request, alert.kind, alert.deadline) == (
        user,
        alice_request,
        ALERT_KIND,
        MONDAY,
    )
    send_alerts(MONDAY, 11)
    send_alerts(MONDAY, 12)
    [email] = mail.outbox
    assert email.to == [user.email]
    assert email.subject.startswith("Saved search match: ")
    assert email.subject.endswith(" — School buildings, matched Mon 12 Jan")
    assert "“Asbestos”" in email.body
    assert f"/requests/{alice_request.reference}/#message-{message.pk}" in email.body
    html = email.alternatives[0][0]  # type: ignore[attr-defined]
    assert f"#message-{message.pk}" in html
    alert.refresh_from_db()
    assert alert.status == models.AlertStatus.SENT


def test_a_digest_user_gets_matches_in_their_one_daily_digest(
    user: User,
    other_user: User,
    body: models.PublicBody,
    campaign: models.Campaign,
    alice_request: models.FoiRequest,
    asbestos_search: models.SavedSearch,
) -> None:
    models.Profile.objects.create(user=user, alert_delivery="digest", digest_hour=16)
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
    send_alerts(MONDAY, 15)  # the campaign member wanted theirs at once
    assert [email.to for email in mail.outbox] == [[other_user.email]]
    for hour in (16, 17, 23):
        send_alerts(MONDAY, hour)
    alices = [email for email in mail.outbox if email.to == [user.email]]
    assert [email.subject for email in alices] == ["FOI Tracker digest: 2 alerts, Mon 12 Jan"]
    assert alice_request.reference in alices[0].body and shared.reference in alices[0].body


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
    send_alerts(MONDAY, 12)
    assert len(mail.outbox) == 1
    assert f"/attachments/{page.attachment_id}/pages/#page-4" in mail.outbox[0].body


def test_matches_are_limited_to_what_the_searcher_may_see(
    other_user: User, alice_request: models.FoiRequest
) -> None:
    with at(MONDAY, 8):
        models.SavedSearch.objects.create(user=other_user, name="Spy", query="asbestos")
    letter(alice_request, "Asbestos in the hall.")
    run_hourly(MONDAY, 10)
    send_alerts(MONDAY, 11)
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


def test_a_request_no_longer_visible_is_not_told_about(
    other_user: User,
    alice_request: models.FoiRequest,
    asbestos_search: models.SavedSearch,
) -> None:
    letter(alice_request, "Asbestos.")
    run_hourly(MONDAY, 10)
    alice_request.owner = other_user
    alice_request.visibility = models.Visibility.PRIVATE
    alice_request.save()
    send_alerts(MONDAY, 11)
    assert mail.outbox == []
    assert models.Alert.objects.get().status == models.AlertStatus.CANCELLED


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_a_failed_send_is_retried_later_and_sent_only_once(
    settings: Any, alice_request: models.FoiRequest, asbestos_search: models.SavedSearch
) -> None:
    letter(alice_request, "Asbestos.")
    run_hourly(MONDAY, 10)
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    send_alerts(MONDAY, 11)
    alert = models.Alert.objects.get()
    assert (alert.status, alert.attempts) == (models.AlertStatus.PENDING, 1)
    assert "SMTPServerDisconnected" in alert.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send_alerts(MONDAY, 12)
    send_alerts(MONDAY, 13)
    assert len(mail.outbox) == 1


def test_old_matches_held_for_the_removed_digest_are_released_to_the_outbox(
    alice_request: models.FoiRequest,
) -> None:
    from importlib import import_module

    from django.apps import apps

    migration = import_module("requests_app.migrations.0014_accounts")
    held = models.Alert.objects.create(
        user=alice_request.owner,
        request=alice_request,
        kind=ALERT_KIND,
        deadline=MONDAY,
        next_attempt_at=migration.OLD_DIGEST_HOLD,
        details={"searches": ["Asbestos"], "items": []},
    )
    migration.release_saved_search_matches(apps, None)
    send_alerts(later(1), 7)
    held.refresh_from_db()
    assert held.status == models.AlertStatus.SENT
    assert len(mail.outbox) == 1


def test_each_run_records_when_the_searches_were_checked(
    asbestos_search: models.SavedSearch,
) -> None:
    run_hourly(MONDAY, 10)
    asbestos_search.refresh_from_db()
    assert asbestos_search.last_checked_at == dt.datetime(2026, 1, 12, 10, 30, tzinfo=LONDON)
