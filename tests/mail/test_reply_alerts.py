"""A reply filed on a request tells its followers once, through a real SMTP server.

Whichever way the reply comes — the signed webhook, a polled mailbox (a real Dovecot),
an upload or the command line — the owner and the campaign members who want reply
alerts get one email each, at the address on their account; importing the same reply
again and running the alert sweep again sends nothing more.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from requests_app import models
from requests_app.mail.imap import poll_mailbox
from tests.alerts.conftest import Received, SmtpServer, smtp_server  # noqa: F401 - a fixture
from tests.factories import CampaignFactory, MembershipFactory, UserFactory
from tests.mail.conftest import CORPUS, CorpusWorld, corpus_bytes
from tests.mail.dovecot import DOVECOT, Dovecot, DovecotServer, running_dovecot
from tests.mail.test_imap import deliver as deliver_to_mailbox
from tests.mail.test_views import upload
from tests.mail.test_webhook import mailgun_form, post_mailgun

pytestmark = pytest.mark.django_db
REPLY = "02_gmail_alternative.eml"  # the Department of Examples answers FOI-2026-0042


@pytest.fixture(autouse=True)
def anymail_settings(settings) -> None:
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": "mailgun-signing-key"}
    settings.FOI_ALERT_COALESCE_SECONDS = 0


@pytest.fixture
def followers(world: CorpusWorld) -> dict[str, User]:
    """Alice owns the request; in its campaign Bob wants reply alerts, Carol switched
    them off, and Dan may only look (viewers hear only about deadlines)."""
    campaign = CampaignFactory.create(name="Consultants")
    people = {"alice": world.alice}
    for name, role in (("bob", "editor"), ("carol", "editor"), ("dan", "viewer")):
        people[name] = UserFactory.create(username=name, email=f"{name}@campaign.example")
        MembershipFactory.create(campaign=campaign, user=people[name], role=role)
    models.Profile.objects.create(user=people["carol"], muted_alert_kinds=["new_correspondence"])
    world.examples.campaign = campaign
    world.examples.visibility = models.Visibility.CAMPAIGN
    world.examples.save()
    return people


def reply_alerts(server: SmtpServer) -> list[Received]:
    """The "New correspondence" emails received (the sweep may send deadline alerts too)."""
    return [
        received
        for received in server.received
        if str(received.message["Subject"]).strip().startswith("New correspondence:")
    ]


def alerts_received(server: SmtpServer) -> Counter[str]:
    """Envelope recipient → number of reply alerts received."""
    return Counter(
        recipient for received in reply_alerts(server) for recipient in received.rcpt_tos
    )


def run_twice_then_sweep(import_once: Callable[[], object], capture) -> None:
    for _attempt in range(2):
        with capture(execute=True):
            import_once()
    call_command("send_reminders", stdout=StringIO())
    call_command("send_reminders", stdout=StringIO())


def assert_one_alert_each(server: SmtpServer, world: CorpusWorld) -> None:
    assert alerts_received(server) == {"alice@example.org": 1, "bob@campaign.example": 1}
    assert world.examples.messages.filter(direction=models.Direction.INCOMING).count() == 1
    [email] = [r.message for r in reply_alerts(server) if r.rcpt_tos == ["bob@campaign.example"]]
    assert "FOI-2026-0042" in str(email.get_body(("plain",)).get_content())


def test_a_reply_by_webhook_alerts_each_follower_once(
    world: CorpusWorld,
    followers: dict[str, User],
    smtp_server: SmtpServer,  # noqa: F811
    client: Client,
    django_capture_on_commit_callbacks,
) -> None:
    def post() -> None:
        assert post_mailgun(client, mailgun_form(corpus_bytes(REPLY))) == 200

    run_twice_then_sweep(post, django_capture_on_commit_callbacks)
    assert_one_alert_each(smtp_server, world)


def test_a_reply_by_upload_alerts_each_follower_once(
    world: CorpusWorld,
    followers: dict[str, User],
    smtp_server: SmtpServer,  # noqa: F811
    alice_client: Client,
    django_capture_on_commit_callbacks,
) -> None:
    def post() -> None:
        response = alice_client.post(reverse("mail_import"), {"emails": [upload(REPLY)]})
        assert response.status_code == 200

    run_twice_then_sweep(post, django_capture_on_commit_callbacks)
    assert_one_alert_each(smtp_server, world)


def test_a_reply_by_the_import_command_alerts_each_follower_once(
    world: CorpusWorld,
    followers: dict[str, User],
    smtp_server: SmtpServer,  # noqa: F811
    django_capture_on_commit_callbacks,
) -> None:
    def run() -> None:
        call_command("import_email", str(CORPUS / REPLY), stdout=StringIO())

    run_twice_then_sweep(run, django_capture_on_commit_callbacks)
    assert_one_alert_each(smtp_server, world)


@pytest.fixture
def mailbox() -> Iterator[Dovecot]:
    if DOVECOT is None:
        if os.environ.get("CI"):
            pytest.fail("dovecot is missing in CI (apt-get install dovecot-imapd)")
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd)")
    server: DovecotServer
    with running_dovecot() as server:
        yield server.new_user()


def test_a_reply_from_a_polled_mailbox_alerts_each_follower_once(
    world: CorpusWorld,
    followers: dict[str, User],
    smtp_server: SmtpServer,  # noqa: F811
    mailbox: Dovecot,
    django_capture_on_commit_callbacks,
) -> None:
    deliver_to_mailbox(mailbox, REPLY)

    def poll() -> None:
        assert poll_mailbox(url=mailbox.url()).error == ""

    run_twice_then_sweep(poll, django_capture_on_commit_callbacks)
    # The same reply delivered to the mailbox again (a forward of a copy) is no news.
    deliver_to_mailbox(mailbox, REPLY)
    run_twice_then_sweep(poll, django_capture_on_commit_callbacks)
    assert_one_alert_each(smtp_server, world)
