"""The filtered request list as a CSV download, streamed row by row: what happened (outcome,
exemptions) and every stored date, each cell through the spreadsheet-safe writer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from requests_app.casework.filters import FoiRequestFilter
from requests_app.dataio.export import deadline_columns, deadline_values, history_of
from requests_app.dataio.spreadsheets import LineBuffer, SafeCsvWriter
from requests_app.models import FoiRequest
from requests_app.redaction.checking import disclosure_gate
from requests_app.views.access import signed_in_user
from requests_app.views.requests import (
    filtered_requests,
    render_request_list,
    request_filterset,
)

# What happened, then every stored date: when it was asked, answered and escalated, and the
# deadlines in force.
HISTORY_DATES = (
    "response_on",
    "review_requested_on",
    "review_decided_on",
    "complaint_lodged_on",
    "decision_notice_on",
)


def csv_header() -> list[str]:
    return [
        "reference",
        "title",
        "their_reference",
        "public_body",
        "law",
        "campaign",
        "status",
        "outcome",
        "exemptions",
        "sent_on",
        "received_on",
        *HISTORY_DATES,
        *deadline_columns(),
        "overdue",
        "owner",
        "tags",
    ]


CHUNK_SIZE = 500


def csv_row(foi_request: FoiRequest, today: dt.date) -> list[Any]:
    history = history_of(foi_request)
    return [
        foi_request.reference,
        foi_request.title,
        foi_request.their_reference,
        foi_request.public_body.name,
        foi_request.regime,
        foi_request.campaign.name if foi_request.campaign else "",
        foi_request.get_status_display(),
        history.outcome,
        history.exemptions,
        foi_request.sent_on,
        foi_request.received_on,
        *(getattr(history, name) for name in HISTORY_DATES),
        *deadline_values(foi_request),
        "yes" if foi_request.is_overdue(today) else "no",
        foi_request.owner.get_username(),
        "; ".join(tag.name for tag in foi_request.tags.all()),
    ]


def csv_lines(requests: Iterable[FoiRequest], today: dt.date) -> Iterator[str]:
    writer = SafeCsvWriter(LineBuffer())
    yield writer.writerow(csv_header())
    for foi_request in requests:
        yield writer.writerow(csv_row(foi_request, today))


def query_of(request: HttpRequest) -> str:
    """The list's filters, to go back to the list they came from."""
    query = request.GET.urlencode()
    return f"?{query}" if query else ""


def hold_list_export(request: HttpRequest, filterset: FoiRequestFilter) -> HttpResponse | None:
    """What answers instead of an export of the request list — the list with its errors, or
    the disclosure check while something in the rows is unresolved — or None to go ahead."""
    if not filterset.is_valid():
        return render_request_list(request, filterset, status=400)
    return disclosure_gate(
        request,
        requests=filtered_requests(request, filterset),
        output="export",
        subject=signed_in_user(request),
        come_back_to=reverse("request_list") + query_of(request),
    )


@login_required
def request_export_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    filterset = request_filterset(request)
    if (held := hold_list_export(request, filterset)) is not None:
        return held
    rows = filtered_requests(request, filterset).prefetch_related("tags", "events", "exemptions")
    today = timezone.localdate()
    response = StreamingHttpResponse(
        csv_lines(rows.iterator(chunk_size=CHUNK_SIZE), today),
        content_type="text/csv; charset=utf-8",
    )
    filename = f"foi-requests-{today.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
