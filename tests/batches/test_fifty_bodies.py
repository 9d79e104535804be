"""The issue's "done when": a batch to 50 bodies through a real SMTP server on loopback.

Fifty letters go out with fifty distinct reply addresses; replies sent to those addresses
(with nothing else to go by) are filed on the right members and show on the grid; the
chaser action reaches each overdue member exactly once however often it is run; and the
answers table exports the values entered, each linked to the reply it came from.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from requests_app import models
from requests_app.batches.tasks import send_letters
from requests_app.mail.addresses import reply_address
from requests_app.mail.importer import ImportStatus, import_message
from requests_app.mail.matching import MatchedBy
from tests.batches.conftest import LONDON, FlakySmtpServer, travel_to

pytestmark = pytest.mark.django_db

COUNT = 50
ANSWERED = 30  # the first 30 bodies answer on 20 January; the other 20 go overdue


def reply_to(letter: EmailMessage, number: int) -> bytes:
    """A body's reply to our letter's Reply-To: no thread headers, no reference in it."""
    reply = EmailMessage()
    reply["From"] = letter["To"]
    reply["To"] = letter["Reply-To"]
    reply["Subject"] = "Your information request"
    reply["Message-ID"] = make_msgid(domain="nhs.example")
    reply["Date"] = format_datetime(dt.datetime(2026, 1, 20, 9, 0, tzinfo=LONDON))
    reply.set_content(f"Dear requester,\n\nWe employ {number * 3} therapists.\n\nFOI team\n")
    return bytes(reply)


def post_ok(client: Client, url: str, data: dict[str, Any], capture: Any) -> None:
    with capture(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]


def test_a_batch_to_fifty_bodies_end_to_end(
    user: User,
    alice_client: Client,
    campaign: models.Campaign,
    make_bodies: Callable[..., list[Any]],
    smtp_server: FlakySmtpServer,
    django_capture_on_commit_callbacks: Any,
) -> None:
    capture = django_capture_on_commit_callbacks
    bodies = make_bodies(COUNT)
    with travel_to(dt.date(2026, 1, 5)):
        data = {
            "title": "Talking therapies workforce",
            "text": "{{ salutation }},\n\nHow many therapists do you employ?\n{{ our_reference }}",
            "campaign": campaign.pk,
            "regime": "",
            "step": "create",
            "body": [str(body.pk) for body in bodies],
        }
        post_ok(alice_client, reverse("batch_create"), data, capture)
        batch = models.Batch.objects.get()
        send = reverse("batch_send", kwargs={"pk": batch.pk})
        post_ok(alice_client, send, {"mode": "app", "throttle_per_minute": 20}, capture)
        assert len(smtp_server.received) == 20  # the throttle: the rest wait for beat
        for _ in range(3):
            with capture(execute=True):
                send_letters.delay()

    # Fifty letters, one to each body, each with the member's own reply address.
    letters = {got.rcpt_tos[0]: got.message for got in smtp_server.received}
    assert sorted(letters) == sorted(body.foi_email for body in bodies)
    members = {m.public_body.foi_email: m for m in batch.members.select_related("public_body")}
    assert len({letter["Reply-To"] for letter in letters.values()}) == COUNT
    for address, letter in letters.items():
        assert letter["Reply-To"] == reply_address(members[address])
        assert members[address].reference in letter.get_content()
    for member in batch.members.all():
        assert member.status == models.Status.AWAITING_RESPONSE
        assert member.due_on == dt.date(2026, 2, 2)

    # Replies to the reply addresses are filed on the right members.
    replies = {}
    with travel_to(dt.date(2026, 1, 20)):
        for number, body in enumerate(bodies[:ANSWERED], start=1):
            raw = reply_to(letters[body.foi_email], number)
            result = import_message(raw=raw, source=models.MessageSource.IMAP)
            assert result.status == ImportStatus.IMPORTED
            assert result.matched_by == MatchedBy.REPLY_ADDRESS
            assert result.request == members[body.foi_email]
            replies[body.foi_email] = result.message
            members[body.foi_email].record_response(
                on=dt.date(2026, 1, 20), outcome=models.Status.SUCCESSFUL, actor=user
            )

    # The grid shows them: answered members with their reply, the rest overdue.
    with travel_to(dt.date(2026, 2, 10)):
        grid = alice_client.get(batch.get_absolute_url())
    rows = {row.member.public_body.foi_email: row for row in grid.context["rows"]}
    assert len(rows) == COUNT
    for body in bodies[:ANSWERED]:
        row = rows[body.foi_email]
        assert row.outcome == "Successful"
        assert row.last_message is not None and row.last_message.pk == replies[body.foi_email].pk
        assert not row.is_overdue
    overdue = {body.foi_email for body in bodies[ANSWERED:]}
    assert {address for address, row in rows.items() if row.is_overdue} == overdue
    assert all(rows[address].working_days_overdue == 6 for address in overdue)
    assert "Answered</dt><dd>30 of 50" in grid.text

    # Chasers: run twice from the page, each overdue member is chased exactly once.
    sent_before = len(smtp_server.received)
    action = reverse("batch_action", kwargs={"pk": batch.pk})
    with travel_to(dt.date(2026, 2, 10)):
        for _ in range(2):
            post_ok(alice_client, action, {"action": "chaser", "scope": "all"}, capture)
    chasers = smtp_server.received[sent_before:]
    assert sorted(got.rcpt_tos[0] for got in chasers) == sorted(overdue)
    assert all(got.message["Subject"].startswith("Overdue: ") for got in chasers)

    # The answers table: what is entered is what is exported, linked to its reply.
    fields_url = reverse("batch_fields", kwargs={"pk": batch.pk})
    post_ok(alice_client, fields_url, {"name": "Therapists", "kind": "number"}, capture)
    post_ok(alice_client, fields_url, {"name": "Replied in time", "kind": "yes_no"}, capture)
    therapists, in_time = batch.fields.order_by("order")
    entered = {}
    for number, body in enumerate(bodies[:ANSWERED], start=1):
        member = members[body.foi_email]
        url = reverse("batch_answer", kwargs={"pk": batch.pk, "reference": member.reference})
        values = {
            f"field_{therapists.pk}": f"{number * 3:,}",
            f"field_{in_time.pk}": "yes" if number % 2 else "no",
            "source": replies[body.foi_email].pk,
        }
        post_ok(alice_client, url, values, capture)
        entered[member.reference] = (str(number * 3), "yes" if number % 2 else "no")

    export = reverse("batch_answers_export", kwargs={"pk": batch.pk, "fmt": "csv"})
    table = list(csv.DictReader(io.StringIO(alice_client.get(export).content.decode())))
    assert len(table) == COUNT
    by_reference = {row["reference"]: row for row in table}
    for reference, (count, kept) in entered.items():
        row = by_reference[reference]
        assert (row["Therapists"], row["Replied in time"]) == (count, kept)
        member = batch.members.get(reference=reference)
        source = replies[member.public_body.foi_email]
        assert row["Therapists (source)"] == f"http://testserver/mail/messages/{source.pk}/"
    unanswered = [row for ref, row in by_reference.items() if ref not in entered]
    assert all(row["Therapists"] == "" for row in unanswered)

    xlsx = reverse("batch_answers_export", kwargs={"pk": batch.pk, "fmt": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(alice_client.get(xlsx).content)).active
    exported = {row[0]: (row[4], row[6]) for row in sheet.iter_rows(min_row=2, values_only=True)}
    for reference, (count, kept) in entered.items():
        assert exported[reference] == (int(count), kept)
