"""Logging correspondence with attachments."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from requests_app import models


@pytest.fixture
def message_url(alice_request: models.FoiRequest) -> str:
    return reverse("message_create", kwargs={"reference": alice_request.reference})


def message_data(**changes: Any) -> dict[str, Any]:
    data = {
        "direction": "in",
        "channel": "email",
        "sent_at": "2026-01-14T16:45",
        "sender": "foi@examples.gov.example",
        "recipients": "alice@example.org",
        "subject": "Response to your request",
        "body_text": "Please find the information attached.",
        "kind": "response",
    }
    return {**data, **changes}


def test_logging_a_message_stores_each_file_once_and_notes_it_in_the_history(
    alice_client: Client, alice_request: models.FoiRequest, message_url: str, user: Any
) -> None:
    files = [
        SimpleUploadedFile("../../etc/Réponse finale.pdf", b"%PDF-1.7 answer"),
        SimpleUploadedFile("table.csv", b"year,amount\n2025,100\n"),
    ]
    response = alice_client.post(message_url, message_data(attachments=files))
    assert response.status_code == 302
    assert response["Location"] == alice_request.get_absolute_url()
    message = alice_request.messages.get()
    assert message.subject == "Response to your request"
    assert message.sent_at.isoformat() == "2026-01-14T16:45:00+00:00"
    attachments = list(message.attachments.order_by("filename"))
    assert [a.filename for a in attachments] == ["Réponse finale.pdf", "table.csv"]
    assert [a.content_type for a in attachments] == ["application/pdf", "text/csv"]
    assert attachments[0].size == len(b"%PDF-1.7 answer")
    assert default_storage.open(attachments[0].file.name).read() == b"%PDF-1.7 answer"
    event = alice_request.events.get(kind=models.EventKind.MESSAGE_LOGGED)
    assert event.actor == user
    assert str(event.on) == "2026-01-14"


def test_an_upload_over_the_limit_is_refused_and_nothing_is_saved(
    alice_client: Client, alice_request: models.FoiRequest, message_url: str, settings: Any
) -> None:
    settings.FOI_MAX_UPLOAD_BYTES = 1000
    files = [
        SimpleUploadedFile("small.txt", b"fine"),
        SimpleUploadedFile("huge.pdf", b"x" * 2000),
    ]
    response = alice_client.post(message_url, message_data(attachments=files))
    assert response.status_code == 200
    assert "huge.pdf is larger than the limit of 1000\xa0bytes" in response.text
    assert 'id="id_attachments_error"' in response.text
    assert "Please find the information attached." in response.text  # kept
    assert not models.Message.objects.exists()
    assert not models.Attachment.objects.exists()
    assert not alice_request.events.filter(kind=models.EventKind.MESSAGE_LOGGED).exists()


def test_a_message_without_a_date_shows_the_error_and_keeps_the_text(
    alice_client: Client, message_url: str
) -> None:
    response = alice_client.post(message_url, message_data(sent_at=""))
    assert response.status_code == 200
    assert 'id="id_sent_at_error"' in response.text
    assert "Response to your request" in response.text
    assert not models.Message.objects.exists()


def test_the_message_page_renders_the_form(alice_client: Client, message_url: str) -> None:
    html = alice_client.get(message_url).text
    assert '<input type="file" name="attachments" multiple' in html
    assert '<label for="id_subject">' in html
