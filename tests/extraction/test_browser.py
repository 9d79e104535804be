"""In a real browser: the document page follows a running extraction and shows the text
when it is done, with the PDF beside it in the browser's own viewer."""

from __future__ import annotations

from typing import Any, cast

import pytest
from playwright.sync_api import Page, expect

from requests_app.extraction.services import extract_attachment
from requests_app.models import ExtractionStatus, Message
from tests.extraction import files
from tests.extraction.factories import attachment_with
from tests.factories import TEST_PASSWORD, FoiRequestFactory, MessageFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_document_page_shows_the_text_once_extraction_has_finished(
    page: Page, live_server: Any
) -> None:
    alice = UserFactory(username="alice")
    message = cast(Message, MessageFactory(request=FoiRequestFactory(owner=alice)))
    attachment = attachment_with(
        files.text_pdf(["Minutes of the hospital parking review board."]),
        "minutes.pdf",
        message=message,
    )
    page.goto(f"{live_server.url}/attachments/{attachment.pk}/pages/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Waiting for extraction")).to_be_visible()
    expect(page.get_by_text("The text is being read")).to_be_visible()

    assert extract_attachment(attachment_id=attachment.pk).status == ExtractionStatus.DONE

    # The progress script polls, sees the work is over and reloads the page.
    expect(page.get_by_text("Minutes of the hospital parking review board.")).to_be_visible(
        timeout=15_000
    )
    expect(page.get_by_text("Text extracted")).to_be_visible()
    viewer = page.frame_locator("iframe")
    expect(viewer.locator("embed, body").first).to_be_attached()
