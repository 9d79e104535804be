"""The dashboard: what is open, what is overdue, what falls due soon, what came in."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from requests_app.deadlines.calendars import ExtraNonWorkingDay
from requests_app.models import Direction, FoiRequest, Message, NonWorkingDay
from requests_app.models.correspondence import MessageQuerySet
from requests_app.models.requests import WAITING_STATUSES, FoiRequestQuerySet
from requests_app.models.versions import cached_under_version
from requests_app.views.access import signed_in_user
from requests_app.views.listing import RequestRow, deadline_rows, table_rows
from requests_app.views.page_cache import cached_page

OPEN_LIMIT = 50
DUE_SOON_DAYS = 14
DUE_SOON_LIMIT = 50  # the soonest; the rest are on the open list, in date order
RECENT_REPLIES = 10
REVIEW_LIMIT = 50
# What a line of the replies' lists shows (review_items, recent_reply_items in foi_tags.py).
REPLY_FIELDS = ("pk", "sent_at", "subject", "sender", "request__reference")


@login_required
@cached_page
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
    return cached_under_version(
        f"dashboard-counts:{user_id}:{today.isoformat()}",
        lambda: count_open(visible.with_reply_to_review(), today),
    )


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


def open_rows(
    visible: FoiRequestQuerySet, today: dt.date, extra_days: tuple[ExtraNonWorkingDay, ...]
) -> list[RequestRow]:
    """The first OPEN_LIMIT requests waiting for an answer, soonest deadline first."""
    requests = visible.waiting().with_reply_to_review().by_next_deadline()
    return deadline_rows(table_rows(requests)[:OPEN_LIMIT], today, extra_days)


def due_soon(
    visible: FoiRequestQuerySet, today: dt.date, extra_days: tuple[ExtraNonWorkingDay, ...]
) -> list[RequestRow]:
    """The open requests due in the next DUE_SOON_DAYS days, soonest first."""
    last = today + dt.timedelta(days=DUE_SOON_DAYS)
    requests = visible.due_between(today, last).with_reply_to_review().by_next_deadline()
    return deadline_rows(table_rows(requests)[:DUE_SOON_LIMIT], today, extra_days)


def replies_to_review(filed: MessageQuerySet) -> list[dict[str, Any]]:
    """Replies nobody has said what they are yet, oldest first: they come first.

    Read as values, what `review_items` writes: no model objects for fifty lines.
    """
    messages = filed.awaiting_review().order_by("sent_at", "id")[:REVIEW_LIMIT]
    return list(messages.values(*REPLY_FIELDS, "request__title"))


def recent_replies(filed: MessageQuerySet) -> list[dict[str, Any]]:
    messages = filed.filter(direction=Direction.INCOMING).order_by("-sent_at", "-id")
    return list(messages[:RECENT_REPLIES].values(*REPLY_FIELDS))
