"""Import → export → import of a 500-row spreadsheet gives the same requests twice."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest

from requests_app import models
from requests_app.dataio.export import write_requests_xlsx
from requests_app.dataio.spreadsheet_import import guess_mapping, plan_import, run_import
from requests_app.dataio.tables import read_table
from tests.factories import CampaignFactory, MembershipFactory, PublicBodyFactory

pytestmark = pytest.mark.django_db

ROWS = 500
OUTCOMES = ["successful", "partially successful", "refused", "not held"]
HEADER = [
    "Title",
    "Public body",
    "Their reference",
    "Law",
    "Campaign",
    "Visibility",
    "Tags",
    "Request text",
    "Notes",
    "Date sent",
    "Date received",
    "Response date",
    "Outcome",
    "Review requested",
    "Review decided",
    "Review result",
]


def spreadsheet_row(number: int) -> list[str]:
    """Rows of every shape: waiting, answered, reviewed; awkward text; both date styles."""
    sent = dt.date(2025, 6, 2) + dt.timedelta(days=number % 300)
    answered = number % 3 != 0
    reviewed = answered and number % 5 == 0
    response = sent + dt.timedelta(days=25)
    return [
        f"=Request {number}: costs, “quotes” & ünïcode"
        if number % 50 == 0
        else f"Request {number}",
        ["Body A", "BB", "Body C", "body d", "Scottish Body"][number % 5],
        f"REF/{number}" if number % 2 else "",
        "EIR" if number % 7 == 0 else "",
        "round-trip" if number % 4 == 0 else "",
        "private" if number % 6 == 0 else "campaign",
        "; ".join(["Health", "Money", "Beds"][: number % 4]),
        f"Please send the figures for {number},\nline two." if number % 3 else "",
        "-starts with a minus" if number % 11 == 0 else "",
        sent.strftime("%d/%m/%Y") if number % 2 else sent.isoformat(),
        (sent + dt.timedelta(days=2)).isoformat() if number % 8 == 0 else "",
        response.isoformat() if answered else "",
        OUTCOMES[number % 4] if answered else "",
        (response + dt.timedelta(days=10)).isoformat() if reviewed else "",
        (response + dt.timedelta(days=30)).isoformat() if reviewed and number % 10 == 0 else "",
        "successful" if reviewed and number % 20 == 0 else "",
    ]


def csv_content() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for number in range(ROWS):
        writer.writerow(spreadsheet_row(number))
    return buffer.getvalue().encode()


def import_file(content: bytes, filename: str, user: Any) -> list[models.FoiRequest]:
    table = read_table(content, filename)
    plan = plan_import(table, guess_mapping(table.headers), user=user)
    assert plan.errors == [] and plan.invalid_rows == []
    result = run_import(plan, user=user, create_bodies=False)
    references = [reference for _, reference in result.imported]
    found = models.FoiRequest.objects.in_bulk(references, field_name="reference")
    return [found[reference] for reference in references]


def comparable(foi_request: models.FoiRequest) -> tuple[Any, ...]:
    fields = (
        "title", "public_body_id", "their_reference", "regime", "campaign_id", "visibility",
        "text", "notes", "sent_on", "received_on", "status", "due_on", "extended_due_on",
        "review_due_on", "very_overdue_on", "escalation_closes_on", "next_due_on",
    )  # fmt: skip
    values = tuple(getattr(foi_request, name) for name in fields)
    tags = sorted(tag.slug for tag in foi_request.tags.all())
    history = [
        (event.kind, event.on, event.details)
        for event in foi_request.events.exclude(kind=models.EventKind.CREATED)
    ]
    return values, tags, history


def test_import_export_import_of_500_rows_gives_the_same_data(user: Any) -> None:
    for name, short in [("Body A", ""), ("Body B", "BB"), ("Body C", ""), ("Body D", "")]:
        PublicBodyFactory.create(name=name, short_name=short)
    PublicBodyFactory.create(
        name="Scottish Body", nation=models.Nation.SCOTLAND, default_regime="scot-foisa"
    )
    campaign = CampaignFactory.create(name="Round trip", slug="round-trip")
    MembershipFactory.create(campaign=campaign, user=user, role=models.Role.OWNER)

    first = import_file(csv_content(), "requests.csv", user)
    assert len(first) == ROWS

    exported = io.BytesIO()
    rows = (
        models.FoiRequest.objects.filter(pk__in=[foi_request.pk for foi_request in first])
        .order_by("pk")
        .select_related("public_body", "campaign", "owner")
        .prefetch_related("tags", "events", "exemptions")
    )
    assert write_requests_xlsx(rows.iterator(chunk_size=200), exported) == ROWS

    second = import_file(exported.getvalue(), "export.xlsx", user)
    assert [comparable(one) for one in first] == [comparable(two) for two in second]
    statuses = {foi_request.status for foi_request in first}
    assert statuses >= {"awaiting_response", "successful", "refused", "awaiting_review"}
    assert first[0].title.startswith("=Request 0")
