"""Fixtures for the import and export tests: a frozen today and a few bodies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine

from requests_app import models
from tests.factories import PublicBodyFactory

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def frozen_today() -> Iterator[None]:
    """Tuesday 30 June 2026, noon in London."""
    with time_machine.travel(dt.datetime(2026, 6, 30, 12, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def health(db: None) -> models.PublicBody:
    return PublicBodyFactory.create(
        name="Department of Health and Social Care", short_name="DHSC", slug="dhsc"
    )


@pytest.fixture
def lothian(db: None) -> models.PublicBody:
    return PublicBodyFactory.create(
        name="NHS Lothian",
        short_name="Lothian",
        slug="nhs-lothian",
        nation=models.Nation.SCOTLAND,
        default_regime="scot-foisa",
    )
