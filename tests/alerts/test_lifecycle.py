"""A request's whole life under a frozen clock: every alert goes out exactly once."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core import mail
from django.core.management import call_command

from requests_app.models import Alert, AlertStatus, EventKind, FoiRequest, Status
from tests.alerts.conftest import DUE_ON, VERY_OVERDUE_ON, on_day

RESPONDED_ON = dt.date(2026, 3, 4)
REVIEW_REQUESTED_ON = dt.date(2026, 3, 5)


def test_each_alert_of_a_requests_life_is_sent_exactly_once(iapt_request: FoiRequest) -> None:
    day = dt.date(2026, 1, 26)  # the week before the first alert
    last_day = dt.date(2026, 5, 22)
    while day <= last_day:
        with on_day(day, hour=8):
            if day == RESPONDED_ON:
                iapt_request.record_response(on=day, outcome=Status.REFUSED)
            if day == REVIEW_REQUESTED_ON:
                iapt_request.record_event(EventKind.REVIEW_REQUESTED, on=day)
            call_command("send_reminders", stdout=StringIO())
            if day.weekday() == 0:
                call_command("send_reminders", stdout=StringIO())  # a doubled run
        day += dt.timedelta(days=1)

    iapt_request.refresh_from_db()
    review_due = iapt_request.review_due_on
    window_closes = iapt_request.escalation_closes_on
    assert review_due is not None and window_closes is not None
    assert window_closes <= last_day
    sent = sorted(
        Alert.objects.filter(status=AlertStatus.SENT).values_list("kind", "deadline"),
        key=lambda pair: (pair[1], pair[0]),
    )
    assert sent == sorted(
        [
            ("due_soon", DUE_ON),
            ("due_today", DUE_ON),
            ("overdue", DUE_ON),
            ("very_overdue", VERY_OVERDUE_ON),
            ("due_soon", review_due),
            ("due_today", review_due),
            ("review_overdue", review_due),
            ("regulator_window_closing", window_closes),
        ],
        key=lambda pair: (pair[1], pair[0]),
    )
    assert len(mail.outbox) == len(sent)
    subjects = [message.subject.split(":")[0] for message in mail.outbox]
    assert subjects == [
        "Due soon",
        "Due today",
        "Overdue",
        "Very overdue",
        "Due soon",
        "Due today",
        "Review overdue",
        "Window closing",
    ]
    assert not Alert.objects.exclude(status=AlertStatus.SENT).exists()
