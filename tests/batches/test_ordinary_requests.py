"""Members are ordinary requests: deadline alerts reach them, and a bounce marks the body."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command

from requests_app import models
from requests_app.batches import services
from requests_app.mail.importer import import_message
from tests.batches.conftest import INBOUND_DOMAIN, travel_to
from tests.factories import make_batch

pytestmark = pytest.mark.django_db


def test_each_member_gets_its_deadline_alerts_once(
    user: User, campaign: models.Campaign, make_bodies: Callable[..., list[Any]]
) -> None:
    with travel_to(dt.date(2026, 1, 5)):
        batch = make_batch(owner=user, bodies=make_bodies(3), campaign=campaign)
        services.record_sent_elsewhere(batch=batch, on=dt.date(2026, 1, 5), actor=user)
    with travel_to(dt.date(2026, 2, 2)):
        for _ in range(2):
            call_command("send_reminders", stdout=StringIO())
    alerts = models.Alert.objects.filter(kind="due_today", user=user)
    assert sorted(alerts.values_list("request_id", flat=True)) == sorted(
        batch.members.values_list("pk", flat=True)
    )
    assert {alert.status for alert in alerts} == {models.AlertStatus.SENT}
    sent = len(mail.outbox)
    with travel_to(dt.date(2026, 2, 2)):
        call_command("send_reminders", stdout=StringIO())
    assert len(mail.outbox) == sent


def bounce_of(letter: models.Message, address: str) -> bytes:
    """A delivery status notification (RFC 3464) carrying the headers of our letter."""
    return f"""From: Mail Delivery System <MAILER-DAEMON@mx.{INBOUND_DOMAIN}>
To: foi-tracker@{INBOUND_DOMAIN}
Subject: Undelivered Mail Returned to Sender
Date: Tue, 06 Jan 2026 07:00:00 +0000
Message-ID: <bounce-{letter.pk}@mx.{INBOUND_DOMAIN}>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="dsn"

--dsn
Content-Type: text/plain; charset=us-ascii

Your message could not be delivered to <{address}>: 550 5.1.1 User unknown

--dsn
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.{INBOUND_DOMAIN}

Final-Recipient: rfc822; {address}
Action: failed
Status: 5.1.1

--dsn
Content-Type: message/rfc822

To: {address}
Subject: {letter.subject}
Message-ID: {letter.message_id}

Dear FOI team, ...

--dsn--
""".replace("\n", "\r\n").encode()


def test_a_bounce_marks_the_bodys_address_as_failing_and_the_grid_says_so(
    user: User,
    alice_client: Any,
    make_bodies: Callable[..., list[Any]],
    monday: dt.date,
    django_capture_on_commit_callbacks: Any,
) -> None:
    bodies = make_bodies(2)
    batch = make_batch(owner=user, bodies=bodies)
    with django_capture_on_commit_callbacks(execute=True):
        services.start_sending(batch=batch, actor=user, throttle_per_minute=10)
    letter = models.Message.objects.get(request__public_body=bodies[0])
    result = import_message(raw=bounce_of(letter, bodies[0].foi_email), source="imap")
    assert result.request == batch.members.get(public_body=bodies[0])
    bodies[0].refresh_from_db()
    assert bodies[0].email_failing
    letter.refresh_from_db()
    assert letter.send_status == models.SendStatus.FAILED
    bodies[1].refresh_from_db()
    assert not bodies[1].email_failing
    rows = {
        row.member.public_body: row
        for row in alice_client.get(batch.get_absolute_url()).context["rows"]
    }
    assert rows[bodies[0]].problem == "The letter could not be sent"
    assert rows[bodies[1]].problem == ""
