"""The counts version: changed by the database in the writer's transaction, by any
statement that may move an open or overdue count, and never a queue for writers."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from django.db import connection

from requests_app import models
from requests_app.models.versions import counts_version
from tests.factories import FoiRequestFactory, MessageFactory

pytestmark = pytest.mark.django_db


def test_raw_sql_on_a_request_changes_the_version() -> None:
    foi_request = FoiRequestFactory.sent(on=dt.date(2026, 1, 5))
    before = counts_version()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE requests_app_foirequest SET next_due_on = %s WHERE id = %s",
            [dt.date(2026, 3, 2), foi_request.pk],
        )
    assert counts_version() != before


# Each statement writes one row: `{request}` is a sent request (with its "sent" event),
# `{body}` its body, and %s the value written.
RAW_WRITES = [
    ("UPDATE requests_app_foirequest SET due_on = %s WHERE id = {request}", "2026-03-02"),
    ("UPDATE requests_app_foirequest SET received_on = %s WHERE id = {request}", "2026-01-06"),
    ("UPDATE requests_app_foirequest SET regime = %s WHERE id = {request}", "uk-eir"),
    ("UPDATE requests_app_requestevent SET kind = %s WHERE request_id = {request}", "response"),
    ('UPDATE requests_app_requestevent SET "on" = %s WHERE request_id = {request}', "2026-01-07"),
    (
        "UPDATE requests_app_requestevent SET details = %s WHERE request_id = {request}",
        '{"outcome": "refused"}',
    ),
    (
        'INSERT INTO requests_app_requestevent (request_id, kind, "on", note, details, created_at)'
        ' SELECT request_id, %s, "on", note, details, created_at FROM requests_app_requestevent'
        " WHERE request_id = {request}",
        "response",
    ),
    ("DELETE FROM requests_app_requestevent WHERE request_id = {request} AND kind = %s", "sent"),
    ("UPDATE requests_app_publicbody SET nation = %s WHERE id = {body}", "SCT"),
]


@pytest.mark.parametrize(("statement", "value"), RAW_WRITES)
def test_raw_sql_on_what_the_headline_figures_read_changes_the_version(
    statement: str, value: str
) -> None:
    foi_request = FoiRequestFactory.sent(on=dt.date(2026, 1, 5))
    sql = statement.format(request=foi_request.pk, body=foi_request.public_body_id)
    before = counts_version()
    with connection.cursor() as cursor:
        cursor.execute(sql, [value])
        assert cursor.rowcount == 1
    assert counts_version() != before


def test_a_change_no_count_reads_leaves_the_version() -> None:
    foi_request = FoiRequestFactory.sent(on=dt.date(2026, 1, 5))
    reply = MessageFactory(request=foi_request)
    before = counts_version()
    models.FoiRequest.objects.filter(pk=foi_request.pk).update(title="Renamed", notes="x")
    models.Message.objects.filter(pk=reply.pk).update(subject="Re: renamed")
    foi_request.events.update(note="Checked", actor=None)
    models.PublicBody.objects.filter(pk=foi_request.public_body_id).update(name="Renamed body")
    assert counts_version() == before


def test_a_version_never_comes_back() -> None:
    foi_request = FoiRequestFactory.sent(on=dt.date(2026, 1, 5))
    seen = {counts_version()}
    for status in ("refused", "awaiting_response", "refused", "awaiting_response"):
        models.FoiRequest.objects.filter(pk=foi_request.pk).update(status=status)
        seen.add(counts_version())
    assert len(seen) == 5


@pytest.mark.django_db(transaction=True)
def test_two_open_writers_do_not_wait_for_each_other_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: runs in the PostgreSQL pass (DATABASE_URL=postgres://…)")
    first, second = (FoiRequestFactory.sent(on=dt.date(2026, 1, 5)) for _ in range(2))
    before = counts_version()
    settings = connection.settings_dict
    dsn = {
        "dbname": settings["NAME"],
        "host": settings.get("HOST") or "127.0.0.1",
        "port": settings.get("PORT") or 5432,
        "user": settings.get("USER") or "postgres",
        "password": settings.get("PASSWORD") or None,
    }
    with psycopg.connect(**dsn) as one, psycopg.connect(**dsn) as other:
        update = "UPDATE requests_app_foirequest SET status = 'refused' WHERE id = %s"
        one.execute(update, [first.pk])  # open: holds its version slot until commit
        other.execute("SET lock_timeout = '2s'")
        other.execute(update, [second.pk])  # would time out if it queued behind `one`
        assert counts_version() == before  # neither change is visible yet
        other.commit()
        after_other = counts_version()
        one.commit()
    assert len({before, after_other, counts_version()}) == 3
