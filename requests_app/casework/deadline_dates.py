"""The dates a calendar shows: every deadline that still applies to the requests a user can see.

A date the request has moved past (the response came, the review was decided) is not
shown: `FoiRequest.live_dates` says which apply, and the query asks only for those.

A month of a large archive has thousands of dates; the month page shows a few of each day
(`month_entries`): the database ranks the dates, counts each day's and returns only those
shown, so the page reads what it shows.
"""

# The month's SQL is put together from constants, table and column names and integers;
# every value (dates, statuses, the caller's filter's values) is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Q, QuerySet
from django.urls import reverse

from requests_app.models import FoiRequest, PublicBody
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


# The kinds in DATE_KINDS' order: an entry's rank among a request's dates on the same day.
FIELDS = tuple(DATE_KINDS)
KIND_ORDER = {field: order for order, field in enumerate(FIELDS)}
# The dates that say what the body owes by then: overdue once past while still waiting.
OWED_DATES = ("due_on", "extended_due_on", "review_due_on")


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


@dataclass(frozen=True)
class MonthEntries:
    """What a month page shows: the first entries of each day of its grid, with how many
    there are in all, and the month's days' entries among them as a list."""

    by_day: dict[dt.date, list[CalendarEntry]]
    day_counts: dict[dt.date, int]
    listed: list[CalendarEntry]
    month_count: int


def month_entries(
    requests: QuerySet[FoiRequest],
    *,
    grid: tuple[dt.date, dt.date],
    month: tuple[dt.date, dt.date],
    today: dt.date,
    per_day: int,
    listed: int,
) -> MonthEntries:
    """The grid's days [grid] with at most `per_day` entries each, and the first `listed`
    of those on the days in [month], in date order; one query.

    The list shows what the grid shows, in another form: a busy month's first few hundred
    entries would fill its first days only, and more than double the page. The dates are
    ranked inside the database (each day's by reference) and only the ranked-in rows are
    joined to their request's title and body: a busy month costs a sort of its narrow
    rows, not thousands of entries built and thrown away.
    """
    try:
        sql, params = _ranked_sql(requests, grid, per_day, connections[requests.db].vendor)
    except EmptyResultSet:  # the caller's filter matches nothing
        return MonthEntries({}, {}, [], 0)
    with connections[requests.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    by_day: dict[dt.date, list[CalendarEntry]] = {}
    day_counts: dict[dt.date, int] = {}
    for on, field_order, day_count, *request_row in rows:
        entry = _ranked_entry(_read_date(on), FIELDS[field_order], request_row, today)
        day_counts[entry.on] = day_count
        by_day.setdefault(entry.on, []).append(entry)
    in_month = [day for day in by_day if month[0] <= day <= month[1]]
    shown = [entry for day in in_month for entry in by_day[day]][:listed]
    month_count = sum(n for on, n in day_counts.items() if month[0] <= on <= month[1])
    return MonthEntries(by_day, day_counts, shown, month_count)


def _ranked_sql(
    requests: QuerySet[FoiRequest], grid: tuple[dt.date, dt.date], per_day: int, vendor: str
) -> tuple[str, tuple[Any, ...]]:
    # Portable SQL: ROW_NUMBER() and COUNT() OVER need SQLite 3.25 or PostgreSQL.
    union_sql, union_params = _dated_sql(requests, grid)
    if vendor == "postgresql":
        union_sql, union_params = _lists_as_arrays(union_sql, union_params)
    # References in code point order, as Python (calendar_entries) and SQLite sort them:
    # on PostgreSQL, sorting by the database's collation took most of the statement.
    reference = 'reference COLLATE "C"' if vendor == "postgresql" else "reference"
    sql = f"""
        SELECT ranked.dated, ranked.field_order, ranked.day_count,
               r.reference, r.title, r.status, r.next_due_on, b.name, b.short_name
        FROM (
            SELECT entry.pk, entry.reference, entry.dated, entry.field_order,
                   ROW_NUMBER() OVER (
                       PARTITION BY entry.dated ORDER BY entry.{reference}, entry.field_order
                   ) AS day_rank,
                   COUNT(*) OVER (PARTITION BY entry.dated) AS day_count
            FROM ({union_sql}) AS entry
        ) AS ranked
        JOIN {FoiRequest._meta.db_table} r ON r.id = ranked.pk
        JOIN {PublicBody._meta.db_table} b ON b.id = r.public_body_id
        WHERE ranked.day_rank <= %s
        ORDER BY ranked.dated, ranked.{reference}, ranked.field_order
    """
    return sql, (*union_params, per_day)


def _dated_sql(
    requests: QuerySet[FoiRequest], grid: tuple[dt.date, dt.date]
) -> tuple[str, list[Any]]:
    """(request, reference, date, kind) for every date in [grid] that still applies
    (`live_dates_of`), one SELECT per kind of date so that each reads its own index.

    The caller's filter (who may see what, a campaign) is compiled once and repeated in
    each: building five querysets cost more than running them.
    """
    table = FoiRequest._meta.db_table
    wanted, wanted_params = _where_of(requests)
    branches, params = [], []
    for order, field in enumerate(FIELDS):
        statuses = LIVE_STATUSES[field]
        conditions = [
            wanted,
            f"{table}.{field} BETWEEN %s AND %s",
            f"{table}.status IN ({', '.join(['%s'] * len(statuses))})",
        ]
        params += [*wanted_params, *grid, *map(str, statuses)]
        if field == "due_on":  # an extension replaces the first date (live_dates_of)
            conditions.append(f"NOT ({table}.status = %s AND {table}.extended_due_on IS NOT NULL)")
            params.append(str(Status.EXTENDED))
        branches.append(
            f"SELECT {table}.id AS pk, {table}.reference AS reference, "
            f"{table}.{field} AS dated, {order} AS field_order "
            f"FROM {table} WHERE {' AND '.join(conditions)}"
        )
    return " UNION ALL ".join(branches), params


# `column IN (%s, %s, …)`, not `NOT IN`: PostgreSQL takes the list as one array instead.
IN_LIST = re.compile(r"(?<!NOT) IN \((%s(?:, %s)*)\)")


def _lists_as_arrays(sql: str, params: list[Any]) -> tuple[str, list[Any]]:
    """Each `IN (%s, %s, …)` as `= ANY(%s)` with the values in one array.

    The five branches repeat the caller's filter, and a member of fifty campaigns made
    the statement some 280 placeholders long: psycopg parses a statement of more than
    50 again on every run, and that cost more than the database's work on it.
    """
    if "%%" in sql:  # a literal percent sign: leave the counting of placeholders alone
        return sql, params
    parts: list[str] = []
    arrays: list[Any] = []
    done = position = 0
    for found in IN_LIST.finditer(sql):
        before = sql[position : found.start()]
        plain = before.count("%s")
        listed = found.group(1).count("%s")
        arrays += [*params[done : done + plain], list(params[done + plain : done + plain + listed])]
        parts.append(f"{before} = ANY(%s)")
        done += plain + listed
        position = found.end()
    parts.append(sql[position:])
    return "".join(parts), [*arrays, *params[done:]]


def _where_of(requests: QuerySet[FoiRequest]) -> tuple[str, list[Any]]:
    """The queryset's filter as SQL on the request table's own name."""
    table = FoiRequest._meta.db_table
    query = requests.query
    compiler = query.get_compiler(using=requests.db)
    joined = [alias for alias, uses in query.alias_refcount.items() if uses and alias != table]
    if joined:  # a filter through another table: keep it whole
        subquery, params = requests.order_by().values("pk").query.sql_with_params()
        return f"{table}.id IN ({subquery})", list(params)
    where, params = compiler.compile(query.where)
    return f"({where or '1 = 1'})", list(params)


def _ranked_entry(on: dt.date, field: str, request_row: list[Any], today: dt.date) -> CalendarEntry:
    reference, title, status, next_due_on, body_name, body_short_name = request_row
    next_due_on = next_due_on and _read_date(next_due_on)
    foi_request = DatedRequest(
        reference=reference,
        title=title,
        status=status,
        next_due_on=next_due_on,
        public_body=DatedBody(body_name, body_short_name),
        dates={field: on},  # the one date this entry is about
    )
    kind, label = DATE_KINDS[field]
    overdue = on < today and field in OWED_DATES and _still_owed(foi_request, field)
    return CalendarEntry(on, kind, label, foi_request, overdue)


def _read_date(value: dt.date | str) -> dt.date:
    """A date read through a raw cursor: SQLite gives its text."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value
