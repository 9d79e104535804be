"""A campaigner's batch, in a real browser: write one letter to two bodies, preview it,
create the batch, record it as sent, define two answer fields and fill in two answers
(one of them by taking the value the app found in the reply)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from requests_app.models import Answer, Batch, Direction, Message, Status
from tests.factories import TEST_PASSWORD, PublicBodyFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_a_batch_and_fill_two_answers(page: Page, live_server, tmp_path: Path) -> None:
    UserFactory(username="campaigner")
    PublicBodyFactory(name="North Example ICB", short_name="NEICB", foi_email="foi@ne.nhs.example")
    PublicBodyFactory(name="South Example ICB", short_name="SEICB", foi_email="foi@se.nhs.example")
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("campaigner")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="Batches").click()
    page.get_by_role("link", name="New batch").click()
    page.get_by_label("Title").fill("Talking therapies workforce")
    page.get_by_label("Names of bodies, one a line").fill("North Example ICB\nSEICB\nNowhere ICB")
    page.get_by_role("button", name="Preview the bodies and letters").click()
    expect(page.get_by_role("heading", name="2 bodies to ask")).to_be_visible()
    expect(page.locator(".unknown-names li")).to_have_text(["Nowhere ICB"])
    page.get_by_text("Letter to SEICB").click()
    expect(page.get_by_text("Dear South Example ICB,")).to_be_visible()
    page.get_by_role("button", name="Create the batch").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Talking therapies workforce")
    batch = Batch.objects.get()
    assert batch.members.count() == 2
    page.get_by_role("link", name="Send this batch").click()
    page.get_by_label("Record as sent elsewhere").check()
    page.get_by_label("Sent on").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("2 requests recorded as sent")).to_be_visible()
    assert set(batch.members.values_list("status", flat=True)) == {Status.AWAITING_RESPONSE}
    expect(page.locator(".batch-charts svg").first).to_be_visible()
    # The charts fit their columns: nothing makes the page scroll sideways.
    viewport = page.viewport_size
    assert viewport is not None
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    north = batch.members.get(public_body__short_name="NEICB")
    reply = Message.objects.create(
        request=north,
        direction=Direction.INCOMING,
        sent_at=timezone.now() - dt.timedelta(hours=1),
        subject="Your request",
        body_text="Dear requester,\nWe employ therapists: 42 in all.\n",
    )

    page.get_by_role("link", name="Answer fields").click()
    page.get_by_label("Name").fill("Therapists")
    page.get_by_label("Kind of value").select_option("number")
    page.get_by_label("Keywords").fill("therapists")
    page.get_by_role("button", name="Add the field").click()
    page.get_by_label("Name").fill("Waiting list kept")
    page.get_by_label("Kind of value").select_option("yes_no")
    page.get_by_role("button", name="Add the field").click()
    expect(page.get_by_role("cell", name="Waiting list kept", exact=True)).to_be_visible()

    page.get_by_role("link", name="The answers table").click()
    page.get_by_role("link", name="Fill in North Example ICB").click()
    expect(page.locator(".answer-sources .letter")).to_contain_text("We employ therapists: 42")
    page.wait_for_load_state()  # the suggestion buttons work once the page's script has run
    page.get_by_role("button", name="Use 42").click()
    expect(page.get_by_label("Therapists")).to_have_value("42")
    page.get_by_label("Waiting list kept").fill("yes")
    page.get_by_role("button", name="Save and go to the next body").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Answers from South Example ICB")
    page.get_by_label("Therapists").fill("1,250")
    page.get_by_role("button", name="Save and go to the next body").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Answers")
    expect(page.get_by_role("link", name="42")).to_be_visible()
    expect(page.get_by_role("cell", name="1250")).to_be_visible()
    answers = {(a.request.public_body.short_name, a.field.name): a for a in Answer.objects.all()}
    assert answers["NEICB", "Therapists"].value_text == "42"
    assert answers["NEICB", "Therapists"].source == reply
    assert answers["NEICB", "Waiting list kept"].value_bool is True
    assert answers["SEICB", "Therapists"].value_text == "1250"
    page.screenshot(path=str(tmp_path / "answers.png"), full_page=True)
