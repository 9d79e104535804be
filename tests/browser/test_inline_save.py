"""The request page's small forms save in place, in a real browser: the page does not
load again (a mark left on `window` before the click survives), the new state is shown and
stored, and a "saved" toast is put in the page's status region for screen readers.

Set FOI_SHOTS_DIR to keep screenshots of the page after each change is saved in place."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from requests_app.models import FoiRequest, Message, PublicBody, Status
from requests_app.models.bodies import PersonalBodyAddress
from tests.browser.test_reply_journey import shoot
from tests.factories import (
    TEST_PASSWORD,
    FoiRequestFactory,
    MessageFactory,
    PublicBodyFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_and_open(page: Page, base: str, foi_request: FoiRequest) -> None:
    page.goto(f"{base}/")
    page.get_by_label("Username").fill("campaigner")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{base}{foi_request.get_absolute_url()}")
    page.evaluate("window.samePage = true")


def still_the_same_page(page: Page) -> bool:
    return bool(page.evaluate("window.samePage === true"))


def test_mark_as_sent_then_close_without_a_page_load(page: Page, live_server) -> None:
    campaigner = UserFactory(username="campaigner")
    draft = FoiRequestFactory(owner=campaigner, title="Agency staff spending")
    sent_on = dt.date.today() - dt.timedelta(days=3)
    sign_in_and_open(page, live_server.url, draft)

    page.get_by_label("Date").first.fill(sent_on.isoformat())
    page.get_by_role("button", name="Mark as sent").click()

    expect(page.get_by_role("status")).to_have_text("Recorded: Sent.")
    expect(page.locator(".status .badge").first).to_have_text("Awaiting response")
    expect(page.get_by_role("button", name="Mark as sent")).to_have_count(0)
    assert still_the_same_page(page)
    draft.refresh_from_db()
    assert draft.status == Status.AWAITING_RESPONSE and draft.sent_on == sent_on

    page.locator("#record > summary").click()
    status_form = page.locator("form.status-form")
    # A date the server refuses comes back as words in the toast; nothing changes.
    status_form.get_by_label("Date").fill((sent_on - dt.timedelta(days=1)).isoformat())
    status_form.get_by_role("button", name="Closed").click()
    expect(page.get_by_role("status")).to_contain_text("Not saved. Date: That is before the")
    expect(page.locator(".status .badge").first).to_have_text("Awaiting response")
    draft.refresh_from_db()
    assert draft.status == Status.AWAITING_RESPONSE

    status_form.get_by_label("Date").fill(dt.date.today().isoformat())
    status_form.get_by_role("button", name="Closed").click()

    expect(page.get_by_role("status")).to_have_text("Recorded: Closed.")
    expect(page.locator(".status .badge").first).to_have_text("Closed")
    expect(page.locator("#record")).to_have_attribute("open", "")
    expect(page.locator(".timeline")).to_contain_text("Closed")
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, "inline-closed-390.png")
    assert still_the_same_page(page)
    draft.refresh_from_db()
    assert draft.status == Status.CLOSED


def test_save_the_offered_address_and_confirm_the_reply_without_a_page_load(
    page: Page, live_server
) -> None:
    campaigner = UserFactory(username="campaigner")
    PublicBody.objects.filter(slug="nowhere-council").delete()
    nowhere = PublicBodyFactory(
        name="Nowhere Council",
        slug="nowhere-council",
        foi_email="",
        website="https://nowhere.example",
    )
    foi_request = FoiRequestFactory.sent(
        on=dt.date.today() - dt.timedelta(days=10), owner=campaigner, public_body=nowhere
    )
    reply = MessageFactory(
        request=foi_request,
        sender="FOI Team <foi@nowhere.example>",
        subject="Your request: refused",
        sent_at=dt.datetime.now(tz=dt.UTC) - dt.timedelta(days=1),
        body_text="We are refusing your request under section 43(2) (commercial interests).",
    )
    sign_in_and_open(page, live_server.url, foi_request)
    expect(page.get_by_role("heading", name="A reply waits for review")).to_be_visible()

    page.get_by_role("button", name="Save foi@nowhere.example as its FOI address").click()

    expect(page.get_by_role("status")).to_contain_text("Saved for your own letters to Nowhere")
    expect(page.get_by_text("Save the body's address?")).to_have_count(0)
    assert still_the_same_page(page)
    saved = PersonalBodyAddress.objects.get(body_id=nowhere.pk, user_id=campaigner.pk)
    assert saved.foi_email == "foi@nowhere.example"

    suggestion = page.locator("section.suggestion")
    suggestion.get_by_label("This message is").select_option("refusal")
    suggestion.get_by_label("Outcome").select_option("refused")
    suggestion.get_by_role("button", name="Confirm and record it").click()

    expect(page.get_by_role("status")).to_have_text(
        "Marked as refusal and recorded “Response received”."
    )
    expect(page.locator(".status .badge").first).to_have_text("Refused")
    expect(page.get_by_role("heading", name="A reply waits for review")).to_have_count(0)
    shoot(page, "inline-confirmed-1280.png")
    assert still_the_same_page(page)
    reply.refresh_from_db()
    foi_request.refresh_from_db()
    assert foi_request.status == Status.REFUSED
    assert Message.objects.get(pk=reply.pk).reviewed_at is not None
