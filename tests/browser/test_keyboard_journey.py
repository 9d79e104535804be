"""The main journey with the keyboard alone — Tab, Enter, Space, arrow keys and typing:
sign in, log a new request, upload the body's reply, confirm what the reply is, and open
the letter that answers it. Every control reached shows where the focus is."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from requests_app.models import Exemption, FoiRequest, PublicBody, Status
from tests.factories import TEST_PASSWORD, PublicBodyFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFUSAL = """\
From: FOI Team <foi@nao.org.uk>
To: campaigner@example.org
Subject: Your request: board minutes
Date: {date}
Message-ID: <keyboard-refusal@nao.org.uk>
Content-Type: text/plain; charset=utf-8

We hold the information, but we are refusing your request under section 43(2)
(commercial interests) of the Freedom of Information Act 2000.
"""

# What the focused element looks like, and what it is.
FOCUS = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    ring: style.boxShadow !== "none",
    tag: element.tagName.toLowerCase(),
    name: (element.getAttribute("aria-label") || element.labels?.[0]?.textContent
           || element.textContent || element.value || "").trim().replace(/\\s+/g, " "),
  };
}"""


def tab_to(page: Page, matches: str, *, limit: int = 80) -> None:
    """Press Tab until the focused element's tag and name match `matches` ("tag:name");
    every stop on the way must show a visible focus ring. A field the page focuses by
    itself (the username on the login page) counts without a key press."""
    tag, _, name = matches.partition(":")
    focus = page.evaluate(FOCUS)
    for _ in range(limit):
        if focus["tag"] == tag and focus["name"].startswith(name):
            return
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        if focus["tag"] != "body":  # past the last control the browser's own UI has it
            assert focus["outline"] or focus["ring"], f"no visible focus on {focus}"
    raise AssertionError(f"Tab never reached {matches}")


def sent_on_a_day_like_its_month(today: dt.date) -> dt.date:
    """The latest 1 Jan, 2 Feb … 12 Dec at least five days ago: typed as digits it reads
    the same in a day-first and a month-first date field, whatever the browser's locale."""
    for back in range(13):
        year, month = divmod(today.year * 12 + today.month - 1 - back, 12)
        day = dt.date(year, month + 1, month + 1)
        if day <= today - dt.timedelta(days=5):
            return day
    raise AssertionError("unreachable")


def follow(page: Page, key: str = "Enter") -> None:
    """Press a key that leads to another page, and wait for it."""
    with page.expect_navigation():
        page.keyboard.press(key)


def test_the_main_journey_with_the_keyboard_alone(
    browser: Browser, live_server, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    UserFactory(username="campaigner")
    Exemption.objects.get_or_create(
        law="uk-foia", section="43", defaults={"title": "Commercial interests"}
    )
    PublicBody.objects.filter(short_name="NAO").delete()
    PublicBodyFactory(name="National Audit Office", short_name="NAO", foi_email="foi@nao.org.uk")
    reply = tmp_path / "reply.eml"
    sent_on = sent_on_a_day_like_its_month(dt.date.today())
    replied = dt.datetime.combine(sent_on + dt.timedelta(days=3), dt.time(10), dt.UTC)
    reply.write_text(REFUSAL.format(date=format_datetime(replied)))
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 800})
    page = context.new_page()

    page.goto(f"{live_server.url}/accounts/login/")
    tab_to(page, "input:Username")
    page.keyboard.type("campaigner")
    tab_to(page, "input:Password")
    page.keyboard.type(TEST_PASSWORD)
    follow(page)
    tab_to(page, "button:Skip for now")
    follow(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")

    # A new request, from the header's link.
    tab_to(page, "a:New request")
    follow(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a new request")
    tab_to(page, "input:Title")
    page.keyboard.type("Board minutes on value for money")
    tab_to(page, "input:Search public bodies by name")
    page.keyboard.type("National Audit")
    bodies = page.locator("select[name=public_body]")
    expect(bodies.locator("option:not([value=''])")).to_have_count(1)
    page.keyboard.press("Tab")
    page.keyboard.press("Home")
    page.keyboard.press("ArrowDown")
    expect(bodies.locator("option:checked")).to_contain_text("National Audit Office")
    tab_to(page, "textarea:Request text")
    page.keyboard.type("Please provide the board minutes of 2025.")
    tab_to(page, "input:Sent on")
    page.keyboard.type(sent_on.strftime("%d%m%Y"))
    tab_to(page, "button:Log request")
    follow(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Board minutes on value for money")
    foi_request = FoiRequest.objects.get()
    assert foi_request.sent_on == sent_on

    # Upload the reply: "Add a reply" opens its section; Space opens the file chooser.
    tab_to(page, "a:Add a reply")
    page.keyboard.press("Enter")
    tab_to(page, "input:Email files")
    with page.expect_file_chooser() as chooser:
        # Playwright asks the page to hand file choosers over as this block starts, and does
        # not wait for the answer; a key press reaches the page by another way, and under load
        # Space overtook the request: the browser's own chooser opened, unseen. The page
        # answers in turn, so once it has said where the focus is, it hands them over.
        expect(page.get_by_label("Email files")).to_be_focused()
        page.keyboard.press("Space")
    chooser.value.set_files(str(reply))
    tab_to(page, "button:Upload")
    follow(page)
    expect(page.get_by_text("reply received — not yet reviewed").first).to_be_visible()

    # Say what it is: the suggestion is already chosen; confirm it.
    tab_to(page, "button:Confirm and record it")
    page.keyboard.press("Enter")  # saved in place, no page load (static/js/inline-save.js)
    expect(page.get_by_role("status")).to_contain_text("Marked as refusal")
    expect(page.locator(".status .badge").first).to_have_text("Refused")
    # The focus waits at the top of what to do now, the letter a few tabs on.
    expect(page.locator("#next-heading")).to_be_focused()
    foi_request.refresh_from_db()
    assert foi_request.status == Status.REFUSED

    # The page now leads with the review, and the letter is one key press away.
    expect(page.locator(".next-action__headline")).to_contain_text("ask for an internal review by")
    tab_to(page, "a:Write the internal review request")
    follow(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("An internal review request")
    assert "review" in page.get_by_label("Subject").input_value().lower()
    context.close()
