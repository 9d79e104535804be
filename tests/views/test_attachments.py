"""Downloading attachments: always a download, never sniffed, only for those who may see."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from requests_app import models


def download_url(attachment: models.Attachment, filename: str | None = None) -> str:
    kwargs = {"pk": attachment.pk, "filename": filename or attachment.filename}
    return reverse("attachment_download", kwargs=kwargs)


def test_the_owner_downloads_the_original_bytes_with_safe_headers(
    alice_client: Client, attachment: models.Attachment
) -> None:
    response = alice_client.get(download_url(attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 reply"  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''R%C3%A9ponse_finale.pdf" in disposition


def test_a_stored_html_type_is_still_a_download(
    alice_client: Client, attachment: models.Attachment
) -> None:
    attachment.content_type = "text/html"
    attachment.save()
    response = alice_client.get(download_url(attachment))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_outsider_gets_404(mallory_client: Client, attachment: models.Attachment) -> None:
    assert mallory_client.get(download_url(attachment)).status_code == 404


def test_a_wrong_filename_or_id_is_404(alice_client: Client, attachment: models.Attachment) -> None:
    assert alice_client.get(download_url(attachment, "other.pdf")).status_code == 404
    missing = reverse("attachment_download", kwargs={"pk": 999999, "filename": "x.pdf"})
    assert alice_client.get(missing).status_code == 404


def test_a_lost_file_is_404_not_500(alice_client: Client, attachment: models.Attachment) -> None:
    attachment.file.storage.delete(attachment.file.name)
    assert alice_client.get(download_url(attachment)).status_code == 404
