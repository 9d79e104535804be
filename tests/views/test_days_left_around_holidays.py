"""Days left and overdue on the dashboard and the request page, around Christmas."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.factories import FoiRequestFactory

pytestmark = pytest.mark.django_db


def at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC), tick=False)


@pytest.fixture
def due_wednesday_30_december(user):  # type: ignore[no-untyped-def]
    # Received Mon 30 Nov 2026 (day 0) → due Wed 30 Dec: Fri 25 Dec and the Boxing Day
    # substitute (Mon 28 Dec) are not working days.
    foi_request = FoiRequestFactory.sent(dt.date(2026, 11, 30), owner=user, title="Xmas")
    assert foi_request.due_on == dt.date(2026, 12, 30)
    return foi_request


@pytest.mark.parametrize(
    ("today", "phrase"),
    [
        (dt.date(2026, 12, 23), "3 working days left"),
        (dt.date(2026, 12, 24), "2 working days left"),
        (dt.date(2026, 12, 26), "2 working days left"),  # a Saturday
        (dt.date(2026, 12, 28), "2 working days left"),  # Boxing Day substitute
        (dt.date(2026, 12, 29), "1 working day left"),
        (dt.date(2026, 12, 30), "due today"),
        (dt.date(2026, 12, 31), "overdue by 1 working day"),
        # 1 Jan and Mon 4 Jan (2 January substitute, Scotland) do not count.
        (dt.date(2027, 1, 5), "overdue by 2 working days"),
    ],
)
def test_the_request_page_and_dashboard_count_only_working_days(
    client_for, user, due_wednesday_30_december, today, phrase
):
    detail_url = reverse("request_detail", args=[due_wednesday_30_december.reference])
    with at(today):
        client = client_for(user)
        detail = client.get(detail_url).text
        dashboard = client.get(reverse("dashboard")).text
    assert phrase in detail
    assert phrase in dashboard


def test_overdue_on_a_holiday_straight_after_the_deadline_still_says_overdue(client_for, user):
    # Due Thu 31 Dec 2026; Fri 1 Jan and Mon 4 Jan 2027 (2 January substitute, Scotland)
    # are not working days, so no working day has passed by 4 Jan — yet it is overdue.
    foi_request = FoiRequestFactory.sent(dt.date(2026, 12, 1), owner=user)
    assert foi_request.due_on == dt.date(2026, 12, 31)
    with at(dt.date(2027, 1, 4)):
        dashboard = client_for(user).get(reverse("dashboard")).text
    assert "overdue" in dashboard
    assert "due today" not in dashboard
