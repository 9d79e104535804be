"""Staff add a proclaimed holiday on a page of the site: they see first which open
requests' dates move and by how much; on confirmation the dates move, the audit trail
records it, and each affected person gets one alert."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app import models
from tests.factories import (
    CampaignFactory,
    FoiRequestFactory,
    MembershipFactory,
    PublicBodyFactory,
    UserFactory,
)

URL = reverse("non_working_days")
# A one-off UK holiday on Fri 30 Jan 2026: a request received Mon 5 Jan, due Mon 2 Feb,
# is then due Tue 3 Feb (FOIA s.10(6): a bank holiday in any part of the UK).
HOLIDAY = {"on": "2026-01-30", "calendar": "uk", "name": "Bank holiday for the example"}


@pytest.fixture
def staff_client(client_for: Any, db: None) -> Client:
    return client_for(UserFactory(username="stella", is_staff=True))


@pytest.fixture
def bob(db: None) -> Any:
    return UserFactory(username="bob")


@pytest.fixture
def shared_request(user: Any, bob: Any, body: models.PublicBody) -> models.FoiRequest:
    campaign = CampaignFactory(name="Open Audits", slug="open-audits")
    MembershipFactory(campaign=campaign, user=user, role=models.Role.OWNER)
    MembershipFactory(campaign=campaign, user=bob, role=models.Role.VIEWER)
    return FoiRequestFactory.sent(
        on=dt.date(2026, 1, 6),
        owner=user,
        public_body=body,
        campaign=campaign,
        visibility=models.Visibility.CAMPAIGN,
        title="Audit fees",
    )


def test_only_staff_reach_the_page(
    alice_client: Client, staff_client: Client, client: Client
) -> None:
    assert alice_client.get(URL).status_code == 403
    assert alice_client.post(URL, {**HOLIDAY, "confirm": "1"}).status_code == 403
    assert client.get(URL).status_code == 302  # to the login page
    assert staff_client.get(URL).status_code == 200
    assert not models.NonWorkingDay.objects.exists()


def test_the_preview_says_which_dates_move_and_by_how_much_without_saving(
    staff_client: Client, alice_request: models.FoiRequest
) -> None:
    html = staff_client.post(URL, HOLIDAY).text
    assert alice_request.reference in html
    assert "Mon 2 Feb 2026" in html and "Tue 3 Feb 2026" in html
    assert "1 day later" in html
    assert "Add the day and move these dates" in html
    alice_request.refresh_from_db()
    assert alice_request.due_on == dt.date(2026, 2, 2)
    assert not models.NonWorkingDay.objects.exists()
    assert not models.AuditEntry.objects.filter(action__startswith="non_working_day").exists()


def test_confirming_moves_the_dates_records_them_and_tells_each_person_once(
    staff_client: Client,
    alice_request: models.FoiRequest,
    shared_request: models.FoiRequest,
    user: Any,
    bob: Any,
) -> None:
    untouched = FoiRequestFactory.sent(on=dt.date(2026, 2, 2), owner=user)  # after the day
    done = staff_client.post(URL, {**HOLIDAY, "confirm": "1"}, follow=True)
    assert "2 open request(s) moved" in done.text
    assert f"{alice_request.reference} response due 2 February 2026 → 3 February 2026" in (
        done.text
    )
    alice_request.refresh_from_db()
    untouched.refresh_from_db()
    assert alice_request.due_on == dt.date(2026, 2, 3)
    assert untouched.due_on == dt.date(2026, 3, 2)
    entry = models.AuditEntry.objects.get(action="request.deadlines_moved", request=alice_request)
    assert entry.changes["due_on"] == ["2026-02-02", "2026-02-03"]
    assert entry.actor.username == "stella"
    assert models.AuditEntry.objects.filter(action="non_working_day.added").count() == 1
    # Confirming again (a double click) adds nothing.
    again = staff_client.post(URL, {**HOLIDAY, "confirm": "1"}, follow=True)
    assert "30 January 2026 is already a non-working day in that calendar." in again.text
    call_command("send_reminders", stdout=StringIO())
    call_command("send_reminders", stdout=StringIO())
    moved = [m for m in mail.outbox if m.subject.startswith("Deadlines moved")]
    assert sorted(m.to[0] for m in moved) == ["alice@example.org", "bob@example.org"]
    alice_mail = next(m for m in moved if m.to == ["alice@example.org"])
    assert alice_request.reference in alice_mail.body
    assert shared_request.reference in alice_mail.body
    bob_mail = next(m for m in moved if m.to == ["bob@example.org"])
    assert alice_request.reference not in bob_mail.body


def test_a_day_in_another_calendar_moves_nothing_here(
    staff_client: Client, alice_request: models.FoiRequest
) -> None:
    html = staff_client.post(URL, {**HOLIDAY, "calendar": "nz"}).text
    assert "No open request's dates move." in html


def test_a_date_the_engine_cannot_count_is_refused(staff_client: Client) -> None:
    html = staff_client.post(URL, {**HOLIDAY, "on": "0437-01-30"}).text
    assert "outside the years deadlines can be worked out for" in html
    assert not models.NonWorkingDay.objects.exists()


def test_the_preview_takes_the_same_number_of_queries_for_three_or_twelve_requests(
    staff_client: Client, user: Any
) -> None:
    bodies = [PublicBodyFactory() for _ in range(3)]

    def preview_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.post(URL, HOLIDAY).status_code == 200
        return len(captured)

    for body in bodies:
        FoiRequestFactory.sent(on=dt.date(2026, 1, 5), owner=user, public_body=body)
    few = preview_queries()
    for index in range(9):
        FoiRequestFactory.sent(on=dt.date(2026, 1, 5), owner=user, public_body=bodies[index % 3])
    assert preview_queries() == few
