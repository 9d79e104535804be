"""Which dates a request and its events may carry.

A date must be one the deadline engine can count with (its calendars cover a fixed span
of years), and the dates must be in an order that can have happened: nothing after
today, no event before the request was sent, no answer before the question. The web
forms and the API ask the same questions here, so both refuse the same input with the
same words, and no odd date reaches the engine to fail there.
"""

from __future__ import annotations

import datetime as dt

from requests_app.deadlines.calendars import FIRST_SUPPORTED_YEAR, LAST_SUPPORTED_YEAR
from requests_app.models import EventKind, FoiRequest, RequestEvent

# A sent date may be tomorrow's (a letter dated ahead, a sender a time zone away), with a
# warning; anything later is a typo that would start a deadline in the future.
SENT_DAYS_AHEAD = 1

# Events that answer an earlier one: the answer cannot come before the question.
ANSWERS: dict[str, str] = {
    EventKind.CLARIFICATION_ANSWERED: EventKind.CLARIFICATION_REQUESTED,
    EventKind.FEE_PAID: EventKind.FEE_NOTICE,
    EventKind.REVIEW_DECIDED: EventKind.REVIEW_REQUESTED,
    EventKind.DECISION_NOTICE: EventKind.COMPLAINT_LODGED,
}
# Events the app writes itself, or that start the request: they may precede sending.
NOT_AFTER_SENDING = (
    EventKind.CREATED,
    EventKind.EDITED,
    EventKind.MESSAGE_LOGGED,
    EventKind.SENT,
)


def long(day: dt.date) -> str:
    """'3 March 2026' for any year, even one strftime cannot write."""
    return f"{day.day} {day:%B} {day.year}"


def uncountable(day: dt.date) -> str | None:
    """Why the deadline engine cannot count from `day`, or None when it can."""
    if FIRST_SUPPORTED_YEAR <= day.year <= LAST_SUPPORTED_YEAR:
        return None
    return (
        f"{long(day)} is outside the years deadlines can be worked out for "
        f"({FIRST_SUPPORTED_YEAR} to {LAST_SUPPORTED_YEAR}). Check the year."
    )


def latest_sent_on(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=SENT_DAYS_AHEAD)


def sent_on_error(sent_on: dt.date, today: dt.date, *, label: str = "sent") -> str | None:
    if problem := uncountable(sent_on):
        return problem
    if sent_on > latest_sent_on(today):
        return (
            f"A request cannot have been {label} on {long(sent_on)}: that is more than a day "
            "ahead. Check the date, or leave it blank until it is sent."
        )
    return None


def earliest_event_after_sending(foi_request: FoiRequest | None) -> RequestEvent | None:
    """The first recorded event that can only happen once the request was sent."""
    if foi_request is None or foi_request.pk is None:
        return None
    events = RequestEvent.objects.filter(request=foi_request).exclude(kind__in=NOT_AFTER_SENDING)
    return events.order_by("on", "pk").first()


def request_date_errors(
    *,
    sent_on: dt.date | None,
    received_on: dt.date | None,
    today: dt.date,
    foi_request: FoiRequest | None = None,
) -> dict[str, str]:
    """{field: message} for the sent and received dates of a new or edited request."""
    errors: dict[str, str] = {}
    if sent_on is not None and (problem := sent_on_error(sent_on, today)):
        errors["sent_on"] = problem
    if received_on is not None and (problem := sent_on_error(received_on, today, label="received")):
        errors["received_on"] = problem
    if sent_on and received_on and received_on < sent_on and "received_on" not in errors:
        errors["received_on"] = "The body cannot receive it before it was sent."
    first = earliest_event_after_sending(foi_request)
    for field, day in (("sent_on", sent_on), ("received_on", received_on)):
        if first is not None and day is not None and day > first.on and field not in errors:
            errors[field] = (
                f"The history has “{first.get_kind_display()}” on {long(first.on)}, before "
                f"this date. A request is sent and received before anything happens to it."
            )
    return errors


def event_date_error(
    *, kind: str, on: dt.date, foi_request: FoiRequest, today: dt.date
) -> str | None:
    """Why an event of `kind` cannot be dated `on` for this request, or None."""
    if kind == EventKind.SENT:
        return sent_on_error(on, today)
    if problem := uncountable(on):
        return problem
    if on > today:
        return "That date is in the future."
    sent_on = foi_request.sent_on
    if kind not in NOT_AFTER_SENDING and sent_on is not None and on < sent_on:
        return f"That is before the request was sent ({long(sent_on)})."
    question = ANSWERS.get(kind)
    if question is not None:
        return _answer_error(kind, question, on, foi_request)
    return None


def _answer_error(kind: str, question: str, on: dt.date, foi_request: FoiRequest) -> str | None:
    asked = (
        RequestEvent.objects.filter(request=foi_request, kind=question)
        .order_by("-on", "-pk")
        .first()
    )
    if asked is None or on >= asked.on:
        return None
    return (
        f"That is before “{asked.get_kind_display()}” on {long(asked.on)}: "
        f"“{EventKind(kind).label}” must come after it."
    )
