"""Whole pages kept under the pages version: a kept page is always what the view would
render now, for this user, today, with this request's own CSRF token and messages."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app import models
from requests_app.models.versions import (
    PAGES_UNWATCHED,
    PAGES_UNWATCHED_PREFIXES,
    all_tables,
    pages_version,
    pages_version_triggers,
    wanted_triggers,
    watched_tables,
)
from requests_app.views import dashboard as dashboard_views
from tests.factories import FoiRequestFactory
from tests.mail.dovecot import DOVECOT, running_dovecot
from tests.views.conftest import LONDON

pytestmark = pytest.mark.django_db

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def pages(alice_request: models.FoiRequest, campaign: models.Campaign) -> dict[str, str]:
    alice_request.campaign = campaign
    alice_request.save()
    return {
        "dashboard": reverse("dashboard"),
        "request list": reverse("request_list"),
        "filtered list": reverse("request_list") + "?status=awaiting_response&sort=title",
        "request detail": reverse("request_detail", args=[alice_request.reference]),
        "body page": reverse("body_detail", args=[alice_request.public_body.slug]),
        "campaign page": reverse("campaign_detail", args=[campaign.slug]),
        "calendar": reverse("deadline_calendar") + "?month=2026-02",
        "search": reverse("search") + "?q=consultants",
    }


def without_tokens(content: bytes) -> bytes:
    return TOKEN.sub(b"", content)


def fresh(client: Client, url: str, **headers: Any) -> bytes:
    with override_settings(FOI_PAGE_CACHE=False):
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return without_tokens(response.content)


def kept(client: Client, url: str, **headers: Any) -> bytes:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return without_tokens(response.content)


# --- what the version watches ------------------------------------------------------


def test_every_table_but_the_few_unwatched_changes_the_version() -> None:
    watched = watched_tables(all_tables(connection))
    assert {"requests_app_foirequest", "requests_app_message", "auth_user"} <= set(watched)
    assert not {"django_session", "requests_app_mailboxstate"} & set(watched)
    assert not [table for table in watched if table.startswith("django_celery_beat")]
    assert pages_version_triggers(connection) == set(wanted_triggers(connection.vendor, watched))
    everything = set(connection.introspection.table_names())
    unwatched = everything - set(watched) - PAGES_UNWATCHED
    assert unwatched <= {
        name
        for name in everything
        if name.startswith(("search_fts", "sqlite_", *PAGES_UNWATCHED_PREFIXES))
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statement triggers")
def test_a_statement_changes_the_version_when_it_changes_a_row(
    alice_request: models.FoiRequest,
) -> None:
    for table in watched_tables(all_tables(connection)):
        before = pages_version()
        with connection.cursor() as cursor:
            column = connection.introspection.get_table_description(cursor, table)[0].name
            cursor.execute(f'DELETE FROM "{table}" WHERE false')  # noqa: S608
            cursor.execute(f'UPDATE "{table}" SET "{column}" = "{column}" WHERE false')  # noqa: S608
        assert pages_version() == before, table
    title = "Spending on lawyers"
    for change in (
        lambda: models.FoiRequest.objects.filter(pk=alice_request.pk).update(title=title),
        lambda: models.Tag.objects.create(name="legal"),
        lambda: models.Tag.objects.filter(name="legal").delete(),
        lambda: connection.cursor().execute('TRUNCATE "requests_app_savedsearch"'),
    ):
        before = pages_version()
        change()
        assert pages_version() != before


@pytest.mark.django_db(transaction=True)  # beat closes connections it finds in a transaction
def test_an_idle_schedule_leaves_kept_pages_kept(
    alice_client: Client, pages: dict[str, str], settings: Any
) -> None:
    """Beat starting, every scheduled task run with nothing to do, beat recording each
    run, and the mailbox polled with no new mail: no page is rendered again."""
    from django_celery_beat.schedulers import DatabaseScheduler

    from foi_tracker.celery import app

    if DOVECOT is None:
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd)")
    app.loader.import_default_modules()  # every task, as a worker has them

    def an_hour_of_the_schedule() -> None:
        beat = DatabaseScheduler(app=app)  # copies the schedule into the database
        for entry in list(beat.schedule.values()):
            app.tasks[entry.task].apply(args=entry.args, kwargs=entry.kwargs).get()
            beat.reserve(entry)
        beat.sync()

    with running_dovecot() as server:
        settings.IMAP_URL = server.new_user().url()
        an_hour_of_the_schedule()  # the first hour may find work: the next finds none
        for url in [*pages.values(), *pages.values()]:  # the calendar's first view writes
            kept(alice_client, url)
        before = pages_version()
        an_hour_of_the_schedule()
        assert pages_version() == before
    for name, url in pages.items():
        with CaptureQueriesContext(connection) as queries:
            kept(alice_client, url)
        assert len(queries) == 4, name


def test_signing_in_leaves_the_version_alone(user: Any) -> None:
    before = pages_version()
    Client().login(username="alice", password="wrong")
    assert pages_version() == before


# --- pages served kept -------------------------------------------------------------


def test_a_page_viewed_again_is_the_same_page_in_four_queries(
    alice_client: Client, pages: dict[str, str]
) -> None:
    for url in pages.values():
        alice_client.get(url)  # the calendar's first view makes the user's feed token
    for name, url in pages.items():
        first = kept(alice_client, url)
        with CaptureQueriesContext(connection) as queries:
            again = kept(alice_client, url)
        # the session, the user, whether the user has a second factor, and the version
        assert len(queries) == 4, (name, [query["sql"] for query in queries.captured_queries])
        assert again == first == fresh(alice_client, url), name


def test_viewing_a_page_writes_nothing(alice_client: Client, pages: dict[str, str]) -> None:
    for url in pages.values():
        alice_client.get(url)  # the calendar's first view makes the user's feed token
    before = pages_version()
    with override_settings(FOI_PAGE_CACHE=False):
        for url in pages.values():
            alice_client.get(url)
    assert pages_version() == before


def test_a_change_no_count_reads_shows_at_once(
    alice_client: Client, pages: dict[str, str], alice_request: models.FoiRequest
) -> None:
    for url in pages.values():
        kept(alice_client, url)
    models.FoiRequest.objects.filter(pk=alice_request.pk).update(title="Spending on lawyers")
    models.RequestEvent.objects.create(
        request=alice_request, kind=models.EventKind.ACKNOWLEDGED, on=dt.date(2026, 1, 14)
    )
    for name, url in pages.items():
        page = kept(alice_client, url)
        assert page == fresh(alice_client, url), name
        assert b"Spending on lawyers" in page or name == "search", name


def test_the_same_address_is_another_page_for_another_user(
    alice_client: Client, mallory_client: Client, pages: dict[str, str]
) -> None:
    for name, url in pages.items():
        title = b"Spending on management consultants"
        assert title in kept(alice_client, url) or name == "search", name
        assert title not in mallory_client.get(url).content, name


def test_tomorrow_is_another_page(alice_client: Client, pages: dict[str, str]) -> None:
    today = {url: kept(alice_client, url) for url in pages.values()}
    with time_machine.travel(dt.datetime(2026, 1, 16, 12, tzinfo=LONDON), tick=False):
        for name, url in pages.items():
            assert kept(alice_client, url) == fresh(alice_client, url), name
        detail = pages["request detail"]
        assert kept(alice_client, detail) != today[detail]


def test_the_content_alone_is_another_page(alice_client: Client, pages: dict[str, str]) -> None:
    url = pages["request detail"]
    whole = kept(alice_client, url)
    content = kept(alice_client, url, X_Requested_With="fetch")
    assert content != whole
    assert content == fresh(alice_client, url, X_Requested_With="fetch")
    assert kept(alice_client, url) == whole


def test_a_kept_page_carries_a_token_that_works(user: Any, pages: dict[str, str]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(pages["request detail"])
    response = client.get(pages["request detail"])
    tokens = set(TOKEN.findall(response.content))
    assert len(tokens) == 1
    assert (
        client.post(reverse("logout"), {"csrfmiddlewaretoken": tokens.pop().decode()}).status_code
        == 302
    )


def test_a_message_is_shown_once_on_a_kept_page(user: Any, pages: dict[str, str]) -> None:
    def view(message: str | None) -> bytes:
        request = RequestFactory().get(pages["dashboard"])
        request.user = user
        SessionMiddleware(lambda r: None).process_request(request)  # type: ignore[arg-type, return-value]
        request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
        if message:
            messages.success(request, message)
        return dashboard_views.dashboard(request).content

    view(None)
    assert b"Your changes have been saved." in view("Your changes have been saved.")
    assert b"Your changes have been saved." not in view(None)


def test_a_page_that_fails_is_not_kept(alice_client: Client, user: Any) -> None:
    missing = reverse("request_detail", args=["FOI-2026-999"])
    assert alice_client.get(missing).status_code == 404
    FoiRequestFactory.sent(on=dt.date(2026, 1, 5), reference="FOI-2026-999", owner=user)
    assert alice_client.get(missing).status_code == 200
