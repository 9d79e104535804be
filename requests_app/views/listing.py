"""Pieces shared by the pages that list requests: deadline rows and pagination."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

from requests_app.deadlines.calendars import ExtraNonWorkingDay
from requests_app.models import FoiRequest
from requests_app.models.versions import counts_version

PAGE_SIZE = 50
COUNT_CAP = 10_000
# Counts kept for a day at most: the version in their key already tells a change apart.
COUNT_SECONDS = 24 * 3600
# What a row of a request table shows (request_rows in foi_tags.py) and what its deadline
# arithmetic reads (RequestRow, FoiRequest.working_days_left).
TABLE_ROW_FIELDS = (
    "reference",
    "title",
    "status",
    "regime",
    "sent_on",
    "next_due_on",
    "public_body__name",
    "public_body__short_name",
    "public_body__nation",
    "public_body__subdivision",
    "campaign__name",
)


@dataclass(frozen=True)
class RequestRow:
    """A request with its working days left, computed once in the view, not per template."""

    foi_request: FoiRequest
    days_left: int | None
    is_overdue: bool
    # A reply waits for review (with_reply_to_review): shown instead of "overdue".
    reply_to_review: bool = False


def table_rows(requests: QuerySet[FoiRequest]) -> QuerySet[FoiRequest]:
    """Only the columns a request table shows, of the request, its body and its campaign.

    A page of fifty rows built two hundred model objects with every column of the
    request, its body, its campaign and its owner: more work than the query itself.
    """
    related = requests.select_related(None).select_related("public_body", "campaign")
    return related.only(*TABLE_ROW_FIELDS)


def deadline_rows(
    requests: Iterable[FoiRequest],
    today: dt.date,
    extra_days: tuple[ExtraNonWorkingDay, ...],
) -> list[RequestRow]:
    return [row_of(foi_request, today, extra_days) for foi_request in requests]


def row_of(
    foi_request: FoiRequest, today: dt.date, extra_days: tuple[ExtraNonWorkingDay, ...]
) -> RequestRow:
    reply_to_review = bool(getattr(foi_request, "has_reply_to_review", False))
    return RequestRow(
        foi_request=foi_request,
        days_left=foi_request.working_days_left(today, extra_days),
        is_overdue=foi_request.is_overdue(today) and not reply_to_review,
        reply_to_review=reply_to_review,
    )


class KeysFirstPaginator(Paginator):
    """Finds the page's primary keys first, then loads only those rows.

    An OFFSET deep into a long list makes the database read every row it skips. Asked
    for keys alone, it can skip through an index that holds the sort and visibility
    columns without touching the table; the page's own rows are then read by key, in
    the same statement (a second one cost a round trip and a second compiling of the
    whole filter).

    Rows are counted up to COUNT_CAP and one more: counting every request of a large
    archive cost more than the page itself, and a list that long says "more than".

    With a `count_key` (`versioned_count_key`), the count is kept in the cache under it.
    """

    def __init__(self, *args: Any, count_key: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self) -> int:
        if self.count_key is None:
            return self.counted()
        key = f"{self.count_key}:{COUNT_CAP}"
        count = cache.get(key)
        if count is None:
            count = self.counted()
            cache.set(key, count, COUNT_SECONDS)
        return int(count)

    def counted(self) -> int:
        items: QuerySet[Any] = self.object_list  # type: ignore[assignment]
        # Keys alone: counted whole rows, the database worked out every row's annotations
        # (a request's "reply to review" is a subquery) only to count them.
        return items.order_by().values("pk")[: COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        """More rows than were counted."""
        return self.count > COUNT_CAP

    @property
    def shown_count(self) -> str:
        return f"More than {COUNT_CAP:,}" if self.capped else str(self.count)

    def page(self, number: int | str) -> Page[Any]:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count and not self.capped:
            top = self.count
        items: QuerySet[Any] = self.object_list  # type: ignore[assignment]
        # One statement: the rows of the keys the inner query finds, in the same order.
        keys = items.values("pk")[bottom:top]
        return Page(list(items.filter(pk__in=keys)), number, self)


def paginate(
    request: HttpRequest,
    items: QuerySet[Any],
    per_page: int = PAGE_SIZE,
    *,
    count_key: str | None = None,
) -> Page[Any]:
    """The asked-for page; a malformed number gives the first, one too large the last."""
    paginator = KeysFirstPaginator(items, per_page, count_key=count_key)
    return paginator.get_page(request.GET.get("page"))


def versioned_count_key(request: HttpRequest, *parts: object) -> str:
    """A key for a count of the user's visible requests narrowed by `parts`, under
    `counts_version`.

    The version (kept by the database's triggers) changes with every statement that
    moves a request's owner, campaign, visibility, status or next deadline, adds or
    removes one, or changes a membership: a count that reads nothing else may be kept
    under it. A count narrowed by any other column (body, tag, dates, text) must not.
    A large archive's campaigner waited on counting thousands of requests on every view.
    """
    version = hashlib.sha256(counts_version().encode()).hexdigest()[:32]
    narrowed = ":".join(str(part) for part in parts)
    return f"request-count:{request.user.pk}:{version}:{narrowed}"
