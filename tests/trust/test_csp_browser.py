"""The content security policy in a real browser: every page's scripts still run, and the
browser reports no blocked script, style, image or frame."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import ConsoleMessage, Page, expect

from requests_app import models
from tests.factories import TEST_PASSWORD
from tests.trust.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def complaints(page: Page) -> list[str]:
    """What the browser says the policy blocked, and any script error."""
    found: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            found.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: found.append(f"script error: {error}"))
    return found


def log_in(page: Page, base: str) -> None:
    page.goto(f"{base}{reverse('login')}")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("First steps")
    page.get_by_role("button", name="Skip for now").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dashboard")


def test_the_pages_run_their_scripts_under_the_policy(
    page: Page, live_server: Any, world: World, complaints: list[str]
) -> None:
    base = live_server.url
    log_in(page, base)
    reference = world.foi_request.reference
    link = models.ShareLink.objects.create(request=world.foi_request, created_by=world.owner)
    visits = [
        reverse("dashboard"),
        reverse("request_detail", kwargs={"reference": reference}),
        reverse("request_edit", kwargs={"reference": reference}),
        reverse("request_share", kwargs={"reference": reference}),
        reverse("request_audit", kwargs={"reference": reference}),
        reverse("request_bundle", kwargs={"reference": reference}),
        reverse("attachment_pages", kwargs={"pk": world.attachment.pk}),
        reverse("mail_message", kwargs={"pk": world.message.pk}),
        reverse("mail_import"),
        reverse("search") + "?q=waiting",
        reverse("two_factor_setup"),
        link.get_absolute_url(),
    ]
    for path in visits:
        response = page.goto(f"{base}{path}")
        assert response is not None and response.ok, path
        assert "Content-Security-Policy" in {name.title() for name in response.headers}, path
    page.goto(f"{base}{reverse('request_create')}")
    # body-picker.js, loaded from our static files, adds its search box.
    expect(page.get_by_label("Search public bodies by name")).to_be_visible()
    assert complaints == []
