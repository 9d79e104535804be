"""The dates a calendar shows: every deadline that still applies to the requests a user can see.

A date the request has moved past (the response came, the review was decided) is not
shown: `FoiRequest.live_dates` says which apply, and the query asks only for those.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from requests_app.models import FoiRequest
from requests_app.models.requests import LIVE_STATUSES, WAITING_STATUSES, Status

# Stored date field → (kind shown on calendars, label).
DATE_KINDS = {
    "due_on": ("due", "Response due"),
    "extended_due_on": ("extended", "Extended deadline"),
    "review_due_on": ("review", "Internal review due"),
    "review_request_closes_on": ("review-request", "Last day to ask for an internal review"),
    "escalation_closes_on": ("regulator", "Last day to complain to the regulator"),
}


SHOWN_FIELDS = (
    "reference",
    "title",
    "status",
    "next_due_on",
    *LIVE_STATUSES,
    "public_body__name",
    "public_body__short_name",
)


@dataclass(frozen=True)
class CalendarEntry:
    on: dt.date
    kind: str
    label: str
    foi_request: FoiRequest
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
    rows = rows.select_related("public_body").only(*SHOWN_FIELDS)
    entries = [
        entry for foi_request in rows for entry in _entries_of(foi_request, first, last, today)
    ]
    return sorted(entries, key=lambda entry: (entry.on, entry.foi_request.reference))


def _entries_of(
    foi_request: FoiRequest, first: dt.date, last: dt.date, today: dt.date
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


def _still_owed(foi_request: FoiRequest, field: str) -> bool:
    if field in ("escalation_closes_on", "review_request_closes_on"):
        return False
    return (
        foi_request.status in WAITING_STATUSES
        and foi_request.next_due_on is not None
        and (getattr(foi_request, field) == foi_request.next_due_on)
    )
