"""The tables of the insights pages, each built once and shown as HTML or sent as CSV.

A table holds raw values; the HTML shows them rounded for reading ("52%", "—") and the
CSV keeps them exact for a spreadsheet ("52.4", empty).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from requests_app.models import FoiRequest
from requests_app.reports.statistics import (
    MONTH_PARTS,
    BodyStatistics,
    Bucket,
    ComplaintFigures,
    ComplaintOutcome,
    ExemptionCount,
    MonthCount,
    RequestStatistics,
    ReviewFigures,
    ReviewOutcome,
    body_league_table,
    exemption_frequencies,
    request_statistics,
    requests_by_month,
    response_time_distribution,
)


class Percent(float):
    """A share between 0 and 1, shown as a percentage."""


Value = int | float | str | date | None


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = True
    sort: str | None = None  # the ?sort= key, for the sortable league table


@dataclass(frozen=True)
class HtmlCell:
    text: str
    numeric: bool
    href: str | None


@dataclass(frozen=True)
class Table:
    name: str  # the CSV file name, without .csv
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Value, ...], ...]
    links: tuple[str | None, ...] = ()  # where the first cell of each row links to

    @property
    def html_rows(self) -> list[list[HtmlCell]]:
        return [self._html_row(index, row) for index, row in enumerate(self.rows)]

    def csv_rows(self) -> list[list[str]]:
        header = [column.label for column in self.columns]
        return [header, *([csv_text(value) for value in row] for row in self.rows)]

    def _html_row(self, index: int, row: tuple[Value, ...]) -> list[HtmlCell]:
        href = self.links[index] if index < len(self.links) else None
        return [
            HtmlCell(html_text(value), column.numeric, href if position == 0 else None)
            for position, (column, value) in enumerate(zip(self.columns, row, strict=True))
        ]


def html_text(value: Value) -> str:
    if value is None:
        return "—"
    if isinstance(value, Percent):
        return f"{value * 100:.0f}%"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, date):
        return f"{value:%b %Y}"
    return str(value)


def csv_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, Percent):
        return f"{value * 100:.1f}"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, date):
        return f"{value:%Y-%m}"
    return str(value)


def percent(rate: float | None) -> Percent | None:
    return None if rate is None else Percent(rate)


# --- the headline figures --------------------------------------------------------------

FIGURE_COLUMNS = (Column("Figure", numeric=False), Column("Value"))


def figures_table(figures: RequestStatistics) -> Table:
    rows: tuple[tuple[Value, ...], ...] = (
        ("Requests sent", figures.sent),
        ("Answered", figures.answered),
        ("Due so far (answered, or past the due date)", figures.due_by_now),
        ("Answered on time (by the statutory due date)", figures.answered_on_time),
        ("On time (%)", percent(figures.on_time_rate)),
        ("Extensions claimed", figures.extensions_claimed),
        ("Answered on time allowing extensions", figures.answered_on_time_with_extensions),
        ("On time allowing extensions (%)", percent(figures.on_time_rate_with_extensions)),
        ("Median working days to answer", figures.median_working_days),
        ("90th percentile working days to answer", figures.p90_working_days),
        ("Overdue now", figures.overdue),
        ("Refused", figures.refused),
        ("Refusal rate (%)", percent(figures.refusal_rate)),
        ("Refused in part", figures.partly_refused),
        ("Refused in part (%)", percent(figures.partial_refusal_rate)),
        ("Information not held", figures.not_held),
    )
    return Table("figures", "Headline figures", FIGURE_COLUMNS, rows)


def reviews_table(reviews: ReviewFigures) -> Table:
    rows: tuple[tuple[Value, ...], ...] = (
        ("Internal reviews requested", reviews.requested),
        ("Reviews decided", reviews.decided),
        (ReviewOutcome.UPHELD.label, reviews.upheld),
        (ReviewOutcome.OVERTURNED.label, reviews.overturned),
        (ReviewOutcome.PARTLY.label, reviews.partly),
        ("Decided, outcome not recorded", reviews.outcome_not_recorded),
    )
    return Table("reviews", "Internal reviews and their outcomes", FIGURE_COLUMNS, rows)


def complaints_table(complaints: ComplaintFigures) -> Table:
    rows: tuple[tuple[Value, ...], ...] = (
        ("Complaints to the regulator", complaints.lodged),
        ("Decision notices", complaints.decided),
        (ComplaintOutcome.UPHELD.label, complaints.upheld),
        (ComplaintOutcome.NOT_UPHELD.label, complaints.not_upheld),
        (ComplaintOutcome.PARTLY.label, complaints.partly),
        ("Decided, outcome not recorded", complaints.outcome_not_recorded),
    )
    return Table(
        "complaints", "Complaints to the regulator and their outcomes", FIGURE_COLUMNS, rows
    )


# --- bodies ----------------------------------------------------------------------------

LEAGUE_COLUMNS = (
    Column("Public body", numeric=False, sort="body"),
    Column("Sent", sort="sent"),
    Column("Answered", sort="answered"),
    Column("Due so far", sort="due"),
    Column("Answered on time", sort="on_time_count"),
    Column("On time (%)", sort="on_time"),
    Column("On time allowing extensions (%)", sort="on_time_extended"),
    Column("Median working days", sort="median"),
    Column("90th percentile working days", sort="p90"),
    Column("Overdue now", sort="overdue"),
    Column("Refused", sort="refused"),
    Column("Refusal rate (%)", sort="refusal"),
    Column("Refused in part", sort="partly_refused"),
    Column("Internal reviews", sort="reviews"),
    Column("Complaints to the regulator", sort="complaints"),
)

# ?sort= key -> the value a body is ranked by; None sorts last in either direction.
LEAGUE_SORTS: dict[str, Callable[[BodyStatistics], Any]] = {
    "body": lambda row: row.name.casefold(),
    "sent": lambda row: row.statistics.sent,
    "answered": lambda row: row.statistics.answered,
    "due": lambda row: row.statistics.due_by_now,
    "on_time_count": lambda row: row.statistics.answered_on_time,
    "on_time": lambda row: row.statistics.on_time_rate,
    "on_time_extended": lambda row: row.statistics.on_time_rate_with_extensions,
    "median": lambda row: row.statistics.median_working_days,
    "p90": lambda row: row.statistics.p90_working_days,
    "overdue": lambda row: row.statistics.overdue,
    "refused": lambda row: row.statistics.refused,
    "refusal": lambda row: row.statistics.refusal_rate,
    "partly_refused": lambda row: row.statistics.partly_refused,
    "reviews": lambda row: row.statistics.reviews.requested,
    "complaints": lambda row: row.statistics.complaints.lodged,
}
DEFAULT_LEAGUE_SORT = "-on_time"


def league_sort(value: str | None) -> str:
    """The ?sort= value if it names a column, else the default: best on time first."""
    if value and value.removeprefix("-") in LEAGUE_SORTS:
        return value
    return DEFAULT_LEAGUE_SORT


def sort_league(rows: Sequence[BodyStatistics], sort: str) -> list[BodyStatistics]:
    descending = sort.startswith("-")
    key = LEAGUE_SORTS[sort.removeprefix("-")]
    by_name = sorted(rows, key=lambda row: (row.label.casefold(), row.slug))
    known = [row for row in by_name if key(row) is not None]
    unknown = [row for row in by_name if key(row) is None]
    return sorted(known, key=key, reverse=descending) + unknown


BodyLink = Callable[[str], str]  # a body's slug -> where its row links to


def body_insights_url(slug: str) -> str:
    return reverse("body_insights", kwargs={"slug": slug})


def league_table(rows: Sequence[BodyStatistics], link: BodyLink = body_insights_url) -> Table:
    return Table(
        "bodies",
        "Public bodies",
        LEAGUE_COLUMNS,
        tuple(_league_row(row) for row in rows),
        links=tuple(link(row.slug) for row in rows),
    )


def _league_row(row: BodyStatistics) -> tuple[Value, ...]:
    figures = row.statistics
    return (
        row.name,
        figures.sent,
        figures.answered,
        figures.due_by_now,
        figures.answered_on_time,
        percent(figures.on_time_rate),
        percent(figures.on_time_rate_with_extensions),
        figures.median_working_days,
        figures.p90_working_days,
        figures.overdue,
        figures.refused,
        percent(figures.refusal_rate),
        figures.partly_refused,
        figures.reviews.requested,
        figures.complaints.lodged,
    )


def on_time_table(rows: Sequence[BodyStatistics], link: BodyLink = body_insights_url) -> Table:
    """The figures of the on-time chart, beside it."""
    columns = (
        Column("Public body", numeric=False),
        Column("Due so far"),
        Column("Answered on time"),
        Column("On time (%)"),
    )
    values = tuple(
        (
            row.label,
            row.statistics.due_by_now,
            row.statistics.answered_on_time,
            percent(row.statistics.on_time_rate),
        )
        for row in rows
    )
    links = tuple(link(row.slug) for row in rows)
    return Table("on_time", "On time, by public body", columns, values, links)


# --- the other charts' tables ----------------------------------------------------------


def exemptions_table(counts: Sequence[ExemptionCount]) -> Table:
    columns = (
        Column("Exemption", numeric=False),
        Column("Title", numeric=False),
        Column("Requests citing it"),
    )
    rows = tuple((item.citation, item.title, item.count) for item in counts)
    return Table("exemptions", "Exemptions cited", columns, rows)


def months_table(months: Sequence[MonthCount]) -> Table:
    columns = (
        Column("Month sent", numeric=False),
        Column("Sent"),
        *(Column(label) for _, label in MONTH_PARTS),
    )
    rows: tuple[tuple[Value, ...], ...] = tuple(
        (month.month, month.sent, *(count for _, _, count in month.by_outcome)) for month in months
    )
    return Table("months", "Requests by month sent, with the outcome", columns, rows)


def response_times_table(buckets: Sequence[Bucket]) -> Table:
    columns = (Column("Working days to answer", numeric=False), Column("Answers"))
    rows = tuple((bucket.label, bucket.count) for bucket in buckets)
    return Table("response_times", "Working days to answer", columns, rows)


# --- one table on its own, for its CSV ------------------------------------------------

TableSource = Callable[[QuerySet[FoiRequest], date], Table]

TABLE_SOURCES: dict[str, TableSource] = {
    "figures": lambda requests, today: figures_table(request_statistics(requests, today=today)),
    "reviews": lambda requests, today: reviews_table(
        request_statistics(requests, today=today).reviews
    ),
    "complaints": lambda requests, today: complaints_table(
        request_statistics(requests, today=today).complaints
    ),
    "bodies": lambda requests, today: league_table(body_league_table(requests, today=today)),
    "on_time": lambda requests, today: on_time_table(body_league_table(requests, today=today)),
    "exemptions": lambda requests, today: exemptions_table(
        exemption_frequencies(requests, today=today)
    ),
    "months": lambda requests, today: months_table(requests_by_month(requests, today=today)),
    "response_times": lambda requests, today: response_times_table(
        response_time_distribution(requests, today=today)
    ),
}
