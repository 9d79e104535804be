"""Every main page, signed in with the demo data, at a phone's width and a desktop's: no
accessibility violation that axe-core finds, and no sideways scroll of the page.

axe-core comes from npm (package.json; `make test` runs `npm ci`). The site's policy allows
no script from elsewhere, so the test's browser context bypasses it and adds axe to every
page before the page's own scripts run.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.demo import demo_world
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
MAIN_PAGES = (
    "dashboard",
    "requests",
    "request",
    "request-refused",
    "search",
    "batch-grid",
    "insights",
    "calendar",
    "campaign",
    "body",
    "account",
    "unmatched",
)


@pytest.fixture
def axe_script() -> Path:
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{AXE} is missing: run `npm ci` (make test does)")
        pytest.skip("axe-core is not installed: run `npm ci` (make test does)")
    return AXE


@pytest.fixture
def demo(live_server) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return demo_world(UserFactory(username="demo"))


def signed_in(browser: Browser, base: str, viewport: dict[str, int], axe: Path) -> Page:
    context = browser.new_context(viewport=viewport, bypass_csp=True)  # type: ignore[arg-type]
    context.add_init_script(path=axe)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("demo")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Skip for now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    return page


def problems_on(page: Page) -> list[str]:
    """axe's violations and a page wider than the window, as readable lines."""
    violations: list[dict[str, Any]] = page.evaluate("async () => (await axe.run()).violations")
    found = [
        f"{item['id']} ({item['impact']}): {item['help']} at "
        + ", ".join(str(node["target"]) for node in item["nodes"][:3])
        for item in violations
    ]
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if widths[0] > widths[1]:
        found.append(f"the page scrolls sideways: {widths[0]} px wide in a {widths[1]} px window")
    return found


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_every_main_page_has_no_axe_violation_and_no_sideways_scroll(
    browser: Browser, live_server, demo: dict[str, str], axe_script: Path, viewport: dict[str, int]
) -> None:  # type: ignore[no-untyped-def]
    page = signed_in(browser, live_server.url, viewport, axe_script)
    report = {}
    for name in MAIN_PAGES:
        page.goto(f"{live_server.url}{demo[name]}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        report[name] = problems_on(page)
    assert {name: found for name, found in report.items() if found} == {}
    page.context.close()


def test_on_a_phone_a_requests_reference_body_status_and_due_date_are_in_view(
    browser: Browser, live_server, demo: dict[str, str], axe_script: Path
) -> None:  # type: ignore[no-untyped-def]
    page = signed_in(browser, live_server.url, PHONE, axe_script)
    header = page.locator(".site-header").bounding_box()
    assert header is not None and header["height"] < PHONE["height"] / 6
    for name in ("dashboard", "requests"):
        page.goto(f"{live_server.url}{demo[name]}")
        row = page.locator("table.requests tbody tr").first
        for column in (1, 3, 4, 6):  # reference, public body, status, due
            cell = row.locator(f"td:nth-child({column})")
            expect(cell).to_be_visible()
            box = cell.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    # The list's filters wait behind one button that counts the active ones.
    page.goto(f"{live_server.url}{demo['requests']}?overdue=on")
    button = page.locator("details.filter-panel > summary")
    expect(button).to_contain_text("1 active")
    expect(page.get_by_role("button", name="Filter")).to_be_hidden()
    button.click()
    expect(page.get_by_role("button", name="Filter")).to_be_visible()
    # Search facets are collapsed too, the results first on the screen.
    page.goto(f"{live_server.url}{demo['search']}")
    expect(page.locator(".search-facets")).to_be_hidden()
    expect(page.locator(".search-hit").first).to_be_in_viewport()
    page.context.close()


def test_on_a_desktop_the_navigation_is_one_row_and_results_lead_the_search_page(
    browser: Browser, live_server, demo: dict[str, str], axe_script: Path
) -> None:  # type: ignore[no-untyped-def]
    page = signed_in(browser, live_server.url, DESKTOP, axe_script)
    tops = page.locator(".site-header .nav > li").evaluate_all(
        "items => items.map(item => item.getBoundingClientRect().top)"
    )
    assert max(tops) - min(tops) < 10, f"the navigation wraps: its items' tops are {tops}"
    search = page.locator(".site-header .site-search").bounding_box()
    assert search is not None
    last = page.locator(".site-header .nav > li").last.bounding_box()
    assert last is not None and last["x"] + last["width"] <= search["x"], (last, search)
    page.goto(f"{live_server.url}{demo['search']}")
    results = page.locator(".search-results").bounding_box()
    facets = page.locator(".search-facets").bounding_box()
    assert results is not None and facets is not None
    assert results["x"] < facets["x"] and results["width"] > 2 * facets["width"]
    # The message page belongs to the request, not to the unmatched inbox.
    page.goto(f"{live_server.url}{demo['request']}")
    page.locator(".timeline-item--message h3 a").first.click()
    expect(page.locator('.nav a[aria-current="page"]')).to_have_text("Requests")
    page.context.close()
