"""The campaigner's daily loop, as a new user, in a real browser with real SMTP.

First sign-in of the account `ensure_first_user` makes → the first-steps checklist → set
and confirm an email address → log a request to the NAO → a refusal arrives through the
signed inbound webhook → one alert about it reaches the address (the sweep run twice) →
the request page offers the classification → one click records refusal and exemptions →
the review-by date is on the page and in the iCal feed → a second request, never
answered, with an automatic chaser: once overdue by N working days the chaser is sent
exactly once and logged once. Nothing is ever sent to admin@localhost.

Set FOI_SHOTS_DIR to keep screenshots (1280 px) and the emails as they arrived.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import io
import os
import re
import time
from collections.abc import Iterator
from email.message import Message as EmailMessage
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from icalendar import Calendar
from playwright.sync_api import Page, expect

from requests_app.mail.addresses import reply_address
from requests_app.models import (
    ChaserMode,
    ChaserStatus,
    Exemption,
    FoiRequest,
    PublicBody,
    Status,
)
from tests.alerts.conftest import Received, SmtpServer, free_port, use_smtp
from tests.factories import PublicBodyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
# Monday 5 January 2026: both requests are sent that day, due Monday 2 February.
SENT_ON = dt.date(2026, 1, 5)
DUE_ON = dt.date(2026, 2, 2)
CHASE_AFTER = 3  # working days overdue: Thursday 5 February
CHASE_ON = dt.date(2026, 2, 5)
# A refusal received that Monday: an internal review may be asked for until 40 working
# days later, Monday 2 March.
REVIEW_BY = dt.date(2026, 3, 2)
CAMPAIGNER = "campaigner@example.org"
NAO_ADDRESS = "foi@nao.org.uk"
SIGNING_KEY = "loop-signing-key"
BOUNDARY = "----loop-inbound"

REFUSAL = """\
From: NAO FOI Team <foi@nao.org.uk>
To: {to}
Subject: Re: Freedom of Information request - IAPT performance data
Date: Mon, 5 Jan 2026 14:00:00 +0000
Message-ID: <loop-refusal-1@nao.org.uk>
Content-Type: text/plain; charset=utf-8

Dear Sam Campaigner,

We hold the information you asked for, but we are refusing your request. The information
is exempt under section 43(2) (commercial interests) of the Freedom of Information Act
2000, and the public interest favours withholding it.

If you are unhappy you may ask for an internal review.

FOI Team, National Audit Office
"""


def shoot(page: Page, name: str) -> None:
    folder = os.environ.get("FOI_SHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def keep_emails(received: list[Received]) -> None:
    """Every email as it reached the SMTP server: envelope, headers and text."""
    folder = os.environ.get("FOI_SHOTS_DIR")
    if not folder:
        return
    parts = []
    for number, item in enumerate(received, start=1):
        headers = "\n".join(f"{name}: {str(value).strip()}" for name, value in item.message.items())
        envelope = f"MAIL FROM {item.mail_from}; RCPT TO {', '.join(item.rcpt_tos)}"
        parts.append(
            f"===== {number}. {subject(item)} =====\n{envelope}\n\n{headers}\n\n"
            f"{text_of(item.message)}"
        )
    Path(folder).mkdir(parents=True, exist_ok=True)
    Path(folder, "emails.txt").write_text("\n\n".join(parts))


def subject(item: Received) -> str:
    # A long non-ASCII subject is folded onto its own line; unfolded, it keeps a space.
    return str(item.message["Subject"]).strip()


def sent(smtp: SmtpServer) -> list[tuple[list[str], str]]:
    return [(item.rcpt_tos, subject(item)) for item in smtp.received]


def sign_in(page: Page, password: str) -> None:
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


@pytest.fixture
def smtp(settings) -> Iterator[SmtpServer]:
    server = SmtpServer("127.0.0.1", free_port())
    server.start()
    use_smtp(settings, server)
    yield server
    server.stop()


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    """The story starts on Monday 5 January 2026 and the clock runs from there."""
    start = dt.datetime.combine(SENT_ON, dt.time(9), tzinfo=LONDON)
    with time_machine.travel(start, tick=True) as traveller:
        yield traveller


def signed_mailgun_post(url: str, raw: bytes, recipient: str) -> int:
    """Post the message as Mailgun forwards it, signed with the webhook signing key."""
    timestamp, token = str(int(time.time())), "f3c1d2e4b5a6978812340abcdeffedcba9876543210aa"
    signature = hmac.new(
        SIGNING_KEY.encode(), f"{timestamp}{token}".encode(), hashlib.sha256
    ).hexdigest()
    fields = {
        "timestamp": timestamp.encode(),
        "token": token.encode(),
        "signature": signature.encode(),
        "recipient": recipient.encode(),
        "body-mime": raw,
    }
    body = (
        b"".join(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value
            + b"\r\n"
            for name, value in fields.items()
        )
        + f"--{BOUNDARY}--\r\n".encode()
    )
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.request(
            "POST",
            address.path,
            body=body,
            headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
        )
        return connection.getresponse().status
    finally:
        connection.close()


def sweep_twice() -> None:
    for _ in range(2):
        call_command("send_reminders", stdout=io.StringIO())


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))  # type: ignore[attr-defined]
    return str(part.get_content()) if part is not None else ""


def log_request(page: Page, base: str, nao: PublicBody, title: str) -> FoiRequest:
    page.goto(f"{base}/requests/new/")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Search public bodies by name").fill("National Audit")
    body_select = page.locator("select[name=public_body]")
    expect(body_select.locator(f"option[value='{nao.pk}']")).to_have_count(1)
    body_select.select_option(str(nao.pk))
    page.get_by_label("Request text").fill(f"Please provide {title.lower()}.")
    page.get_by_label("Sent on").fill(SENT_ON.isoformat())
    page.get_by_role("button", name="Log request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    return FoiRequest.objects.get(title=title)


def test_the_daily_loop_of_a_new_campaigner(
    page: Page, live_server, smtp: SmtpServer, settings, clock: time_machine.Traveller
) -> None:
    base = live_server.url
    settings.SITE_URL = base
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    settings.FOI_INBOUND_WEBHOOKS = ["mailgun"]
    # Transactional tests flush the seeded catalogue: make sure what the story needs is there.
    Exemption.objects.get_or_create(
        law="uk-foia", section="43", defaults={"title": "Commercial interests"}
    )
    PublicBody.objects.filter(short_name="NAO").delete()
    nao = PublicBodyFactory(
        name="National Audit Office",
        short_name="NAO",
        foi_email="",
        website="https://www.nao.org.uk",
    )

    # The first account, as a new installation makes it; its password is shown once.
    out = io.StringIO()
    call_command("ensure_first_user", "--noinput", stdout=out)
    shown = re.search(r"password: (\S+)", out.getvalue())
    assert shown is not None
    password = shown[1]

    # First sign-in leads to the checklist.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/")
    sign_in(page, password)
    expect(page.get_by_role("heading", level=1)).to_have_text("First steps")
    expect(page.get_by_text("You have no confirmed address yet")).to_be_visible()
    shoot(page, "checklist-1280.png")

    # Set the email address on the account page; follow the link that arrives.
    page.get_by_role("link", name="Set your email address").click()
    page.get_by_label("Display name").fill("Sam Campaigner")
    page.get_by_label("Email address").fill(CAMPAIGNER)
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_text(f"We sent a link to {CAMPAIGNER}")).to_be_visible()
    assert [r.rcpt_tos for r in smtp.received] == [[CAMPAIGNER]]
    link = re.search(r"https?://\S+/account/confirm-email/\S+/", text_of(smtp.received[0].message))
    assert link is not None
    page.goto(link[0])
    page.get_by_role("button", name="Confirm this address").click()
    expect(page.get_by_role("status")).to_have_text(f"Alerts and digests now go to {CAMPAIGNER}.")
    page.get_by_role("link", name="Back to your account").click()
    expect(page.locator("main")).to_contain_text(f"Alerts go to {CAMPAIGNER}.")
    expect(page.get_by_label("Email address")).to_have_value(CAMPAIGNER)
    shoot(page, "account-1280.png")

    # Log a request to the NAO; its page shows its own reply address under "Add a reply".
    first = log_request(page, base, nao, "IAPT performance data")
    assert first.due_on == DUE_ON
    page.get_by_role("link", name="Add a reply").click()
    expect(page.locator("code.reply-address").first).to_be_visible()
    reply_to = page.locator("code.reply-address").first.inner_text().strip()
    assert reply_to.endswith(f"@{settings.FOI_INBOUND_DOMAIN}")

    # The NAO's refusal arrives through the signed inbound webhook.
    raw = REFUSAL.format(to=reply_to).encode()
    assert signed_mailgun_post(f"{base}/mail/inbound/mailgun/", raw, reply_to) == 200
    first.refresh_from_db()
    assert first.messages.filter(direction="in").count() == 1

    # One alert about it reaches the address once replies arriving together had their
    # few minutes to join it, however often the sweep runs.
    clock.shift(dt.timedelta(seconds=settings.FOI_ALERT_COALESCE_SECONDS + 60))
    sweep_twice()
    alerts = [r for r in smtp.received if "IAPT performance data" in subject(r)]
    assert [r.rcpt_tos for r in alerts] == [[CAMPAIGNER]], sent(smtp)
    alert = alerts[0]
    assert subject(alert).startswith("New correspondence: NAO — IAPT performance data")
    assert "NAO FOI Team <foi@nao.org.uk>" in text_of(alert.message)
    # The service posts the same message again (a retry): it is not filed or alerted twice.
    assert signed_mailgun_post(f"{base}/mail/inbound/mailgun/", raw, reply_to) == 200
    clock.shift(dt.timedelta(seconds=settings.FOI_ALERT_COALESCE_SECONDS + 60))
    sweep_twice()
    assert first.messages.filter(direction="in").count() == 1
    assert [r for r in smtp.received if "IAPT performance data" in subject(r)] == [alert]

    # The request page offers the classification; one click records it.
    page.goto(f"{base}{first.get_absolute_url()}")
    expect(page.get_by_text("reply received — not yet reviewed").first).to_be_visible()
    suggestion = page.locator("section.suggestion")
    expect(suggestion).to_contain_text("It looks like refusal")
    expect(suggestion).to_contain_text("s.43(2)")
    shoot(page, "request-after-reply-1280.png")
    # The reply came from the NAO's domain: save its address for the letters to come.
    page.get_by_role("button", name=f"Save {NAO_ADDRESS} as its FOI address").click()
    expect(page.get_by_role("link", name=NAO_ADDRESS)).to_be_visible()
    suggestion = page.locator("section.suggestion")
    suggestion.get_by_role("button", name="Confirm and record it").click()
    expect(page.locator(".status .badge").first).to_have_text("Refused")
    expect(page.get_by_text("reply received — not yet reviewed")).to_have_count(0)
    expect(page.get_by_text("FOIA s.43 —")).to_be_visible()
    first.refresh_from_db()
    assert first.status == Status.REFUSED
    assert [e.section for e in first.exemptions.all()] == ["43"]
    assert first.review_request_closes_on == REVIEW_BY
    review = page.locator(".deadlines .deadline").filter(has_text="Ask for an internal review by")
    expect(review.locator("time")).to_have_attribute("datetime", REVIEW_BY.isoformat())
    expect(review.locator("time")).to_have_text("Monday 2 March 2026")
    expect(page.locator(".deadlines")).not_to_contain_text("Response due")
    shoot(page, "request-after-confirm-1280.png")

    # The checklist has followed: address, first request and first reply are done.
    page.goto(f"{base}/account/checklist/")
    expect(page.get_by_text("3 of 4 done.")).to_be_visible()
    expect(page.locator(".checklist-step--done")).to_have_count(3)

    # …and in the iCal feed, at the user's own feed address; the answered deadline is not.
    page.goto(f"{base}/calendar/")
    feed_url = page.get_by_label("Calendar address").input_value()
    feed = Calendar.from_ical(page.request.get(feed_url).body())
    dates = {
        event.decoded("dtstart"): str(event["summary"])
        for event in feed.walk("VEVENT")
        if first.reference in str(event["summary"])
    }
    assert dates.get(REVIEW_BY, "").startswith("Last day to ask for an internal review"), dates
    assert DUE_ON not in dates, dates

    # A second request, never answered, chased automatically N working days after its
    # deadline: the rule is set through its form on the request page.
    second = log_request(page, base, nao, "IAPT waiting times")
    assert second.due_on == DUE_ON
    page.get_by_role("link", name="Record what happened").click()
    chase = page.locator("details.chaser-rule")
    assert chase.locator("summary h3").evaluate("e => getComputedStyle(e).display") == "inline"
    chase.locator("summary").click()
    chase.get_by_label("Chase when overdue by (working days)").fill(str(CHASE_AFTER))
    chase.get_by_label("Then").select_option(ChaserMode.SEND)
    chase.get_by_role("button", name="Save").click()
    expect(page.get_by_label("Chase when overdue by (working days)")).to_have_value(
        str(CHASE_AFTER)
    )

    # One working day short of N, the sweep sends no chaser.
    clock.move_to(dt.datetime.combine(CHASE_ON - dt.timedelta(days=1), dt.time(8), tzinfo=LONDON))
    sweep_twice()
    assert not [r for r in smtp.received if NAO_ADDRESS in r.rcpt_tos]
    # N working days overdue: the chaser goes once, however often the sweep runs.
    clock.move_to(dt.datetime.combine(CHASE_ON, dt.time(8), tzinfo=LONDON))
    sweep_twice()
    chasers = [r for r in smtp.received if NAO_ADDRESS in r.rcpt_tos]
    assert len(chasers) == 1, sent(smtp)
    chaser = chasers[0]
    assert subject(chaser) == f"Overdue: IAPT waiting times [{second.reference}]"
    assert chaser.message["Reply-To"] == reply_address(second)
    assert "3 working days ago" in text_of(chaser.message)
    assert second.chasers.get().status == ChaserStatus.SENT
    assert not first.chasers.exists()

    # Its page logs it once (a month on, the session has expired: sign in again).
    page.goto(f"{base}{second.get_absolute_url()}")
    sign_in(page, password)
    expect(page.get_by_role("heading", level=1)).to_have_text("IAPT waiting times")
    expect(page.get_by_text("Chaser sent automatically")).to_have_count(1)
    expect(page.get_by_role("link", name=subject(chaser))).to_have_count(1)
    shoot(page, "request-2-after-chaser-1280.png")

    # Over the whole story: one reply alert, and nothing for admin@localhost.
    reply_alerts = [r for r in smtp.received if subject(r).startswith("New correspondence")]
    assert reply_alerts == [alert]
    for received in smtp.received:
        assert "admin@localhost" not in received.rcpt_tos
        assert "admin@localhost" not in str(received.message["To"])
    keep_emails(smtp.received)
