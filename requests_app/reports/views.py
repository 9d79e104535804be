"""Downloading case summaries, building bundles and campaign reports, and watching progress.

Every view starts from the permission querysets: people who cannot see the request or
the campaign get 404, whatever they ask for. Anyone who may see a request may download
its documents and ask for a bundle; a campaign report is built for, and served to, the
member who asked for it, because it shows only the requests that member may see.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from requests_app.models import Campaign, FoiRequest, GeneratedReport, ReportKind, ReportStatus
from requests_app.redaction.checking import disclosure_gate
from requests_app.reports import services
from requests_app.reports.case_summary import render_case_summary_html
from requests_app.views.access import (
    signed_in_user,
    visible_campaign_or_404,
    visible_request_or_404,
)


def pdf_response(report: GeneratedReport, filename: str) -> FileResponse:
    try:
        stream = report.file.open("rb")
    except (OSError, ValueError) as error:
        raise Http404("The stored document is missing; build it again.") from error
    response = FileResponse(stream, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def finished_pdf(report: GeneratedReport, filename: str) -> FileResponse:
    """The built document as a download; 404 while it is still being built or failed."""
    if report.status != ReportStatus.DONE:
        raise Http404("This document is not ready.")
    return pdf_response(report, filename)


def report_page(
    request: HttpRequest,
    *,
    template: str,
    context: dict[str, Any],
    reports: Callable[[], QuerySet[GeneratedReport]],
    fingerprint: Callable[[], str],
    start: Callable[[], object],
    hold: Callable[[], HttpResponse | None] = lambda: None,
) -> HttpResponse:
    """A page that builds a document on POST (then shows itself again) and otherwise offers
    the one of the source as it is now and the last one built from an earlier state.

    `hold` answers instead of building when something stops the document from leaving
    (the disclosure check); it returns None to let the build go ahead."""
    if request.method == "POST":
        if (held := hold()) is not None:
            return held
        start()
        return redirect(request.path)
    return render(request, template, {**context, **report_choices(reports(), fingerprint())})


def progress_response(report: GeneratedReport, download_url: str) -> JsonResponse:
    return JsonResponse(progress_payload(report, download_url))


def report_choices(reports: QuerySet[GeneratedReport], fingerprint: str) -> dict[str, Any]:
    """The report of what the source is now (if one was asked for), and the last one built
    from an earlier state, for a page that offers to build or download it."""
    return {
        "report": services.current_report(reports, fingerprint),
        "previous": reports.filter(status=ReportStatus.DONE)
        .exclude(source_fingerprint=fingerprint)
        .first(),
    }


# --- case summary ---------------------------------------------------------------------


@login_required
@require_GET
def case_summary_pdf(request: HttpRequest, reference: str) -> HttpResponseBase:
    foi_request = visible_request_or_404(request, reference)
    report = services.case_summary_report(
        foi_request=foi_request, user=signed_in_user(request), today=timezone.localdate()
    )
    if report.status != ReportStatus.DONE:
        messages.error(request, "The case summary could not be made. Please try again later.")
        return redirect(foi_request.get_absolute_url())
    return pdf_response(report, f"{foi_request.reference}-case-summary.pdf")


@login_required
@require_GET
def case_summary_print(request: HttpRequest, reference: str) -> HttpResponse:
    foi_request = visible_request_or_404(request, reference)
    html = render_case_summary_html(foi_request=foi_request, today=timezone.localdate())
    return HttpResponse(html)


# --- bundle ---------------------------------------------------------------------------


def _bundle_reports(foi_request: FoiRequest) -> QuerySet[GeneratedReport]:
    return GeneratedReport.objects.filter(kind=ReportKind.BUNDLE, foi_request=foi_request)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def request_bundle(request: HttpRequest, reference: str) -> HttpResponse:
    foi_request = visible_request_or_404(request, reference)
    today = timezone.localdate()
    return report_page(
        request,
        template="requests_app/reports/bundle.html",
        context={"foi_request": foi_request},
        reports=lambda: _bundle_reports(foi_request),
        fingerprint=lambda: services.request_fingerprint(foi_request, today),
        start=lambda: services.start_bundle(
            foi_request=foi_request, user=signed_in_user(request), today=today
        ),
        hold=lambda: disclosure_gate(
            request,
            requests=FoiRequest.objects.filter(pk=foi_request.pk),
            output="bundle",
            subject=foi_request,
            come_back_to=reverse("request_bundle", args=[foi_request.reference]),
        ),
    )


def _bundle_report(request: HttpRequest, reference: str, pk: int) -> GeneratedReport:
    foi_request = visible_request_or_404(request, reference)
    return get_object_or_404(_bundle_reports(foi_request), pk=pk)


@login_required
@require_GET
def request_bundle_download(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    return finished_pdf(_bundle_report(request, reference, pk), f"{reference}-bundle.pdf")


@login_required
@require_GET
def request_bundle_progress(request: HttpRequest, reference: str, pk: int) -> JsonResponse:
    report = _bundle_report(request, reference, pk)
    download = reverse("request_bundle_download", kwargs={"reference": reference, "pk": pk})
    return progress_response(report, download)


def progress_payload(report: GeneratedReport, download_url: str) -> dict[str, object]:
    return {
        "status": report.status,
        "status_label": report.get_status_display(),
        "progress": report.progress,
        "page_count": report.page_count,
        "download_url": download_url if report.status == ReportStatus.DONE else None,
        "error": report.error if report.status == ReportStatus.FAILED else "",
    }


# --- campaign report ------------------------------------------------------------------


def _campaign_reports(campaign: Campaign, request: HttpRequest) -> QuerySet[GeneratedReport]:
    return GeneratedReport.objects.filter(
        kind=ReportKind.CAMPAIGN_REPORT, campaign=campaign, requested_by=signed_in_user(request)
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def campaign_report(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = visible_campaign_or_404(request, slug)
    user, today = signed_in_user(request), timezone.localdate()
    return report_page(
        request,
        template="requests_app/reports/campaign_report.html",
        context={"campaign": campaign},
        reports=lambda: _campaign_reports(campaign, request),
        fingerprint=lambda: services.campaign_fingerprint(campaign, user, today),
        start=lambda: services.start_campaign_report(campaign=campaign, user=user, today=today),
        hold=lambda: disclosure_gate(
            request,
            requests=services.campaign_requests(campaign, user),
            output="campaign_report",
            subject=campaign,
            come_back_to=reverse("campaign_report", args=[campaign.slug]),
        ),
    )


def _campaign_report(request: HttpRequest, slug: str, pk: int) -> GeneratedReport:
    campaign = visible_campaign_or_404(request, slug)
    return get_object_or_404(_campaign_reports(campaign, request), pk=pk)


@login_required
@require_GET
def campaign_report_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    return finished_pdf(_campaign_report(request, slug, pk), f"{slug}-campaign-report.pdf")


@login_required
@require_GET
def campaign_report_progress(request: HttpRequest, slug: str, pk: int) -> JsonResponse:
    report = _campaign_report(request, slug, pk)
    download = reverse("campaign_report_download", kwargs={"slug": slug, "pk": pk})
    return progress_response(report, download)
