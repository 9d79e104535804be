"""A version of what the open and overdue counts are made of, kept by the database itself.

Figures counted over a whole archive (the dashboard's open and overdue requests, a
body's or a campaign's headline figures) are kept in the cache under this version.
Triggers (migrations 0018 and 0021) write a fresh random token into it whenever a
statement may change those figures — a request added, removed, or given another owner,
campaign, visibility, status, next deadline, body, regime or date (sent, received, due,
extended due); an event added, removed, or given another request, kind, date or details;
a body given another nation or subdivision; a reply added, removed, filed elsewhere or
reviewed; a membership added, removed or moved — whatever the path: `save()`,
`QuerySet.update()`, `bulk_update()`, `delete()`, a cascade, raw SQL.
The columns watched are what `visible_to`, `waiting()`, the overdue test,
`has_reply_to_review` and `request_statistics` read; a figure that reads another column
needs it added there.
The token is written in the writer's own transaction, so a reader sees the new version
exactly when it can see the change, and a version never comes back once it has changed.

The version also changes with any write, to any column, of the small tables nearly
every page reads (campaigns, tags, exemptions, non-working days, memberships: migration
0023), so a process keeps what it read of those under the version
(`kept_under_version`) instead of asking the database again on every page view.

A second version, the pages version (migration 0025), changes with any statement that
changes a row of any table but the few no page shows: whole pages are kept under it
(views/page_cache.py). Its triggers go on every table after each `migrate`
(`install_pages_version_triggers`), so no table is left out, whichever migration adds it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet

from requests_app.per_request import KeptInProcess, once_per_request

# A table of the database's own, not a model: it is no data of the archive (no backup,
# admin or flush copies it), only a mark of when the data last changed. Each row is one
# slot; the version is every slot's token. On PostgreSQL a writing transaction takes a
# slot no other open transaction holds (`FOR UPDATE SKIP LOCKED`), so writers never
# queue behind one another for it; SQLite has one writer at a time and one slot.
VERSION_TABLE = "requests_app_countsversion"

PAGES_VERSION_TABLE = "requests_app_pagesversion"
# The tables whose writes leave the pages version alone: the versions themselves, what
# signing in and out writes (sessions, django-axes' log of attempts), and the schedule's
# own bookkeeping (when beat last ran each task, when the mailbox was last polled, the
# fixity check's report, which the health check reads), none of which a page kept under
# the version shows. Were they watched, an idle schedule would change the version every
# minute or two, and every page would be rendered again.
PAGES_UNWATCHED = frozenset(
    {
        VERSION_TABLE,
        PAGES_VERSION_TABLE,
        "django_migrations",
        "django_session",
        "axes_accessattempt",
        "axes_accessfailurelog",
        "axes_accesslog",
        "requests_app_mailboxstate",
        "requests_app_fixityreport",
    }
)
PAGES_UNWATCHED_PREFIXES = ("django_celery_beat_",)

# The tables whose every write, to any column, changes the version (migration 0023).
VERSIONED_TABLES = frozenset(
    {
        "requests_app_campaign",
        "requests_app_tag",
        "requests_app_exemption",
        "requests_app_nonworkingday",
        "requests_app_membership",
    }
)
# Every table a statement reads, its subqueries' included, follows FROM or JOIN, quoted
# (Django's own) or not (raw SQL). Any other name found there (`EXTRACT(YEAR FROM day)`)
# is no versioned table either: the statement is read afresh, never kept by mistake.
TABLE_READ = re.compile(r'\b(?:FROM|JOIN)\s+"?([\w.]+)"?', re.IGNORECASE)

# Figures kept in the shared cache for a day at most: the version in their key already
# tells a change apart.
CACHED_SECONDS = 24 * 3600

T = TypeVar("T")
M = TypeVar("M", bound=Model)
# Readings kept per process: a few per user (memberships) and a few in all (the tables).
_kept: KeptInProcess[Any] = KeptInProcess(4096)


def counts_version() -> str:
    """The current version, short enough for a cache key: a digest of every slot's token,
    read from a few short rows however large the archive."""
    return once_per_request("counts_version", _read_version)


def _read_version(table: str = VERSION_TABLE) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {table} ORDER BY id")  # noqa: S608
        tokens = ",".join(token for (token,) in cursor.fetchall())
    return hashlib.sha256(tokens.encode()).hexdigest()[:32]


def pages_version() -> str:
    """The version of everything a page may show (migration 0025): it changes with any
    statement that changes a row of any table but the unwatched ones (PAGES_UNWATCHED)."""
    return once_per_request("pages_version", lambda: _read_version(PAGES_VERSION_TABLE))


def install_pages_version_triggers(
    sender: Any = None, using: str = DEFAULT_DB_ALIAS, **kwargs: Any
) -> None:
    """Pages-version triggers on every watched table that has none yet, and none on the
    others (post_migrate, connected in apps.py; idempotent: a few queries when every
    table is as it should be)."""
    if getattr(sender, "name", None) != "requests_app":
        return  # post_migrate comes once per app, after every migration has run
    wrapper = connections[using]
    tables = all_tables(wrapper)
    if PAGES_VERSION_TABLE not in tables:
        return  # migrated back before 0025
    with wrapper.cursor() as cursor:
        if wrapper.vendor == "postgresql":
            cursor.execute(POSTGRES_FUNCTIONS)
        else:  # its triggers update the one slot: it must be there
            cursor.execute(f"INSERT OR IGNORE INTO {PAGES_VERSION_TABLE} VALUES (1, 'new')")  # noqa: S608
        for statement in _trigger_statements(wrapper, watched_tables(tables)):
            cursor.execute(statement)


def watched_tables(tables: set[str]) -> list[str]:
    """Of the database's tables (`all_tables`), those whose writes change the pages
    version: all but PAGES_UNWATCHED and PAGES_UNWATCHED_PREFIXES."""
    return sorted(
        table
        for table in tables - PAGES_UNWATCHED
        if not table.startswith(PAGES_UNWATCHED_PREFIXES)
    )


def all_tables(wrapper: BaseDatabaseWrapper) -> set[str]:
    """The database's tables (on SQLite, but a full-text index's own, which only the
    triggers of other tables write)."""
    with wrapper.cursor() as cursor:
        if wrapper.vendor == "postgresql":
            cursor.execute(
                "SELECT relname FROM pg_class WHERE relkind = 'r' "
                "AND relnamespace = current_schema()::regnamespace"
            )
            tables = {name for (name,) in cursor.fetchall()}
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
            rows = cursor.fetchall()
            virtual = [name for name, sql in rows if sql.upper().startswith("CREATE VIRTUAL")]
            tables = {
                name
                for name, _ in rows
                if not name.startswith("sqlite_")
                and not any(name == v or name.startswith(f"{v}_") for v in virtual)
            }
    return tables


# PostgreSQL: a statement that changed at least one row changes the version, in the
# writer's own transaction (an UPDATE or DELETE that matched nothing, as an idle sweep's,
# does not). TRUNCATE has no rows to look at: it always does.
POSTGRES_FUNCTIONS = """
CREATE OR REPLACE FUNCTION pages_version_bump() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    -- A slot no other open transaction holds: writers never queue behind one another.
    UPDATE requests_app_pagesversion SET token = gen_random_uuid()::text
    WHERE id = (
        SELECT id FROM requests_app_pagesversion ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
    );
    IF NOT FOUND THEN  -- none yet, or every slot held: one more slot
        INSERT INTO requests_app_pagesversion (id, token)
        SELECT coalesce(max(id), 0) + 1, gen_random_uuid()::text
        FROM requests_app_pagesversion
        ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
    END IF;
END $$;
CREATE OR REPLACE FUNCTION pages_version_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pages_version_bump();
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION pages_version_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM changed) THEN
        PERFORM pages_version_bump();
    END IF;
    RETURN NULL;
END $$;
"""
POSTGRES_TRIGGERS = {
    "pages_version_insert": "AFTER INSERT {on} REFERENCING NEW TABLE AS changed "
    "FOR EACH STATEMENT EXECUTE FUNCTION pages_version_rows_changed()",
    "pages_version_update": "AFTER UPDATE {on} REFERENCING NEW TABLE AS changed "
    "FOR EACH STATEMENT EXECUTE FUNCTION pages_version_rows_changed()",
    "pages_version_delete": "AFTER DELETE {on} REFERENCING OLD TABLE AS changed "
    "FOR EACH STATEMENT EXECUTE FUNCTION pages_version_rows_changed()",
    "pages_version_truncate": "BEFORE TRUNCATE {on} "
    "FOR EACH STATEMENT EXECUTE FUNCTION pages_version_changed()",
}
# SQLite's triggers fire per row, so a statement that changes none leaves the version.
# One writer at a time, so one slot, always there. An UPDATE, as an INSERT OR REPLACE
# would take the conflict rule of an upsert that fires it, and fail.
SQLITE_BUMP = f"UPDATE {PAGES_VERSION_TABLE} SET token = lower(hex(randomblob(16))) WHERE id = 1;"  # noqa: S608


def pages_version_triggers(wrapper: BaseDatabaseWrapper) -> set[tuple[str, str]]:
    """(table, trigger) for every pages-version trigger in the database."""
    with wrapper.cursor() as cursor:
        if wrapper.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname LIKE 'pages_version%'"
            )
        else:
            cursor.execute(
                "SELECT tbl_name, name FROM sqlite_master "
                "WHERE type = 'trigger' AND name LIKE '%pages_version%'"
            )
        return {(table, name) for table, name in cursor.fetchall()}


def wanted_triggers(vendor: str, tables: list[str]) -> dict[tuple[str, str], str]:
    """(table, trigger) → its CREATE TRIGGER, for every watched table."""
    if vendor == "postgresql":
        return {
            (table, name): f"CREATE TRIGGER {name} " + body.format(on=f'ON "{table}"') + ";"
            for table in tables
            for name, body in POSTGRES_TRIGGERS.items()
        }
    return {
        (table, f"{table}_pages_version_{event.lower()}"): (
            f'CREATE TRIGGER "{table}_pages_version_{event.lower()}" AFTER {event} '
            f'ON "{table}" FOR EACH ROW BEGIN {SQLITE_BUMP} END;'
        )
        for table in tables
        for event in ("INSERT", "UPDATE", "DELETE")
    }


def _trigger_statements(wrapper: BaseDatabaseWrapper, tables: list[str]) -> list[str]:
    """What creates the wanted triggers that are missing and drops those that are not
    wanted (on a table no longer watched, or of an earlier shape)."""
    have = pages_version_triggers(wrapper)
    wanted = wanted_triggers(wrapper.vendor, tables)
    drop = [
        f'DROP TRIGGER "{name}" ON "{table}";'
        if wrapper.vendor == "postgresql"
        else f'DROP TRIGGER "{name}";'
        for table, name in sorted(have - wanted.keys())
    ]
    return drop + [create for key, create in sorted(wanted.items()) if key not in have]


def cached_under_version(key: str, compute: Callable[[], T]) -> T:
    """`compute()`, kept in the shared cache under `key` and the current version: for a
    figure of columns and tables the version watches (above), whichever process asks."""
    return cache.get_or_set(f"{key}:{counts_version()}", compute, CACHED_SECONDS)  # type: ignore[return-value]


def kept_under_version(key: Hashable, read: Callable[[], T]) -> T:
    """`read()`, kept in this process under the current version.

    Only for a reading of tables whose every write changes the version (migrations 0018
    and 0023), returned as a value no caller changes (a tuple, not a list). A reading
    kept under a version is what the database held at that version: a writer changes
    the version in its own transaction, and a version never comes back.
    """
    return _kept.get((key, counts_version()), read)


def kept_rows(queryset: QuerySet[M]) -> tuple[M, ...]:
    """The queryset's objects, kept under the version when its statement reads only
    VERSIONED_TABLES (the choices of a campaign, tag or exemption select); read afresh
    otherwise. The objects are shared: read them, never change them."""
    prefetches = queryset._prefetch_related_lookups  # type: ignore[attr-defined]
    if prefetches:  # statements of their own, reading tables not named in the SQL here
        return tuple(queryset.all())
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # none(), or an empty IN list: no statement to run
        return ()
    if not set(TABLE_READ.findall(sql)) <= VERSIONED_TABLES:
        return tuple(queryset.all())  # a copy: the queryset itself keeps no rows
    key: tuple[Any, ...] = ("rows", queryset.db, sql, tuple(params))
    return kept_under_version(key, lambda: tuple(queryset.all()))
