"""The search index: what goes into it, and building it again from scratch.

One entry per request (title; reference, text, notes), per message (subject; body) and
per document page (text), with copies of the request fields that searches filter on and
that decide who may see the entry. Database triggers — PostgreSQL in `postgres.py`,
SQLite in `sqlite.py` — keep the entries current on every insert, update and delete of
those tables, whichever code path writes them, in the same transaction.

Entries are numbered in the order they were indexed; a rebuild indexes everything in date
order, so that "most recently indexed" and "newest" agree (see plan.MATCH_WINDOW).
"""

# SQL here is put together from constants, table names and integers; every value that
# comes from a user travels as a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from requests_app.models import (
    Attachment,
    Campaign,
    DocumentPage,
    FoiRequest,
    Message,
    PublicBody,
)
from requests_app.search.plan import KIND_CODES, MESSAGE, PAGE, REQUEST, file_type_sql

REBUILD_CHUNK = 2000
# The copies of request fields every entry carries: (entry column, request column).
REQUEST_COPIES = (
    ("owner_id", "owner_id"),
    ("campaign_id", "campaign_id"),
    ("visibility", "visibility"),
    ("status", "status"),
    ("public_body_id", "public_body_id"),
    ("regime", "regime"),
)
ENTRY_COLUMNS = (
    "kind",
    "object_id",
    "request_id",
    "occurred_at",
    *(column for column, _ in REQUEST_COPIES),
    "file_type",
)
# Changing any of these re-indexes the entry's text.
REQUEST_TEXT_FIELDS = ("title", "reference", "their_reference", "text", "notes", "sent_on")
MESSAGE_TEXT_FIELDS = ("subject", "body_text", "sent_at", "request_id")
PAGE_TEXT_FIELDS = ("text", "attachment_id")
ATTACHMENT_FIELDS = ("message_id", "content_type", "filename")


def tables() -> dict[str, str]:
    return {
        "request": FoiRequest._meta.db_table,
        "message": Message._meta.db_table,
        "attachment": Attachment._meta.db_table,
        "page": DocumentPage._meta.db_table,
        "body": PublicBody._meta.db_table,
        "campaign": Campaign._meta.db_table,
    }


@dataclass(frozen=True)
class Source:
    """How one kind of entry is read from its table, as SQL over the aliases r, m, a, p."""

    kind: int
    table: str
    from_sql: str
    key: str
    request_id: str
    occurred_at: str
    file_type: str
    head: str  # titles and subjects: weighted highest
    body: str  # request text and message bodies
    attachment: str  # document pages: weighted lowest

    def columns(self) -> list[str]:
        """The ENTRY_COLUMNS, in order, as expressions over the source."""
        copies = [f"r.{column}" for _, column in REQUEST_COPIES]
        return [
            str(self.kind),
            self.key,
            self.request_id,
            self.occurred_at,
            *copies,
            self.file_type,
        ]

    def select(self, extra: list[str], where: str, order: bool = False) -> str:
        order_by = f" ORDER BY {self.occurred_at}, {self.key}" if order else ""
        columns = ", ".join([*self.columns(), *extra])
        return f"SELECT {columns} FROM {self.from_sql} WHERE {where}{order_by}"

    def texts(self) -> list[str]:
        return [self.head, self.body, self.attachment]


def _joined(*parts: str) -> str:
    return " || ' ' || ".join(f"coalesce({part}, '')" for part in parts)


def sources(request_occurred_at: str) -> dict[str, Source]:
    """The three kinds of entry; the date of a request depends on the database's SQL."""
    t = tables()
    request_join = f"LEFT JOIN {t['request']} r ON r.id = m.request_id"
    return {
        REQUEST: Source(
            kind=KIND_CODES[REQUEST],
            table=t["request"],
            from_sql=f"{t['request']} r",
            key="r.id",
            request_id="r.id",
            occurred_at=request_occurred_at,
            file_type="''",
            head="coalesce(r.title, '')",
            body=_joined("r.reference", "r.their_reference", "r.text", "r.notes"),
            attachment="''",
        ),
        MESSAGE: Source(
            kind=KIND_CODES[MESSAGE],
            table=t["message"],
            from_sql=f"{t['message']} m {request_join}",
            key="m.id",
            request_id="m.request_id",
            occurred_at="m.sent_at",
            file_type="''",
            head="coalesce(m.subject, '')",
            body="coalesce(m.body_text, '')",
            attachment="''",
        ),
        PAGE: Source(
            kind=KIND_CODES[PAGE],
            table=t["page"],
            from_sql=(
                f"{t['page']} p JOIN {t['attachment']} a ON a.id = p.attachment_id "
                f"JOIN {t['message']} m ON m.id = a.message_id {request_join}"
            ),
            key="p.id",
            request_id="m.request_id",
            occurred_at="m.sent_at",
            file_type=file_type_sql("a.content_type", "a.filename"),
            head="''",
            body="''",
            attachment="coalesce(p.text, '')",
        ),
    }


def pages_of_messages_sql(where: str) -> str:
    """The ids of the pages of the messages selected by `where` (over m)."""
    t = tables()
    return (
        f"SELECT p.id FROM {t['page']} p JOIN {t['attachment']} a ON a.id = p.attachment_id "
        f"JOIN {t['message']} m ON m.id = a.message_id WHERE {where}"
    )


# --- entry points ----------------------------------------------------------------------


class IndexBackend:
    """What indexing needs from a database backend (see postgres.py and sqlite.py)."""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection

    def is_installed(self) -> bool:
        raise NotImplementedError

    def install(self, language: str) -> None:
        raise NotImplementedError

    def install_triggers(self) -> None:
        raise NotImplementedError

    def drop_triggers(self) -> None:
        raise NotImplementedError

    def uninstall(self) -> None:
        raise NotImplementedError

    def language(self) -> str:
        raise NotImplementedError

    def start_rebuild(self, language: str) -> int:
        """Empty the index, and list every source row in date order; returns the count."""
        raise NotImplementedError

    def rebuild_chunk(self, first: int, last: int) -> None:
        raise NotImplementedError

    def finish_rebuild(self) -> None:
        raise NotImplementedError


def index_backend(connection: BaseDatabaseWrapper) -> IndexBackend | None:
    if connection.vendor == "postgresql":
        from requests_app.search.postgres import PostgresIndex

        return PostgresIndex(connection)
    if connection.vendor == "sqlite":
        from requests_app.search.sqlite import SqliteIndex

        return SqliteIndex(connection)
    return None


def install(connection: BaseDatabaseWrapper, language: str) -> None:
    backend = index_backend(connection)
    if backend is not None:
        backend.install(language)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    backend = index_backend(connection)
    if backend is not None:
        backend.uninstall()


def ensure_triggers(using: str = DEFAULT_DB_ALIAS) -> None:
    """Put back any trigger a table rebuild dropped (idempotent)."""
    backend = index_backend(connections[using])
    if backend is not None and backend.is_installed():
        backend.install_triggers()


def reinstall_triggers_after_migrating(
    sender: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any
) -> None:
    """After `migrate` (post_migrate, connected in apps.py)."""
    if getattr(sender, "name", None) != "requests_app":
        return
    # On SQLite, Django alters a table by copying it into a new one, which drops the
    # table's triggers; putting back the search index's triggers after every migration
    # keeps the index in step with the data.
    ensure_triggers(using)


def rebuild(
    *,
    language: str,
    using: str = DEFAULT_DB_ALIAS,
    progress: Callable[[int, int], None] | None = None,
    chunk: int = REBUILD_CHUNK,
) -> int:
    """Index every request, message and page again, oldest first; returns the count.

    Each chunk commits on its own: searches keep working (on a partial index) while a
    rebuild runs, and the triggers keep indexing whatever is written meanwhile.
    """
    backend = index_backend(connections[using])
    if backend is None:
        raise RuntimeError("Full-text search needs PostgreSQL or SQLite.")
    with transaction.atomic(using=using):
        total = backend.start_rebuild(language)
    for first in range(1, total + 1, chunk):
        last = min(first + chunk - 1, total)
        with transaction.atomic(using=using):
            backend.rebuild_chunk(first, last)
        if progress:
            progress(last, total)
    backend.finish_rebuild()
    return total
