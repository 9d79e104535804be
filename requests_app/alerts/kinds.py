"""The alert kinds, and when each one is owed, worked out from a request's stored dates.

Every deadline kind is owed during a window of days, not at a moment: a sweep that did
not run yesterday still finds yesterday's alert owed today, and a sweep that runs twice
finds the same alert (same user, request, kind and deadline) and adds nothing. Once the
window has closed the later kind takes over (due soon → due today → overdue → very
overdue): an alert that would now say something untrue is not sent late.

The functions here are pure: they take a snapshot of the stored dates and a calendar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings

from requests_app.deadlines.calendars import Calendar
from requests_app.models.requests import OUTCOME_STATUSES, REVIEWABLE_OUTCOMES, Status


class Kind(StrEnum):
    DUE_SOON = "due_soon"
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"
    VERY_OVERDUE = "very_overdue"
    EXTENDED_OVERDUE = "extended_overdue"
    REVIEW_OVERDUE = "review_overdue"
    REGULATOR_WINDOW_CLOSING = "regulator_window_closing"
    CLARIFICATION_OWED = "clarification_owed"
    NEW_CORRESPONDENCE = "new_correspondence"
    SAVED_SEARCH_MATCH = "saved_search_match"
    REVIEW_REQUEST_CLOSING = "review_request_closing"
    DEADLINES_MOVED = "deadlines_moved"
    TEST = "test"  # asked for from the account page, to see that mail arrives


# A body's answer is owed in these statuses; the current deadline is `next_due_on`.
ANSWER_OWED = (Status.AWAITING_RESPONSE, Status.EXTENDED, Status.AWAITING_REVIEW)
# Statuses in which the requester may still complain to the regulator. A fully
# successful request has nothing left to complain about.
MAY_COMPLAIN = (*(s for s in OUTCOME_STATUSES if s != Status.SUCCESSFUL), Status.AWAITING_REVIEW)

# Working days after asking for clarification before we remind ourselves that the
# body is waiting for us (FOIA s.1(3): the clock does not run until we answer).
CLARIFICATION_REMINDER_WORKING_DAYS = 5
DEFAULT_DUE_SOON_WORKING_DAYS = 3
# Calendar days before the last day to ask for an internal review that we warn: enough
# to write the letter.
REVIEW_REQUEST_WARNING_DAYS = 7


def regulator_warning_days() -> int:
    """Calendar days before the regulator window closes that we warn (configurable)."""
    return int(getattr(settings, "FOI_ALERT_REGULATOR_WARNING_DAYS", 7))


@dataclass(frozen=True)
class AlertKind:
    code: str
    label: str  # what the preferences form and the history call it
    headline: str  # the start of the subject line
    date_field: str | None  # the stored date the alert is about; None: made by an event
    statuses: tuple[str, ...]  # the request statuses in which it can be owed
    for_viewers: bool  # also sent to campaign members who may only look
    letter: str | None  # the ready-made letter in the email: "chaser", "review_chaser"
    same_for_everyone: bool = True  # False when the window depends on the user's settings

    @property
    def is_deadline(self) -> bool:
        return self.date_field is not None


KINDS: dict[str, AlertKind] = {
    kind.code: kind
    for kind in (
        AlertKind(
            Kind.DUE_SOON,
            "Due soon",
            "Due soon",
            "next_due_on",
            ANSWER_OWED,
            False,
            None,
            same_for_everyone=False,
        ),
        AlertKind(Kind.DUE_TODAY, "Due today", "Due today", "next_due_on", ANSWER_OWED, True, None),
        AlertKind(
            Kind.OVERDUE,
            "Overdue",
            "Overdue",
            "due_on",
            (Status.AWAITING_RESPONSE,),
            True,
            "chaser",
        ),
        AlertKind(
            Kind.VERY_OVERDUE,
            "Very overdue",
            "Very overdue",
            "very_overdue_on",
            (Status.AWAITING_RESPONSE, Status.EXTENDED),
            False,
            "review_request",
        ),
        AlertKind(
            Kind.EXTENDED_OVERDUE,
            "Extended deadline passed",
            "Extended deadline passed",
            "extended_due_on",
            (Status.EXTENDED,),
            False,
            "chaser",
        ),
        AlertKind(
            Kind.REVIEW_OVERDUE,
            "Internal review overdue",
            "Review overdue",
            "review_due_on",
            (Status.AWAITING_REVIEW,),
            False,
            "review_chaser",
        ),
        AlertKind(
            Kind.REGULATOR_WINDOW_CLOSING,
            "Regulator window closing",
            "Window closing",
            "escalation_closes_on",
            MAY_COMPLAIN,
            False,
            None,
        ),
        AlertKind(
            Kind.CLARIFICATION_OWED,
            "Clarification still owed by us",
            "Clarification owed",
            "clarification_asked_on",
            (Status.AWAITING_CLARIFICATION,),
            False,
            None,
        ),
        AlertKind(
            Kind.REVIEW_REQUEST_CLOSING,
            "Last days to ask for an internal review",
            "Ask for a review by",
            "review_request_closes_on",
            REVIEWABLE_OUTCOMES,
            False,
            "review_of_response",
        ),
        AlertKind(
            Kind.NEW_CORRESPONDENCE,
            "New correspondence",
            "New correspondence",
            None,
            (),
            False,
            None,
        ),
        AlertKind(
            Kind.SAVED_SEARCH_MATCH,
            "Saved search match",
            "Saved search match",
            None,
            (),
            False,
            None,
        ),
        # Made when staff add a non-working day that moves stored deadlines.
        AlertKind(
            Kind.DEADLINES_MOVED,
            "Deadlines moved by a new non-working day",
            "Deadlines moved",
            None,
            (),
            True,
            None,
        ),
        AlertKind(Kind.TEST, "Test alert", "Test alert", None, (), False, None),
    )
}
DEADLINE_KINDS = tuple(kind for kind in KINDS.values() if kind.is_deadline)
# Viewers cannot record events or send letters; they hear only that a deadline arrived
# and that it was missed.
VIEWER_KINDS = frozenset(code for code, kind in KINDS.items() if kind.for_viewers)
# A test alert is asked for, not subscribed to: it is never a preference.
CHOSEN_KINDS = tuple(code for code in KINDS if code != Kind.TEST)
KIND_CHOICES = [(code, KINDS[code].label) for code in CHOSEN_KINDS]


@dataclass(frozen=True)
class RequestDates:
    """The stored state of one request that the triggers read."""

    status: str
    due_on: dt.date | None = None
    extended_due_on: dt.date | None = None
    review_due_on: dt.date | None = None
    very_overdue_on: dt.date | None = None
    escalation_closes_on: dt.date | None = None
    review_request_closes_on: dt.date | None = None
    next_due_on: dt.date | None = None
    clarification_asked_on: dt.date | None = None

    def date_of(self, kind: AlertKind) -> dt.date | None:
        if kind.date_field is None or self.status not in kind.statuses:
            return None
        value: dt.date | None = getattr(self, kind.date_field)
        return value

    def is_very_overdue(self, today: dt.date) -> bool:
        due = self.next_due_on
        return (
            self.status in KINDS[Kind.VERY_OVERDUE].statuses
            and self.very_overdue_on is not None
            and due is not None
            and today >= self.very_overdue_on
            and today > due
        )


@dataclass(frozen=True)
class Owed:
    kind: str
    deadline: dt.date  # the stored date the alert is about: part of its unique key


def is_owed(
    kind: AlertKind,
    dates: RequestDates,
    today: dt.date,
    calendar: Calendar,
    due_soon_working_days: int = DEFAULT_DUE_SOON_WORKING_DAYS,
) -> Owed | None:
    """The alert of this kind owed as of `today`, or None."""
    deadline = dates.date_of(kind)
    if deadline is None:
        return None
    window = _WINDOWS[kind.code]
    if window(deadline, dates, today, calendar, due_soon_working_days):
        return Owed(kind.code, deadline)
    return None


def _due_soon(
    deadline: dt.date, dates: RequestDates, today: dt.date, calendar: Calendar, days: int
) -> bool:
    return today < deadline and calendar.working_days_between(today, deadline) <= days


def _due_today(
    deadline: dt.date, dates: RequestDates, today: dt.date, calendar: Calendar, days: int
) -> bool:
    return today == deadline


def _overdue(
    deadline: dt.date, dates: RequestDates, today: dt.date, calendar: Calendar, days: int
) -> bool:
    # From the first day after the deadline, until "very overdue" takes over.
    return today > deadline and not dates.is_very_overdue(today)


def _very_overdue(
    deadline: dt.date, dates: RequestDates, today: dt.date, calendar: Calendar, days: int
) -> bool:
    return dates.is_very_overdue(today)


def _passed(
    deadline: dt.date, dates: RequestDates, today: dt.date, calendar: Calendar, days: int
) -> bool:
    return today > deadline


def _window_closing(
    deadline: dt.date, dates: RequestDates, today: dt.date, calendar: Calendar, days: int
) -> bool:
    return deadline - dt.timedelta(days=regulator_warning_days()) <= today <= deadline


def _review_request_closing(
    deadline: dt.date, dates: RequestDates, today: dt.date, calendar: Calendar, days: int
) -> bool:
    return deadline - dt.timedelta(days=REVIEW_REQUEST_WARNING_DAYS) <= today <= deadline


def _clarification_owed(
    asked_on: dt.date, dates: RequestDates, today: dt.date, calendar: Calendar, days: int
) -> bool:
    waited = calendar.working_days_between(asked_on, today)
    return waited >= CLARIFICATION_REMINDER_WORKING_DAYS


_WINDOWS: dict[str, Callable[[dt.date, RequestDates, dt.date, Calendar, int], bool]] = {
    Kind.DUE_SOON: _due_soon,
    Kind.DUE_TODAY: _due_today,
    Kind.OVERDUE: _overdue,
    Kind.VERY_OVERDUE: _very_overdue,
    Kind.EXTENDED_OVERDUE: _overdue,  # the same rule, for the extended date
    Kind.REVIEW_OVERDUE: _passed,
    Kind.REGULATOR_WINDOW_CLOSING: _window_closing,
    Kind.CLARIFICATION_OWED: _clarification_owed,
    Kind.REVIEW_REQUEST_CLOSING: _review_request_closing,
}
