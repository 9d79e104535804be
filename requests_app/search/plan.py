"""The vocabulary the search engine and its two backends share.

A search is planned once (`SearchPlan`: the parsed query, whose it is, the filters, the
page) and handed to the backend of the database in use, which answers with `RawResults`:
index entries, their rank and highlighted text, and counts. Everything a backend returns
has already been limited to what the user may see.

The index holds one entry per request, message and document page. Searching the whole
of a large archive for a very common word would mean ranking hundreds of thousands of
entries, so a backend ranks and counts at most `MATCH_WINDOW` of them: all the matches
when there are fewer, otherwise the most recently indexed ones, and it says so.
"""

# SQL here is put together from constants, table names and integers; every value that
# comes from a user travels as a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

from requests_app.models import FoiRequest, Status, Visibility
from requests_app.search.query import ParsedQuery

MATCH_WINDOW = 1000
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100


def window_size() -> int:
    return int(getattr(settings, "FOI_SEARCH_WINDOW", MATCH_WINDOW))


def search_language() -> str:
    return str(getattr(settings, "FOI_SEARCH_LANGUAGE", "english"))


# --- what is indexed -----------------------------------------------------------------

REQUEST, MESSAGE, PAGE = "request", "message", "page"
KIND_CODES = {REQUEST: 1, MESSAGE: 2, PAGE: 3}
KIND_NAMES = {code: name for name, code in KIND_CODES.items()}
KIND_LABELS = {REQUEST: "Request", MESSAGE: "Correspondence", PAGE: "Document page"}

RELEVANCE, NEWEST = "relevance", "date"
SORT_LABELS = {RELEVANCE: "Best match", NEWEST: "Newest first"}


@dataclass(frozen=True)
class FileType:
    code: str
    label: str
    content_types: tuple[str, ...]  # exact types, or "image/" for a whole family
    extensions: tuple[str, ...]


FILE_TYPES = (
    FileType("pdf", "PDF", ("application/pdf",), ("pdf",)),
    FileType(
        "word",
        "Word document",
        (
            "application/msword",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.oasis.opendocument.text",
            "application/rtf",
            "text/rtf",
        ),
        ("doc", "docx", "odt", "rtf"),
    ),
    FileType(
        "spreadsheet",
        "Spreadsheet",
        (
            "application/vnd.ms-excel",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.oasis.opendocument.spreadsheet",
            "text/csv",
        ),
        ("xls", "xlsx", "ods", "csv"),
    ),
    FileType("email", "Email", ("message/rfc822", "application/vnd.ms-outlook"), ("eml", "msg")),
    FileType("image", "Image", ("image/",), ("png", "jpg", "jpeg", "tif", "tiff", "gif", "bmp")),
    FileType("text", "Text", ("text/",), ("txt",)),
)
OTHER_FILE_TYPE = FileType("other", "Other", (), ())
FILE_TYPE_LABELS = {kind.code: kind.label for kind in (*FILE_TYPES, OTHER_FILE_TYPE)}


def file_type_sql(content_type: str, filename: str) -> str:
    """A CASE expression (the same in PostgreSQL and SQLite) naming an attachment's type."""
    content_type = f"lower(coalesce({content_type}, ''))"
    filename = f"lower(coalesce({filename}, ''))"
    branches = []
    for kind in FILE_TYPES:
        tests = [
            f"{content_type} LIKE '{value}%%'"
            if value.endswith("/")
            else f"{content_type} = '{value}'"
            for value in kind.content_types
        ]
        tests += [f"{filename} LIKE '%%.{extension}'" for extension in kind.extensions]
        branches.append(f"WHEN {' OR '.join(tests)} THEN '{kind.code}'")
    return f"(CASE {' '.join(branches)} ELSE '{OTHER_FILE_TYPE.code}' END)"


# --- the filters ---------------------------------------------------------------------


@dataclass(frozen=True)
class SearchFilters:
    kinds: tuple[str, ...] = ()
    public_body_id: int | None = None
    campaign_id: int | None = None
    statuses: tuple[str, ...] = ()
    regime: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    file_type: str | None = None
    exemption_id: int | None = None
    request_id: int | None = None

    def params(self) -> dict[str, Any]:
        """The filters as the search page's URL parameters (and a saved search's JSON)."""
        found: dict[str, Any] = {
            "kind": list(self.kinds),
            "body": self.public_body_id,
            "campaign": self.campaign_id,
            "status": list(self.statuses),
            "regime": self.regime,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "file_type": self.file_type,
            "exemption": self.exemption_id,
        }
        return {name: value for name, value in found.items() if value not in (None, [], "")}

    @classmethod
    def from_params(cls, data: Mapping[str, Any]) -> SearchFilters:
        """Read stored parameters, leaving out any value that is no longer valid."""
        return cls(
            kinds=tuple(value for value in _strings(data.get("kind")) if value in KIND_CODES),
            public_body_id=_integer(data.get("body")),
            campaign_id=_integer(data.get("campaign")),
            statuses=tuple(value for value in _strings(data.get("status")) if value in Status),
            regime=next(iter(_strings(data.get("regime"))), None),
            date_from=_date(data.get("date_from")),
            date_to=_date(data.get("date_to")),
            file_type=next(
                (value for value in _strings(data.get("file_type")) if value in FILE_TYPE_LABELS),
                None,
            ),
            exemption_id=_integer(data.get("exemption")),
        )


def _strings(value: Any) -> list[str]:
    values = value if isinstance(value, list | tuple) else [value]
    return [str(item) for item in values if item not in (None, "")]


def _integer(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def exemptions_table() -> tuple[str, str, str]:
    """The many-to-many table of exemptions cited: (table, request column, exemption column)."""
    relation = FoiRequest._meta.get_field("exemptions")
    assert isinstance(relation, models.ManyToManyField)
    through = relation.remote_field.through
    assert through is not None
    return through._meta.db_table, relation.m2m_column_name(), relation.m2m_reverse_name()


# --- one search ----------------------------------------------------------------------


@dataclass(frozen=True)
class SearchPlan:
    query: ParsedQuery
    user_id: int
    filters: SearchFilters = SearchFilters()
    sort: str = RELEVANCE
    offset: int = 0
    limit: int = DEFAULT_PER_PAGE
    window: int = MATCH_WINDOW
    # The campaigns the user belongs to (read once); None: look them up in the statement.
    campaign_ids: tuple[int, ...] | None = None


@dataclass(frozen=True)
class RawHit:
    entry_id: int
    kind: str
    object_id: int
    request_id: int | None
    rank: float
    title: str  # the title or subject with the highlight markers, or ""
    snippet: str  # a passage with the highlight markers
    # What the hit shows of the objects behind it (HIT_OBJECT_COLUMNS), read in the same
    # statement; empty values where an object is gone or its request is out of sight.
    shown: tuple[Any, ...] = ()


@dataclass(frozen=True)
class RawResults:
    matched: int  # entries matched and counted: at most the window
    complete: bool  # False when there were more matches than the window holds
    hits: list[RawHit] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    # Names of the bodies and campaigns counted, when the backend looked them up.
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    only_stop_words: bool = False


FACETS = ("kind", "status", "body", "campaign", "file_type")
FACET_LIMIT = 10  # values shown per facet


@dataclass(frozen=True)
class SavedQuery:
    """A saved search, as the matcher hands it to a backend."""

    saved_search_id: int
    user_id: int
    query: ParsedQuery
    filters: SearchFilters


@dataclass(frozen=True)
class NewMatch:
    saved_search_id: int
    entry_id: int
    kind: str
    object_id: int
    request_id: int


class SearchBackend(Protocol):
    connection: BaseDatabaseWrapper

    def search(self, plan: SearchPlan) -> RawResults: ...

    def match_new_entries(
        self, searches: list[SavedQuery], entry_ids: list[int]
    ) -> list[NewMatch]: ...

    def new_entry_ids(self, limit: int) -> list[int]: ...

    def forget_new_entries(self, entry_ids: list[int]) -> None: ...


# --- SQL shared by both backends -----------------------------------------------------


class Conditions:
    """WHERE clauses for the entry table `e`, with named parameters."""

    def __init__(self) -> None:
        self.clauses: list[str] = []
        self.params: dict[str, Any] = {}

    def add(self, clause: str, **params: Any) -> None:
        self.clauses.append(clause)
        self.params.update(params)

    def sql(self) -> str:
        return " AND ".join(self.clauses) if self.clauses else "TRUE"

    # Each backend writes a list parameter its own way.
    def in_list(self, column: str, name: str, values: Iterable[Any]) -> None:
        raise NotImplementedError

    def moment(self, value: dt.datetime) -> Any:
        return value


def add_visibility(
    conditions: Conditions,
    user_id: int,
    prefix: str = "",
    campaign_ids: tuple[int, ...] | None = None,
    table: str = "e",
) -> None:
    """FoiRequest.objects.visible_to(user), on the entry's copy of the request's fields.

    The index copies owner, campaign and visibility from the request (triggers keep them
    current) so that visibility is checked without a join; a test compares the two.
    Given the user's campaigns as a list, the planner can tell from its statistics how
    much of the index the user sees, and use the owner and campaign indexes when it is
    little. Entries of unmatched messages have no request and are visible to nobody.
    """
    from requests_app.models import Membership

    user, shared = f"{prefix}user", f"{prefix}shared"
    if campaign_ids is None:
        campaigns = (
            f"SELECT m.campaign_id FROM {Membership._meta.db_table} m WHERE m.user_id = %({user})s"
        )
    else:
        # Integers read from the database: safe to write into the statement.
        campaigns = ", ".join(str(int(pk)) for pk in campaign_ids) or "NULL"
    conditions.add(
        f"({table}.owner_id = %({user})s OR ({table}.visibility = %({shared})s "
        f"AND {table}.campaign_id IN ({campaigns})))",
        **{user: user_id, shared: Visibility.CAMPAIGN.value},
    )


def add_filters(conditions: Conditions, filters: SearchFilters, prefix: str = "") -> None:
    if filters.kinds:
        codes = [KIND_CODES[kind] for kind in filters.kinds]
        conditions.in_list("e.kind", f"{prefix}kinds", codes)
    _equal(conditions, "e.public_body_id", f"{prefix}body", filters.public_body_id)
    _equal(conditions, "e.campaign_id", f"{prefix}campaign", filters.campaign_id)
    _equal(conditions, "e.regime", f"{prefix}regime", filters.regime)
    _equal(conditions, "e.request_id", f"{prefix}request", filters.request_id)
    if filters.statuses:
        conditions.in_list("e.status", f"{prefix}statuses", filters.statuses)
    if filters.file_type:
        conditions.add(
            f"e.kind = {KIND_CODES[PAGE]} AND e.file_type = %({prefix}file_type)s",
            **{f"{prefix}file_type": filters.file_type},
        )
    add_date_range(conditions, filters, prefix)
    if filters.exemption_id is not None:
        table, request_column, exemption_column = exemptions_table()
        conditions.add(
            f"EXISTS (SELECT 1 FROM {table} x WHERE x.{request_column} = e.request_id "
            f"AND x.{exemption_column} = %({prefix}exemption)s)",
            **{f"{prefix}exemption": filters.exemption_id},
        )


def _equal(conditions: Conditions, column: str, name: str, value: Any) -> None:
    if value is not None:
        conditions.add(f"{column} = %({name})s", **{name: value})


def add_date_range(conditions: Conditions, filters: SearchFilters, prefix: str) -> None:
    """From the start of `date_from` to the end of `date_to`, in the site's time zone."""
    from django.utils import timezone

    if filters.date_from:
        start = timezone.make_aware(dt.datetime.combine(filters.date_from, dt.time.min))
        conditions.add(
            f"e.occurred_at >= %({prefix}from)s", **{f"{prefix}from": conditions.moment(start)}
        )
    if filters.date_to:
        day_after = filters.date_to + dt.timedelta(days=1)
        end = timezone.make_aware(dt.datetime.combine(day_after, dt.time.min))
        conditions.add(f"e.occurred_at < %({prefix}to)s", **{f"{prefix}to": conditions.moment(end)})


# --- what a hit shows ----------------------------------------------------------------

# The columns a hit shows of its request, its body, and its letter or document page,
# in this order; a message's own id and a page's are the entry's object_id. A letter or a
# page counts only if it is still the hit's request's.
HIT_OBJECT_COLUMNS = (
    "r.reference",
    "r.title",
    "r.sent_on",
    "r.created_at",
    "r.public_body_id",
    "hb.name",
    "m.subject",
    "m.channel",
    "CASE WHEN m.request_id = r.id THEN m.sent_at END",
    "d.number",
    "d.attachment_id",
    "ha.filename",
    "ha.message_id",
    "CASE WHEN ham.request_id = r.id THEN ham.sent_at END",
)


def hit_objects_sql(
    plan: SearchPlan, conditions: Conditions, t: Mapping[str, str], entry: str = "s"
) -> tuple[str, str]:
    """(joins, columns): the objects behind the chosen entries `entry`, each reached through
    its request, and that request only if the user may see it (the same test as
    FoiRequest.objects.visible_to, on the request's own row): an entry whose objects are
    gone or out of sight has empty columns and is left off the page. The request, message
    and page are `r`, `m` and `d`, for the caller's own columns (few joins: planning a
    dozen cost more than running them). `t`: the tables (indexing.tables()).
    """
    visible = type(conditions)()
    add_visibility(visible, plan.user_id, "hit_", plan.campaign_ids, table="r")
    conditions.params.update(visible.params)
    message, page = KIND_CODES[MESSAGE], KIND_CODES[PAGE]
    joins = (
        f"LEFT JOIN {t['request']} r ON r.id = {entry}.request_id AND {visible.sql()} "
        f"LEFT JOIN {t['body']} hb ON hb.id = r.public_body_id "
        f"LEFT JOIN {t['message']} m ON m.id = {entry}.object_id AND {entry}.kind = {message} "
        f"LEFT JOIN {t['page']} d ON d.id = {entry}.object_id AND {entry}.kind = {page} "
        f"LEFT JOIN {t['attachment']} ha ON ha.id = d.attachment_id "
        f"LEFT JOIN {t['message']} ham ON ham.id = ha.message_id"
    )
    return joins, ", ".join(HIT_OBJECT_COLUMNS)
