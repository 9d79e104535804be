"""The dates a calendar shows: every deadline that still applies to the requests a user can see.

A date the request has moved past (the response came, the review was decided) is not
shown: `FoiRequest.live_dates` says which apply, and the query asks only for those.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse

from requests_app.models import FoiRequest
from requests_app.models.requests import (
    LIVE_STATUSES,
    WAITING_STATUSES,
    Status,
    live_dates_of,
)

# Stored date field → (kind shown on calendars, label).
DATE_KINDS = {
    "due_on": ("due", "Response due"),
    "extended_due_on": ("extended", "Extended deadline"),
    "review_due_on": ("review", "Internal review due"),
    "review_request_closes_on": ("review-request", "Last day to ask for an internal review"),
    "escalation_closes_on": ("regulator", "Last day to complain to the regulator"),
}


# What an entry shows of its request and what decides which dates apply: read as plain
# values, not as models (a busy month of a large archive has thousands of requests).
SHOWN_FIELDS = (
    "reference",
    "title",
    "status",
    "next_due_on",
    "public_body__name",
    "public_body__short_name",
    *LIVE_STATUSES,
)


@dataclass(frozen=True, slots=True)
class DatedBody:
    name: str
    short_name: str


@dataclass(frozen=True, slots=True)
class DatedRequest:
    """The part of a request a calendar shows."""

    reference: str
    title: str
    status: str
    next_due_on: dt.date | None
    public_body: DatedBody
    dates: dict[str, dt.date | None]

    def live_dates(self) -> dict[str, dt.date]:
        return live_dates_of(self.status, self.dates)

    def get_absolute_url(self) -> str:
        return reverse("request_detail", kwargs={"reference": self.reference})


def dated_request(row: tuple[Any, ...]) -> DatedRequest:
    reference, title, status, next_due_on, body_name, body_short_name, *dates = row
    return DatedRequest(
        reference=reference,
        title=title,
        status=status,
        next_due_on=next_due_on,
        public_body=DatedBody(body_name, body_short_name),
        dates=dict(zip(LIVE_STATUSES, dates, strict=True)),
    )


@dataclass(frozen=True)
class CalendarEntry:
    on: dt.date
    kind: str
    label: str
    foi_request: DatedRequest
    is_overdue: bool

    @property
    def summary(self) -> str:
        body = self.foi_request.public_body.short_name or self.foi_request.public_body.name
        return f"{self.label}: {body} — {self.foi_request.title} ({self.foi_request.reference})"


def calendar_entries(
    requests: QuerySet[FoiRequest], *, first: dt.date, last: dt.date, today: dt.date
) -> list[CalendarEntry]:
    """Entries dated within [first, last], in date order; one query whatever the range."""
    in_range = Q()
    for field in DATE_KINDS:
        dated = Q(**{f"{field}__gte": first, f"{field}__lte": last})
        in_range |= dated & Q(status__in=LIVE_STATUSES[field])
    rows = requests.filter(in_range).exclude(status__in=(Status.WITHDRAWN, Status.CLOSED))
    # Only what an entry shows and what decides which dates apply: not the text, notes
    # or the deadlines' reasoning of hundreds of requests.
    entries = [
        entry
        for row in rows.values_list(*SHOWN_FIELDS)
        for entry in _entries_of(dated_request(row), first, last, today)
    ]
    return sorted(entries, key=lambda entry: (entry.on, entry.foi_request.reference))


def _entries_of(
    foi_request: DatedRequest, first: dt.date, last: dt.date, today: dt.date
) -> list[CalendarEntry]:
    entries = []
    live = foi_request.live_dates()
    for field, (kind, label) in DATE_KINDS.items():
        on = live.get(field)
        if on is None or not first <= on <= last:
            continue
        overdue = on < today and _still_owed(foi_request, field)
        entries.append(CalendarEntry(on, kind, label, foi_request, overdue))
    return entries


def _still_owed(foi_request: DatedRequest, field: str) -> bool:
    if field in ("escalation_closes_on", "review_request_closes_on"):
        return False
    return (
        foi_request.status in WAITING_STATUSES
        and foi_request.next_due_on is not None
        and foi_request.dates.get(field) == foi_request.next_due_on
    )
