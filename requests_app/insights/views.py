"""Insights pages: figures and charts over a filter result, a body, or a campaign.

Every figure is computed over `FoiRequest.objects.visible_to(user)` only, so no number on
these pages or in their CSV files can reveal a request the user may not see.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from requests_app.casework.filters import FoiRequestFilter
from requests_app.dataio.spreadsheets import SafeCsvWriter
from requests_app.insights.tables import (
    TABLE_SOURCES,
    Table,
    complaints_table,
    exemptions_table,
    figures_table,
    league_sort,
    league_table,
    months_table,
    on_time_table,
    response_times_table,
    reviews_table,
    sort_league,
)
from requests_app.models import Campaign, FoiRequest, PublicBody
from requests_app.reports.charts import (
    exemptions_cited_svg,
    on_time_by_body_svg,
    requests_by_month_svg,
    response_time_histogram_svg,
)
from requests_app.reports.statistics import Insights, body_league_table, insights
from requests_app.views.access import visible_campaign_or_404


@dataclass(frozen=True)
class Subject:
    """What a page's figures are about, and where its CSV files are."""

    heading: str
    requests: QuerySet[FoiRequest]
    csv_url_name: str
    csv_kwargs: dict[str, str]
    query: str = ""  # the filter's query string, carried to the CSV links
    body_filter: str = ""  # the filter a body's row links to, before its public_body=
    per_body: bool = True  # a body's own page has no table of bodies
    campaign: Campaign | None = None
    body: PublicBody | None = None

    def csv_url(self, table: str) -> str:
        url = reverse(self.csv_url_name, kwargs={**self.csv_kwargs, "table": table})
        return f"{url}?{self.query}" if self.query else url

    def body_link(self, slug: str) -> str:
        """The figures for one body within this subject, through the request filter."""
        query = QueryDict(self.body_filter, mutable=True)
        query["public_body"] = slug
        return f"{reverse('insights')}?{query.urlencode()}"


@dataclass(frozen=True)
class Section:
    """A table on the page with its CSV link and, for the charted ones, the chart."""

    table: Table
    csv_url: str
    chart: str = ""
    wide: bool = False  # too many columns to sit beside its chart: shown below it


# --- subjects --------------------------------------------------------------------------


def visible_requests(request: HttpRequest) -> QuerySet[FoiRequest]:
    return FoiRequest.objects.visible_to(request.user)


def filter_subject(request: HttpRequest) -> tuple[FoiRequestFilter, Subject | None]:
    """The request list's filters; no subject while they have errors."""
    filterset = FoiRequestFilter(request.GET, queryset=visible_requests(request), request=request)
    if not filterset.is_valid():
        return filterset, None
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("sort", None)
    subject = Subject(
        heading="Insights",
        requests=filterset.qs,
        csv_url_name="insights_csv",
        csv_kwargs={},
        query=query.urlencode(),
        body_filter=query.urlencode(),
    )
    return filterset, subject


def body_subject(request: HttpRequest, slug: str) -> Subject:
    body = get_object_or_404(PublicBody, slug=slug)
    return Subject(
        heading=f"Insights: {body.name}",
        requests=visible_requests(request).filter(public_body=body),
        csv_url_name="body_insights_csv",
        csv_kwargs={"slug": body.slug},
        per_body=False,
        body=body,
    )


def campaign_subject(request: HttpRequest, slug: str) -> Subject:
    campaign = visible_campaign_or_404(request, slug)
    return Subject(
        heading=f"Insights: {campaign.name}",
        requests=visible_requests(request).filter(campaign=campaign),
        csv_url_name="campaign_insights_csv",
        csv_kwargs={"slug": campaign.slug},
        body_filter=f"campaign={campaign.slug}",
        campaign=campaign,
    )


# --- pages -----------------------------------------------------------------------------


@login_required
@require_GET
def filtered_insights(request: HttpRequest) -> HttpResponse:
    filterset, subject = filter_subject(request)
    if subject is None:
        return invalid_filters(request, filterset)
    return render_dashboard(request, subject, filterset=filterset)


def invalid_filters(request: HttpRequest, filterset: FoiRequestFilter) -> HttpResponse:
    """The form with its errors and no figures, rather than figures over the wrong set."""
    context = {"filter": filterset, "heading": "Insights"}
    return render(request, "requests_app/insights/dashboard.html", context, status=400)


@login_required
@require_GET
def body_insights(request: HttpRequest, slug: str) -> HttpResponse:
    return render_dashboard(request, body_subject(request, slug))


@login_required
@require_GET
def campaign_insights(request: HttpRequest, slug: str) -> HttpResponse:
    return render_dashboard(request, campaign_subject(request, slug))


def render_dashboard(
    request: HttpRequest, subject: Subject, filterset: FoiRequestFilter | None = None
) -> HttpResponse:
    today = timezone.localdate()
    found = insights(subject.requests, today=today, with_bodies=subject.per_body)
    context = {
        "subject": subject,
        "heading": subject.heading,
        "filter": filterset,
        "today": today,
        "figures": found.statistics,
        "sections": dashboard_sections(subject, found),
    }
    return render(request, "requests_app/insights/dashboard.html", context)


def dashboard_sections(subject: Subject, found: Insights) -> dict[str, Section]:
    figures = found.statistics

    def section(table: Table, chart: str = "", *, wide: bool = False) -> Section:
        return Section(table, subject.csv_url(table.name), chart, wide)

    sections = {
        "figures": section(figures_table(figures)),
        "response_times": section(
            response_times_table(found.response_times),
            response_time_histogram_svg(list(found.response_times)),
        ),
        "exemptions": section(
            exemptions_table(found.exemptions), exemptions_cited_svg(list(found.exemptions))
        ),
        "months": section(
            months_table(found.months), requests_by_month_svg(list(found.months)), wide=True
        ),
        "reviews": section(reviews_table(figures.reviews)),
        "complaints": section(complaints_table(figures.complaints)),
    }
    if subject.per_body:
        bodies = list(found.bodies)
        table = on_time_table(bodies, link=subject.body_link)
        sections["on_time"] = section(table, on_time_by_body_svg(bodies))
    return sections


@login_required
@require_GET
def campaign_league(request: HttpRequest, slug: str) -> HttpResponse:
    subject = campaign_subject(request, slug)
    sort = league_sort(request.GET.get("sort"))
    rows = sort_league(body_league_table(subject.requests, today=timezone.localdate()), sort)
    context = {
        "subject": subject,
        "table": league_table(rows, link=subject.body_link),
        "sort": sort,
        "csv_url": reverse("campaign_league_csv", kwargs={"slug": slug}) + f"?sort={sort}",
    }
    return render(request, "requests_app/insights/league.html", context)


# --- CSV -------------------------------------------------------------------------------


@login_required
@require_GET
def filtered_insights_csv(request: HttpRequest, table: str) -> HttpResponse:
    filterset, subject = filter_subject(request)
    if subject is None:
        return invalid_filters(request, filterset)
    return table_csv(subject, table, "insights")


@login_required
@require_GET
def body_insights_csv(request: HttpRequest, slug: str, table: str) -> HttpResponse:
    return table_csv(body_subject(request, slug), table, slug)


@login_required
@require_GET
def campaign_insights_csv(request: HttpRequest, slug: str, table: str) -> HttpResponse:
    return table_csv(campaign_subject(request, slug), table, slug)


@login_required
@require_GET
def campaign_league_csv(request: HttpRequest, slug: str) -> HttpResponse:
    subject = campaign_subject(request, slug)
    sort = league_sort(request.GET.get("sort"))
    rows = sort_league(body_league_table(subject.requests, today=timezone.localdate()), sort)
    return csv_response(league_table(rows, link=subject.body_link), f"{slug}-league")


def table_csv(subject: Subject, table: str, stem: str) -> HttpResponse:
    source = TABLE_SOURCES.get(table)
    if source is None or (table in ("bodies", "on_time") and not subject.per_body):
        raise Http404("No such table.")
    return csv_response(source(subject.requests, timezone.localdate()), f"{stem}-{table}")


def csv_response(table: Table, stem: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{slugify(stem) or 'insights'}-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = SafeCsvWriter(response)
    for row in table.csv_rows():
        writer.writerow(row)
    return response
