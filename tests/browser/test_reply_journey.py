"""A reply arrives and is acted on in one step, in a real browser: upload it on the request
page, see "reply received — not yet reviewed" with the suggestion, confirm with one click.

Set FOI_SHOTS_DIR to keep screenshots of the request page after the reply (1280 and 390 px).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from requests_app.models import Exemption, FoiRequest, PublicBody, Status
from tests.factories import TEST_PASSWORD, FoiRequestFactory, PublicBodyFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFUSAL = """\
From: NAO FOI Team <foi@nao.org.uk>
To: campaigner@example.org
Subject: Your request: IAPT performance data
Date: Mon, 2 Feb 2026 10:00:00 +0000
Message-ID: <refusal-1@nao.org.uk>
Content-Type: text/plain; charset=utf-8

Dear campaigner,

We hold the information you asked for, but we are refusing your request. The information
is withheld under section 36 (prejudice to the effective conduct of public affairs) and
section 43(2) (commercial interests) of the Freedom of Information Act 2000.

If you are unhappy you may ask for an internal review.

FOI Team, National Audit Office
"""


def shoot(page: Page, name: str) -> None:
    folder = os.environ.get("FOI_SHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def test_upload_a_reply_then_record_the_refusal_in_one_click(
    page: Page, live_server, tmp_path: Path
) -> None:
    campaigner = UserFactory(username="campaigner")
    # The seeded catalogue may or may not have survived an earlier transactional flush.
    for section, title in (("36", "Prejudice to public affairs"), ("43", "Commercial interests")):
        Exemption.objects.get_or_create(law="uk-foia", section=section, defaults={"title": title})
    PublicBody.objects.filter(short_name="NAO").delete()
    nao = PublicBodyFactory(
        name="National Audit Office",
        short_name="NAO",
        foi_email="",
        website="https://www.nao.org.uk",
    )
    foi_request = FoiRequestFactory.sent(
        on=dt.date(2026, 1, 5), owner=campaigner, public_body=nao, title="IAPT performance data"
    )
    reply = tmp_path / "NAO reply.eml"
    reply.write_text(REFUSAL)

    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("campaigner")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}{foi_request.get_absolute_url()}")
    expect(page.locator(".badge--overdue")).to_be_visible()

    page.get_by_role("link", name="Add a reply").click()
    page.locator("form.mail-upload-form input[type=file]").set_input_files(str(reply))
    page.locator("form.mail-upload-form").get_by_role("button", name="Upload").click()

    expect(page.get_by_text("reply received — not yet reviewed").first).to_be_visible()
    expect(page.locator(".badge--overdue")).to_have_count(0)
    suggestion = page.locator("section.suggestion")
    expect(suggestion).to_contain_text("It looks like refusal")
    expect(suggestion).to_contain_text("s.36, s.43(2)")
    expect(
        page.get_by_role("button", name="Save foi@nao.org.uk as its FOI address")
    ).to_be_visible()
    shoot(page, "request-after-reply-1280.png")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
    shoot(page, "request-after-reply-390.png")
    page.set_viewport_size({"width": 1280, "height": 800})

    suggestion.get_by_role("button", name="Confirm and record it").click()

    expect(page.locator(".status .badge").first).to_have_text("Refused")
    expect(page.get_by_text("reply received — not yet reviewed")).to_have_count(0)
    expect(page.get_by_text("FOIA s.43 —")).to_be_visible()
    foi_request.refresh_from_db()
    assert foi_request.status == Status.REFUSED
    assert sorted(e.section for e in foi_request.exemptions.all()) == ["36", "43"]
    shoot(page, "request-after-confirm-1280.png")
    assert FoiRequest.objects.count() == 1
