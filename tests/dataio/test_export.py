"""Exports: the filtered list as XLSX, one request as a ZIP of its whole correspondence."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from requests_app import models
from tests.dataio.conftest import LONDON
from tests.factories import FoiRequestFactory, MessageFactory, PublicBodyFactory, TagFactory

pytestmark = pytest.mark.django_db


def workbook_rows(content: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_xlsx_holds_the_filtered_requests_with_real_dates_and_no_formulas(
    alice_client: Client, user: Any
) -> None:
    body = PublicBodyFactory.create(name="Borsetshire County Council", slug="borsetshire")
    wanted = FoiRequestFactory.sent(
        on=dt.date(2026, 1, 5), owner=user, public_body=body, title='=HYPERLINK("x")'
    )
    wanted.record_response(on=dt.date(2026, 1, 30), outcome=models.Status.REFUSED)
    FoiRequestFactory.create(owner=user, title="A draft elsewhere")
    response = alice_client.get("/requests/export.xlsx", {"public_body": "borsetshire"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="foi-requests-')
    rows = workbook_rows(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    header, values = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert len(rows) == 2
    assert header[:3] == ["reference", "title", "public_body"]
    assert values["title"] == '=HYPERLINK("x")'  # text, not a formula
    assert values["sent_on"] == dt.datetime(2026, 1, 5)
    assert (values["response_on"], values["outcome"]) == (dt.datetime(2026, 1, 30), "refused")
    assert values["status"] == "refused"


def test_the_xlsx_export_answers_bad_filters_with_the_list_and_400(alice_client: Client) -> None:
    response = alice_client.get("/requests/export.xlsx", {"sent_after": "soon"})
    assert response.status_code == 400


def test_the_xlsx_export_shows_only_visible_requests_in_constant_queries(
    alice_client: Client, user: Any, other_user: Any
) -> None:
    FoiRequestFactory.create(owner=other_user, title="Not alice's")
    tag = TagFactory.create(name="Counted", slug="counted")

    def count(extra: int) -> tuple[int, int]:
        for number in range(extra):
            foi_request = FoiRequestFactory.sent(
                on=dt.date(2026, 1, 5) + dt.timedelta(days=number), owner=user
            )
            foi_request.tags.add(tag)
        with CaptureQueriesContext(connection) as queries:
            response = alice_client.get("/requests/export.xlsx")
            rows = workbook_rows(b"".join(response.streaming_content))  # type: ignore[attr-defined]
        return len(queries.captured_queries), len(rows) - 1

    few, five = count(5)
    many, twenty = count(15)
    assert (five, twenty) == (5, 20)
    assert few == many


def test_a_request_zip_holds_the_letters_raw_mail_attachments_and_a_manifest(
    alice_client: Client, user: Any
) -> None:
    foi_request = FoiRequestFactory.sent(on=dt.date(2026, 1, 5), owner=user, title="Beds")
    raw = default_storage.save("raw/one.eml", ContentFile(b"From: a@b\r\n\r\nHello\r\n"))
    first = MessageFactory.create(
        request=foi_request,
        sent_at=dt.datetime(2026, 1, 7, 9, tzinfo=LONDON),
        subject="Acknowledgement",
        raw_email=raw,
    )
    second = MessageFactory.create(
        request=foi_request,
        sent_at=dt.datetime(2026, 1, 30, 9, tzinfo=LONDON),
        subject="Response",
        body_text="Figures attached.",
    )
    for name in ("figures.pdf", "figures.pdf"):
        blob = default_storage.save(f"blobs/{name}", ContentFile(b"%PDF " + name.encode()))
        models.Attachment.objects.create(
            message=second,
            filename=name,
            file=blob,
            size=9,
            sha256="x",
            content_type="application/pdf",
        )
    response = alice_client.get(f"/requests/{foi_request.reference}/export.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    names = sorted(archive.namelist())
    assert names == [
        "attachments/002-2026-01-30-01-figures.pdf",
        "attachments/002-2026-01-30-02-figures.pdf",
        "correspondence.txt",
        "manifest.json",
        "raw/001-2026-01-07-message.eml",
    ]
    text = archive.read("correspondence.txt").decode()
    assert text.index("Acknowledgement") < text.index("Figures attached.")
    manifest = json.loads(archive.read("manifest.json"))
    for entry in manifest["files"]:
        assert hashlib.sha256(archive.read(entry["name"])).hexdigest() == entry["sha256"]
    assert first.pk  # the raw email is the first message's


def test_an_outsider_cannot_download_a_requests_zip(
    client_for: Any, other_user: Any, user: Any
) -> None:
    foi_request = FoiRequestFactory.create(owner=user)
    response = client_for(other_user).get(f"/requests/{foi_request.reference}/export.zip")
    assert response.status_code == 404


def stored_dates() -> set[str]:
    fields = models.FoiRequest._meta.concrete_fields
    return {f.name for f in fields if type(f).__name__ == "DateField"}


@pytest.fixture
def refused_and_escalated(user: Any) -> models.FoiRequest:
    """Refused under s.36 and s.43, reviewed, and taken to the regulator."""
    body = PublicBodyFactory.create(name="Borsetshire County Council", slug="borsetshire")
    foi_request = FoiRequestFactory.sent(on=dt.date(2026, 1, 5), owner=user, public_body=body)
    cited = models.Exemption.objects.filter(law="uk-foia", section__in=["36", "43"])
    foi_request.record_response(on=dt.date(2026, 1, 30), outcome=models.Status.REFUSED)
    foi_request.exemptions.set(cited)
    foi_request.record_event(models.EventKind.REVIEW_REQUESTED, on=dt.date(2026, 2, 2))
    foi_request.record_event(models.EventKind.COMPLAINT_LODGED, on=dt.date(2026, 3, 20))
    return foi_request


def test_both_request_exports_carry_outcome_exemptions_and_every_stored_date(
    alice_client: Client, refused_and_escalated: models.FoiRequest
) -> None:
    xlsx = alice_client.get("/requests/export.xlsx")
    [header, *rows] = workbook_rows(b"".join(xlsx.streaming_content))  # type: ignore[attr-defined]
    from_xlsx = dict(zip(header, rows[0], strict=True))
    csv_response = alice_client.get("/requests/export.csv")
    text = b"".join(csv_response.streaming_content).decode()  # type: ignore[attr-defined]
    [csv_header, *csv_rows] = list(csv.reader(io.StringIO(text)))
    from_csv = dict(zip(csv_header, csv_rows[0], strict=True))
    for exported in (from_xlsx, from_csv):
        assert stored_dates() <= set(exported)  # a new date field gets its column unasked
        assert exported["outcome"] == "refused"
        assert exported["exemptions"] == "FOIA s.36; FOIA s.43"
        assert str(exported["complaint_lodged_on"])[:10] == "2026-03-20"
        assert str(exported["review_requested_on"])[:10] == "2026-02-02"
    foi_request = refused_and_escalated
    for name in stored_dates():
        value = getattr(foi_request, name)
        assert from_csv[name] == (value.isoformat() if value else ""), name
    assert foi_request.review_due_on and foi_request.escalation_closes_on  # really filled
