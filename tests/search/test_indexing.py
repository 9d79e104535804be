"""Keeping the index: triggers, the rebuild command, the language."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection

from requests_app import models
from requests_app.search import indexing, search
from tests.factories import FoiRequestFactory, MessageFactory
from tests.search.factories import AttachmentFactory, DocumentPageFactory


@pytest.fixture
def archive(user: User, body: models.PublicBody) -> list[models.FoiRequest]:
    requests = []
    for number in range(3):
        foi_request = FoiRequestFactory.create(
            owner=user, public_body=body, title=f"Ferry contracts {number}"
        )
        message = MessageFactory.create(
            request=foi_request, body_text="Contracting the ferry service."
        )
        DocumentPageFactory.create(
            attachment=AttachmentFactory.create(message=message), text="Ferry fares"
        )
        requests.append(foi_request)
    return requests


def current_language() -> str | None:
    backend = indexing.index_backend(connection)
    assert backend is not None and backend.is_installed()
    return backend.language()


def empty_the_index() -> None:
    backend = indexing.index_backend(connection)
    assert backend is not None
    backend.start_rebuild(current_language() or "english")
    backend.finish_rebuild()


def reindex() -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("search_reindex", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_rebuild_command_fills_an_empty_index_with_a_progress_bar(
    user: User, archive: list[models.FoiRequest]
) -> None:
    before = search(user, "ferry").total
    empty_the_index()
    assert search(user, "ferry").total == 0
    out, err = reindex()
    assert "Indexed 9 entries (english)" in out
    assert "Indexing [" in err and "9/9" in err
    assert search(user, "ferry").total == before == 9


def test_the_rebuild_indexes_the_oldest_first(user: User, archive: list[models.FoiRequest]) -> None:
    reindex()
    with connection.cursor() as cursor:
        cursor.execute("SELECT occurred_at FROM search_entry ORDER BY id")
        dates = [row[0] for row in cursor.fetchall()]
    assert dates == sorted(dates)


def test_lost_triggers_come_back_after_migrating(
    user: User, archive: list[models.FoiRequest]
) -> None:
    # On SQLite a migration that alters a table copies it, which drops its triggers.
    backend = indexing.index_backend(connection)
    assert backend is not None
    backend.drop_triggers()
    unseen = MessageFactory.create(request=archive[0], body_text="Quayside ferry.")
    assert search(user, "quayside").total == 0
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    seen = MessageFactory.create(request=archive[0], body_text="Quayside tolls.")
    assert [hit.object.pk for hit in search(user, "quayside").hits] == [seen.pk]
    reindex()
    assert search(user, "quayside").total == 2
    assert unseen.pk in {hit.object.pk for hit in search(user, "quayside").hits}


def test_the_language_decides_how_words_are_matched(
    user: User, archive: list[models.FoiRequest], settings: object
) -> None:
    assert search(user, "contracts", kind="message").total == 3  # "Contracting", stemmed
    settings.FOI_SEARCH_LANGUAGE = "simple"  # type: ignore[attr-defined]
    out, _ = reindex()
    assert "(simple)" in out and current_language() == "simple"
    assert search(user, "contracts", kind="message").total == 0
    assert search(user, "contracting", kind="message").total == 3


def test_new_letters_and_pages_wait_for_the_saved_searches_and_requests_do_not(
    user: User, body: models.PublicBody
) -> None:
    foi_request = FoiRequestFactory.create(owner=user, public_body=body)
    message = MessageFactory.create(request=foi_request)
    page = DocumentPageFactory.create(attachment=AttachmentFactory.create(message=message))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.kind, e.object_id FROM search_new_entry n "
            "JOIN search_entry e ON e.id = n.entry_id ORDER BY e.kind"
        )
        assert cursor.fetchall() == [(2, message.pk), (3, page.pk)]
