"""Pages kept whole show every change on the next view, in a real browser.

Two campaigners of one campaign and an outsider, each in a browser of their own: the
editor's list and request page, kept after a first view, show the owner's change of title
as soon as it is saved; the outsider's list never shows the request; and a form on a kept
page carries a CSRF token the server accepts."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from requests_app.models import Role, Visibility
from tests.factories import (
    TEST_PASSWORD,
    CampaignFactory,
    FoiRequestFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(browser: Browser, base: str, username: str) -> Page:
    page = browser.new_context().new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".account-menu summary")).to_contain_text(username)
    return page


def shows_title(page: Page, base: str, request_url: str, title: str) -> None:
    """The request list and the request page both show the request under `title`."""
    page.goto(f"{base}/requests/")
    expect(page.get_by_role("cell", name=title)).to_be_visible()
    page.goto(request_url)
    expect(page.get_by_role("heading", name=title)).to_be_visible()


def test_a_change_shows_at_once_on_kept_pages(browser: Browser, live_server: Any) -> None:
    owner, editor = UserFactory(username="olivia"), UserFactory(username="eddie")
    UserFactory(username="mallory")
    campaign = CampaignFactory(name="Open Hospitals", slug="open-hospitals")
    MembershipFactory(campaign=campaign, user=owner, role=Role.OWNER)
    MembershipFactory(campaign=campaign, user=editor, role=Role.EDITOR)
    foi_request = FoiRequestFactory(
        owner=owner,
        campaign=campaign,
        visibility=Visibility.CAMPAIGN,
        title="Agency staff spending",
    )
    base = live_server.url
    request_url = f"{base}{foi_request.get_absolute_url()}"

    eddie = signed_in(browser, base, "eddie")
    for _ in range(2):  # the second view is the kept page
        shows_title(eddie, base, request_url, "Agency staff spending")

    olivia = signed_in(browser, base, "olivia")
    olivia.goto(f"{request_url}edit/")
    olivia.get_by_label("Title").fill("Agency and locum staff spending")
    olivia.get_by_role("button", name="Save changes").click()
    expect(olivia.get_by_text("Your changes have been saved.")).to_be_visible()

    shows_title(eddie, base, request_url, "Agency and locum staff spending")

    mallory = signed_in(browser, base, "mallory")
    mallory.goto(f"{base}/requests/")
    expect(mallory.get_by_text("Agency and locum staff spending")).to_have_count(0)

    # The request page Eddie now sees is a kept one: its form's token still passes.
    eddie.goto(request_url)
    eddie.locator(".account-menu summary").click()
    eddie.get_by_role("button", name="Log out").click()
    expect(eddie.get_by_role("button", name="Log in")).to_be_visible()
