"""Fixtures for the date tests: a frozen today, a sent request, web and API clients."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from requests_app import models
from tests.factories import FoiRequestFactory, PublicBodyFactory

LONDON = ZoneInfo("Europe/London")
TODAY = dt.date(2026, 1, 15)  # a Thursday


@contextmanager
def on_day(day: dt.date, hour: int = 12) -> Iterator[None]:
    with time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON), tick=False):
        yield


@pytest.fixture(autouse=True)
def frozen_today() -> Iterator[None]:
    with on_day(TODAY):
        yield


@pytest.fixture
def body(db: None) -> models.PublicBody:
    return PublicBodyFactory(name="National Audit Office", short_name="NAO", slug="nao")


@pytest.fixture
def alice_request(user: Any, body: models.PublicBody) -> models.FoiRequest:
    """Sent Monday 5 January 2026: due Monday 2 February."""
    return FoiRequestFactory.sent(
        on=dt.date(2026, 1, 5), owner=user, public_body=body, title="IAPT performance data"
    )


@pytest.fixture
def alice_client(user: Any, client_for: Any) -> Client:
    return client_for(user)


@pytest.fixture
def alice_api(user: Any) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client
