"""The filtered request list as a CSV download, streamed row by row."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone

from requests_app.dataio.export import FORMULA_PREFIXES
from requests_app.models import FoiRequest
from requests_app.views.requests import (
    filtered_requests,
    render_request_list,
    request_filterset,
)

CSV_HEADER = [
    "reference",
    "title",
    "their_reference",
    "public_body",
    "law",
    "campaign",
    "status",
    "sent_on",
    "received_on",
    "due_on",
    "extended_due_on",
    "review_due_on",
    "next_due_on",
    "overdue",
    "owner",
    "tags",
]
CHUNK_SIZE = 500


class Echo:
    """A file-like object whose write() hands back the line, for csv.writer to stream."""

    def write(self, value: str) -> str:
        return value


def neutralise(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def csv_row(foi_request: FoiRequest, today: dt.date) -> list[str]:
    values: list[Any] = [
        foi_request.reference,
        foi_request.title,
        foi_request.their_reference,
        foi_request.public_body.name,
        foi_request.regime,
        foi_request.campaign.name if foi_request.campaign else "",
        foi_request.get_status_display(),
        foi_request.sent_on,
        foi_request.received_on,
        foi_request.due_on,
        foi_request.extended_due_on,
        foi_request.review_due_on,
        foi_request.next_due_on,
        "yes" if foi_request.is_overdue(today) else "no",
        foi_request.owner.get_username(),
        "; ".join(tag.name for tag in foi_request.tags.all()),
    ]
    return [neutralise(value) for value in values]


def csv_lines(requests: Iterable[FoiRequest], today: dt.date) -> Iterator[str]:
    writer = csv.writer(Echo())
    yield writer.writerow(CSV_HEADER)
    for foi_request in requests:
        yield writer.writerow(csv_row(foi_request, today))


@login_required
def request_export_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    filterset = request_filterset(request)
    if not filterset.is_valid():
        return render_request_list(request, filterset, status=400)
    rows = filtered_requests(request, filterset).prefetch_related("tags")
    today = timezone.localdate()
    response = StreamingHttpResponse(
        csv_lines(rows.iterator(chunk_size=CHUNK_SIZE), today),
        content_type="text/csv; charset=utf-8",
    )
    filename = f"foi-requests-{today.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
