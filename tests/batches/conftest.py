"""Fixtures for the batch tests: a frozen today, alice's campaign with a viewer and an
editor, bodies with and without FOI addresses, and a real SMTP server on loopback."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User

from requests_app import models
from tests.alerts.conftest import SmtpServer, free_port, use_smtp
from tests.factories import (
    CampaignFactory,
    MembershipFactory,
    PublicBodyFactory,
    TagFactory,
    UserFactory,
)

LONDON = ZoneInfo("Europe/London")
INBOUND_DOMAIN = "replies.batch-test.example"


@pytest.fixture(autouse=True)
def mail_settings(settings: Any) -> None:
    settings.FOI_INBOUND_DOMAIN = INBOUND_DOMAIN
    settings.FOI_INBOUND_SECRET = "batch-secret"
    settings.DEFAULT_FROM_EMAIL = f"FOI Tracker <foi-tracker@{INBOUND_DOMAIN}>"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def travel_to(day: dt.date, hour: int = 10) -> Any:
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON), tick=False)


@pytest.fixture
def monday() -> Iterator[dt.date]:
    """Monday 5 January 2026: the batch goes out; replies are due Monday 2 February."""
    day = dt.date(2026, 1, 5)
    with travel_to(day):
        yield day


@pytest.fixture
def campaign(user: User) -> models.Campaign:
    campaign = CampaignFactory(name="Talking Therapies Watch", slug="talking-therapies-watch")
    MembershipFactory(campaign=campaign, user=user, role=models.Role.OWNER)
    return campaign


@pytest.fixture
def viewer(campaign: models.Campaign) -> User:
    victor = UserFactory(username="victor")
    MembershipFactory(campaign=campaign, user=victor, role=models.Role.VIEWER)
    return victor


@pytest.fixture
def editor(campaign: models.Campaign) -> User:
    edith = UserFactory(username="edith")
    MembershipFactory(campaign=campaign, user=edith, role=models.Role.EDITOR)
    return edith


@pytest.fixture
def icb_tag(db: None) -> models.Tag:
    return TagFactory(name="Batch test group", slug="batch-test-group")


@pytest.fixture
def make_bodies(icb_tag: models.Tag) -> Callable[..., list[models.PublicBody]]:
    def make(count: int, *, prefix: str = "NHS Example ICB", email: bool = True) -> list[Any]:
        bodies = []
        for number in range(1, count + 1):
            body = PublicBodyFactory(
                name=f"{prefix} {number:03d}",
                short_name=f"{prefix.split()[-1]}{number:03d}",
                foi_email=f"foi{number}@{prefix.lower().replace(' ', '-')}.nhs.example"
                if email
                else "",
            )
            body.tags.add(icb_tag)
            bodies.append(body)
        return bodies

    return make


# --- a real SMTP server on loopback --------------------------------------------------------


@dataclass
class FlakySmtpServer(SmtpServer):
    """Refuses some recipients: `busy` for its first attempts (451), `gone` always (550)."""

    busy: dict[str, int] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)
    attempts: dict[str, int] = field(default_factory=dict)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        self.attempts[address] = self.attempts.get(address, 0) + 1
        if address in self.gone:
            return "550 5.1.1 User unknown"
        if self.busy.get(address, 0) >= self.attempts[address]:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[FlakySmtpServer]:
    server = FlakySmtpServer("127.0.0.1", free_port())
    server.start()
    use_smtp(settings, server)
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()
