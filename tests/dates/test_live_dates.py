"""Only dates that still apply are shown, on the request page, the calendar and the iCal
feed; the last day to ask for an internal review is stored, shown and alerted once."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from requests_app import models
from tests.dates.conftest import on_day
from tests.factories import FoiRequestFactory, PublicBodyFactory


def refused(foi_request: models.FoiRequest, on: dt.date) -> models.FoiRequest:
    foi_request.record_response(on=on, outcome=models.Status.REFUSED)
    foi_request.refresh_from_db()
    return foi_request


def page(client: Client, foi_request: models.FoiRequest) -> str:
    return client.get(foi_request.get_absolute_url()).text


def feed(client: Client, user: Any) -> str:
    token = models.Profile.for_user(user).calendar_token
    return client.get(reverse("calendar_feed", args=[token])).content.decode()


# --- the ask-for-a-review-by date ------------------------------------------------------


def test_after_a_refusal_the_page_shows_the_last_day_to_ask_for_a_review_not_the_old_dates(
    alice_client: Client, alice_request: models.FoiRequest
) -> None:
    # ICO guidance: 40 working days after Wed 14 Jan 2026, no bank holiday in between
    # (St Patrick's Day and Easter come later) → Wed 11 Mar 2026.
    refused(alice_request, dt.date(2026, 1, 14))
    assert alice_request.review_request_closes_on == dt.date(2026, 3, 11)
    html = page(alice_client, alice_request)
    assert "Ask for an internal review by" in html
    assert "Wednesday 11 March 2026" in html
    assert "40 working days of the response" in html
    assert "Response due" not in html
    assert "Very overdue from" not in html


def test_asking_for_the_review_replaces_it_with_the_review_due_date(
    alice_client: Client, alice_request: models.FoiRequest
) -> None:
    refused(alice_request, dt.date(2026, 1, 14))
    alice_request.record_event(models.EventKind.REVIEW_REQUESTED, on=dt.date(2026, 1, 15))
    html = page(alice_client, alice_request)
    assert "Internal review due" in html
    assert "Ask for an internal review by" not in html


def test_once_the_review_is_decided_neither_review_date_remains(
    alice_client: Client, alice_request: models.FoiRequest
) -> None:
    refused(alice_request, dt.date(2026, 1, 8))
    alice_request.record_event(models.EventKind.REVIEW_REQUESTED, on=dt.date(2026, 1, 12))
    alice_request.record_event(
        models.EventKind.REVIEW_DECIDED, on=dt.date(2026, 1, 14), status=models.Status.REFUSED
    )
    alice_request.refresh_from_db()
    assert alice_request.review_request_closes_on is None
    html = page(alice_client, alice_request)
    assert "Internal review due" not in html
    assert "Ask for an internal review by" not in html
    # FOIA s.50: the window to complain runs from the review decision.
    assert "Window to complain to the regulator closes" in html


def test_foisa_counts_40_working_days_from_the_end_of_the_time_for_compliance(
    user: Any,
) -> None:
    # FOISA s.20(5)(a): a response within time → from the expiry of the 20 working days,
    # Mon 2 Feb 2026; 40 Scottish working days later (Good Friday is after) → Mon 30 Mar.
    body = PublicBodyFactory(nation=models.Nation.SCOTLAND, default_regime="scot-foisa")
    on_time = FoiRequestFactory.sent(
        on=dt.date(2026, 1, 5), owner=user, public_body=body, regime="scot-foisa"
    )
    assert on_time.due_on == dt.date(2026, 2, 2)
    assert refused(on_time, dt.date(2026, 1, 14)).review_request_closes_on == dt.date(2026, 3, 30)
    # s.20(5)(b): a late response → from its receipt, Tue 10 Feb; skipping Good Friday
    # 3 Apr but not Easter Monday (no bank holiday in Scotland, FOISA s.73) → Wed 8 Apr.
    late = FoiRequestFactory.sent(
        on=dt.date(2026, 1, 5), owner=user, public_body=body, regime="scot-foisa"
    )
    assert refused(late, dt.date(2026, 2, 10)).review_request_closes_on == dt.date(2026, 4, 8)


def test_eir_representations_are_due_40_working_days_after_the_response(user: Any) -> None:
    # EIR reg 11(2): Wed 14 Jan 2026 + 40 working days (UK calendar) → Wed 11 Mar 2026.
    eir = FoiRequestFactory.sent(on=dt.date(2026, 1, 5), owner=user, regime="uk-eir")
    assert refused(eir, dt.date(2026, 1, 14)).review_request_closes_on == dt.date(2026, 3, 11)


def test_a_regime_without_a_review_stage_has_no_such_date(user: Any) -> None:
    body = PublicBodyFactory(nation="NZ", default_regime="nz-oia")
    oia = FoiRequestFactory.sent(
        on=dt.date(2026, 2, 2), owner=user, public_body=body, regime="nz-oia"
    )
    assert refused(oia, dt.date(2026, 2, 20)).review_request_closes_on is None


# --- calendar and feed ---------------------------------------------------------------


def test_the_calendar_and_feed_drop_the_due_dates_once_answered_and_add_the_review_by_date(
    alice_client: Client, alice_request: models.FoiRequest, user: Any
) -> None:
    before = feed(alice_client, user)
    assert f"{alice_request.reference}-due@foi-tracker" in before
    refused(alice_request, dt.date(2026, 1, 14))
    february = alice_client.get(reverse("deadline_calendar") + "?month=2026-02").text
    assert "Response due: NAO" not in february  # the 2 Feb due date no longer applies
    assert "Last day to complain to the regulator: NAO" in february  # 6 weeks: 25 Feb
    march = alice_client.get(reverse("deadline_calendar") + "?month=2026-03").text
    assert "Last day to ask for an internal review" in march
    after = feed(alice_client, user)
    assert f"{alice_request.reference}-due@foi-tracker" not in after
    assert f"{alice_request.reference}-review-request@foi-tracker" in after
    assert "DTSTART;VALUE=DATE:20260311" in after


def test_the_feed_keeps_no_review_due_date_after_the_review_was_decided(
    alice_client: Client, alice_request: models.FoiRequest, user: Any
) -> None:
    refused(alice_request, dt.date(2026, 1, 8))
    alice_request.record_event(models.EventKind.REVIEW_REQUESTED, on=dt.date(2026, 1, 9))
    assert f"{alice_request.reference}-review@foi-tracker" in feed(alice_client, user)
    alice_request.record_event(
        models.EventKind.REVIEW_DECIDED, on=dt.date(2026, 1, 14), status=models.Status.REFUSED
    )
    assert f"{alice_request.reference}-review@foi-tracker" not in feed(alice_client, user)


# --- the reminder ---------------------------------------------------------------------


def test_the_review_by_reminder_is_sent_once_however_often_the_sweep_runs(
    alice_request: models.FoiRequest,
) -> None:
    refused(alice_request, dt.date(2026, 1, 14))
    with on_day(dt.date(2026, 3, 4), hour=9):  # 7 days before Wed 11 Mar
        call_command("send_reminders", stdout=StringIO())
        call_command("send_reminders", stdout=StringIO())
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == (
        "Ask for a review by: NAO — IAPT performance data, ask by Wed 11 Mar"
    )
    assert "The last day to ask National Audit Office for an internal review" in message.body
    assert "I ask for an internal review of it" in message.body
    assert models.Alert.objects.get().kind == "review_request_closing"


def test_no_review_by_reminder_once_the_review_was_asked_for(
    alice_request: models.FoiRequest,
) -> None:
    refused(alice_request, dt.date(2026, 1, 14))
    alice_request.record_event(models.EventKind.REVIEW_REQUESTED, on=dt.date(2026, 1, 15))
    with on_day(dt.date(2026, 3, 4), hour=9):
        call_command("send_reminders", stdout=StringIO())
    assert not models.Alert.objects.filter(kind="review_request_closing").exists()
