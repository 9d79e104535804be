"""A scanned letter's words are found by search and shown on its document page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from requests_app.search import search
from tests.extraction import files
from tests.extraction.conftest import needs_tesseract
from tests.extraction.factories import extracted, recognised

pytestmark = pytest.mark.django_db


@needs_tesseract
def test_the_words_of_a_scanned_pdf_are_found_by_search_and_shown_marked(
    attach: Callable[..., object], user: User, alice_client: Client
) -> None:
    scan = files.scanned_pdf(["Cover page", "Invoice from Capita for outsourcing"])
    attachment = recognised(extracted(attach(scan, "scan.pdf")))  # type: ignore[arg-type]

    results = search(user, "outsourcing")
    [hit] = [hit for hit in results.hits if hit.kind == "page"]
    assert hit.object.attachment_id == attachment.pk  # type: ignore[union-attr]
    assert hit.page_number == 2

    html = alice_client.get(hit.url.split("#")[0], {"q": "outsourcing"}).content.decode()
    assert "Invoice from Capita for <mark>outsourcing</mark>" in html
