"""Full-text search on PostgreSQL: weighted tsvectors, a GIN index, websearch queries.

`search_entry` holds one row per request, message and document page. Its `document`
weighs titles and subjects (A) above request text and message bodies (B) above
attachment text (C); `ts_rank_cd` ranks by those weights and by how close together the
words are. Triggers on the source tables keep it current in the same transaction.

The text search configuration is FOI_SEARCH_LANGUAGE (default "english"). Queries use the
setting; the triggers use the configuration the index was built with, kept in
`search_config`. After changing the setting, `search_reindex` rebuilds the index in the
new language.
"""

# SQL here is put together from constants, table names and integers; every value that
# comes from a user travels as a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import json
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from requests_app.models import Visibility
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
    SearchFilters,
    SearchPlan,
    add_filters,
    add_visibility,
    hit_objects_sql,
    search_language,
)
from requests_app.search.query import START_MARK, STOP_MARK

# A request's date is the day it was sent (at noon UTC, so it stays the same day in any
# time zone the site runs in), or the day it was logged.
REQUEST_OCCURRED_AT = "coalesce((r.sent_on + time '12:00') AT TIME ZONE 'UTC', r.created_at)"
WEIGHTS = ("A", "B", "C")
# ts_rank_cd normalisation 1: divide by 1 + log(length), so long pages do not win on size.
RANK_NORMALISATION = 1
# ts_headline parses all the text it is given (about 0.2 ms per 1,000 characters), so a
# long letter is cut to a window starting a little before the first place the first
# searched word (or its first letters, for other forms of it) appears.
HEADLINE_WINDOW = 4000
HEADLINE_LEAD = 300
HEADLINE_SCAN = 200_000
PROBE_LETTERS = 5
TITLE_OPTIONS = f'HighlightAll=true, StartSel="{START_MARK}", StopSel="{STOP_MARK}"'
SNIPPET_OPTIONS = (
    f'StartSel="{START_MARK}", StopSel="{STOP_MARK}", MaxWords=30, MinWords=12, '
    'MaxFragments=2, FragmentDelimiter=" … "'
)


# A tsvector may not exceed 1 MB; the first 200,000 characters of a text stay well under
# it whatever they hold, so that no letter, however odd, can fail to be saved.
INDEXED_CHARS = 200_000


def document_sql(source: Source) -> str:
    parts = [
        f"setweight(to_tsvector(search_language(), left({text}, {INDEXED_CHARS})), '{weight}')"
        for text, weight in zip(source.texts(), WEIGHTS, strict=True)
        if text != "''"
    ]
    return " || ".join(parts)


def pg_sources() -> dict[str, Source]:
    return sources(REQUEST_OCCURRED_AT)


# --- the schema ----------------------------------------------------------------------

TABLES_SQL = """
CREATE TABLE IF NOT EXISTS search_config (
    id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    language regconfig NOT NULL
);
CREATE TABLE IF NOT EXISTS search_entry (
    id bigserial PRIMARY KEY,
    kind smallint NOT NULL,
    object_id bigint NOT NULL,
    request_id bigint,
    occurred_at timestamptz NOT NULL,
    owner_id bigint,
    campaign_id bigint,
    visibility varchar(10),
    status varchar(30),
    public_body_id bigint,
    regime varchar(20),
    file_type varchar(20) NOT NULL DEFAULT '',
    document tsvector NOT NULL,
    UNIQUE (kind, object_id)
);
CREATE INDEX IF NOT EXISTS search_entry_document ON search_entry USING gin (document);
CREATE INDEX IF NOT EXISTS search_entry_request ON search_entry (request_id);
-- Walked newest first for one owner's or one campaign's entries (see candidates_sql).
CREATE INDEX IF NOT EXISTS search_entry_owner ON search_entry (owner_id, id);
CREATE INDEX IF NOT EXISTS search_entry_campaign ON search_entry (campaign_id, id);
CREATE INDEX IF NOT EXISTS search_entry_body ON search_entry (public_body_id);
-- Walked newest first for one kind and one status; read as a bitmap with the owner or
-- campaign index for a user who sees a few campaigns (migration 0024).
CREATE INDEX IF NOT EXISTS search_entry_kind_status ON search_entry (kind, status, id);
-- Messages and pages indexed since the saved searches last looked.
CREATE TABLE IF NOT EXISTS search_new_entry (entry_id bigint PRIMARY KEY);
"""

LANGUAGE_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION search_language() RETURNS regconfig LANGUAGE sql STABLE AS
    $$ SELECT coalesce((SELECT language FROM search_config WHERE id = 1), 'english') $$;
"""

DROP_SQL = """
DROP TABLE IF EXISTS search_new_entry;
DROP TABLE IF EXISTS search_entry;
DROP TABLE IF EXISTS search_config;
DROP FUNCTION IF EXISTS search_language() CASCADE;
DROP FUNCTION IF EXISTS search_index_request(bigint[]) CASCADE;
DROP FUNCTION IF EXISTS search_index_message(bigint[]) CASCADE;
DROP FUNCTION IF EXISTS search_index_page(bigint[]) CASCADE;
DROP FUNCTION IF EXISTS search_refresh_pages(bigint[]) CASCADE;
DROP FUNCTION IF EXISTS search_request_changed() CASCADE;
DROP FUNCTION IF EXISTS search_message_changed() CASCADE;
DROP FUNCTION IF EXISTS search_attachment_changed() CASCADE;
DROP FUNCTION IF EXISTS search_page_changed() CASCADE;
DROP FUNCTION IF EXISTS search_source_truncated() CASCADE;
"""


TRIGGERS = {
    "search_request_added_or_removed": "request",
    "search_request_updated": "request",
    "search_request_truncated": "request",
    "search_message_added_or_removed": "message",
    "search_message_updated": "message",
    "search_message_truncated": "message",
    "search_attachment_updated": "attachment",
    "search_page_added_or_removed": "page",
    "search_page_updated": "page",
    "search_page_truncated": "page",
}


def upsert_sql(source: Source, where: str) -> str:
    columns = [*ENTRY_COLUMNS, "document"]
    updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in columns[2:])
    select = source.select([document_sql(source)], where, order=True)
    return (
        f"INSERT INTO search_entry ({', '.join(columns)}) {select} "
        f"ON CONFLICT (kind, object_id) DO UPDATE SET {updates}"
    )


def index_functions_sql() -> str:
    """search_index_<kind>(ids): (re)index those rows; used by triggers and rebuilds."""
    functions = [LANGUAGE_FUNCTION_SQL]
    for name, source in pg_sources().items():
        functions.append(
            f"CREATE OR REPLACE FUNCTION search_index_{name}(ids bigint[]) RETURNS void "
            f"LANGUAGE sql AS $$ {upsert_sql(source, f'{source.key} = ANY(ids)')} $$;"
        )
    page = pg_sources()[PAGE]
    refreshed = {
        "request_id": page.request_id,
        "occurred_at": page.occurred_at,
        **{entry: f"r.{column}" for entry, column in REQUEST_COPIES},
        "file_type": page.file_type,
    }
    functions.append(
        "CREATE OR REPLACE FUNCTION search_refresh_pages(message_ids bigint[]) RETURNS void "
        f"LANGUAGE sql AS $$ UPDATE search_entry e SET ({', '.join(refreshed)}) = "
        f"(SELECT {', '.join(refreshed.values())} FROM {page.from_sql} WHERE p.id = e.object_id) "
        f"WHERE e.kind = {page.kind} AND e.object_id IN "
        f"({pages_of_messages_sql('m.id = ANY(message_ids)')}) $$;"
    )
    return "\n".join(functions)


def _changed(fields: tuple[str, ...]) -> str:
    old = ", ".join(f"OLD.{field}" for field in fields)
    new = ", ".join(f"NEW.{field}" for field in fields)
    return f"(ROW({old}) IS DISTINCT FROM ROW({new}))"


def _enqueue(kind: int, object_ids: str) -> str:
    return (
        f"INSERT INTO search_new_entry (entry_id) SELECT id FROM search_entry "
        f"WHERE kind = {kind} AND object_id IN ({object_ids}) ON CONFLICT DO NOTHING;"
    )


def trigger_functions_sql() -> str:
    t = tables()
    request_fields = tuple(column for _, column in REQUEST_COPIES)
    copies = ", ".join(f"{entry} = NEW.{column}" for entry, column in REQUEST_COPIES)
    message, page = KIND_CODES[MESSAGE], KIND_CODES[PAGE]
    pages_of_new = pages_of_messages_sql("m.id = NEW.id")
    return f"""
CREATE OR REPLACE FUNCTION search_request_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM search_entry WHERE kind = {KIND_CODES[REQUEST]} AND object_id = OLD.id;
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' OR {_changed(REQUEST_TEXT_FIELDS)} THEN
        PERFORM search_index_request(ARRAY[NEW.id]);
    END IF;
    IF TG_OP = 'UPDATE' AND {_changed(request_fields)} THEN
        UPDATE search_entry SET {copies} WHERE request_id = NEW.id;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION search_message_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM search_entry WHERE kind = {message} AND object_id = OLD.id;
        RETURN NULL;
    END IF;
    PERFORM search_index_message(ARRAY[NEW.id]);
    {_enqueue(message, "NEW.id")}
    IF TG_OP = 'UPDATE' AND {_changed(("request_id", "sent_at"))} THEN
        PERFORM search_refresh_pages(ARRAY[NEW.id]);
        IF OLD.request_id IS DISTINCT FROM NEW.request_id THEN
            {_enqueue(page, pages_of_new)}
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION search_attachment_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_refresh_pages(ARRAY[NEW.message_id]);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION search_page_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM search_entry WHERE kind = {page} AND object_id = OLD.id;
        RETURN NULL;
    END IF;
    PERFORM search_index_page(ARRAY[NEW.id]);
    {_enqueue(page, "NEW.id")}
    RETURN NULL;
END $$;

-- TRUNCATE fires no row triggers (Django's flush uses it): drop that kind's entries.
CREATE OR REPLACE FUNCTION search_source_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_entry WHERE kind = TG_ARGV[0]::smallint;
    DELETE FROM search_new_entry n
        WHERE NOT EXISTS (SELECT 1 FROM search_entry e WHERE e.id = n.entry_id);
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER search_request_added_or_removed AFTER INSERT OR DELETE ON {t["request"]}
    FOR EACH ROW EXECUTE FUNCTION search_request_changed();
CREATE OR REPLACE TRIGGER search_request_updated AFTER UPDATE ON {t["request"]}
    FOR EACH ROW WHEN ({_changed(REQUEST_TEXT_FIELDS + request_fields)})
    EXECUTE FUNCTION search_request_changed();
CREATE OR REPLACE TRIGGER search_request_truncated AFTER TRUNCATE ON {t["request"]}
    FOR EACH STATEMENT EXECUTE FUNCTION search_source_truncated('{KIND_CODES[REQUEST]}');
CREATE OR REPLACE TRIGGER search_message_added_or_removed AFTER INSERT OR DELETE ON {t["message"]}
    FOR EACH ROW EXECUTE FUNCTION search_message_changed();
CREATE OR REPLACE TRIGGER search_message_updated AFTER UPDATE ON {t["message"]}
    FOR EACH ROW WHEN ({_changed(MESSAGE_TEXT_FIELDS)})
    EXECUTE FUNCTION search_message_changed();
CREATE OR REPLACE TRIGGER search_message_truncated AFTER TRUNCATE ON {t["message"]}
    FOR EACH STATEMENT EXECUTE FUNCTION search_source_truncated('{message}');
CREATE OR REPLACE TRIGGER search_attachment_updated AFTER UPDATE ON {t["attachment"]}
    FOR EACH ROW WHEN ({_changed(ATTACHMENT_FIELDS)})
    EXECUTE FUNCTION search_attachment_changed();
CREATE OR REPLACE TRIGGER search_page_added_or_removed AFTER INSERT OR DELETE ON {t["page"]}
    FOR EACH ROW EXECUTE FUNCTION search_page_changed();
CREATE OR REPLACE TRIGGER search_page_updated AFTER UPDATE ON {t["page"]}
    FOR EACH ROW WHEN ({_changed(PAGE_TEXT_FIELDS)})
    EXECUTE FUNCTION search_page_changed();
CREATE OR REPLACE TRIGGER search_page_truncated AFTER TRUNCATE ON {t["page"]}
    FOR EACH STATEMENT EXECUTE FUNCTION search_source_truncated('{page}');
"""


class PostgresIndex(IndexBackend):
    def _execute(self, sql: str, params: Any = None) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)

    def is_installed(self) -> bool:
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('search_entry') IS NOT NULL")
            return bool(cursor.fetchone()[0])

    def install(self, language: str) -> None:
        self._execute(TABLES_SQL)
        self.set_language(language)
        self.install_triggers()

    def install_triggers(self) -> None:
        self._execute(index_functions_sql())
        self._execute(trigger_functions_sql())

    def drop_triggers(self) -> None:
        t = tables()
        for name, table in TRIGGERS.items():
            self._execute(f"DROP TRIGGER IF EXISTS {name} ON {t[table]}")

    def uninstall(self) -> None:
        self._execute(DROP_SQL)

    def language(self) -> str:
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT language::text FROM search_config WHERE id = 1")
            row = cursor.fetchone()
        return str(row[0]) if row else ""

    def set_language(self, language: str) -> None:
        # The cast fails loudly on a configuration PostgreSQL does not have.
        self._execute(
            "INSERT INTO search_config (id, language) VALUES (1, %s::regconfig) "
            "ON CONFLICT (id) DO UPDATE SET language = EXCLUDED.language",
            [language],
        )

    def start_rebuild(self, language: str) -> int:
        self.set_language(language)
        self._execute("TRUNCATE search_entry, search_new_entry")
        self._execute("DROP TABLE IF EXISTS search_rebuild_order")
        self._execute(
            "CREATE TEMP TABLE search_rebuild_order (n bigint PRIMARY KEY, kind smallint, "
            "object_id bigint)"
        )
        parts = [
            f"SELECT {source.kind} AS kind, {source.key} AS object_id, "
            f"{source.occurred_at} AS occurred_at FROM {source.from_sql}"
            for source in pg_sources().values()
        ]
        self._execute(
            "INSERT INTO search_rebuild_order (n, kind, object_id) "
            "SELECT row_number() OVER (ORDER BY occurred_at, kind, object_id), kind, object_id "
            f"FROM ({' UNION ALL '.join(parts)}) s"
        )
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM search_rebuild_order")
            return int(cursor.fetchone()[0])

    def rebuild_chunk(self, first: int, last: int) -> None:
        # One insert for the three kinds, so that entries are numbered in date order.
        parts = [
            source.select(
                [f"{document_sql(source)} AS document"],
                f"{source.key} IN (SELECT object_id FROM search_rebuild_order "
                f"WHERE n BETWEEN {int(first)} AND {int(last)} AND kind = {source.kind})",
            )
            for source in pg_sources().values()
        ]
        columns = ", ".join([*ENTRY_COLUMNS, "document"])
        self._execute(
            f"INSERT INTO search_entry ({columns}) SELECT * FROM ("
            + " UNION ALL ".join(parts)
            + ") s ORDER BY 4, 1, 2 ON CONFLICT (kind, object_id) DO NOTHING"
        )

    def finish_rebuild(self) -> None:
        self._execute("DROP TABLE IF EXISTS search_rebuild_order")
        self._execute("ANALYZE search_entry")


# --- searching -----------------------------------------------------------------------


class PostgresConditions(Conditions):
    def in_list(self, column: str, name: str, values: Any) -> None:
        values = list(values)
        if len(values) == 1:
            # The planner reads `column = value`, unlike `= ANY(array)`, as fixing the
            # leading columns of an index whose later ones give the order, so that
            # (kind, status, id) can be walked newest first.
            self.add(f"{column} = %({name})s", **{name: values[0]})
        else:
            self.add(f"{column} = ANY(%({name})s)", **{name: values})


TSQUERY = "websearch_to_tsquery(%(language)s::regconfig, %(query)s)"


def search_conditions(plan: SearchPlan) -> PostgresConditions:
    """The filters and the words; who may see what is added by candidates_sql."""
    conditions = PostgresConditions()
    add_filters(conditions, plan.filters)
    # Last, so that the cheap tests run first on each row; written out in full so that
    # the planner sees a constant tsquery and can estimate how many entries it matches.
    conditions.add(f"e.document @@ {TSQUERY}")
    return conditions


CANDIDATE_COLUMNS = (
    "e.id, e.kind, e.object_id, e.request_id, e.occurred_at, e.status, e.public_body_id, "
    f"e.campaign_id, CASE WHEN e.kind = {KIND_CODES[PAGE]} THEN e.file_type END AS page_type"
)


# A user in at most this many campaigns has each campaign read in a branch of its own.
CAMPAIGN_BRANCHES = 5


def candidates_sql(plan: SearchPlan, conditions: PostgresConditions) -> str:
    """The newest window + 1 matching entries the user may see, numbered newest first.

    The user's own requests and their campaigns' shared ones are read in separate
    branches, each of which can walk its (owner, id) or (campaign, id) index newest first
    and stop early, or use the GIN index for rare words, as the planner judges; together
    they are FoiRequest.objects.visible_to(user).
    """
    newest = "ORDER BY e.id DESC LIMIT %(window)s + 1"
    if plan.campaign_ids is None:
        visible = PostgresConditions()
        add_visibility(visible, plan.user_id)
        conditions.params.update(visible.params)
        branches = [f"WHERE {visible.sql()} AND {conditions.sql()}"]
    else:
        conditions.params.update(user=plan.user_id, shared=Visibility.CAMPAIGN.value)
        branches = [f"WHERE e.owner_id = %(user)s AND {conditions.sql()}"]
        branches += [
            f"WHERE e.visibility = %(shared)s AND e.campaign_id IN ({campaigns}) "
            f"AND e.owner_id IS DISTINCT FROM %(user)s AND {conditions.sql()}"
            for campaigns in campaign_groups(plan)
        ]
    union = " UNION ALL ".join(
        f"(SELECT {CANDIDATE_COLUMNS} FROM search_entry e {where} {newest})" for where in branches
    )
    return (
        f"SELECT v.*, row_number() OVER (ORDER BY v.id DESC) AS n FROM ({union}) v "
        "ORDER BY v.id DESC LIMIT %(window)s + 1"
    )


def campaign_groups(plan: SearchPlan) -> list[str]:
    """The user's campaigns as the lists of ids each branch of candidates_sql reads.

    Only a branch of one campaign can walk (campaign, id) newest first: given
    `IN (a, b)`, PostgreSQL walks the primary key newest first instead and, for a common
    word, reads past every other campaign's entries (~45,000 of them at 100,000 requests
    for a member of two small campaigns) before it has a window of hits. So a member of a
    few campaigns, searching for words alone, has a branch per campaign, and what each
    reads is bounded by its campaign. With filters the hits are sparse: each branch would
    read the word's whole GIN posting list, and one branch for all reads it once. A
    member of many campaigns has one branch too: a branch can read up to a window's worth
    of entries, and one who sees much of the archive finds a window soon on the key.
    """
    # Integers read from the database: safe to write into the statement.
    campaigns = [str(int(pk)) for pk in plan.campaign_ids or ()]
    if not campaigns:
        return []
    if len(campaigns) <= CAMPAIGN_BRANCHES and plan.filters == SearchFilters():
        return campaigns
    return [", ".join(campaigns)]


def _order(plan: SearchPlan, alias: str = "") -> str:
    if plan.sort == NEWEST:
        return f"{alias}occurred_at DESC, {alias}id DESC"
    return f"{alias}rank DESC, {alias}occurred_at DESC, {alias}id DESC"


def _chosen_sql(plan: SearchPlan) -> str:
    """The page of results, ranked; the tsvectors are read only for the entries ranked."""
    rank = f"ts_rank_cd(e.document, {TSQUERY}, {RANK_NORMALISATION})"
    if plan.sort == NEWEST:
        return f"""chosen AS MATERIALIZED (
    SELECT k.id, k.kind, k.object_id, k.request_id, k.occurred_at, {rank} AS rank
    FROM (SELECT * FROM kept ORDER BY {_order(plan)} LIMIT %(limit)s OFFSET %(offset)s) k
    JOIN search_entry e ON e.id = k.id
)"""
    return f"""chosen AS MATERIALIZED (
    SELECT k.id, k.kind, k.object_id, k.request_id, k.occurred_at, {rank} AS rank
    FROM kept k JOIN search_entry e ON e.id = k.id
    ORDER BY {_order(plan)} LIMIT %(limit)s OFFSET %(offset)s
)"""


# GROUPING() of (kind, status, public_body_id, campaign_id, page_type) for each facet.
FACET_SETS = {15: "kind", 23: "status", 27: "body", 29: "campaign", 30: "file_type"}
FACET_VALUES = ("kind", "status", "public_body_id", "campaign_id", "page_type")


def search_sql(plan: SearchPlan) -> tuple[str, dict[str, Any]]:
    """One statement: the candidates, their counts, and the page with highlights."""
    conditions = search_conditions(plan)
    t = tables()
    request, message, page = (KIND_CODES[name] for name in (REQUEST, MESSAGE, PAGE))
    request_body = (
        "coalesce(r.reference, '') || ' ' || coalesce(r.their_reference, '') || ' ' || "
        "coalesce(r.text, '') || ' ' || coalesce(r.notes, '')"
    )
    language = "%(language)s::regconfig"
    shown_joins, shown_columns = hit_objects_sql(plan, conditions, t)
    sql = f"""
WITH candidates AS MATERIALIZED ({candidates_sql(plan, conditions)}),
kept AS (SELECT * FROM candidates WHERE n <= %(window)s),
{_chosen_sql(plan)},
facets AS (
    SELECT * FROM (
        SELECT GROUPING({", ".join(FACET_VALUES)}) AS facet, {", ".join(FACET_VALUES)},
            count(*) AS n,
            row_number() OVER (
                PARTITION BY GROUPING({", ".join(FACET_VALUES)}) ORDER BY count(*) DESC
            ) AS place
        FROM kept
        GROUP BY GROUPING SETS ({", ".join(f"({value})" for value in FACET_VALUES)})
    ) counted
    WHERE place <= {FACET_LIMIT}
)
SELECT
    (SELECT count(*) FROM candidates),
    numnode({TSQUERY}),
    (SELECT coalesce(json_agg(json_build_array(
        f.facet, f.kind, f.status, f.public_body_id, f.campaign_id, f.page_type, f.n,
        coalesce(b.name, c.name)
    )), '[]')
    FROM facets f
    LEFT JOIN {t["body"]} b ON b.id = f.public_body_id
    LEFT JOIN {t["campaign"]} c ON c.id = f.campaign_id),
    (SELECT coalesce(json_agg(json_build_array(
        s.id, s.kind, s.object_id, s.request_id, s.rank,
        CASE WHEN s.kind = {page} THEN ''
            ELSE ts_headline({language},
                CASE WHEN s.kind = {request} THEN r.title ELSE m.subject END,
                {TSQUERY}, %(title_options)s)
            END,
        ts_headline({language}, substr(t.body,
            greatest(strpos(lower(left(t.body, {HEADLINE_SCAN})), %(probe)s) - {HEADLINE_LEAD}, 1),
            {HEADLINE_WINDOW}), {TSQUERY}, %(snippet_options)s),
        {shown_columns}
    ) ORDER BY {_order(plan, "s.")}), '[]')
    FROM chosen s
    {shown_joins}
    CROSS JOIN LATERAL (SELECT coalesce(CASE s.kind WHEN {request} THEN {request_body}
        WHEN {message} THEN m.body_text ELSE d.text END, '') AS body) t)
"""
    params = {
        **conditions.params,
        "query": plan.query.websearch(),
        "language": search_language(),
        "window": plan.window,
        "limit": plan.limit,
        "offset": plan.offset,
        "title_options": TITLE_OPTIONS,
        "snippet_options": SNIPPET_OPTIONS,
        "probe": _probe(plan),
    }
    return sql, params


def _probe(plan: SearchPlan) -> str:
    """The first letters of the first word searched for, to find where to cut a snippet."""
    first = plan.query.required[0][0].text if plan.query.required else ""
    word = next(
        (part for part in first.split() if part.isalnum()), first.split()[0] if first else ""
    )
    return word.lower()[:PROBE_LETTERS]


def _facets(rows: list[list[Any]]) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, str]]]:
    """Counts per facet value, and the names of the bodies and campaigns among them."""
    facets: dict[str, dict[str, int]] = {}
    labels: dict[str, dict[str, str]] = {"body": {}, "campaign": {}}
    for grouping, *values, count, name in rows:
        facet = FACET_SETS[grouping]
        value = values[list(FACET_SETS.values()).index(facet)]
        if value is None:
            continue
        value = KIND_NAMES[int(value)] if facet == "kind" else str(value)
        facets.setdefault(facet, {})[value] = int(count)
        if facet in labels and name is not None:
            labels[facet][value] = name
    return facets, labels


def _hit(row: list[Any]) -> RawHit:
    entry_id, kind, object_id, request_id, rank, title, snippet, *shown = row
    return RawHit(
        entry_id, KIND_NAMES[kind], object_id, request_id, float(rank), title, snippet, tuple(shown)
    )


def _loads(value: Any) -> list[list[Any]]:
    return json.loads(value) if isinstance(value, str) else list(value)


class PostgresBackend:
    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection

    def search(self, plan: SearchPlan) -> RawResults:
        sql, params = search_sql(plan)
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            matched, nodes, facet_rows, hits = cursor.fetchone()
        facets, labels = _facets(_loads(facet_rows))
        return RawResults(
            matched=min(int(matched), plan.window),
            complete=int(matched) <= plan.window,
            hits=[_hit(row) for row in _loads(hits)],
            facets=facets,
            labels=labels,
            only_stop_words=nodes == 0,
        )

    # --- saved searches ----------------------------------------------------------------

    def new_entry_ids(self, limit: int) -> list[int]:
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT entry_id FROM search_new_entry ORDER BY entry_id LIMIT %s", [limit]
            )
            return [row[0] for row in cursor.fetchall()]

    def forget_new_entries(self, entry_ids: list[int]) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_new_entry WHERE entry_id = ANY(%s)", [entry_ids])

    def match_new_entries(self, searches: list[SavedQuery], entry_ids: list[int]) -> list[NewMatch]:
        if not searches or not entry_ids:
            return []
        params: dict[str, Any] = {"entries": entry_ids}
        branches = []
        for number, search in enumerate(searches):
            prefix = f"s{number}_"
            conditions = PostgresConditions()
            conditions.add(
                f"e.document @@ websearch_to_tsquery(search_language(), %({prefix}query)s)",
                **{f"{prefix}query": search.query.websearch()},
            )
            add_visibility(conditions, search.user_id, prefix)
            add_filters(conditions, search.filters, prefix)
            params.update(conditions.params)
            branches.append(
                f"SELECT {search.saved_search_id}, e.id, e.kind, e.object_id, e.request_id "
                f"FROM fresh e WHERE {conditions.sql()}"
            )
        sql = (
            "WITH fresh AS MATERIALIZED (SELECT * FROM search_entry "
            f"WHERE id = ANY(%(entries)s) AND kind IN ({KIND_CODES[MESSAGE]}, {KIND_CODES[PAGE]}) "
            "AND request_id IS NOT NULL) " + " UNION ALL ".join(branches)
        )
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [
            NewMatch(saved_id, entry_id, KIND_NAMES[kind], object_id, request_id)
            for saved_id, entry_id, kind, object_id, request_id in rows
        ]
