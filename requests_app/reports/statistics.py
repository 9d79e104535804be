"""Figures about a set of requests: how bodies answer, how fast, and what they cite.

Everything that can be counted is counted by the database, in a fixed number of grouped
queries whatever the number of requests. Only working days need the calendars of the
deadline engine: one query fetches each answered request's dates and the counting is
arithmetic on its rows (two binary searches each in a shared, cached calendar).

How the figures are defined (the insights pages print the same definitions):

- *sent*: the request has a date sent or a date received.
- *answered*: a response event was recorded; the first one is "the answer", its date the
  day answered and its outcome the outcome.
- *on time*: answered on or before the statutory due date (`due_on`); *on time allowing
  extensions*: on or before the extended date where an extension was claimed
  (`extended_due_on`), else the statutory one. The rates divide by the requests whose time
  is up: answered, or not answered and past that date. A request not yet due counts
  neither way.
- *working days to answer*: from the day of receipt (day 0, FOIA s.10(1)) to the day
  answered, in the request's own calendar (FOIA s.10(6): no weekends or bank holidays in
  any part of the UK; FOISA s.73: Scotland's). Median, and 90th percentile by the
  nearest-rank method (the smallest value that at least 90% of answers did not exceed).
- *overdue now*: `FoiRequest.objects.overdue(today)`: waiting and past the date owed.
- *refusal rate*: answers whose outcome was "refused" divided by answers; answers
  "partially successful" are counted and shown beside it as refused in part.
- *internal reviews*: review_requested events; their decisions' `details["outcome"]`.
- *complaints to the regulator*: complaint_lodged events; decision notices'
  `details["outcome"]` (COMPLAINT_OUTCOMES).
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, TruncMonth

from requests_app.deadlines.calendars import Calendar, ExtraNonWorkingDay
from requests_app.models import EventKind, FoiRequest, NonWorkingDay, RequestEvent, Status
from requests_app.models.law import Exemption
from requests_app.models.requests import deadline_calendar, overdue_on


class ReviewOutcome(models.TextChoices):
    """What an internal review decided, as the review_decided event records it."""

    UPHELD = "upheld", "Original decision upheld"
    OVERTURNED = "overturned", "Original decision overturned"
    PARTLY = "partly", "Partly upheld"


class ComplaintOutcome(models.TextChoices):
    """What the regulator decided on a complaint, as the decision_notice event records it."""

    UPHELD = "upheld", "Complaint upheld"
    NOT_UPHELD = "not_upheld", "Complaint not upheld"
    PARTLY = "partly", "Complaint partly upheld"


REVIEW_OUTCOMES = ReviewOutcome.choices
COMPLAINT_OUTCOMES = ComplaintOutcome.choices

# The outcomes a first answer can have, in the order charts and tables show them.
ANSWER_OUTCOMES = (
    Status.SUCCESSFUL,
    Status.PARTIALLY_SUCCESSFUL,
    Status.REFUSED,
    Status.NOT_HELD,
)

# Working days to answer, grouped for the distribution: a week at a time up to the
# usual 20-day limit, then wider bands up to and beyond the 40-day maximum extension.
BUCKET_BOUNDS: tuple[tuple[int, int | None], ...] = (
    (0, 5),
    (6, 10),
    (11, 15),
    (16, 20),
    (21, 30),
    (31, 40),
    (41, 60),
    (61, None),
)

P90 = 90

# The parts of a month's requests, as MonthCount attributes with their labels.
MONTH_PARTS: tuple[tuple[str, str], ...] = (
    ("successful", "Successful"),
    ("partially_successful", "Partially successful"),
    ("refused", "Refused"),
    ("not_held", "Information not held"),
    ("outcome_not_recorded", "Other outcome"),
    ("not_answered", "Not answered"),
)

# What the league table needs of each body, read in the same grouped query.
BODY_FIELDS = (
    "public_body_id",
    "public_body__slug",
    "public_body__name",
    "public_body__short_name",
)


# --- results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewFigures:
    requested: int
    decided: int
    upheld: int
    overturned: int
    partly: int

    @property
    def outcome_not_recorded(self) -> int:
        return self.decided - self.upheld - self.overturned - self.partly


@dataclass(frozen=True)
class ComplaintFigures:
    lodged: int
    decided: int
    upheld: int
    not_upheld: int
    partly: int

    @property
    def outcome_not_recorded(self) -> int:
        return self.decided - self.upheld - self.not_upheld - self.partly


@dataclass(frozen=True)
class RequestStatistics:
    sent: int
    answered: int
    due_by_now: int  # answered, or past the statutory date unanswered
    answered_on_time: int  # by the statutory date
    extensions_claimed: int
    due_by_now_with_extensions: int
    answered_on_time_with_extensions: int  # by the extended date where one was claimed
    median_working_days: float | None
    p90_working_days: int | None
    overdue: int
    refused: int
    partly_refused: int
    not_held: int
    reviews: ReviewFigures
    complaints: ComplaintFigures

    @property
    def on_time_rate(self) -> float | None:
        return _ratio(self.answered_on_time, self.due_by_now)

    @property
    def on_time_rate_with_extensions(self) -> float | None:
        return _ratio(self.answered_on_time_with_extensions, self.due_by_now_with_extensions)

    @property
    def refusal_rate(self) -> float | None:
        return _ratio(self.refused, self.answered)

    @property
    def partial_refusal_rate(self) -> float | None:
        return _ratio(self.partly_refused, self.answered)


@dataclass(frozen=True)
class BodyStatistics:
    slug: str
    name: str
    short_name: str
    statistics: RequestStatistics

    @property
    def label(self) -> str:
        return self.short_name or self.name


@dataclass(frozen=True)
class ExemptionCount:
    citation: str  # "FOIA s.36", "EIR reg 12(4)(b)"
    title: str
    count: int  # requests citing it


@dataclass(frozen=True)
class MonthCount:
    month: date  # the first of the month
    sent: int
    successful: int
    partially_successful: int
    refused: int
    not_held: int
    not_answered: int

    @property
    def outcome_not_recorded(self) -> int:
        """Answered, but with an outcome outside the four the charts know."""
        known = self.successful + self.partially_successful + self.refused + self.not_held
        return self.sent - known - self.not_answered

    @property
    def by_outcome(self) -> tuple[tuple[str, str, int], ...]:
        """(key, label, count) for each part of the month's bar, bottom first."""
        return tuple((key, label, getattr(self, key)) for key, label in MONTH_PARTS)


@dataclass(frozen=True)
class Bucket:
    label: str
    low: int
    high: int | None  # None: no upper bound
    count: int


@dataclass(frozen=True)
class Insights:
    """Every figure of a dashboard, computed with the answer dates read once."""

    statistics: RequestStatistics
    bodies: tuple[BodyStatistics, ...]
    exemptions: tuple[ExemptionCount, ...]
    months: tuple[MonthCount, ...]
    response_times: tuple[Bucket, ...]


# --- public functions ----------------------------------------------------------------


def request_statistics(requests: QuerySet[FoiRequest], *, today: date) -> RequestStatistics:
    """The headline figures over ``requests`` (already limited to what the user may see).

    Pages keep these under `counts_version`: a column they come to read must be one its
    triggers watch (models/versions.py).
    """
    scope = _scope(requests)
    return _headline(_count(scope, today), _answer_times(scope))


def body_league_table(requests: QuerySet[FoiRequest], *, today: date) -> list[BodyStatistics]:
    """The same figures for each body the requests went to, in order of name."""
    scope = _scope(requests)
    return _league(_count(scope, today), _answer_times(scope))


def exemption_frequencies(requests: QuerySet[FoiRequest], *, today: date) -> list[ExemptionCount]:
    """Each exemption cited, with the number of requests citing it; most cited first."""
    through = FoiRequest.exemptions.through.objects.filter(
        foirequest__in=_scope(requests).values("pk")
    )
    rows = (
        through.values("exemption_id", "exemption__law", "exemption__section", "exemption__title")
        .annotate(count=Count("foirequest", distinct=True))
        .order_by("-count", "exemption__law", "exemption_id")
    )
    return [
        ExemptionCount(
            citation=Exemption(
                law=row["exemption__law"], section=row["exemption__section"]
            ).citation,
            title=row["exemption__title"],
            count=row["count"],
        )
        for row in rows
    ]


def requests_by_month(requests: QuerySet[FoiRequest], *, today: date) -> list[MonthCount]:
    """Requests sent each month up to today's, by the outcome of their first answer.

    Months without a request are included (as zeros) between the first and the last.
    """
    return _months(_count(_scope(requests), today), today)


def response_time_distribution(requests: QuerySet[FoiRequest], *, today: date) -> list[Bucket]:
    """How many answers took 0–5, 6–10 … working days; every bucket, even when empty."""
    return _buckets(time.days for time in _answer_times(_scope(requests)))


def insights(requests: QuerySet[FoiRequest], *, today: date, with_bodies: bool = True) -> Insights:
    """Everything a dashboard shows, each group of figures counted once."""
    scope = _scope(requests)
    times = _answer_times(scope)
    counts = _count(scope, today)
    return Insights(
        statistics=_headline(counts, times),
        bodies=tuple(_league(counts, times)) if with_bodies else (),
        exemptions=tuple(exemption_frequencies(scope, today=today)),
        months=tuple(_months(counts, today)),
        response_times=tuple(_buckets(time.days for time in times)),
    )


# --- counting in the database ----------------------------------------------------------
#
# The requests and their first answers are counted in two queries grouped by body and
# by month sent, so that one pair of queries serves the league table, the headline
# figures and the months (the Python side adds up a few hundred grouped rows at most,
# never one per request); reviews and complaints take one more, grouped by body.


@dataclass(frozen=True)
class _Counts:
    by_body: dict[int, dict[str, Any]]  # body id -> counts, and the body's name and slug
    by_month: dict[date, dict[str, int]]  # first of the month sent -> counts


class MonthSent(TruncMonth):
    """The first of the month; SQLite's own date() rather than a Python function per row."""

    def __init__(self, expression: Any) -> None:
        super().__init__(expression, output_field=models.DateField())

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        sql, params = compiler.compile(self.lhs)
        return f"date({sql}, 'start of month')", params


def _scope(requests: QuerySet[FoiRequest]) -> QuerySet[FoiRequest]:
    """The requests, once each: a filter across many-valued relations (tags, exemptions)
    joins one row per match, so such a query is read through its ids."""
    requests = requests.order_by()
    query = requests.query
    joined = [
        alias for alias, uses in query.alias_refcount.items() if uses and alias != query.base_table
    ]
    if not joined and not query.distinct:
        return requests
    return FoiRequest.objects.filter(pk__in=requests.values("pk"))


def _first_answers(scope: QuerySet[FoiRequest]) -> QuerySet[RequestEvent]:
    """Each request's first response event (no response before it): the day answered.

    Counting these events, rather than looking up each request's answer in a subquery,
    lets every count use the answer's date and outcome as plain columns.
    """
    earlier = RequestEvent.objects.filter(
        Q(on__lt=OuterRef("on")) | Q(on=OuterRef("on"), pk__lt=OuterRef("pk")),
        request=OuterRef("request"),
        kind=EventKind.RESPONSE,
    )
    return RequestEvent.objects.filter(
        ~Exists(earlier), kind=EventKind.RESPONSE, request__in=scope.values("pk")
    ).order_by()


def _outcome_is(outcome: str) -> Q:
    return Q(details__outcome=str(outcome))


def _request_expressions(today: date) -> dict[str, Count]:
    return {
        "sent": Count("pk", filter=Q(sent_on__isnull=False) | Q(received_on__isnull=False)),
        "extensions_claimed": Count("pk", filter=Q(extended_due_on__isnull=False)),
        "overdue": Count("pk", filter=overdue_on(today)),
        "past_due": Count("pk", filter=Q(due_on__lt=today)),
        "past_extended_date": Count("pk", filter=Q(extended_date__lt=today)),
    }


def _answer_expressions(today: date) -> dict[str, Count]:
    extended_date = Coalesce("request__extended_due_on", "request__due_on")
    return {
        "answered": Count("pk"),
        "answered_on_time": Count("pk", filter=Q(on__lte=F("request__due_on"))),
        "answered_on_time_with_extensions": Count("pk", filter=Q(on__lte=extended_date)),
        "answered_past_due": Count("pk", filter=Q(request__due_on__lt=today)),
        "answered_past_extended_date": Count("pk", filter=Q(extended_date__lt=today)),
        "successful": Count("pk", filter=_outcome_is(Status.SUCCESSFUL)),
        "refused": Count("pk", filter=_outcome_is(Status.REFUSED)),
        "partly_refused": Count("pk", filter=_outcome_is(Status.PARTIALLY_SUCCESSFUL)),
        "not_held": Count("pk", filter=_outcome_is(Status.NOT_HELD)),
    }


def _event_expressions() -> dict[str, Count]:
    def kind(name: str, outcome: str | None = None) -> Count:
        wanted = Q(kind=name) if outcome is None else Q(_outcome_is(outcome), kind=name)
        return Count("pk", filter=wanted)

    decided, notice = EventKind.REVIEW_DECIDED, EventKind.DECISION_NOTICE
    return {
        "reviews_requested": kind(EventKind.REVIEW_REQUESTED),
        "reviews_decided": kind(decided),
        "review_upheld": kind(decided, ReviewOutcome.UPHELD),
        "review_overturned": kind(decided, ReviewOutcome.OVERTURNED),
        "review_partly": kind(decided, ReviewOutcome.PARTLY),
        "complaints_lodged": kind(EventKind.COMPLAINT_LODGED),
        "complaints_decided": kind(notice),
        "complaint_upheld": kind(notice, ComplaintOutcome.UPHELD),
        "complaint_not_upheld": kind(notice, ComplaintOutcome.NOT_UPHELD),
        "complaint_partly": kind(notice, ComplaintOutcome.PARTLY),
    }


EVENT_KINDS_COUNTED = (
    EventKind.REVIEW_REQUESTED,
    EventKind.REVIEW_DECIDED,
    EventKind.COMPLAINT_LODGED,
    EventKind.DECISION_NOTICE,
)
REQUEST_COUNTS = tuple(_request_expressions(date.min))
ANSWER_COUNTS = tuple(_answer_expressions(date.min))
EVENT_COUNTS = tuple(_event_expressions())


def _count(scope: QuerySet[FoiRequest], today: date) -> _Counts:
    """Every count, from three queries grouped by body (and month sent)."""
    requests = (
        scope.alias(extended_date=Coalesce("extended_due_on", "due_on"))
        .values(*BODY_FIELDS, month=MonthSent(Coalesce("sent_on", "received_on")))
        .annotate(**_request_expressions(today))
    )
    answers = (
        _first_answers(scope)
        .alias(extended_date=Coalesce("request__extended_due_on", "request__due_on"))
        .values(
            body_id=F("request__public_body_id"),
            month=MonthSent(Coalesce("request__sent_on", "request__received_on")),
        )
        .annotate(**_answer_expressions(today))
    )
    events = (
        RequestEvent.objects.filter(request__in=scope.values("pk"), kind__in=EVENT_KINDS_COUNTED)
        .values(body_id=F("request__public_body_id"))
        .annotate(**_event_expressions())
        .order_by()
    )
    counts = _Counts(by_body={}, by_month={})
    for row in requests.order_by():
        body = counts.by_body.setdefault(row["public_body_id"], _body_fields(row))
        _add(body, row, REQUEST_COUNTS)
        _add(counts.by_month.setdefault(row["month"], {}), row, ("sent",))
    for row in answers.order_by():
        _add(counts.by_body[row["body_id"]], row, ANSWER_COUNTS)
        _add(counts.by_month.setdefault(row["month"], {}), row, ANSWER_COUNTS)
    for row in events:
        _add(counts.by_body[row["body_id"]], row, EVENT_COUNTS)
    return counts


def _body_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    return {name: row[name] for name in BODY_FIELDS}


def _add(totals: dict[str, Any], row: Mapping[str, Any], names: Iterable[str]) -> None:
    for name in names:
        totals[name] = totals.get(name, 0) + (row.get(name) or 0)


# --- working days, counted in the engine's calendars ------------------------------------


@dataclass(frozen=True)
class _AnswerTime:
    public_body_id: int
    days: int


def _answer_times(
    scope: QuerySet[FoiRequest], extra_days: tuple[ExtraNonWorkingDay, ...] | None = None
) -> list[_AnswerTime]:
    """Working days from receipt to the first answer, for every answered request."""
    rows = _first_answers(scope).values_list(
        "request__public_body_id",
        "request__received_on",
        "request__sent_on",
        "on",
        "request__regime",
        "request__public_body__nation",
        "request__public_body__subdivision",
    )
    counter = _WorkingDayCounter(NonWorkingDay.engine_days() if extra_days is None else extra_days)
    times = []
    for body_id, received_on, sent_on, answered_on, regime, nation, place in rows:
        days = counter.between(regime, nation, received_on or sent_on, answered_on, place)
        if days is not None:
            times.append(_AnswerTime(body_id, days))
    return times


class _WorkingDayCounter:
    """One calendar per (regime, nation) for the whole call, not one lookup per row."""

    def __init__(self, extra_days: tuple[ExtraNonWorkingDay, ...]) -> None:
        self.extra_days = extra_days
        self.calendars: dict[tuple[str, str, str], Calendar | None] = {}

    def between(
        self, regime: str, nation: str, start: date | None, end: date, place: str = ""
    ) -> int | None:
        calendar = self._calendar(regime, nation, place)
        if calendar is None or start is None:
            return None
        try:
            days = calendar.working_days_between(start, end)
        except ValueError:  # a year the engine does not cover: a mistyped date
            return None
        # An answer dated before receipt is a typing slip; it took no time, not less.
        return max(days, 0)

    def _calendar(self, regime: str, nation: str, place: str) -> Calendar | None:
        key = (regime, nation, place)
        if key not in self.calendars:
            try:
                self.calendars[key] = deadline_calendar(regime, nation, self.extra_days, place)
            except (KeyError, ValueError):  # a regime no longer in the catalogue
                self.calendars[key] = None
        return self.calendars[key]


# --- assembling the results ------------------------------------------------------------


def _statistics(counts: Mapping[str, Any], days: Sequence[int]) -> RequestStatistics:
    def count(name: str) -> int:
        return int(counts.get(name) or 0)

    ordered = sorted(days)
    return RequestStatistics(
        sent=count("sent"),
        answered=count("answered"),
        # Due so far: answered, or unanswered and past the date (FOIA s.10(1)).
        due_by_now=count("answered") + count("past_due") - count("answered_past_due"),
        answered_on_time=count("answered_on_time"),
        extensions_claimed=count("extensions_claimed"),
        due_by_now_with_extensions=(
            count("answered") + count("past_extended_date") - count("answered_past_extended_date")
        ),
        answered_on_time_with_extensions=count("answered_on_time_with_extensions"),
        median_working_days=float(statistics.median(ordered)) if ordered else None,
        p90_working_days=_nearest_rank(ordered, P90),
        overdue=count("overdue"),
        refused=count("refused"),
        partly_refused=count("partly_refused"),
        not_held=count("not_held"),
        reviews=ReviewFigures(
            requested=count("reviews_requested"),
            decided=count("reviews_decided"),
            upheld=count("review_upheld"),
            overturned=count("review_overturned"),
            partly=count("review_partly"),
        ),
        complaints=ComplaintFigures(
            lodged=count("complaints_lodged"),
            decided=count("complaints_decided"),
            upheld=count("complaint_upheld"),
            not_upheld=count("complaint_not_upheld"),
            partly=count("complaint_partly"),
        ),
    )


def _headline(counts: _Counts, times: Sequence[_AnswerTime]) -> RequestStatistics:
    """The whole scope's figures: the bodies' counts added up."""
    totals: dict[str, Any] = {}
    for body in counts.by_body.values():
        _add(totals, body, (*REQUEST_COUNTS, *ANSWER_COUNTS, *EVENT_COUNTS))
    return _statistics(totals, [time.days for time in times])


def _league(counts: _Counts, times: Iterable[_AnswerTime]) -> list[BodyStatistics]:
    days_by_body: dict[int, list[int]] = defaultdict(list)
    for time in times:
        days_by_body[time.public_body_id].append(time.days)
    rows = [
        BodyStatistics(
            slug=body["public_body__slug"],
            name=body["public_body__name"],
            short_name=body["public_body__short_name"],
            statistics=_statistics(body, days_by_body[body_id]),
        )
        for body_id, body in counts.by_body.items()
    ]
    return sorted(rows, key=lambda body: (body.name.casefold(), body.slug))


def _months(counts: _Counts, today: date) -> list[MonthCount]:
    # Only months with requests sent (month None: drafts), and none after today's.
    found = {
        month: row
        for month, row in counts.by_month.items()
        if month is not None and month <= today and row.get("sent")
    }
    return [_month_count(month, found.get(month, {})) for month in _month_range(found)]


def _month_count(month: date, row: Mapping[str, int]) -> MonthCount:
    return MonthCount(
        month=month,
        sent=row.get("sent", 0),
        successful=row.get("successful", 0),
        partially_successful=row.get("partly_refused", 0),
        refused=row.get("refused", 0),
        not_held=row.get("not_held", 0),
        not_answered=row.get("sent", 0) - row.get("answered", 0),
    )


def _month_range(found: Mapping[date, Any]) -> list[date]:
    if not found:
        return []
    month, last = min(found), max(found)
    months = []
    while month <= last:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def _nearest_rank(ordered: Sequence[int], percentile: int) -> int | None:
    if not ordered:
        return None
    rank = math.ceil(percentile * len(ordered) / 100)
    return ordered[max(rank, 1) - 1]


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _buckets(days: Iterable[int]) -> list[Bucket]:
    tally = [0] * len(BUCKET_BOUNDS)
    for value in days:
        tally[_bucket_index(value)] += 1
    return [
        Bucket(label=_bucket_label(low, high), low=low, high=high, count=count)
        for (low, high), count in zip(BUCKET_BOUNDS, tally, strict=True)
    ]


def _bucket_index(value: int) -> int:
    for index, (_, high) in enumerate(BUCKET_BOUNDS):
        if high is None or value <= high:
            return index
    return len(BUCKET_BOUNDS) - 1


def _bucket_label(low: int, high: int | None) -> str:
    return f"{low} or more" if high is None else f"{low}–{high}"
