"""Fixtures for the alerts tests: a frozen clock, a request with known dates, real SMTP."""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message as EmailMessage
from typing import cast
from zoneinfo import ZoneInfo

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection

from requests_app import models
from tests.factories import FoiRequestFactory, PublicBodyFactory

LONDON = ZoneInfo("Europe/London")
# Sent (and received) Monday 5 January 2026: due 20 working days later, Monday 2 February;
# very overdue from 40 working days, Monday 2 March.
SENT_ON = dt.date(2026, 1, 5)
DUE_ON = dt.date(2026, 2, 2)
VERY_OVERDUE_ON = dt.date(2026, 3, 2)
REQUIRE_SERVICES = os.environ.get("FOI_REQUIRE_SERVICES") == "1"
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


@contextmanager
def on_day(day: dt.date, hour: int = 9) -> Iterator[None]:
    with time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON), tick=False):
        yield


def needs_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: runs in the PostgreSQL pass (DATABASE_URL=postgres://…)")


def needs_redis() -> str:
    import redis

    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        if REQUIRE_SERVICES:
            pytest.fail(f"Redis is not reachable at {TEST_REDIS_URL}: {error}")
        pytest.skip(f"Redis is not reachable at {TEST_REDIS_URL}")
    return TEST_REDIS_URL


@pytest.fixture
def body(db: None) -> models.PublicBody:
    return cast(
        models.PublicBody,
        PublicBodyFactory(
            name="National Audit Office",
            short_name="NAO",
            slug="national-audit-office",
            foi_email="foi@nao.example.gov.uk",
        ),
    )


@pytest.fixture
def make_request(
    user: AbstractBaseUser, body: models.PublicBody
) -> Callable[..., models.FoiRequest]:
    def make(on: dt.date = SENT_ON, **kwargs: object) -> models.FoiRequest:
        kwargs.setdefault("owner", user)
        kwargs.setdefault("public_body", body)
        kwargs.setdefault("title", "IAPT performance data")
        return FoiRequestFactory.sent(on=on, **kwargs)

    return make


@pytest.fixture
def iapt_request(make_request: Callable[..., models.FoiRequest]) -> models.FoiRequest:
    return make_request()


# --- a real SMTP server on loopback ----------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class SmtpServer:
    host: str
    port: int
    received: list[Received] = field(default_factory=list)
    # While set, the server accepts connections but stalls at RCPT (a send "in flight").
    stall: threading.Event | None = None
    stalled: threading.Event = field(default_factory=threading.Event)
    controller: Controller | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.stall is not None and not self.stall.is_set():
            import asyncio

            self.stalled.set()
            while not self.stall.is_set():
                await asyncio.sleep(0.05)
            return "451 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = message_from_bytes(
            envelope.original_content or envelope.content, policy=policy.default
        )
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"

    def start(self) -> None:
        self.controller = Controller(self, hostname=self.host, port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"


@pytest.fixture
def smtp_server(settings) -> Iterator[SmtpServer]:
    server = SmtpServer("127.0.0.1", free_port())
    server.start()
    use_smtp(settings, server)
    yield server
    server.stop()


def use_smtp(settings, server: SmtpServer) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = server.host
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
