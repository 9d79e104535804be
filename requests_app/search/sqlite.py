"""Full-text search on SQLite: an FTS5 table kept in step by triggers, ranked by bm25.

`search_entry` holds one row per request, message and document page (the fields searches
filter on); `search_fts`, an FTS5 table with the same rowid, holds its text in three
columns weighted like PostgreSQL's A, B and C: titles and subjects, request text and
message bodies, attachment pages. English text is stemmed by the porter tokenizer, so
the same searches find the same things as on PostgreSQL; accents are folded.
"""

# SQL here is put together from constants, table names and integers; every value that
# comes from a user travels as a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import heapq
import json
from collections import Counter
from operator import itemgetter
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from requests_app.search.indexing import (
    ATTACHMENT_FIELDS,
    ENTRY_COLUMNS,
    MESSAGE_TEXT_FIELDS,
    PAGE_TEXT_FIELDS,
    REQUEST_COPIES,
    REQUEST_TEXT_FIELDS,
    IndexBackend,
    Source,
    pages_of_messages_sql,
    sources,
    tables,
)
from requests_app.search.plan import (
    FACET_LIMIT,
    FACETS,
    KIND_CODES,
    KIND_NAMES,
    MESSAGE,
    NEWEST,
    PAGE,
    REQUEST,
    Conditions,
    NewMatch,
    RawHit,
    RawResults,
    SavedQuery,
    SearchPlan,
    add_filters,
    add_visibility,
    hit_objects_sql,
)
from requests_app.search.query import START_MARK, STOP_MARK

# Django stores an aware datetime as UTC text: "2026-01-05 09:30:00[.ffffff]".
REQUEST_OCCURRED_AT = "coalesce(r.sent_on || ' 12:00:00', r.created_at)"
BM25_WEIGHTS = "5.0, 2.0, 1.0"  # head, body, attachment: as PostgreSQL's 1.0, 0.4, 0.2
SNIPPET_TOKENS = 24
TEXT_COLUMNS = ("head", "body", "attachment")


def tokenizer_for(language: str) -> str:
    # FTS5's stemmer knows only English; other languages are matched word for word.
    stemmer = "porter " if language == "english" else ""
    return f"{stemmer}unicode61 remove_diacritics 2"


def lite_sources() -> dict[str, Source]:
    return sources(REQUEST_OCCURRED_AT)


TABLES_SQL = """
CREATE TABLE IF NOT EXISTS search_config (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    language TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS search_entry (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind INTEGER NOT NULL,
    object_id INTEGER NOT NULL,
    request_id INTEGER,
    occurred_at TEXT NOT NULL,
    owner_id INTEGER,
    campaign_id INTEGER,
    visibility TEXT,
    status TEXT,
    public_body_id INTEGER,
    regime TEXT,
    file_type TEXT NOT NULL DEFAULT '',
    UNIQUE (kind, object_id)
);
CREATE INDEX IF NOT EXISTS search_entry_request ON search_entry (request_id);
CREATE INDEX IF NOT EXISTS search_entry_owner ON search_entry (owner_id);
CREATE INDEX IF NOT EXISTS search_entry_campaign ON search_entry (campaign_id);
CREATE INDEX IF NOT EXISTS search_entry_body ON search_entry (public_body_id);
CREATE TABLE IF NOT EXISTS search_new_entry (entry_id INTEGER PRIMARY KEY);
"""

TRIGGER_NAMES = (
    "search_request_inserted",
    "search_request_text_updated",
    "search_request_copies_updated",
    "search_request_deleted",
    "search_message_inserted",
    "search_message_updated",
    "search_message_moved",
    "search_message_deleted",
    "search_attachment_updated",
    "search_page_inserted",
    "search_page_updated",
    "search_page_deleted",
)


def fts_sql(language: str) -> str:
    columns = ", ".join(TEXT_COLUMNS)
    return (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5({columns}, "
        f"tokenize = '{tokenizer_for(language)}')"
    )


def _changed(fields: tuple[str, ...]) -> str:
    return "(" + " OR ".join(f"OLD.{field} IS NOT NEW.{field}" for field in fields) + ")"


def forget_sql(kind: int, object_id: str) -> str:
    return (
        f"DELETE FROM search_fts WHERE rowid IN (SELECT id FROM search_entry "
        f"WHERE kind = {kind} AND object_id = {object_id}); "
        f"DELETE FROM search_entry WHERE kind = {kind} AND object_id = {object_id};"
    )


def fts_insert_sql(source: Source, where: str) -> str:
    """The text of the entries of the source rows in `where`, under the entries' rowids."""
    texts = ", ".join(source.texts())
    return (
        f"INSERT INTO search_fts (rowid, {', '.join(TEXT_COLUMNS)}) "
        f"SELECT e.id, {texts} FROM search_entry e, {source.from_sql} "
        f"WHERE e.kind = {source.kind} AND e.object_id = {source.key} AND ({where})"
    )


def insert_sql(source: Source, where: str) -> str:
    """Add entries (then their text, under the same rowid) for the source rows in `where`."""
    entries = source.select([], where, order=True)
    return (
        f"INSERT INTO search_entry ({', '.join(ENTRY_COLUMNS)}) {entries}; "
        f"{fts_insert_sql(source, where)};"
    )


def reindex_sql(source: Source, object_id: str) -> str:
    return (
        forget_sql(source.kind, object_id) + " " + insert_sql(source, f"{source.key} = {object_id}")
    )


def enqueue_sql(kind: int, object_ids: str) -> str:
    return (
        f"INSERT OR IGNORE INTO search_new_entry (entry_id) SELECT id FROM search_entry "
        f"WHERE kind = {kind} AND object_id IN ({object_ids});"
    )


def refresh_pages_sql(message_id: str) -> str:
    page = lite_sources()[PAGE]
    refreshed = {
        "request_id": page.request_id,
        "occurred_at": page.occurred_at,
        **{entry: f"r.{column}" for entry, column in REQUEST_COPIES},
        "file_type": page.file_type,
    }
    return (
        f"UPDATE search_entry SET ({', '.join(refreshed)}) = "
        f"(SELECT {', '.join(refreshed.values())} FROM {page.from_sql} "
        f"WHERE p.id = search_entry.object_id) "
        f"WHERE kind = {page.kind} AND object_id IN "
        f"({pages_of_messages_sql(f'm.id = {message_id}')});"
    )


def triggers_sql() -> list[str]:
    t = tables()
    src = lite_sources()
    request, message, page = (KIND_CODES[name] for name in (REQUEST, MESSAGE, PAGE))
    request_fields = tuple(column for _, column in REQUEST_COPIES)
    copies = ", ".join(f"{entry} = NEW.{column}" for entry, column in REQUEST_COPIES)
    pages_of_new = pages_of_messages_sql("m.id = NEW.id")
    bodies = {
        "search_request_inserted": (
            f"AFTER INSERT ON {t['request']}",
            reindex_sql(src[REQUEST], "NEW.id"),
        ),
        "search_request_text_updated": (
            f"AFTER UPDATE ON {t['request']} WHEN {_changed(REQUEST_TEXT_FIELDS)}",
            reindex_sql(src[REQUEST], "NEW.id"),
        ),
        "search_request_copies_updated": (
            f"AFTER UPDATE ON {t['request']} WHEN {_changed(request_fields)}",
            f"UPDATE search_entry SET {copies} WHERE request_id = NEW.id;",
        ),
        "search_request_deleted": (
            f"AFTER DELETE ON {t['request']}",
            forget_sql(request, "OLD.id"),
        ),
        "search_message_inserted": (
            f"AFTER INSERT ON {t['message']}",
            reindex_sql(src[MESSAGE], "NEW.id") + enqueue_sql(message, "NEW.id"),
        ),
        "search_message_updated": (
            f"AFTER UPDATE ON {t['message']} WHEN {_changed(MESSAGE_TEXT_FIELDS)}",
            reindex_sql(src[MESSAGE], "NEW.id")
            + enqueue_sql(message, "NEW.id")
            + refresh_pages_sql("NEW.id"),
        ),
        "search_message_moved": (
            f"AFTER UPDATE ON {t['message']} WHEN OLD.request_id IS NOT NEW.request_id",
            enqueue_sql(page, pages_of_new),
        ),
        "search_message_deleted": (
            f"AFTER DELETE ON {t['message']}",
            forget_sql(message, "OLD.id"),
        ),
        "search_attachment_updated": (
            f"AFTER UPDATE ON {t['attachment']} WHEN {_changed(ATTACHMENT_FIELDS)}",
            refresh_pages_sql("NEW.message_id"),
        ),
        "search_page_inserted": (
            f"AFTER INSERT ON {t['page']}",
            reindex_sql(src[PAGE], "NEW.id") + enqueue_sql(page, "NEW.id"),
        ),
        "search_page_updated": (
            f"AFTER UPDATE ON {t['page']} WHEN {_changed(PAGE_TEXT_FIELDS)}",
            reindex_sql(src[PAGE], "NEW.id") + enqueue_sql(page, "NEW.id"),
        ),
        "search_page_deleted": (f"AFTER DELETE ON {t['page']}", forget_sql(page, "OLD.id")),
    }
    statements = []
    for name, (event, body) in bodies.items():
        event, _, condition = event.partition(" WHEN ")
        when = f" WHEN {condition}" if condition else ""
        statements.append(
            f"CREATE TRIGGER IF NOT EXISTS {name} {event} FOR EACH ROW{when} BEGIN {body} END"
        )
    return statements


class SqliteIndex(IndexBackend):
    def _execute(self, sql: str, params: Any = None) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)

    def _script(self, script: str) -> None:
        for statement in script.split(";"):
            if statement.strip():
                self._execute(statement)

    def is_installed(self) -> bool:
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE name IN ('search_entry', 'search_fts')"
            )
            return int(cursor.fetchone()[0]) == 2

    def install(self, language: str) -> None:
        self._script(TABLES_SQL)
        self._execute(fts_sql(language))
        self.set_language(language)
        self.install_triggers()

    def install_triggers(self) -> None:
        for statement in triggers_sql():
            self._execute(statement)

    def drop_triggers(self) -> None:
        for name in TRIGGER_NAMES:
            self._execute(f"DROP TRIGGER IF EXISTS {name}")

    def uninstall(self) -> None:
        self.drop_triggers()
        for table in ("search_fts", "search_new_entry", "search_entry", "search_config"):
            self._execute(f"DROP TABLE IF EXISTS {table}")

    def language(self) -> str:
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT language FROM search_config WHERE id = 1")
            row = cursor.fetchone()
        return str(row[0]) if row else ""

    def set_language(self, language: str) -> None:
        self._execute(
            "INSERT INTO search_config (id, language) VALUES (1, %s) "
            "ON CONFLICT (id) DO UPDATE SET language = excluded.language",
            [language],
        )

    def start_rebuild(self, language: str) -> int:
        # Dropping the FTS table is far quicker than deleting its rows, and lets a new
        # language choose its tokenizer.
        self.set_language(language)
        self._execute("DROP TABLE IF EXISTS search_fts")
        self._execute(fts_sql(language))
        self._execute("DELETE FROM search_entry")
        self._execute("DELETE FROM search_new_entry")
        self._execute("DROP TABLE IF EXISTS temp.search_rebuild_order")
        self._execute(
            "CREATE TEMP TABLE search_rebuild_order "
            "(n INTEGER PRIMARY KEY, kind INTEGER, object_id INTEGER)"
        )
        parts = [
            f"SELECT {source.kind} AS kind, {source.key} AS object_id, "
            f"{source.occurred_at} AS occurred_at FROM {source.from_sql}"
            for source in lite_sources().values()
        ]
        self._execute(
            "INSERT INTO search_rebuild_order (kind, object_id) SELECT kind, object_id "
            f"FROM ({' UNION ALL '.join(parts)}) ORDER BY occurred_at, kind, object_id"
        )
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM search_rebuild_order")
            return int(cursor.fetchone()[0])

    def rebuild_chunk(self, first: int, last: int) -> None:
        chosen = {
            name: (
                f"{source.key} IN (SELECT object_id FROM search_rebuild_order "
                f"WHERE n BETWEEN {int(first)} AND {int(last)} AND kind = {source.kind})"
            )
            for name, source in lite_sources().items()
        }
        # One insert for the three kinds, so that entries are numbered in date order.
        parts = [source.select([], chosen[name]) for name, source in lite_sources().items()]
        self._execute(
            f"INSERT INTO search_entry ({', '.join(ENTRY_COLUMNS)}) SELECT * FROM ("
            + " UNION ALL ".join(parts)
            + ") ORDER BY 4, 1, 2"
        )
        for name, source in lite_sources().items():
            self._execute(fts_insert_sql(source, chosen[name]))

    def finish_rebuild(self) -> None:
        self._execute("DROP TABLE IF EXISTS temp.search_rebuild_order")
        self._execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")
        self._execute("ANALYZE search_entry")


# --- searching -----------------------------------------------------------------------


class SqliteConditions(Conditions):
    def in_list(self, column: str, name: str, values: Any) -> None:
        self.add(
            f"{column} IN (SELECT value FROM json_each(%({name})s))",
            **{name: json.dumps(list(values))},
        )

    def moment(self, value: dt.datetime) -> Any:
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


CANDIDATE_COLUMNS = (
    "id",
    "kind",
    "object_id",
    "request_id",
    "occurred_at",
    "status",
    "public_body_id",
    "campaign_id",
    "file_type",
)
# Where each is in a candidate row, the rank last (rows stay tuples: a window of a
# thousand dicts cost more than the statement that read them).
ID, KIND, OBJECT_ID, REQUEST_ID, OCCURRED_AT, STATUS, BODY, CAMPAIGN, FILE_TYPE, RANK = range(
    len(CANDIDATE_COLUMNS) + 1
)
FACET_COLUMNS = {"kind": KIND, "status": STATUS, "body": BODY, "campaign": CAMPAIGN}


def candidates_sql(plan: SearchPlan) -> tuple[str, dict[str, Any]]:
    conditions = SqliteConditions()
    conditions.add("search_fts MATCH %(match)s", match=plan.query.fts5())
    add_visibility(conditions, plan.user_id, campaign_ids=plan.campaign_ids)
    add_filters(conditions, plan.filters)
    columns = ", ".join(f"e.{column}" for column in CANDIDATE_COLUMNS)
    sql = (
        f"SELECT {columns}, -bm25(search_fts, {BM25_WEIGHTS}) AS rank "
        "FROM search_fts JOIN search_entry e ON e.id = search_fts.rowid "
        f"WHERE {conditions.sql()} ORDER BY search_fts.rowid DESC LIMIT %(window)s"
    )
    return sql, {**conditions.params, "window": plan.window + 1}


def highlights_sql(plan: SearchPlan, entry_ids: list[int]) -> tuple[str, dict[str, Any]]:
    """The highlighted title and snippet of each chosen entry, and what its hit shows of
    the objects behind it."""
    snippet_column = f"CASE e.kind WHEN {KIND_CODES[PAGE]} THEN 2 ELSE 1 END"
    shown = SqliteConditions()
    shown_joins, shown_columns = hit_objects_sql(plan, shown, tables(), entry="e")
    sql = (
        "SELECT search_fts.rowid, highlight(search_fts, 0, %(start)s, %(stop)s), "
        f"snippet(search_fts, {snippet_column}, %(start)s, %(stop)s, ' … ', {SNIPPET_TOKENS}), "
        f"{shown_columns} "
        f"FROM search_fts JOIN search_entry e ON e.id = search_fts.rowid {shown_joins} "
        "WHERE search_fts MATCH %(match)s "
        "AND search_fts.rowid IN (SELECT value FROM json_each(%(ids)s))"
    )
    params = {
        **shown.params,
        "start": START_MARK,
        "stop": STOP_MARK,
        "match": plan.query.fts5(),
        "ids": json.dumps(entry_ids),
    }
    return sql, params


def labels_sql(facets: dict[str, dict[str, int]]) -> tuple[str, dict[str, Any]] | None:
    """The statement naming the bodies and campaigns the facets show; None if there are
    none."""
    t = tables()
    wanted = {
        name: sorted(facets.get(name, {}), key=lambda v: -facets[name][v])[:FACET_LIMIT]
        for name in ("body", "campaign")
    }
    if not wanted["body"] and not wanted["campaign"]:
        return None
    sql = (
        f"SELECT 'body', id, name FROM {t['body']} WHERE id IN "
        "(SELECT value FROM json_each(%(bodies)s)) UNION ALL "
        f"SELECT 'campaign', id, name FROM {t['campaign']} WHERE id IN "
        "(SELECT value FROM json_each(%(campaigns)s))"
    )
    params = {
        "bodies": json.dumps([int(v) for v in wanted["body"]]),
        "campaigns": json.dumps([int(v) for v in wanted["campaign"]]),
    }
    return sql, params


def _sort_key(plan: SearchPlan) -> Any:
    if plan.sort == NEWEST:
        return itemgetter(OCCURRED_AT, ID)
    return itemgetter(RANK, OCCURRED_AT, ID)


def count_facets(rows: list[tuple[Any, ...]]) -> dict[str, dict[str, int]]:
    """Counts per facet value over candidate rows (kind, status, body, campaign, and the
    file type of document pages), each value as text."""
    counted = {
        name: Counter(map(itemgetter(column), rows)) for name, column in FACET_COLUMNS.items()
    }
    page = KIND_CODES[PAGE]
    counted["file_type"] = Counter(row[FILE_TYPE] for row in rows if row[KIND] == page)
    facets: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    for name, counts in counted.items():
        named = facets[name]
        for value, count in counts.items():
            if value not in (None, ""):
                named[KIND_NAMES[value] if name == "kind" else str(value)] = count
    return facets


class SqliteBackend:
    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection

    def _rows(self, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def search(self, plan: SearchPlan) -> RawResults:
        rows = self._rows(*candidates_sql(plan))
        kept = rows[: plan.window]
        # the page's rows of the window in order: sorted(...)[:n] without sorting it all
        chosen = heapq.nlargest(plan.offset + plan.limit, kept, key=_sort_key(plan))
        chosen = chosen[plan.offset :]
        facets = count_facets(kept)
        return RawResults(
            matched=len(kept),
            complete=len(rows) <= plan.window,
            hits=self._hits(plan, chosen),
            facets=facets,
            labels=self._labels(facets),
        )

    def _labels(self, facets: dict[str, dict[str, int]]) -> dict[str, dict[str, str]]:
        """The names of the bodies and campaigns counted, in one statement."""
        labels: dict[str, dict[str, str]] = {"body": {}, "campaign": {}}
        statement = labels_sql(facets)
        if statement is None:
            return labels
        for facet, pk, name in self._rows(*statement):
            labels[facet][str(pk)] = name
        return labels

    def _hits(self, plan: SearchPlan, chosen: list[tuple[Any, ...]]) -> list[RawHit]:
        if not chosen:
            return []
        sql, params = highlights_sql(plan, [row[ID] for row in chosen])
        marked = {row[0]: row[1:] for row in self._rows(sql, params)}
        hits = []
        for row in chosen:
            title, snippet, *shown = marked.get(row[ID], ("", ""))
            hits.append(
                RawHit(
                    entry_id=row[ID],
                    kind=KIND_NAMES[row[KIND]],
                    object_id=row[OBJECT_ID],
                    request_id=row[REQUEST_ID],
                    rank=float(row[RANK]),
                    title=title or "",
                    snippet=snippet or "",
                    shown=tuple(shown),
                )
            )
        return hits

    # --- saved searches ----------------------------------------------------------------

    def new_entry_ids(self, limit: int) -> list[int]:
        rows = self._rows(
            "SELECT entry_id FROM search_new_entry ORDER BY entry_id LIMIT %(limit)s",
            {"limit": limit},
        )
        return [row[0] for row in rows]

    def forget_new_entries(self, entry_ids: list[int]) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM search_new_entry WHERE entry_id IN "
                "(SELECT value FROM json_each(%(ids)s))",
                {"ids": json.dumps(entry_ids)},
            )

    def match_new_entries(self, searches: list[SavedQuery], entry_ids: list[int]) -> list[NewMatch]:
        if not searches or not entry_ids:
            return []
        params: dict[str, Any] = {"entries": json.dumps(entry_ids)}
        branches = []
        kinds = f"{KIND_CODES[MESSAGE]}, {KIND_CODES[PAGE]}"
        for number, search in enumerate(searches):
            prefix = f"s{number}_"
            conditions = SqliteConditions()
            conditions.add(
                f"search_fts MATCH %({prefix}match)s", **{f"{prefix}match": search.query.fts5()}
            )
            add_visibility(conditions, search.user_id, prefix)
            add_filters(conditions, search.filters, prefix)
            params.update(conditions.params)
            branches.append(
                f"SELECT {search.saved_search_id}, e.id, e.kind, e.object_id, e.request_id "
                "FROM search_fts JOIN search_entry e ON e.id = search_fts.rowid "
                f"WHERE search_fts.rowid IN (SELECT value FROM json_each(%(entries)s)) "
                f"AND e.kind IN ({kinds}) AND e.request_id IS NOT NULL AND {conditions.sql()}"
            )
        rows = self._rows(" UNION ALL ".join(branches), params)
        return [
            NewMatch(saved_id, entry_id, KIND_NAMES[kind], object_id, request_id)
            for saved_id, entry_id, kind, object_id, request_id in rows
        ]
