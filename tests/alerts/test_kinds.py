"""When each alert kind is owed, from a snapshot of stored dates (no database)."""

from __future__ import annotations

import datetime as dt

from requests_app.alerts.kinds import (
    DEADLINE_KINDS,
    KINDS,
    VIEWER_KINDS,
    Kind,
    RequestDates,
    is_owed,
)
from requests_app.deadlines.calendars import calendar_for
from requests_app.models import Status

UK = calendar_for("uk")
DUE = dt.date(2026, 2, 2)  # a Monday
VERY_OVERDUE = dt.date(2026, 3, 2)
WAITING = RequestDates(
    status=Status.AWAITING_RESPONSE, due_on=DUE, next_due_on=DUE, very_overdue_on=VERY_OVERDUE
)


def kinds_owed(dates: RequestDates, today: dt.date, due_soon_days: int = 3) -> list[str]:
    found = (is_owed(kind, dates, today, UK, due_soon_days) for kind in DEADLINE_KINDS)
    return [owed.kind for owed in found if owed is not None]


def test_due_soon_counts_working_days_across_the_weekend() -> None:
    assert kinds_owed(WAITING, dt.date(2026, 1, 27)) == []  # Tue: 4 working days left
    assert kinds_owed(WAITING, dt.date(2026, 1, 28)) == [Kind.DUE_SOON]  # Wed: 3 left
    assert kinds_owed(WAITING, dt.date(2026, 1, 31)) == [Kind.DUE_SOON]  # Sat: 1 left


def test_due_soon_follows_the_users_own_number_of_days() -> None:
    assert kinds_owed(WAITING, dt.date(2026, 1, 26), due_soon_days=5) == [Kind.DUE_SOON]
    assert kinds_owed(WAITING, dt.date(2026, 1, 29), due_soon_days=1) == []


def test_due_today_only_on_the_day_then_overdue_from_the_first_day_after() -> None:
    assert kinds_owed(WAITING, DUE) == [Kind.DUE_TODAY]
    assert kinds_owed(WAITING, DUE + dt.timedelta(days=1)) == [Kind.OVERDUE]
    assert kinds_owed(WAITING, dt.date(2026, 2, 27)) == [Kind.OVERDUE]


def test_very_overdue_takes_over_from_overdue() -> None:
    assert kinds_owed(WAITING, VERY_OVERDUE) == [Kind.VERY_OVERDUE]
    assert kinds_owed(WAITING, dt.date(2026, 6, 1)) == [Kind.VERY_OVERDUE]


def test_an_extended_request_is_not_overdue_until_its_extended_date_passes() -> None:
    extended = RequestDates(
        status=Status.EXTENDED,
        due_on=DUE,
        extended_due_on=dt.date(2026, 2, 16),
        next_due_on=dt.date(2026, 2, 16),
        very_overdue_on=VERY_OVERDUE,
    )
    assert kinds_owed(extended, dt.date(2026, 2, 10)) == []
    assert kinds_owed(extended, dt.date(2026, 2, 16)) == [Kind.DUE_TODAY]
    assert kinds_owed(extended, dt.date(2026, 2, 17)) == [Kind.EXTENDED_OVERDUE]


def test_review_overdue_is_about_the_review_date() -> None:
    review = RequestDates(
        status=Status.AWAITING_REVIEW,
        due_on=DUE,
        review_due_on=dt.date(2026, 3, 16),
        next_due_on=dt.date(2026, 3, 16),
    )
    owed = is_owed(KINDS[Kind.REVIEW_OVERDUE], review, dt.date(2026, 3, 17), UK)
    assert owed is not None and owed.deadline == dt.date(2026, 3, 16)
    assert kinds_owed(review, dt.date(2026, 3, 17)) == [Kind.REVIEW_OVERDUE]


def test_regulator_window_warns_seven_days_before_it_closes() -> None:
    refused = RequestDates(status=Status.REFUSED, escalation_closes_on=dt.date(2026, 4, 10))
    assert kinds_owed(refused, dt.date(2026, 4, 2)) == []
    assert kinds_owed(refused, dt.date(2026, 4, 3)) == [Kind.REGULATOR_WINDOW_CLOSING]
    assert kinds_owed(refused, dt.date(2026, 4, 10)) == [Kind.REGULATOR_WINDOW_CLOSING]
    assert kinds_owed(refused, dt.date(2026, 4, 11)) == []


def test_regulator_window_warning_is_configurable(settings) -> None:
    settings.FOI_ALERT_REGULATOR_WARNING_DAYS = 14
    refused = RequestDates(status=Status.REFUSED, escalation_closes_on=dt.date(2026, 4, 10))
    assert kinds_owed(refused, dt.date(2026, 3, 27)) == [Kind.REGULATOR_WINDOW_CLOSING]


def test_a_fully_successful_request_gets_no_regulator_warning() -> None:
    answered = RequestDates(status=Status.SUCCESSFUL, escalation_closes_on=dt.date(2026, 4, 10))
    assert kinds_owed(answered, dt.date(2026, 4, 9)) == []


def test_clarification_is_owed_after_five_working_days() -> None:
    asked = RequestDates(
        status=Status.AWAITING_CLARIFICATION, clarification_asked_on=dt.date(2026, 1, 9)
    )  # Friday
    assert kinds_owed(asked, dt.date(2026, 1, 15)) == []  # Thursday: 4 working days
    assert kinds_owed(asked, dt.date(2026, 1, 16)) == [Kind.CLARIFICATION_OWED]


def test_viewers_hear_only_that_a_deadline_arrived_was_missed_or_moved() -> None:
    assert {Kind.DUE_TODAY, Kind.OVERDUE, Kind.DEADLINES_MOVED} == VIEWER_KINDS
