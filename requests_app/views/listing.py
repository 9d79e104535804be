"""Pieces shared by the pages that list requests: deadline rows and pagination."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.db.models.query import BaseIterable
from django.http import HttpRequest
from django.utils.functional import cached_property

from requests_app.deadlines.calendars import ExtraNonWorkingDay
from requests_app.models import FoiRequest
from requests_app.models.versions import cached_under_version

PAGE_SIZE = 50
COUNT_CAP = 10_000
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


class ListedBody(NamedTuple):
    name: str
    short_name: str
    nation: str
    subdivision: str


class ListedCampaign(NamedTuple):
    name: str


class ListedRequest:
    """A request as a request table shows it, read as plain values (`table_rows`).

    Fifty model objects, and as many bodies and campaigns, took twice as long to build
    as the values they hold. The deadline questions are answered by the model's own
    methods, so a listed request cannot count days differently from a loaded one.
    """

    __slots__ = (
        "campaign",
        "has_reply_to_review",
        "next_due_on",
        "pk",
        "public_body",
        "reference",
        "regime",
        "sent_on",
        "status",
        "title",
    )

    # The model's functions, bound to a ListedRequest as to a FoiRequest: they read only
    # the slots above.
    is_waiting = FoiRequest.is_waiting
    is_overdue: Callable[[dt.date], bool] = FoiRequest.is_overdue  # type: ignore[assignment]
    working_days_left: Callable[[dt.date, tuple[ExtraNonWorkingDay, ...] | None], int | None]
    working_days_left = FoiRequest.working_days_left  # type: ignore[assignment]

    def __init__(self, values: tuple[Any, ...]) -> None:
        (
            self.pk,
            self.reference,
            self.title,
            self.status,
            self.regime,
            self.sent_on,
            self.next_due_on,
            body_name,
            short_name,
            nation,
            subdivision,
            campaign_name,
            self.has_reply_to_review,
        ) = values
        self.public_body = ListedBody(body_name, short_name, nation, subdivision)
        self.campaign = None if campaign_name is None else ListedCampaign(campaign_name)


class ListedRequestIterable(BaseIterable):
    """A QuerySet's rows as ListedRequests. The columns are chosen only when the rows are
    read, so that the same QuerySet's keys and count join no other table."""

    def __iter__(self) -> Iterator[ListedRequest]:
        values = self.queryset.values_list("pk", *TABLE_ROW_FIELDS, "has_reply_to_review")
        return map(ListedRequest, values)


@dataclass(frozen=True)
class RequestRow:
    """A request with its working days left, computed once in the view, not per template."""

    foi_request: FoiRequest | ListedRequest
    days_left: int | None
    is_overdue: bool
    # A reply waits for review (with_reply_to_review): shown instead of "overdue".
    reply_to_review: bool = False


def table_rows(requests: QuerySet[FoiRequest]) -> QuerySet[Any]:
    """Only the columns a request table shows, of the request, its body and its campaign,
    as ListedRequests; `requests` must come `with_reply_to_review()`.

    A page of fifty rows built two hundred model objects with every column of the
    request, its body, its campaign and its owner: more work than the query itself.
    """
    rows = requests.all()
    rows._iterable_class = ListedRequestIterable
    return rows


def deadline_rows(
    requests: Iterable[FoiRequest | ListedRequest],
    today: dt.date,
    extra_days: tuple[ExtraNonWorkingDay, ...],
) -> list[RequestRow]:
    return [row_of(foi_request, today, extra_days) for foi_request in requests]


def row_of(
    foi_request: FoiRequest | ListedRequest,
    today: dt.date,
    extra_days: tuple[ExtraNonWorkingDay, ...],
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

    With a `count_key` (`versioned_count_key`), the count is kept in the cache under it
    and the counts' version (`cached_under_version`).
    """

    def __init__(self, *args: Any, count_key: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self) -> int:
        if self.count_key is None:
            return self.counted()
        return int(cached_under_version(f"{self.count_key}:{COUNT_CAP}", self.counted))

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
    """A key for a count of the user's visible requests narrowed by `parts`, kept under
    `counts_version` (`cached_under_version`).

    The version (kept by the database's triggers) changes with every statement that
    moves a request's owner, campaign, visibility, status, next deadline or body, adds or
    removes one, or changes a membership: a count that reads nothing else may be kept
    under it. A count narrowed by any other column (tag, sent dates, text) must not.
    A large archive's campaigner waited on counting thousands of requests on every view.
    """
    narrowed = ":".join(str(part) for part in parts)
    return f"request-count:{request.user.pk}:{narrowed}"
