"""The import pages: upload, match columns, dry run, import; WhatDoTheyKnow; bodies."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from requests_app import models
from requests_app.dataio import alaveteli

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
CSV = (
    "Title,Public body,Date sent,Colour\r\n"
    "Beds – £ spent,Department of Health and Social Care,05/01/2026,red\r\n"
    "Nurses,Ministry of Silly Walks,2026-01-06,blue\r\n"
).encode("cp1252")


def upload(client: Client, content: bytes = CSV, name: str = "requests.csv") -> Any:
    return client.post("/import/spreadsheet/", {"file": SimpleUploadedFile(name, content)})


def mapping_data(**extra: str) -> dict[str, str]:
    return {"column_0": "title", "column_1": "public_body", "column_2": "sent_on"} | extra


def test_a_spreadsheet_goes_from_upload_through_a_dry_run_to_an_import(
    alice_client: Client, user: Any
) -> None:
    uploaded = upload(alice_client)
    assert uploaded.status_code == 302
    page = uploaded["Location"]
    shown = alice_client.get(page).content.decode()
    assert "Windows-1252" in shown and "Beds – £ spent" in shown

    checked = alice_client.post(page, mapping_data(action="check")).content.decode()
    assert "Ministry of Silly Walks" in checked
    assert "is not a public body the tracker knows" in checked
    assert "Column “Colour” does not match any field" in checked
    assert not models.FoiRequest.objects.exists()

    refused = alice_client.post(page, mapping_data(action="import")).content.decode()
    assert "Row 3 has errors; nothing was imported." in refused
    assert not models.FoiRequest.objects.exists()

    done = alice_client.post(page, mapping_data(action="import", create_bodies="on"))
    assert "1 request imported" in done.content.decode()
    assert "Sent to staff to check: Ministry of Silly Walks (1 row)" in done.content.decode()
    assert models.FoiRequest.objects.filter(owner=user).count() == 1
    assert alice_client.get(page).status_code == 404  # the upload is gone once imported


def test_a_file_that_cannot_be_read_is_explained_on_the_upload_page(alice_client: Client) -> None:
    response = upload(alice_client, b'Title\r\n"never closed\r\n')
    assert response.status_code == 200
    assert "Row 2 cannot be read" in response.content.decode()


def test_an_upload_belongs_to_the_person_who_made_it(
    alice_client: Client, client_for: Any, other_user: Any
) -> None:
    page = upload(alice_client)["Location"]
    assert client_for(other_user).get(page).status_code == 404


def test_the_template_downloads_as_a_workbook(alice_client: Client) -> None:
    response = alice_client.get("/import/spreadsheet/template.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="foi-requests-template.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert next(sheet.iter_rows(values_only=True))[:2] == ("title", "public_body")


def test_the_import_pages_need_a_signed_in_user(client: Client) -> None:
    for url in ("/import/spreadsheet/", "/import/whatdotheyknow/", "/import/bodies/"):
        assert client.get(url).status_code == 302


# --- WhatDoTheyKnow ----------------------------------------------------------------------------


def test_a_json_file_is_imported_and_the_request_opened(alice_client: Client) -> None:
    models.PublicBody.objects.create(name="Borsetshire County Council", slug="borsetshire")
    upload_file = SimpleUploadedFile("r.json", (FIXTURES / "wdtk_successful.json").read_bytes())
    response = alice_client.post("/import/whatdotheyknow/", {"file": upload_file})
    foi_request = models.FoiRequest.objects.get()
    assert response["Location"] == foi_request.get_absolute_url()


def test_a_json_file_naming_an_unknown_body_suggests_it_to_staff_and_creates_nothing(
    alice_client: Client,
) -> None:
    upload_file = SimpleUploadedFile("r.json", (FIXTURES / "wdtk_successful.json").read_bytes())
    response = alice_client.post("/import/whatdotheyknow/", {"file": upload_file})
    assert response.status_code == 200
    assert "Borsetshire County Council is not in the tracker&#x27;s list" in response.text
    assert not models.PublicBody.objects.filter(name="Borsetshire County Council").exists()
    assert not models.FoiRequest.objects.exists()
    suggestion = models.BodySuggestion.objects.get()
    assert (suggestion.name, suggestion.status) == ("Borsetshire County Council", "pending")


def test_a_page_address_is_fetched_and_a_failure_explained(
    alice_client: Client, monkeypatch: Any
) -> None:
    def refuse(request: Any, timeout: float) -> Any:
        raise TimeoutError("timed out")

    monkeypatch.setattr(alaveteli, "open_url", refuse)
    response = alice_client.post(
        "/import/whatdotheyknow/", {"url": "https://www.whatdotheyknow.com/request/beds"}
    )
    assert response.status_code == 200
    assert "Could not fetch https://www.whatdotheyknow.com/request/beds.json" in (
        response.content.decode()
    )


def test_neither_or_both_sources_is_an_error(alice_client: Client) -> None:
    response = alice_client.post("/import/whatdotheyknow/", {})
    assert "Give either the address of the request or its file." in response.content.decode()


# --- bodies ------------------------------------------------------------------------------------


def test_only_staff_import_bodies(alice_client: Client, user: Any) -> None:
    assert alice_client.get("/import/bodies/").status_code == 403
    user.is_staff = True
    user.save()
    content = b"Name,Short name,Tags\r\nLoch Example Council,LEC,scotland\r\n"
    response = alice_client.post(
        "/import/bodies/", {"file": SimpleUploadedFile("bodies.csv", content), "dry_run": "on"}
    )
    assert "1 to add" in response.content.decode()
    assert not models.PublicBody.objects.filter(name="Loch Example Council").exists()
    alice_client.post(
        "/import/bodies/",
        {"file": SimpleUploadedFile("bodies.csv", content)},
    )
    assert models.PublicBody.objects.get(name="Loch Example Council").nation == "SCT"
