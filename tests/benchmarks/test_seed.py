"""The benchmark archive: loaded in bulk, with its search index built set-wise."""

# The SQL here names tables and columns only.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection

from benchmarks.bulk_load import Vectoriser
from benchmarks.seed import ARCHIVIST, BenchArchive
from requests_app import models
from requests_app.search import search


@pytest.mark.django_db(transaction=True)  # it runs VACUUM, which no transaction may hold
def test_it_loads_requests_with_letters_pages_and_deadlines_and_can_add_more() -> None:
    BenchArchive(requests=40, seed=3).build()
    requests = models.FoiRequest.objects.filter(public_body__slug__startswith="bench-body-")
    assert requests.count() == 40
    assert models.PublicBody.objects.filter(slug__startswith="bench-body-").count() == 1000
    assert models.Message.objects.filter(request__in=requests).count() >= 40
    assert models.DocumentPage.objects.filter(attachment__message__request__in=requests).exists()
    assert not requests.filter(sent_on__isnull=False, due_on__isnull=True).exists()
    today = dt.date.today()
    assert requests.overdue(today).exists()
    assert requests.exclude(status=models.Status.AWAITING_RESPONSE).exists()

    archivist = User.objects.get(username=ARCHIVIST)
    in_campaigns = requests.exclude(campaign=None)
    assert set(models.FoiRequest.objects.visible_to(archivist)) == set(in_campaigns)

    BenchArchive(requests=10, seed=4).build()
    assert models.FoiRequest.objects.count() == 50
    references = models.FoiRequest.objects.values_list("reference", flat=True)
    assert len(set(references)) == 50


@pytest.mark.django_db(transaction=True)
def test_its_letters_are_searchable_and_later_writes_are_indexed_by_the_triggers() -> None:
    BenchArchive(requests=20, seed=5).build()
    archivist = User.objects.get(username=ARCHIVIST)
    letter = models.Message.objects.filter(request__campaign__isnull=False).first()
    assert letter is not None
    word = letter.body_text.split()[3].strip(".")
    assert search(archivist, word).hits

    letter.body_text = "palimpsestine marginalia"
    letter.save(update_fields=["body_text"])
    assert [hit.object for hit in search(archivist, "marginalia").hits] == [letter]


@pytest.mark.django_db(transaction=True)
def test_the_seed_bench_command_loads_the_same_archive() -> None:
    out = io.StringIO()
    call_command("seed_bench", requests=5, seed=7, stdout=out)
    assert "Generated 5 requests" in out.getvalue()
    assert (
        models.FoiRequest.objects.filter(public_body__slug__startswith="bench-body-").count() == 5
    )


def search_entries() -> list[tuple[object, ...]]:
    """Every index entry, less its id, in id order: its columns and its text."""
    columns = "e.kind, e.object_id, e.request_id, e.occurred_at, e.owner_id, e.campaign_id, "
    columns += "e.visibility, e.status, e.public_body_id, e.regime, e.file_type"
    if connection.vendor == "postgresql":
        sql = f"SELECT {columns}, e.document::text FROM search_entry e ORDER BY e.id"
    else:
        sql = (
            f"SELECT {columns}, f.head, f.body, f.attachment FROM search_entry e "
            "JOIN search_fts f ON f.rowid = e.id ORDER BY e.id"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return list(cursor.fetchall())


def index_again_through_the_triggers() -> None:
    """Change each indexed text and change it back: the update triggers index every row."""
    for model, column in (
        (models.FoiRequest, "title"),
        (models.Message, "subject"),
        (models.DocumentPage, "text"),
    ):
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {column} = {column} || '~'")
            cursor.execute(
                f"UPDATE {table} SET {column} = substr({column}, 1, length({column}) - 1)"
            )


@pytest.mark.django_db(transaction=True)
def test_its_search_entries_are_the_ones_the_triggers_make_numbered_in_date_order() -> None:
    BenchArchive(requests=12, seed=6).build()
    seeded = search_entries()
    assert len(seeded) > 12 * 3
    in_date_order = sorted(seeded, key=lambda entry: (str(entry[3]), entry[0], entry[1]))
    assert seeded == in_date_order

    index_again_through_the_triggers()
    assert sorted(search_entries(), key=str) == sorted(seeded, key=str)


def sqlite_settings() -> list[object]:
    with connection.cursor() as cursor:
        values = []
        for pragma in ("journal_mode", "synchronous", "cache_size"):
            cursor.execute(f"PRAGMA {pragma}")
            values.append(cursor.fetchone()[0])
    return values


@pytest.mark.django_db(transaction=True)
def test_loading_into_sqlite_gives_back_its_journal_and_sync_settings() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's own settings")
    before = sqlite_settings()
    BenchArchive(requests=3, seed=8).build()
    assert sqlite_settings() == before


@pytest.mark.django_db
def test_the_vectoriser_leaves_a_text_with_an_unknown_word_to_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("text vectors are PostgreSQL's")
    vectoriser = Vectoriser("english")
    vectoriser.learn(["The", "board", "minutes.", "FOI-2026-0001"])
    text = "The board minutes. FOI-2026-0001 board"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT %s::tsvector = to_tsvector('english', %s)", [vectoriser.vector(text), text]
        )
        assert cursor.fetchone()[0]
    assert vectoriser.vector("The board's minutes") is None
