"""Fixtures for the insights tests: a frozen today and the requests with known dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings

from tests.factories import UserFactory
from tests.insights.factories import KnownRequests, build_known_requests

TODAY = dt.date(2026, 4, 20)
# As tests/conftest.py sets for each test: the module's users must log in under it.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def frozen_today() -> Iterator[None]:
    """Monday 20 April 2026, noon in London."""
    with time_machine.travel(
        dt.datetime(2026, 4, 20, 12, tzinfo=ZoneInfo("Europe/London")), tick=False
    ):
        yield


@pytest.fixture(scope="module")
def known(django_db_setup: None, django_db_blocker: Any) -> Iterator[KnownRequests]:
    """The ~30 requests of test_statistics.py, built once per module.

    They live in a transaction rolled back after the module; each test runs in a savepoint
    inside it, so a test's own changes are rolled back as usual.
    """
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        yield _build()
        transaction.set_rollback(True)


def _build() -> KnownRequests:
    alice = UserFactory.create(username="alice")
    mallory = UserFactory.create(username="mallory")
    return build_known_requests(alice, mallory)
