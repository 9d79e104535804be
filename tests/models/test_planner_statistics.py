"""The daily task that brings SQLite's planner statistics up to date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from foi_tracker.celery import app
from requests_app.casework.tasks import refresh_statistics
from requests_app.models import Direction
from tests.factories import FoiRequestFactory, MessageFactory

pytestmark = pytest.mark.django_db


def statistics_of(index: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE idx = %s", [index])
        return [stat for (stat,) in cursor.fetchall()]


def test_an_index_empty_when_last_analysed_gets_its_statistics() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's own statistics: PostgreSQL's autovacuum keeps its own")
    foi_request = FoiRequestFactory.sent(on=dt.date(2026, 1, 5))
    MessageFactory.create_batch(3, request=foi_request, direction=Direction.OUTGOING)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # no reply waits for review yet
    assert statistics_of("message_review_queue") == []
    MessageFactory.create_batch(2, request=foi_request, direction=Direction.INCOMING)
    assert refresh_statistics.apply().get() is True
    [stat] = statistics_of("message_review_queue")
    assert stat.split()[0] == "2"  # the two replies waiting


def test_there_is_nothing_to_do_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass")
    assert refresh_statistics.apply().get() is False


def test_the_task_is_on_the_beat_schedule() -> None:
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "work.refresh_statistics" in scheduled
