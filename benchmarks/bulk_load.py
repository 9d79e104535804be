"""Writing generated rows in bulk, and building the search index over them, for the seed.

Rows are plain tuples in a table's own column order, with their ids given: PostgreSQL
takes them through `COPY`, SQLite through `executemany` in one transaction. Columns a
row leaves out get the model field's default, as `bulk_create` would give them.

On PostgreSQL the search index's text vectors are the expensive part: `to_tsvector` over
hundreds of megabytes of letters and pages. The archive's texts are made of a small
vocabulary, so `Vectoriser` asks PostgreSQL once how each word is parsed and builds each
text's vector from that, in the form `to_tsvector` gives it; the entries are then written
with the index's own SQL, with `to_tsvector` left for any text the vectoriser could not
read. tests/benchmarks/test_seed.py checks the entries against the triggers' own.
"""

# SQL here is put together from constants, table and column names and integers; the
# values travel through COPY or as bound parameters.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import enum
import json
import multiprocessing
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.db.backends.base.base import BaseDatabaseWrapper

from benchmarks.vectors import Reading, TextVectors, VectorRow, start, vectors_of
from requests_app.search import indexing
from requests_app.search.plan import MESSAGE, PAGE, REQUEST
from requests_app.search.postgres import (
    INDEXED_CHARS,
    TABLES_SQL,
    WEIGHTS,
    PostgresIndex,
    pg_sources,
)

# --- tables ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A model's table, written from tuples of `columns`; other columns get defaults."""

    model: type[models.Model]
    columns: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.model._meta.db_table

    def rest(self) -> list[models.Field[Any, Any]]:
        return [f for f in self.model._meta.concrete_fields if f.column not in self.columns]

    def all_columns(self) -> tuple[str, ...]:
        return (*self.columns, *(str(f.column) for f in self.rest()))

    def defaults(self, now: dt.datetime) -> tuple[Any, ...]:
        """What bulk_create would store in the other columns (`now` for auto_now fields)."""
        return tuple(default_of(f, now) for f in self.rest())

    def field(self, column: str) -> models.Field[Any, Any]:
        return next(f for f in self.model._meta.concrete_fields if f.column == column)


def default_of(field: models.Field[Any, Any], now: dt.datetime) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    value = field.get_default()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(field, models.JSONField):
        return json_text(field, value)
    return value


def json_text(field: models.JSONField[Any], value: Any) -> str:
    """A JSON column's value as Django writes it (json.dumps with the field's encoder)."""
    return json.dumps(value, cls=field.encoder)


def next_ids(tables: Iterable[Table]) -> dict[str, int]:
    """The first free id of each table: the rows are numbered here, as they are made."""
    ids = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table.name}")
            ids[table.name] = int(cursor.fetchone()[0])
    return ids


def catch_up_sequences(tables: Iterable[Table]) -> None:
    """Rows written with their ids leave PostgreSQL's id sequences behind: move them on."""
    if connection.vendor != "postgresql":
        return  # SQLite's AUTOINCREMENT follows the largest id written
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), max(id)) "
                f"FROM {table.name} HAVING max(id) IS NOT NULL"
            )


# --- writers --------------------------------------------------------------------------


def write_rows(table: Table, rows: list[tuple[Any, ...]], now: dt.datetime) -> None:
    """Add the rows to the table in the current transaction."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        copy_rows(table, rows, now)
    else:
        insert_rows(table, rows, now)


def copy_rows(table: Table, rows: list[tuple[Any, ...]], now: dt.datetime) -> None:
    columns = ", ".join(connection.ops.quote_name(c) for c in table.all_columns())
    defaults = table.defaults(now)
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row + defaults)


def insert_rows(table: Table, rows: list[tuple[Any, ...]], now: dt.datetime) -> None:
    """SQLite: one prepared INSERT for all the rows, with values adapted as Django does."""
    all_columns = table.all_columns()
    adapters = [sqlite_adapter(table.field(column)) for column in all_columns]
    defaults = tuple(
        value if adapt is None else adapt(value)
        for value, adapt in zip(table.defaults(now), adapters[len(table.columns) :], strict=True)
    )
    adapt_columns = [(i, adapt) for i, adapt in enumerate(adapters[: len(table.columns)]) if adapt]

    def adapted(row: tuple[Any, ...]) -> tuple[Any, ...]:
        values = list(row)
        for i, adapt in adapt_columns:
            values[i] = adapt(values[i])
        return (*values, *defaults)

    columns = ", ".join(connection.ops.quote_name(c) for c in all_columns)
    marks = ", ".join("?" * len(all_columns))
    sql = f"INSERT INTO {table.name} ({columns}) VALUES ({marks})"
    connection.ensure_connection()
    connection.connection.executemany(sql, map(adapted, rows))


def sqlite_adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    return None


@contextmanager
def indexes_built_after(tables: Iterable[Table]) -> Iterator[None]:
    """PostgreSQL: the tables' plain indexes dropped while rows are written and created
    again, the same, at the end (two at a time): building an index over all its rows at
    once is far cheaper than adding every row to it. Unique indexes stay, checking."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
            "WHERE t.relname = ANY(%s) AND NOT i.indisunique AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
            [[table.name for table in tables]],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    try:
        yield
    finally:
        definitions = [definition for _, definition in indexes]
        at_once(
            lambda: create_indexes(definitions[0::2]),
            lambda: create_indexes(definitions[1::2]),
        )


class SqliteLoadSettings:
    """Faster, less durable writes for the load (a failed load is loaded again), then the
    settings the app runs with back."""

    PRAGMAS = ("journal_mode", "synchronous", "cache_size")
    LOAD = {"journal_mode": "MEMORY", "synchronous": "OFF", "cache_size": "-262144"}

    def __init__(self, db: BaseDatabaseWrapper) -> None:
        self.db = db
        self.saved: dict[str, str] = {}

    def __enter__(self) -> None:
        with self.db.cursor() as cursor:
            for pragma in self.PRAGMAS:
                cursor.execute(f"PRAGMA {pragma}")
                self.saved[pragma] = str(cursor.fetchone()[0])
            for pragma, value in self.LOAD.items():
                cursor.execute(f"PRAGMA {pragma} = {value}")

    def __exit__(self, *exc: object) -> None:
        with self.db.cursor() as cursor:
            for pragma, value in self.saved.items():
                cursor.execute(f"PRAGMA {pragma} = {value}")


# --- the search index on PostgreSQL ---------------------------------------------------

SEED_VECTORS = "search_seed_vector"
SEED_ORDER = "search_seed_order"
VECTOR_COLUMNS = ("head", "body", "attachment")  # as Source.texts()
TSVECTOR_ENTRY = re.compile(r"'((?:[^']|'')*)':([0-9,]+)")
# A word that stands alone: to_tsvector's parser reads it the same wherever it appears.
PLAIN_TOKEN = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*[.:,]?")
MARKER = "zyxwvutsrq"


class Vectoriser:
    """Learns from PostgreSQL how each word reads in to_tsvector(language, ...), and
    makes text vectors from that: here (`vector`), or in a process of its own beside
    the one generating the archive (`submit`, after `start`)."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.text_vectors = TextVectors(INDEXED_CHARS)
        self.unsent: dict[str, Reading] = {}
        self.worker: ProcessPoolExecutor | None = None

    def learn(self, tokens: Iterable[str]) -> None:
        known = self.text_vectors.tokens
        new = sorted({t for t in tokens if t not in known and PLAIN_TOKEN.fullmatch(t)})
        if not new:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT to_tsvector(%s::regconfig, t || ' ' || %s)::text, "
                "to_tsvector(%s::regconfig, %s)::text "
                "FROM unnest(%s::text[]) WITH ORDINALITY u(t, i) ORDER BY i",
                [self.language, MARKER, self.language, MARKER, new],
            )
            rows = cursor.fetchall()
        readings = {
            token: self.reading(vector, marker)
            for token, (vector, marker) in zip(new, rows, strict=True)
        }
        self.text_vectors.add(readings)
        self.unsent.update(readings)

    @staticmethod
    def reading(vector: str, marker: str) -> Reading:
        """How many positions a token takes and its lexemes' offsets among them, each
        lexeme written as it opens its entry in a tsvector's text ('lexeme':)."""
        [(marker_lexeme, _)] = TSVECTOR_ENTRY.findall(marker)
        pairs = []
        width = 0
        for lexeme, positions in TSVECTOR_ENTRY.findall(vector):
            for position in map(int, positions.split(",")):
                if lexeme == marker_lexeme and position > width:
                    width = position - 1
                pairs.append((position, f"'{lexeme}':"))  # as PostgreSQL quoted it
        pairs = [(position, lexeme) for position, lexeme in pairs if position <= width]
        return width, tuple(sorted(pairs))

    def vector(self, text: str) -> str | None:
        return self.text_vectors.vector(text)

    @contextmanager
    def started(self) -> Iterator[None]:
        """A process for `submit`; spawned, so that it holds nothing of this one's."""
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(1, context, initializer=start, initargs=(INDEXED_CHARS,)) as pool:
            self.worker = pool
            try:
                yield
            finally:
                self.worker = None

    def submit(self, texts: list[VectorRow]) -> Future[list[VectorRow]]:
        """The rows' vectors, made in the worker process (in the order submitted)."""
        assert self.worker is not None, "inside started() only"
        readings, self.unsent = self.unsent, {}
        return self.worker.submit(vectors_of, readings, texts)


def create_vector_table() -> None:
    """Where the vectors wait for the index: unlogged, and dropped when it is built."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SEED_VECTORS}")
        cursor.execute(
            f"CREATE UNLOGGED TABLE {SEED_VECTORS} (kind smallint, object_id bigint, "
            "head tsvector, body tsvector, attachment tsvector)"
        )


def write_vectors(rows: list[VectorRow]) -> None:
    with (
        connection.cursor() as cursor,
        cursor.copy(
            f"COPY {SEED_VECTORS} (kind, object_id, {', '.join(VECTOR_COLUMNS)}) FROM STDIN"
        ) as copy,
    ):
        for row in rows:
            copy.write_row(row)


def document_sql(source: indexing.Source) -> str:
    """postgres.document_sql, reading the vector made here where there is one."""
    parts = [
        f"setweight(coalesce(v.{column}, "
        f"to_tsvector(search_language(), left({text}, {INDEXED_CHARS}))), '{weight}')"
        for text, weight, column in zip(source.texts(), WEIGHTS, VECTOR_COLUMNS, strict=True)
        if text != "''"
    ]
    return " || ".join(parts)


SECONDARY_INDEXES = (
    "search_entry_document",
    "search_entry_request",
    "search_entry_owner",
    "search_entry_campaign",
    "search_entry_body",
)


def build_postgres_index(language: str) -> int:
    """Every entry again, numbered in date order as indexing.rebuild numbers them; the
    indexes of search_entry are dropped first and built once at the end. Two connections
    share the work: the machines it runs on have two cores."""
    index = PostgresIndex(connection)
    with connection.cursor() as cursor:
        index.set_language(language)
        cursor.execute("TRUNCATE search_entry, search_new_entry")
        for name in SECONDARY_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
        cursor.execute(f"CREATE INDEX ON {SEED_VECTORS} (kind, object_id)")
        total = number_entries(cursor)
        cursor.execute("SELECT nextval(pg_get_serial_sequence('search_entry', 'id'))")
        base = int(cursor.fetchone()[0]) - 1
    sources = pg_sources()
    at_once(
        lambda: insert_entries(base, [sources[PAGE]]),
        lambda: insert_entries(base, [sources[REQUEST], sources[MESSAGE]]),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('search_entry', 'id'), {base + max(total, 1)})"
        )
        cursor.execute(f"DROP TABLE {SEED_ORDER}")
        cursor.execute(f"DROP TABLE {SEED_VECTORS}")
    # The index's own CREATE INDEX statements: the GIN index beside the others.
    creates = [line for line in TABLES_SQL.splitlines() if line.startswith("CREATE INDEX")]
    gin = [line for line in creates if "USING gin" in line]
    at_once(
        lambda: create_indexes(gin),
        lambda: create_indexes([line for line in creates if line not in gin]),
    )
    index.install(language)  # the tables and indexes are there: the triggers
    return total


def insert_entries(base: int, sources: list[indexing.Source]) -> None:
    columns = ", ".join(["id", *indexing.ENTRY_COLUMNS, "document"])
    with connection.cursor() as cursor:
        for source in sources:
            cursor.execute(
                f"INSERT INTO search_entry ({columns}) "
                f"SELECT {base} + o.n, {', '.join(source.columns())}, {document_sql(source)} "
                f"FROM {source.from_sql} "
                f"JOIN {SEED_ORDER} o ON o.kind = {source.kind} AND o.object_id = {source.key} "
                f"LEFT JOIN {SEED_VECTORS} v ON v.kind = {source.kind} "
                f"AND v.object_id = {source.key}"
            )


def create_indexes(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")  # a GIN index sorts in memory
        for statement in statements:
            cursor.execute(statement)


def vacuum_analyze() -> None:
    """VACUUM ANALYZE of every table, the search index's beside all the others."""
    tables = [t for t in connection.introspection.table_names() if t != "search_entry"]
    quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
    at_once(lambda: vacuum(["search_entry"]), lambda: vacuum([quoted]))


def vacuum(tables: list[str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")


def at_once(*work: Callable[[], None]) -> None:
    """Each piece of work in a thread, on a database connection of its own."""

    def run(piece: Callable[[], None]) -> None:
        try:
            piece()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(work)) as pool:
        for future in [pool.submit(run, piece) for piece in work]:
            future.result()


def number_entries(cursor: Any) -> int:
    """Each entry's place in date order, as PostgresIndex.start_rebuild numbers them."""
    parts = [
        f"SELECT {source.kind} AS kind, {source.key} AS object_id, "
        f"{source.occurred_at} AS occurred_at FROM {source.from_sql}"
        for source in pg_sources().values()
    ]
    cursor.execute(f"DROP TABLE IF EXISTS {SEED_ORDER}")
    cursor.execute(
        f"CREATE UNLOGGED TABLE {SEED_ORDER} AS SELECT "
        "row_number() OVER (ORDER BY occurred_at, kind, object_id) AS n, kind, object_id "
        f"FROM ({' UNION ALL '.join(parts)}) s"
    )
    cursor.execute(f"SELECT count(*) FROM {SEED_ORDER}")
    return int(cursor.fetchone()[0])
