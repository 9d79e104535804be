"""The campaign report: the campaign's requests a member may see, how each body answers,
and the charts, as one PDF.

The figures and charts come from the insights module (one set of grouped queries); the
list of requests is one more query, with each request's first answer read alongside it,
so the number of queries does not grow with the number of requests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.contrib.auth.models import User
from django.db.models import Min, Q, QuerySet

from requests_app.deadlines.calendars import ExtraNonWorkingDay
from requests_app.models import Campaign, EventKind, FoiRequest, NonWorkingDay, Status
from requests_app.models.requests import deadline_calendar
from requests_app.reports import pdf
from requests_app.reports.charts import (
    exemptions_cited_svg,
    on_time_by_body_svg,
    requests_by_month_svg,
    response_time_histogram_svg,
)
from requests_app.reports.statistics import (
    BodyStatistics,
    Insights,
    RequestStatistics,
    insights,
)

TEMPLATE = "pdf/campaign_report.html"


@dataclass(frozen=True)
class RequestRow:
    foi_request: FoiRequest
    answered_on: dt.date | None
    timeliness: str
    is_late: bool


@dataclass(frozen=True)
class Figure:
    label: str
    value: str


@dataclass(frozen=True)
class BodyRow:
    name: str
    sent: int
    answered: int
    on_time: str
    on_time_with_extensions: str
    median_days: str
    overdue: int
    refused: str


@dataclass(frozen=True)
class Chart:
    title: str
    svg: str
    caption: str


def campaign_requests(campaign: Campaign, user: User) -> QuerySet[FoiRequest]:
    """The campaign's requests this member may see; nobody else's private ones."""
    return FoiRequest.objects.visible_to(user).filter(campaign=campaign)


def _working_days(count: int) -> str:
    return f"{count} working day" if count == 1 else f"{count} working days"


def timeliness(
    foi_request: FoiRequest,
    answered_on: dt.date | None,
    today: dt.date,
    extra_days: tuple[ExtraNonWorkingDay, ...],
) -> tuple[str, bool]:
    """How the body kept time on this request, and whether it was (or is) late."""
    body = foi_request.public_body
    calendar = deadline_calendar(foi_request.regime, body.nation, extra_days, body.subdivision)
    if answered_on is not None:
        deadline = foi_request.extended_due_on or foi_request.due_on
        late = calendar.working_days_between(deadline, answered_on) if deadline else 0
        if late > 0:
            return f"Answered {_working_days(late)} late", True
        return "Answered on time", False
    due = foi_request.next_due_on
    if foi_request.is_waiting and due is not None:
        left = calendar.working_days_between(today, due)
        if left < 0:
            return f"Overdue by {_working_days(-left)}", True
        return ("Due today" if left == 0 else f"Due in {_working_days(left)}"), False
    if foi_request.status == Status.DRAFT:
        return "Not sent", False
    return "—", False


def request_rows(requests: QuerySet[FoiRequest], today: dt.date) -> list[RequestRow]:
    rows = (
        requests.select_related("public_body")
        .annotate(answered_on=Min("events__on", filter=Q(events__kind=EventKind.RESPONSE)))
        .order_by("public_body__name", "sent_on", "reference")
    )
    extra_days = NonWorkingDay.engine_days()
    result = []
    for foi_request in rows:
        answered_on = foi_request.answered_on
        text, late = timeliness(foi_request, answered_on, today, extra_days)
        result.append(RequestRow(foi_request, answered_on, text, late))
    return result


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{100 * rate:.0f}%"


def days(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def headline(figures: RequestStatistics) -> list[Figure]:
    return [
        Figure("Requests sent", str(figures.sent)),
        Figure("Answered", str(figures.answered)),
        Figure("Answered on time (statutory date)", percent(figures.on_time_rate)),
        Figure("On time, allowing extensions", percent(figures.on_time_rate_with_extensions)),
        Figure("Median working days to answer", days(figures.median_working_days)),
        Figure("90% answered within (working days)", days(figures.p90_working_days)),
        Figure("Overdue now", str(figures.overdue)),
        Figure("Refused", percent(figures.refusal_rate)),
        Figure("Refused in part", percent(figures.partial_refusal_rate)),
        Figure("Internal reviews requested", str(figures.reviews.requested)),
        Figure("Complaints to the regulator", str(figures.complaints.lodged)),
    ]


def body_rows(bodies: Iterable[BodyStatistics]) -> list[BodyRow]:
    return [
        BodyRow(
            name=body.name,
            sent=body.statistics.sent,
            answered=body.statistics.answered,
            on_time=percent(body.statistics.on_time_rate),
            on_time_with_extensions=percent(body.statistics.on_time_rate_with_extensions),
            median_days=days(body.statistics.median_working_days),
            overdue=body.statistics.overdue,
            refused=percent(body.statistics.refusal_rate),
        )
        for body in bodies
    ]


def charts(figures: Insights, *, by_body: bool = True) -> list[Chart]:
    """The report's charts; `by_body` puts the on-time rate of each public body first."""
    shown = [
        Chart(
            "Working days to answer",
            response_time_histogram_svg(list(figures.response_times)),
            "Working days from receipt (day 0) to the first answer.",
        ),
        Chart(
            "Requests by month sent",
            requests_by_month_svg(list(figures.months)),
            "Requests sent each month, by the outcome of the first answer.",
        ),
        Chart(
            "Exemptions cited",
            exemptions_cited_svg(list(figures.exemptions)),
            "Requests citing each exemption.",
        ),
    ]
    if by_body:
        per_body = Chart(
            "Answered on time, by public body",
            on_time_by_body_svg(list(figures.bodies)),
            "Share of requests answered by the statutory date, of those due so far.",
        )
        shown.insert(0, per_body)
    return shown


def campaign_report_context(*, campaign: Campaign, user: User, today: dt.date) -> dict[str, Any]:
    requests = campaign_requests(campaign, user)
    figures = insights(requests, today=today)
    rows = request_rows(requests, today)
    return {
        "campaign": campaign,
        "reader": user,
        "today": today,
        "headline": headline(figures.statistics),
        "bodies": body_rows(figures.bodies),
        "rows": rows,
        "late_count": sum(1 for row in rows if row.is_late),
        "charts": charts(figures),
    }


def write_campaign_report(
    *, campaign: Campaign, user: User, today: dt.date, output: IO[bytes]
) -> int:
    """Write the report to `output`; returns its number of pages."""
    context = campaign_report_context(campaign=campaign, user=user, today=today)
    document = pdf.render_document(TEMPLATE, context)
    document.write_pdf(output)
    return len(document.pages)
