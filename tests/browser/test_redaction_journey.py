"""Redacting in a real browser: draw a box on a page image, save, download the version."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from requests_app.models import RedactedVersion, ShareLink
from tests.factories import TEST_PASSWORD, FoiRequestFactory, MessageFactory, UserFactory
from tests.redaction.documents import attach, pdf_without_log, pdftotext, text_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/work/wt/redaction-shots")


def test_draw_a_box_save_and_download_the_redacted_version(
    page: Page, live_server, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    owner = UserFactory(username="campaigner")
    foi_request = FoiRequestFactory(owner=owner)
    original = attach(MessageFactory(request=foi_request), text_pdf(), "reply.pdf")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("campaigner")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(f"{live_server.url}/attachments/{original.pk}/pages/")
    page.get_by_role("link", name="Redact").click()
    image = page.get_by_role("img", name="Page 1 of reply.pdf")
    expect(image).to_be_visible()
    expect(image).to_have_js_property("complete", True)
    # The fourth line of the letter ("His colleague Zebedee Thistlewood …") lies 220-234 pt
    # from the top of a 595 x 842 pt page: drag across it, scaled to the image shown.
    canvas = page.locator(".redaction-canvas").first
    canvas.evaluate("element => element.scrollIntoView()")
    box = canvas.bounding_box()
    assert box is not None
    scale = box["width"] / 595
    page.mouse.move(box["x"] + 60 * scale, box["y"] + 214 * scale)
    page.mouse.down()
    page.mouse.move(box["x"] + 300 * scale, box["y"] + 230 * scale, steps=5)
    page.mouse.move(box["x"] + 560 * scale, box["y"] + 240 * scale, steps=5)
    page.mouse.up()
    expect(page.locator(".redaction-box--new")).to_have_count(1)
    SHOTS.mkdir(parents=True, exist_ok=True)
    canvas.screenshot(path=str(SHOTS / "editor-box-drawn.png"))
    expect(page.get_by_label("Boxes")).to_have_value(re.compile(r"^1:\d"))
    page.get_by_label("Reason").select_option("personal_data")
    page.get_by_role("button", name="Create the redacted version").click()

    expect(page.get_by_role("heading", name="Redacted versions")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download", exact=True).click()
    saved = tmp_path / "downloaded.pdf"
    download_info.value.save_as(saved)

    version = RedactedVersion.objects.get(original=original)
    assert version.redactions.count() == 1
    text = pdftotext(pdf_without_log(saved, tmp_path))
    assert "Thistlewood" not in text and "Zebedee" not in text
    assert "pineapple" in text
    subprocess.run(
        ["pdftoppm", "-r", "80", "-png", "-singlefile", str(saved), str(SHOTS / "redacted-page")],
        check=True,
    )


def test_a_share_link_waits_for_the_check_and_shares_the_redacted_letter(
    page: Page, live_server
) -> None:  # type: ignore[no-untyped-def]
    owner = UserFactory(username="campaigner")
    foi_request = FoiRequestFactory(owner=owner)
    MessageFactory(
        request=foi_request,
        subject="Your request",
        body_text="Ring our caseworker on 020 7946 0123 with any questions.",
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("campaigner")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(f"{live_server.url}/requests/{foi_request.reference}/share/")
    page.get_by_role("button", name="Create a share link").click()
    expect(page.get_by_role("heading", name="Check before it leaves")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was shared yet")
    expect(page.get_by_role("cell", name="020 7946 0123")).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "check-before-sharing.png"), full_page=True)
    assert not ShareLink.objects.exists()

    page.get_by_role("button", name="Redact", exact=True).click()
    expect(page.get_by_role("heading", name="Share links")).to_be_visible()
    page.get_by_role("button", name="Create a share link").click()
    link = page.get_by_role("textbox", name=re.compile("Share link created"))
    expect(link).to_be_visible()
    page.goto(link.input_value())
    expect(page.get_by_text("Ring our caseworker on [redacted: personal data]")).to_be_visible()
    expect(page.get_by_text("020 7946 0123")).to_have_count(0)
