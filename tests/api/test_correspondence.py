"""Messages and attachments through the API: logging, listing, permission-checked downloads."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from requests_app import models
from tests.api.conftest import LONDON
from tests.factories import MessageFactory, make_attachment


def messages_url(foi_request: models.FoiRequest) -> str:
    return f"/api/v1/requests/{foi_request.reference}/messages/"


def test_logging_a_letter_with_an_attachment_notes_it_in_the_history(
    alice_api: APIClient, alice_request: models.FoiRequest
) -> None:
    payload = {
        "direction": "in",
        "channel": "letter",
        "kind": "acknowledgement",
        "sent_at": "2026-01-07T09:00:00Z",
        "subject": "We have your request",
        "attachments": [SimpleUploadedFile("ack.pdf", b"%PDF-1.4 ack")],
    }
    response = alice_api.post(messages_url(alice_request), payload, format="multipart")
    assert response.status_code == 201, response.json()
    logged = response.json()
    assert logged["request"] == alice_request.reference
    assert [attachment["filename"] for attachment in logged["attachments"]] == ["ack.pdf"]
    event = alice_request.events.get(kind=models.EventKind.MESSAGE_LOGGED)
    assert event.details == {"message": logged["id"], "attachments": 1}
    assert event.on == dt.date(2026, 1, 7)


def test_a_message_without_a_date_or_with_a_huge_file_is_refused(
    alice_api: APIClient, alice_request: models.FoiRequest, settings: Any
) -> None:
    settings.FOI_MAX_UPLOAD_BYTES = 10
    undated = alice_api.post(messages_url(alice_request), {"direction": "in"}, format="multipart")
    assert undated.status_code == 400 and "sent_at" in undated.json()
    payload = {
        "direction": "in",
        "sent_at": "2026-01-07T09:00:00Z",
        "attachments": [SimpleUploadedFile("big.pdf", b"x" * 100)],
    }
    too_big = alice_api.post(messages_url(alice_request), payload, format="multipart")
    assert too_big.status_code == 400
    assert "larger than the limit" in too_big.json()["attachments"][0]
    assert not alice_request.messages.exists()


def test_a_message_dated_in_a_year_no_deadline_can_count_is_refused(
    alice_api: APIClient, alice_request: models.FoiRequest
) -> None:
    payload = {"direction": "in", "sent_at": "0967-02-26T14:13:41Z"}
    response = alice_api.post(messages_url(alice_request), payload, format="multipart")
    assert response.status_code == 400
    assert "outside the years" in response.json()["sent_at"][0]
    assert not alice_request.messages.exists()


def test_viewers_and_outsiders_cannot_log_messages(
    viewer_api: APIClient,
    mallory_api: APIClient,
    campaign_request: models.FoiRequest,
    alice_request: models.FoiRequest,
) -> None:
    payload = {"direction": "in", "sent_at": "2026-01-07T09:00:00Z"}
    assert viewer_api.post(messages_url(campaign_request), payload).status_code == 403
    assert mallory_api.post(messages_url(alice_request), payload).status_code == 404
    assert not models.Message.objects.exists()


def test_the_message_list_holds_only_what_the_user_may_see(
    alice_api: APIClient,
    mallory_api: APIClient,
    reply: models.Message,
    other_user: Any,
) -> None:
    unmatched = models.Message.objects.create(
        direction="in", sent_at=dt.datetime(2026, 1, 9, tzinfo=LONDON), imported_by=other_user
    )
    assert [row["id"] for row in alice_api.get("/api/v1/messages/").json()["results"]] == [reply.pk]
    assert [row["id"] for row in mallory_api.get("/api/v1/messages/").json()["results"]] == [
        unmatched.pk
    ]
    assert mallory_api.get(f"/api/v1/messages/{reply.pk}/").status_code == 404
    assert alice_api.get("/api/v1/messages/", {"request": "FOI-1999-0001"}).json()["count"] == 0


def test_an_attachment_downloads_with_safe_headers_whatever_is_accepted(
    alice_api: APIClient, attachment: models.Attachment
) -> None:
    metadata = alice_api.get(f"/api/v1/attachments/{attachment.pk}/").json()
    assert metadata["sha256"] == attachment.sha256
    assert metadata["request"] == attachment.message.request.reference  # type: ignore[union-attr]
    response = alice_api.get(metadata["download_url"], HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 reply"  # type: ignore[attr-defined]
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_outsider_sees_no_attachment_and_downloads_nothing(
    mallory_api: APIClient, attachment: models.Attachment
) -> None:
    assert mallory_api.get("/api/v1/attachments/").json()["count"] == 0
    assert mallory_api.get(f"/api/v1/attachments/{attachment.pk}/").status_code == 404
    response = mallory_api.get(f"/api/v1/attachments/{attachment.pk}/download/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert b"PDF" not in response.content


def test_a_missing_stored_file_is_a_404_not_a_500(
    alice_api: APIClient, attachment: models.Attachment
) -> None:
    attachment.file.storage.delete(str(attachment.file.name))
    response = alice_api.get(f"/api/v1/attachments/{attachment.pk}/download/")
    assert response.status_code == 404


def test_the_lists_run_the_same_queries_for_two_rows_as_for_twelve(
    alice_api: APIClient, alice_request: models.FoiRequest
) -> None:
    def grow(count: int) -> list[int]:
        for number in range(count):
            message = MessageFactory.create(
                request=alice_request, sent_at=dt.datetime(2026, 1, 8 + number % 5, tzinfo=LONDON)
            )
            make_attachment(message, filename=f"letter-{message.pk}.pdf")
        counts = []
        for url in ("/api/v1/messages/", "/api/v1/attachments/"):
            with CaptureQueriesContext(connection) as queries:
                assert alice_api.get(url).status_code == 200
            counts.append(len(queries.captured_queries))
        return counts

    assert grow(2) == grow(10)
