"""`search(user, query, **filters)`: one entry point, whichever database is in use.

The backend returns index entries already limited to what the user may see; the objects
behind them are then loaded through the permission querysets as well, so a hit, a
snippet, a count or a facet never shows anything of a request the user cannot open.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from django.contrib.auth.models import AnonymousUser, User
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from requests_app.links import url_filler
from requests_app.models import (
    Campaign,
    DocumentPage,
    FoiRequest,
    Message,
    PublicBody,
    Status,
)
from requests_app.models.requests import campaign_ids_of
from requests_app.models.rows import loaded
from requests_app.search.plan import (
    DEFAULT_PER_PAGE,
    FACET_LIMIT,
    FILE_TYPE_LABELS,
    KIND_LABELS,
    MAX_PER_PAGE,
    MESSAGE,
    NEWEST,
    PAGE,
    RELEVANCE,
    REQUEST,
    RawHit,
    RawResults,
    SearchBackend,
    SearchFilters,
    SearchPlan,
    window_size,
)
from requests_app.search.query import START_MARK, STOP_MARK, ParsedQuery, parse_query

logger = logging.getLogger(__name__)

# The document page view (extraction area); the path is built by hand if it is absent.
DOCUMENT_PAGES_URL_NAME = "attachment_pages"
STATUS_LABELS = dict(Status.choices)


@dataclass(frozen=True)
class SearchHit:
    kind: str  # "request" | "message" | "page"
    object: FoiRequest | Message | DocumentPage
    request: FoiRequest
    title: SafeString  # escaped, with <mark> around the words found
    snippet: SafeString  # escaped, with <mark> around the words found
    rank: float
    url: str
    date: dt.date | None
    page_number: int | None = None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True)
class FacetCount:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class SearchResults:
    query: ParsedQuery
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0
    # More matches than were counted: `total` is a lower bound, and the hits are the
    # best (or newest) of the most recently indexed `total` matches.
    more_than_total: bool = False
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    notes: list[str] = field(default_factory=list)
    sort: str = RELEVANCE

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.page - 1

    @property
    def next_page_number(self) -> int:
        return self.page + 1

    @property
    def start_index(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.hits else 0

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.hits) - 1 if self.hits else 0


def backend_for(using: str = DEFAULT_DB_ALIAS) -> SearchBackend | None:
    connection = connections[using]
    if connection.vendor == "postgresql":
        from requests_app.search.postgres import PostgresBackend

        return PostgresBackend(connection)
    if connection.vendor == "sqlite":
        from requests_app.search.sqlite import SqliteBackend

        return SqliteBackend(connection)
    return None


# --- the entry point -----------------------------------------------------------------


def search(
    user: User | AnonymousUser,
    query: str | ParsedQuery | None,
    *,
    page: int = 1,
    per_page: int = DEFAULT_PER_PAGE,
    sort: str = RELEVANCE,
    **filters: Any,
) -> SearchResults:
    """Requests, correspondence and document pages matching `query` that `user` may see.

    Filters: kind ("request", "message", "page", or several), public_body, campaign,
    status (one or several), regime, date_from, date_to, file_type, exemption and
    request (search within one request); models or their primary keys.
    """
    parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
    return run_search(
        user, parsed, filters_from(**filters), page=page, per_page=per_page, sort=sort
    )


def run_search(
    user: User | AnonymousUser,
    parsed: ParsedQuery,
    filters: SearchFilters,
    *,
    page: int = 1,
    per_page: int = DEFAULT_PER_PAGE,
    sort: str = RELEVANCE,
) -> SearchResults:
    per_page = min(max(int(per_page), 1), MAX_PER_PAGE)
    page = max(int(page), 1)
    sort = sort if sort in (RELEVANCE, NEWEST) else RELEVANCE
    empty = SearchResults(parsed, notes=list(parsed.notes), page=1, per_page=per_page, sort=sort)
    refusal = _why_not(user, parsed)
    backend = backend_for()
    if refusal or backend is None or user.pk is None:
        note = refusal or "Search is not available on this database."
        return SearchResults(parsed, notes=[*parsed.notes, note], per_page=per_page, sort=sort)
    plan = plan_for(user, parsed, filters, page=page, per_page=per_page, sort=sort)
    raw = _run(backend, plan)
    if raw is None:
        note = "That search could not be run. Please try different words."
        return SearchResults(parsed, notes=[*parsed.notes, note], per_page=per_page, sort=sort)
    if not raw.hits and raw.matched and page > 1:
        # Past the last page (an old link): show the last one instead.
        page = max(1, math.ceil(raw.matched / per_page))
        raw = _run(backend, replace(plan, offset=(page - 1) * per_page))
        raw = raw or RawResults(0, True)
    return _results(parsed, raw, page, per_page, sort) if raw.matched else empty_with(empty, raw)


def plan_for(
    user: User,
    parsed: ParsedQuery,
    filters: SearchFilters,
    *,
    page: int = 1,
    per_page: int = DEFAULT_PER_PAGE,
    sort: str = RELEVANCE,
) -> SearchPlan:
    return SearchPlan(
        query=parsed,
        user_id=int(user.pk),
        filters=filters,
        sort=sort,
        offset=(page - 1) * per_page,
        limit=per_page,
        window=window_size(),
        campaign_ids=tuple(campaign_ids_of(user)),
    )


def _why_not(user: User | AnonymousUser, parsed: ParsedQuery) -> str | None:
    if not user.is_authenticated:
        return "Sign in to search."
    if parsed.is_searchable:
        return None
    if parsed.excluded:
        return "Add a word to look for: a minus sign only leaves words out."
    if parsed.text:
        return "Your search has no letters or numbers to look for."
    return "Type a word or a phrase to search for."


def empty_with(empty: SearchResults, raw: RawResults) -> SearchResults:
    if raw.only_stop_words:
        note = "Your search has only very common words (like “the”), which are not indexed."
        return SearchResults(empty.query, notes=[*empty.notes, note], per_page=empty.per_page)
    return empty


def _run(backend: SearchBackend, plan: SearchPlan) -> RawResults | None:
    """The backend's answer; None (and a logged error) if the database refused it."""
    connection = backend.connection
    try:
        if connection.in_atomic_block and connection.vendor == "postgresql":
            # A failed statement would spoil the surrounding transaction: fence it off.
            with transaction.atomic(using=connection.alias):
                return backend.search(plan)
        return backend.search(plan)
    except DatabaseError:
        logger.exception("Search failed for %r", plan.query.text)
        return None


# --- filters -------------------------------------------------------------------------


def filters_from(
    *,
    kind: str | Iterable[str] | None = None,
    public_body: PublicBody | int | None = None,
    campaign: Campaign | int | None = None,
    status: str | Iterable[str] | None = None,
    regime: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    file_type: str | None = None,
    exemption: models.Model | int | None = None,
    request: FoiRequest | int | None = None,
) -> SearchFilters:
    # Unknown codes are left out rather than failing the search.
    return SearchFilters(
        kinds=tuple(value for value in _several(kind) if value in KIND_LABELS),
        public_body_id=_pk(public_body),
        campaign_id=_pk(campaign),
        statuses=tuple(value for value in _several(status) if value in STATUS_LABELS),
        regime=regime or None,
        date_from=date_from,
        date_to=date_to,
        file_type=file_type if file_type in FILE_TYPE_LABELS else None,
        exemption_id=_pk(exemption),
        request_id=_pk(request),
    )


def _several(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if not value:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _pk(value: models.Model | int | None) -> int | None:
    if value is None or value == "":
        return None
    return int(value.pk) if isinstance(value, models.Model) else int(value)


# --- from index entries to hits ------------------------------------------------------


def _results(
    parsed: ParsedQuery,
    raw: RawResults,
    page: int,
    per_page: int,
    sort: str,
) -> SearchResults:
    notes = list(parsed.notes)
    if not raw.complete:
        notes.append(
            f"More than {raw.matched:,} matches: the results come from the {raw.matched:,} "
            "most recently added. Add words or filters to narrow the search."
        )
    return SearchResults(
        query=parsed,
        hits=load_hits(raw.hits),
        total=raw.matched,
        more_than_total=not raw.complete,
        facets=label_facets(raw.facets, raw.labels),
        page=page,
        per_page=per_page,
        notes=notes,
        sort=sort,
    )


def load_hits(raw_hits: list[RawHit]) -> list[SearchHit]:
    """The hits, with the objects behind them as the backend read them in its statement
    (only the fields a hit shows: a request's text, a letter's body or a page's words stay
    in the database). An entry whose objects are gone, or whose request the user may not
    see, has none and is left out."""
    if not raw_hits:
        return []
    shared = HitsShare.for_page()
    requests: dict[int, FoiRequest] = {}
    hits = (_hit(raw, HitObjects(*raw.shown), requests, shared) for raw in raw_hits if raw.shown)
    return [hit for hit in hits if hit is not None]


@dataclass(frozen=True)
class HitsShare:
    """What a page's hits share, worked out once for the page, not once a hit: where they
    link to (each URL pattern reversed once) and the time zone their dates are in."""

    request: Callable[[object], str]  # a reference's request page
    document_pages: Callable[[object], str]  # an attachment's pages
    zone: dt.tzinfo

    @classmethod
    def for_page(cls) -> HitsShare:
        return cls(
            url_filler("request_detail", "reference"),
            document_pages_filler(),
            timezone.get_current_timezone(),
        )

    def day(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.zone).date()


class HitObjects(NamedTuple):
    """A RawHit's `shown` values, in the order of plan.HIT_OBJECT_COLUMNS."""

    reference: str | None
    title: str | None
    sent_on: Any
    created_at: Any
    public_body_id: int | None
    body_name: str | None
    subject: str | None
    channel: str | None
    sent_at: Any
    page_number: int | None
    attachment_id: int | None
    filename: str | None
    attachment_message_id: int | None
    attachment_sent_at: Any


def _hit(
    raw: RawHit, shown: HitObjects, requests: dict[int, FoiRequest], shared: HitsShare
) -> SearchHit | None:
    if shown.reference is None or raw.request_id is None:
        return None  # deleted since, or not visible after all
    foi_request = requests.get(raw.request_id) or _request_of(raw.request_id, shown)
    requests[raw.request_id] = foi_request
    if raw.kind == REQUEST:
        return _request_hit(raw, foi_request, shared) if raw.object_id == raw.request_id else None
    if raw.kind == MESSAGE:
        if shown.sent_at is None:
            return None  # gone, or moved to another request, since the entry was read
        return _message_hit(raw, _message_of(raw, shown), foi_request, shared)
    if shown.attachment_sent_at is None:
        return None
    return _page_hit(raw, shown, foi_request, shared)


def _request_of(request_id: int, shown: HitObjects) -> FoiRequest:
    body = loaded(PublicBody, {"id": shown.public_body_id, "name": shown.body_name})
    foi_request = loaded(
        FoiRequest,
        {
            "id": request_id,
            "reference": shown.reference,
            "title": shown.title,
            "sent_on": _day(shown.sent_on),
            "created_at": _moment(shown.created_at),
            "public_body_id": shown.public_body_id,
        },
    )
    FoiRequest._meta.get_field("public_body").set_cached_value(foi_request, body)
    return foi_request


def _message_of(raw: RawHit, shown: HitObjects) -> Message:
    values = {
        "id": raw.object_id,
        "request_id": raw.request_id,
        "subject": shown.subject,
        "channel": shown.channel,
        "sent_at": _moment(shown.sent_at),
    }
    return loaded(Message, values)


def _moment(value: dt.datetime | str) -> dt.datetime:
    """A moment as the statement gave it: a datetime, or text (JSON, or SQLite's naive UTC)."""
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _day(value: dt.date | str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _request_hit(raw: RawHit, foi_request: FoiRequest, shared: HitsShare) -> SearchHit:
    date = foi_request.sent_on or shared.day(foi_request.created_at)
    return SearchHit(
        kind=REQUEST,
        object=foi_request,
        request=foi_request,
        title=marked_html(raw.title) if raw.title else escaped(foi_request.title),
        snippet=marked_html(raw.snippet),
        rank=raw.rank,
        url=shared.request(foi_request.reference),
        date=date,
    )


def _message_hit(
    raw: RawHit, message: Message, foi_request: FoiRequest, shared: HitsShare
) -> SearchHit:
    return SearchHit(
        kind=MESSAGE,
        object=message,
        request=foi_request,
        title=marked_html(raw.title) if raw.title else escaped(str(message)),
        snippet=marked_html(raw.snippet),
        rank=raw.rank,
        url=f"{shared.request(foi_request.reference)}#message-{message.pk}",
        date=shared.day(message.sent_at),
    )


def _page_hit(
    raw: RawHit, shown: HitObjects, foi_request: FoiRequest, shared: HitsShare
) -> SearchHit:
    """A document page's hit, its title, link and date from the values its statement read;
    the page itself is built with its own columns only (its attachment and letter are
    deferred, as nothing the hit shows needs them as objects)."""
    number = shown.page_number
    page = loaded(
        DocumentPage, {"id": raw.object_id, "attachment_id": shown.attachment_id, "number": number}
    )
    return SearchHit(
        kind=PAGE,
        object=page,
        request=foi_request,
        title=escaped(f"{shown.filename}, page {number}"),
        snippet=marked_html(raw.snippet),
        rank=raw.rank,
        url=f"{shared.document_pages(shown.attachment_id)}#page-{number}",
        date=shared.day(_moment(shown.attachment_sent_at)),
        page_number=number,
    )


def document_page_url(attachment_id: int, number: int) -> str:
    return f"{document_pages_filler()(attachment_id)}#page-{number}"


def document_pages_filler() -> Callable[[object], str]:
    try:
        return url_filler(DOCUMENT_PAGES_URL_NAME, "pk")
    except NoReverseMatch:
        return lambda attachment_id: f"/attachments/{attachment_id}/pages/"


def escaped(text: str) -> SafeString:
    """Django's `escape`, without its check for lazy text (a hit's text never is)."""
    return mark_safe(html.escape(text))  # noqa: S308 - escaped


_MARKS = re.compile(f"([{START_MARK}{STOP_MARK}])")


def marked_html(text: str) -> SafeString:
    """Escape the text, then turn the highlight markers into balanced <mark> elements."""
    parts: list[str] = []
    open_mark = False
    for piece in _MARKS.split(text):
        if piece == START_MARK:
            if not open_mark:
                parts.append("<mark>")
            open_mark = True
        elif piece == STOP_MARK:
            if open_mark:
                parts.append("</mark>")
            open_mark = False
        elif piece:
            parts.append(html.escape(piece))
    if open_mark:
        parts.append("</mark>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above


# --- facets --------------------------------------------------------------------------


def label_facets(
    facets: dict[str, dict[str, int]], known: dict[str, dict[str, str]] | None = None
) -> dict[str, list[FacetCount]]:
    known = known or {}
    bodies = known.get("body") or _names(PublicBody, facets.get("body", {}))
    campaigns = known.get("campaign") or _names(Campaign, facets.get("campaign", {}))
    labels: dict[str, dict[str, str]] = {
        "kind": KIND_LABELS,
        "status": STATUS_LABELS,
        "body": bodies,
        "campaign": campaigns,
        "file_type": FILE_TYPE_LABELS,
    }
    labelled = {}
    for name, counts in facets.items():
        names = labels.get(name, {})
        items = [
            FacetCount(value, str(names[value]), count)
            for value, count in counts.items()
            if value in names
        ]
        items.sort(key=lambda item: (-item.count, item.label))
        if items:
            labelled[name] = items[:FACET_LIMIT]
    return labelled


def _names(model: type[PublicBody] | type[Campaign], counts: dict[str, int]) -> dict[str, str]:
    top = sorted(counts, key=lambda value: -counts[value])[:FACET_LIMIT]
    if not top:
        return {}
    rows = model.objects.filter(pk__in=[int(value) for value in top]).values_list("pk", "name")
    return {str(pk): name for pk, name in rows}
