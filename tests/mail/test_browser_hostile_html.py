"""In a real browser: a hostile HTML body runs no script, neither on the page nor alone."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Dialog, Page, expect

from requests_app import models
from requests_app.mail.importer import import_message
from requests_app.mail.sanitise import displayable_html
from tests.factories import TEST_PASSWORD, FoiRequestFactory, PublicBodyFactory, UserFactory
from tests.mail.conftest import corpus_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hostile_message() -> models.Message:
    alice = UserFactory.create(username="alice")
    body = PublicBodyFactory.create(
        name="Department of Examples", foi_email="foi@examples.gov.example"
    )
    FoiRequestFactory.sent(
        on=dt.date(2026, 1, 5), reference="FOI-2026-0042", owner=alice, public_body=body
    )
    result = import_message(
        raw=corpus_bytes("16_hostile_html.eml"),
        source=models.MessageSource.UPLOAD,
        imported_by=alice,
    )
    assert result.message is not None and result.message.request is not None
    return result.message


def watch_for_scripts(page: Page) -> list[str]:
    """Collects every dialog and every request to the tracker, should a script get through."""
    seen: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        seen.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on(
        "request",
        lambda request: seen.append(request.url) if "tracker.example" in request.url else None,
    )
    return seen


def test_a_hostile_body_runs_no_script_on_the_message_page(
    page: Page,
    live_server,
    hostile_message: models.Message,
) -> None:
    seen = watch_for_scripts(page)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/mail/messages/{hostile_message.pk}/")

    frame = page.frame_locator("iframe.message-html")
    expect(frame.get_by_text("Dear requester, the figures are below.")).to_be_visible()
    frame.get_by_text("Click for the data").click()
    page.wait_for_timeout(300)  # time for an onerror or onload handler to have fired
    expect(page).to_have_title("Formatted reply · FOI Tracker")
    assert page.evaluate("window.pwned") is None
    assert seen == []


def test_the_sanitised_html_runs_no_script_even_without_sandbox_or_policy(
    page: Page, hostile_message: models.Message
) -> None:
    seen = watch_for_scripts(page)
    page.set_content(f"<title>untouched</title>{displayable_html(hostile_message.body_html)}")
    page.get_by_text("Click for the data").click()
    page.wait_for_timeout(300)
    assert page.title() == "untouched"
    assert page.evaluate("window.pwned") is None
    assert seen == []
    assert page.locator("script, iframe, form, [onerror], [onload]").count() == 0


def test_the_unsanitised_html_would_have_run_a_script(page: Page) -> None:
    """The control: the same body, unsanitised, does set window.pwned in this browser."""
    raw_html = corpus_bytes("16_hostile_html.eml").decode().partition("\r\n\r\n")[2]
    page.set_content(raw_html)
    page.wait_for_timeout(300)
    assert page.evaluate("window.pwned") is True
