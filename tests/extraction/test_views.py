"""The document page, the inline viewer, retry and progress: only for those who may see."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks, Settings

from requests_app.models import Attachment, DocumentPage, ExtractionStatus, Message
from tests.extraction import files
from tests.extraction.factories import attachment_with, extracted

pytestmark = pytest.mark.django_db

Attach = Callable[..., Attachment]
LETTER = [
    "Dear Ms Smith,\nWe spent GBP 1.2m on consultants.",
    "The consultants were McKinsey & Co <partners>.",
    "You may ask for an internal review.",
]


def url(name: str, attachment: Attachment) -> str:
    return reverse(name, kwargs={"pk": attachment.pk})


@pytest.fixture
def reply_pdf(attach: Attach) -> Attachment:
    return extracted(attach(files.text_pdf(LETTER), "reply.pdf"))


def with_pages(attachment: Attachment, texts: list[str]) -> Attachment:
    DocumentPage.objects.bulk_create(
        DocumentPage(attachment=attachment, number=number, text=text)
        for number, text in enumerate(texts, start=1)
    )
    Attachment.objects.filter(pk=attachment.pk).update(
        status=ExtractionStatus.DONE, page_count=len(texts), pages_done=len(texts)
    )
    attachment.refresh_from_db()
    return attachment


# --- the document page --------------------------------------------------------------


def test_the_document_page_shows_the_text_page_by_page_beside_the_original(
    alice_client: Client, reply_pdf: Attachment
) -> None:
    response = alice_client.get(url("attachment_pages", reply_pdf))
    assert response.status_code == 200
    html = response.content.decode()
    for number in (1, 2, 3):
        assert f'id="page-{number}"' in html
    assert "We spent GBP 1.2m on consultants." in html
    assert f'<iframe src="{url("attachment_view", reply_pdf)}"' in html
    download = reverse("attachment_download", kwargs={"pk": reply_pdf.pk, "filename": "reply.pdf"})
    assert f'href="{download}"' in html


def test_search_terms_are_marked_and_the_text_stays_escaped(
    alice_client: Client, reply_pdf: Attachment
) -> None:
    response = alice_client.get(url("attachment_pages", reply_pdf), {"q": "consultants -review"})
    html = response.content.decode()
    assert "We spent GBP 1.2m on <mark>consultants</mark>." in html
    assert "The <mark>consultants</mark> were McKinsey &amp; Co &lt;partners&gt;." in html
    assert "<partners>" not in html
    assert "<mark>review</mark>" not in html  # a negated term is not a hit
    assert 'href="?q=consultants%20-review&amp;page=1#page-2"' in html


def test_a_term_inside_an_escaped_character_does_not_break_it(
    alice_client: Client, reply_pdf: Attachment
) -> None:
    html = alice_client.get(url("attachment_pages", reply_pdf), {"q": "amp lt"}).content.decode()
    assert "McKinsey &amp; Co &lt;partners&gt;." in html


def test_a_long_document_is_shown_in_screens_and_a_search_opens_the_first_hit(
    alice_client: Client, attach: Attach
) -> None:
    texts = [f"Page {number} of the minutes." for number in range(1, 46)]
    texts[31] = "The board discussed the outsourcing contract."
    attachment = with_pages(attach(b"x", "minutes.pdf"), texts)
    first = alice_client.get(url("attachment_pages", attachment)).content.decode()
    assert 'id="page-20"' in first
    assert 'id="page-21"' not in first
    assert "Pages 1–20 of 45" in first
    hit = alice_client.get(url("attachment_pages", attachment), {"q": "outsourcing"})
    html = hit.content.decode()
    assert 'id="page-32"' in html
    assert "Pages 21–40 of 45" in html
    assert "<mark>outsourcing</mark>" in html


def test_a_link_to_a_page_number_opens_the_screen_holding_that_page(
    alice_client: Client, attach: Attach
) -> None:
    attachment = with_pages(attach(b"x", "minutes.pdf"), [f"Page {n}" for n in range(1, 46)])
    html = alice_client.get(url("attachment_pages", attachment), {"p": "43"}).content.decode()
    assert 'id="page-43"' in html
    assert "Pages 41–45 of 45" in html


def test_the_document_page_needs_a_constant_number_of_queries(
    alice_client: Client, attach: Attach
) -> None:
    def queries_for(pages: int) -> int:
        attachment = with_pages(attach(b"x", f"{pages}.pdf"), ["some text"] * pages)
        alice_client.get(url("attachment_pages", attachment), {"q": "text"})  # a first view
        with CaptureQueriesContext(connection) as captured:
            alice_client.get(url("attachment_pages", attachment), {"q": "text"})
        return len(captured)

    assert queries_for(2) == queries_for(20)


def test_a_scan_without_ocr_says_that_ocr_is_unavailable(
    alice_client: Client,
    attach: Attach,
    settings: Settings,
) -> None:
    settings.FOI_TESSERACT_COMMAND = "/nonexistent/tesseract"
    attachment = extracted(attach(files.scanned_pdf(["Scanned letter"]), "scan.pdf"))
    html = alice_client.get(url("attachment_pages", attachment)).content.decode()
    assert "OCR (reading text from images) is not available on this server" in html
    assert "Scanned: OCR unavailable" in html


def test_files_inside_an_archive_are_listed_with_links(
    alice_client: Client, attach: Attach
) -> None:
    archive = extracted(attach(files.zip_of({"annex.csv": b"a,b\n1,2\n"}), "reply.zip"))
    [child] = archive.children.all()
    html = alice_client.get(url("attachment_pages", archive)).content.decode()
    assert f'<a href="{url("attachment_pages", child)}">annex.csv</a>' in html
    child_html = alice_client.get(url("attachment_pages", child)).content.decode()
    assert f'inside <a href="{url("attachment_pages", archive)}">reply.zip</a>' in child_html


# --- the original in the browser's viewer -------------------------------------------


def test_a_pdf_is_shown_inline_in_a_sandbox(alice_client: Client, reply_pdf: Attachment) -> None:
    response = alice_client.get(url("attachment_view", reply_pdf))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('inline; filename="reply.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]


def test_an_image_is_shown_inline_with_its_real_type(alice_client: Client, attach: Attach) -> None:
    photo = attach(files.image_bytes("x", "PNG"), "photo.pdf")
    response = alice_client.get(url("attachment_view", photo))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")


def test_html_calling_itself_a_pdf_is_only_ever_a_download(
    alice_client: Client, attach: Attach
) -> None:
    page = attach(b"<html><body><script>alert(1)</script></body></html>", "reply.pdf")
    response = alice_client.get(url("attachment_view", page))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "sandbox"
    html = alice_client.get(url("attachment_pages", page)).content.decode()
    assert "<iframe" not in html


# --- progress and retry -------------------------------------------------------------


def test_progress_is_a_small_json_document(alice_client: Client, attach: Attach) -> None:
    attachment = attach(
        b"x", "a.pdf", status=ExtractionStatus.EXTRACTING, page_count=40, pages_done=12
    )
    response = alice_client.get(url("attachment_progress", attachment))
    assert response["Cache-Control"] == "no-store"
    assert json.loads(response.content) == {
        "status": "extracting",
        "label": "Extracting text",
        "pages_done": 12,
        "page_count": 40,
        "running": True,
        "ocr_unavailable": False,
    }


def test_an_editor_retries_a_failed_extraction(
    alice_client: Client,
    attach: Attach,
    settings: Settings,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    settings.FOI_EXTRACTION_MAX_FILE_BYTES = 10
    attachment = extracted(attach(files.text_pdf(LETTER), "reply.pdf"))
    settings.FOI_EXTRACTION_MAX_FILE_BYTES = 10_000_000
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(url("attachment_retry", attachment))
    assert response.status_code == 302
    assert response["Location"] == url("attachment_pages", attachment)
    attachment.refresh_from_db()
    assert attachment.status == ExtractionStatus.DONE
    assert attachment.page_count == 3


def test_retry_goes_back_only_to_a_page_of_this_site(
    alice_client: Client, reply_pdf: Attachment
) -> None:
    response = alice_client.post(
        url("attachment_retry", reply_pdf), {"next": "https://evil.example/"}
    )
    assert response["Location"] == url("attachment_pages", reply_pdf)
    response = alice_client.post(url("attachment_retry", reply_pdf), {"next": "/requests/"})
    assert response["Location"] == "/requests/"


def test_a_viewer_may_read_but_not_retry(viewer_client: Client, campaign_message: Message) -> None:
    attachment = attachment_with(b"Plain text reply", "a.txt", message=campaign_message)
    assert viewer_client.get(url("attachment_pages", attachment)).status_code == 200
    assert viewer_client.post(url("attachment_retry", attachment)).status_code == 403
    attachment.refresh_from_db()
    assert attachment.extraction_attempts == 0


def test_retry_is_a_post(alice_client: Client, reply_pdf: Attachment) -> None:
    assert alice_client.get(url("attachment_retry", reply_pdf)).status_code == 405


@pytest.mark.parametrize(
    "name", ["attachment_pages", "attachment_view", "attachment_retry", "attachment_progress"]
)
def test_outsiders_get_404_whatever_they_send(
    mallory_client: Client, reply_pdf: Attachment, name: str
) -> None:
    assert mallory_client.get(url(name, reply_pdf)).status_code == 404
    assert mallory_client.post(url(name, reply_pdf)).status_code == 404


@pytest.mark.parametrize("name", ["attachment_pages", "attachment_view", "attachment_progress"])
def test_anonymous_visitors_are_sent_to_log_in(
    client: Client, reply_pdf: Attachment, name: str
) -> None:
    response = client.get(url(name, reply_pdf))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_lost_original_is_404_in_the_viewer(alice_client: Client, reply_pdf: Attachment) -> None:
    reply_pdf.file.storage.delete(str(reply_pdf.file.name))
    assert alice_client.get(url("attachment_view", reply_pdf)).status_code == 404
    assert alice_client.get(url("attachment_pages", reply_pdf)).status_code == 200
