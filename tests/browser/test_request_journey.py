"""A campaigner's first journey, in a real browser: log in, log a request to the NAO,
log the reply with a PDF, see it on the timeline and download it."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from weasyprint import HTML

from requests_app.models import Attachment, FoiRequest, PublicBody, Status
from tests.factories import TEST_PASSWORD, PublicBodyFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reply_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "NAO response FOI 2026-117.pdf"
    HTML(string="<h1>National Audit Office</h1><p>Response to your request.</p>").write_pdf(path)
    return path


def test_log_a_request_and_its_reply_with_a_pdf(
    page: Page, live_server, reply_pdf: Path, tmp_path: Path
) -> None:
    UserFactory(username="campaigner")
    # Transactional tests flush the seeded bodies; make sure the NAO is there.
    PublicBodyFactory(name="National Audit Office", short_name="NAO")
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("campaigner")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("First steps")
    page.get_by_role("button", name="Skip for now").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dashboard")

    page.get_by_role("link", name="New request").click()
    page.get_by_label("Title").fill("IAPT performance data correspondence")
    page.get_by_label("Search public bodies by name").fill("National Audit")
    body_select = page.locator("select[name=public_body]")
    nao = PublicBody.objects.get(short_name="NAO")
    expect(body_select.locator(f"option[value='{nao.pk}']")).to_have_count(1)
    body_select.select_option(str(nao.pk))
    page.get_by_label("Request text").fill("Please provide your correspondence with DHSC.")
    page.get_by_label("Sent on").fill("2026-01-05")
    page.get_by_role("button", name="Log request").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "IAPT performance data correspondence"
    )
    foi_request = FoiRequest.objects.get()
    assert foi_request.public_body == nao
    assert foi_request.status == Status.AWAITING_RESPONSE
    assert foi_request.due_on == dt.date(2026, 2, 2)
    expect(page.get_by_text("Monday 2 February 2026").first).to_be_visible()

    page.get_by_role("link", name="Record what happened").click()
    page.get_by_text("Log a letter, email or note").click()
    form = page.locator("form.message-form")
    form.get_by_label("Direction").select_option("in")
    form.get_by_label("Date and time").fill("2026-01-28T09:30")
    form.get_by_label("Subject").fill("Your request FOI 2026-117")
    form.get_by_label("Text").fill("Please find our response attached.")
    form.get_by_label("What it is").select_option("response")
    form.get_by_label("Attachments").set_input_files(str(reply_pdf))
    form.get_by_role("button", name="Log it").click()

    timeline_link = page.get_by_role("link", name=reply_pdf.name)
    expect(timeline_link).to_be_visible()
    expect(page.get_by_role("heading", name="Your request FOI 2026-117")).to_be_visible()

    with page.expect_download() as download_info:
        timeline_link.click()
    download = download_info.value
    assert download.suggested_filename == reply_pdf.name
    saved = tmp_path / "downloaded.pdf"
    download.save_as(saved)
    assert saved.read_bytes() == reply_pdf.read_bytes()
    attachment = Attachment.objects.get()
    assert attachment.sha256 == hashlib.sha256(reply_pdf.read_bytes()).hexdigest()
