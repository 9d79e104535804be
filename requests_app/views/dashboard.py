"""The dashboard: what is open, what is overdue, what falls due soon, what came in."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from requests_app.deadlines.calendars import ExtraNonWorkingDay
from requests_app.models import Direction, FoiRequest, Message, NonWorkingDay
from requests_app.models.correspondence import MessageQuerySet
from requests_app.models.requests import WAITING_STATUSES, FoiRequestQuerySet, deadline_calendar
from requests_app.models.versions import counts_version
from requests_app.views.access import signed_in_user

OPEN_LIMIT = 50
DUE_SOON_DAYS = 14
DUE_SOON_LIMIT = 50  # the soonest; the rest are on the open list, in date order
RECENT_REPLIES = 10
REVIEW_LIMIT = 50
# What a line of the replies' lists shows (review_items, recent_reply_items in foi_tags.py).
REPLY_FIELDS = ("pk", "sent_at", "subject", "sender", "request__reference")
# What the lists of requests show and what their working days left are counted with.
DUE_SOON_FIELDS = (
    "reference",
    "title",
    "regime",
    "next_due_on",
    "public_body__name",
    "public_body__short_name",
    "public_body__nation",
    "public_body__subdivision",
)
OPEN_FIELDS = (*DUE_SOON_FIELDS, "status", "sent_on", "campaign__name", "has_reply_to_review")
# Counts kept for a day at most: the version in the key already tells a change apart.
COUNTS_SECONDS = 24 * 3600


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    extra_days = NonWorkingDay.engine_days()
    user = signed_in_user(request)
    visible = FoiRequest.objects.visible_to(user)
    counts = open_counts(user.pk, visible, today)
    filed = Message.objects.filed_visible_to(user)
    context = {
        "today": today,
        "open_rows": open_rows(visible, today, extra_days),
        "open_count": counts["open"],
        "overdue_count": counts["overdue"],
        "due_soon_rows": due_soon(visible, today, extra_days),
        "due_soon_days": DUE_SOON_DAYS,
        "due_soon_limit": DUE_SOON_LIMIT,
        "review_limit": REVIEW_LIMIT,
        "replies": recent_replies(filed),
        "to_review": replies_to_review(filed),
        "open_list_url": open_list_url(),
    }
    return render(request, "requests_app/dashboard.html", context)


def open_counts(user_id: int, visible: FoiRequestQuerySet, today: dt.date) -> dict[str, int]:
    """How many of the user's requests wait for an answer and how many of those are
    overdue; counted again only when something counted may have changed.

    The version (`counts_version`, kept by the database's triggers) changes with every
    request, reply or membership that could move a count, by whatever path; the day is
    in the key because "overdue" moves with it.
    """
    version = hashlib.sha256(counts_version().encode()).hexdigest()[:32]
    key = f"dashboard-counts:{user_id}:{today.isoformat()}:{version}"
    counts = cache.get(key)
    if counts is None:
        counts = count_open(visible.with_reply_to_review(), today)
        cache.set(key, counts, COUNTS_SECONDS)
    return counts


def count_open(visible: FoiRequestQuerySet, today: dt.date) -> dict[str, int]:
    # Both counts in one pass over the waiting requests, counting columns the visibility
    # index holds so that PostgreSQL answers from the index alone.
    # A request whose reply waits for review is not counted overdue: the reply may be the
    # answer (the rows say "reply received — not yet reviewed" instead).
    return visible.waiting().aggregate(
        open=Count("status"),
        overdue=Count("status", filter=Q(next_due_on__lt=today, has_reply_to_review=False)),
    )


def open_list_url() -> str:
    query = urlencode([("status", str(status)) for status in WAITING_STATUSES])
    return f"{reverse('request_list')}?{query}"


@dataclass(frozen=True)
class BodyNames:
    name: str
    short_name: str


@dataclass(frozen=True)
class CampaignName:
    name: str


@dataclass(frozen=True)
class OpenRequest:
    """A waiting request as a row of the open table shows it (`request_rows` in foi_tags.py
    reads these attributes), read as values: three model objects a row cost more than
    the query that read them."""

    reference: str
    title: str
    status: str
    sent_on: dt.date | None
    next_due_on: dt.date | None
    public_body: BodyNames
    campaign: CampaignName | None


@dataclass(frozen=True)
class OpenRow:
    """`RequestRow` (views/listing.py) for a request read as values."""

    foi_request: OpenRequest
    days_left: int | None
    is_overdue: bool
    reply_to_review: bool


def open_rows(
    visible: FoiRequestQuerySet, today: dt.date, extra_days: tuple[ExtraNonWorkingDay, ...]
) -> list[OpenRow]:
    """The first OPEN_LIMIT requests waiting for an answer, soonest deadline first."""
    requests = visible.waiting().with_reply_to_review().by_next_deadline()[:OPEN_LIMIT]
    return [open_row(values, today, extra_days) for values in requests.values(*OPEN_FIELDS)]


def open_row(
    values: dict[str, Any], today: dt.date, extra_days: tuple[ExtraNonWorkingDay, ...]
) -> OpenRow:
    due, reply_to_review = values["next_due_on"], values["has_reply_to_review"]
    campaign = values["campaign__name"]
    foi_request = OpenRequest(
        reference=values["reference"],
        title=values["title"],
        status=values["status"],
        sent_on=values["sent_on"],
        next_due_on=due,
        public_body=BodyNames(values["public_body__name"], values["public_body__short_name"]),
        campaign=None if campaign is None else CampaignName(campaign),
    )
    return OpenRow(
        foi_request=foi_request,
        days_left=None if due is None else working_days_left(values, today, extra_days),
        # A reply waiting for review may be the answer: the row says so instead.
        is_overdue=due is not None and due < today and not reply_to_review,
        reply_to_review=reply_to_review,
    )


def working_days_left(
    values: dict[str, Any], today: dt.date, extra_days: tuple[ExtraNonWorkingDay, ...]
) -> int:
    """FoiRequest.working_days_left for a waiting request with a deadline, read as values."""
    calendar = deadline_calendar(
        values["regime"],
        values["public_body__nation"],
        extra_days,
        values["public_body__subdivision"],
    )
    return calendar.working_days_between(today, values["next_due_on"])


def due_soon(
    visible: FoiRequestQuerySet, today: dt.date, extra_days: tuple[ExtraNonWorkingDay, ...]
) -> list[dict[str, Any]]:
    """The open requests due in the next DUE_SOON_DAYS days, soonest first, as values
    with their working days left: what `due_soon_items` writes, without model objects."""
    last = today + dt.timedelta(days=DUE_SOON_DAYS)
    requests = visible.due_between(today, last).by_next_deadline()[:DUE_SOON_LIMIT]
    rows = list(requests.values(*DUE_SOON_FIELDS))
    for row in rows:
        row["days_left"] = working_days_left(row, today, extra_days)
    return rows


def replies_to_review(filed: MessageQuerySet) -> list[dict[str, Any]]:
    """Replies nobody has said what they are yet, oldest first: they come first.

    Read as values, what `review_items` writes: no model objects for fifty lines.
    """
    messages = filed.awaiting_review().order_by("sent_at", "id")[:REVIEW_LIMIT]
    return list(messages.values(*REPLY_FIELDS, "request__title"))


def recent_replies(filed: MessageQuerySet) -> list[dict[str, Any]]:
    messages = filed.filter(direction=Direction.INCOMING).order_by("-sent_at", "-id")
    return list(messages[:RECENT_REPLIES].values(*REPLY_FIELDS))
