"""Bodies a member's spreadsheet names that the directory lacks: suggested, not created.

The directory is shared, so only staff add to it. A member's import logs every row whose
body is known at once; the rows naming an unknown body wait in a suggestion, which the
member sees as pending, until staff accept it (the body is created and the rows become the
member's requests) or reject it (the rows are dropped).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from requests_app import models
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CSV = (
    b"Title,Public body,Date sent\r\n"
    b"Beds,Department of Health and Social Care,2026-01-05\r\n"
    b"Ferry timetables,Borsetshire Ferry Authority,2026-01-06\r\n"
    b"Ferry fares,borsetshire ferry authority,2026-01-07\r\n"
)
MAPPING = {"column_0": "title", "column_1": "public_body", "column_2": "sent_on"}
NEW_BODY = "Borsetshire Ferry Authority"


def import_csv(client: Client, content: bytes = CSV) -> str:
    uploaded = client.post("/import/spreadsheet/", {"file": SimpleUploadedFile("r.csv", content)})
    done = client.post(uploaded["Location"], MAPPING | {"action": "import", "create_bodies": "on"})
    assert done.status_code == 200
    return done.content.decode()


@pytest.fixture
def staff_client(client_for: Any) -> Client:
    staff = UserFactory(username="stella", is_staff=True)
    return client_for(staff)  # type: ignore[no-any-return]


def decide(staff_client: Client, action: str) -> Any:
    suggestion = models.BodySuggestion.objects.get()
    data = {"suggestion": suggestion.pk, "action": action}
    return staff_client.post(reverse("body_suggestions"), data, follow=True)


def test_a_members_import_suggests_the_unknown_body_and_holds_its_rows(
    alice_client: Client, user: Any
) -> None:
    page = import_csv(alice_client)
    assert "1 request imported" in page
    assert f"Sent to staff to check: {NEW_BODY} (2 rows)" in page
    assert not models.PublicBody.objects.filter(name__iexact=NEW_BODY).exists()
    assert list(models.FoiRequest.objects.values_list("title", flat=True)) == ["Beds"]
    suggestion = models.BodySuggestion.objects.get()
    assert (suggestion.name, suggestion.suggested_by, suggestion.status) == (
        NEW_BODY,
        user,
        models.SuggestionStatus.PENDING,
    )
    upload_page = alice_client.get(reverse("spreadsheet_import")).content.decode()
    assert f"{NEW_BODY} — waiting for staff, 2 rows waiting" in upload_page


def test_nobody_else_sees_the_suggested_body_in_the_directory(
    alice_client: Client, client_for: Any
) -> None:
    import_csv(alice_client)
    other = client_for(UserFactory(username="bob"))
    assert NEW_BODY not in other.get(reverse("body_list"), {"q": "Borsetshire"}).content.decode()
    assert other.get(reverse("api-body-list"), {"q": "Borsetshire"}).json()["count"] == 0


def test_staff_accept_it_and_the_held_rows_become_the_members_requests(
    alice_client: Client, user: Any, staff_client: Client
) -> None:
    import_csv(alice_client)
    listed = staff_client.get(reverse("body_suggestions")).content.decode()
    assert NEW_BODY in listed and "alice" in listed
    page = decide(staff_client, "accept").content.decode()
    assert f"“{NEW_BODY}” added; 2 of alice&#x27;s requests logged to it." in page
    body = models.PublicBody.objects.get(name=NEW_BODY)
    logged = models.FoiRequest.objects.filter(public_body=body).order_by("sent_on")
    assert [(r.title, r.owner, str(r.sent_on)) for r in logged] == [
        ("Ferry timetables", user, "2026-01-06"),
        ("Ferry fares", user, "2026-01-07"),
    ]
    assert all(r.due_on for r in logged)  # deadlines worked out as for any import
    assert decide(staff_client, "accept").status_code == 200  # a second click logs nothing
    assert models.FoiRequest.objects.filter(public_body=body).count() == 2
    upload_page = alice_client.get(reverse("spreadsheet_import")).content.decode()
    assert "Bodies you suggested" not in upload_page


def test_a_second_import_naming_the_body_adds_to_the_same_suggestion(
    alice_client: Client,
) -> None:
    import_csv(alice_client)
    import_csv(
        alice_client, b"Title,Public body,Date sent\r\nPiers,Borsetshire Ferry Authority,\r\n"
    )
    suggestion = models.BodySuggestion.objects.get()
    assert [row["title"] for row in suggestion.held_rows] == [
        "Ferry timetables",
        "Ferry fares",
        "Piers",
    ]


def test_staff_reject_it_and_nothing_is_created(alice_client: Client, staff_client: Client) -> None:
    import_csv(alice_client)
    decide(staff_client, "reject")
    assert not models.PublicBody.objects.filter(name__iexact=NEW_BODY).exists()
    assert models.FoiRequest.objects.count() == 1
    assert models.BodySuggestion.objects.get().status == models.SuggestionStatus.REJECTED


def test_a_staff_import_creates_the_body_directly(staff_client: Client) -> None:
    page = import_csv(staff_client)
    assert "3 requests imported" in page
    assert models.PublicBody.objects.filter(name=NEW_BODY).exists()
    assert not models.BodySuggestion.objects.exists()


def test_only_staff_decide(alice_client: Client) -> None:
    import_csv(alice_client)
    assert alice_client.get(reverse("body_suggestions")).status_code == 403
    suggestion = models.BodySuggestion.objects.get()
    data = {"suggestion": suggestion.pk, "action": "accept"}
    assert alice_client.post(reverse("body_suggestions"), data).status_code == 403
    assert not models.PublicBody.objects.filter(name__iexact=NEW_BODY).exists()
