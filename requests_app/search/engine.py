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
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from requests_app.models import Campaign, DocumentPage, FoiRequest, Message, PublicBody, Status
from requests_app.models.requests import campaign_ids_of
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
    return (
        _results(user, parsed, raw, page, per_page, sort) if raw.matched else empty_with(empty, raw)
    )


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
    user: User | AnonymousUser,
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
        hits=load_hits(user, raw.hits),
        total=raw.matched,
        more_than_total=not raw.complete,
        facets=label_facets(raw.facets, raw.labels),
        page=page,
        per_page=per_page,
        notes=notes,
        sort=sort,
    )


# What a hit shows of the objects behind it; their long texts (a request's text, a letter's
# body, a page's words) stay in the database: loading them cost more than the search.
REQUEST_HIT_FIELDS = ("reference", "title", "sent_on", "created_at", "public_body__name")
MESSAGE_HIT_FIELDS = ("request_id", "subject", "channel", "sent_at")
PAGE_HIT_FIELDS = ("number", "attachment__filename", "attachment__message__sent_at")


def load_hits(user: User | AnonymousUser, raw_hits: list[RawHit]) -> list[SearchHit]:
    """The objects behind the entries, each through its permission queryset."""
    request_ids = {hit.request_id for hit in raw_hits if hit.request_id is not None}
    requests = FoiRequest.objects.visible_to(user).filter(pk__in=request_ids)
    requests = requests.select_related("public_body").only(*REQUEST_HIT_FIELDS)
    visible = {item.pk: item for item in requests}
    message_ids = [hit.object_id for hit in raw_hits if hit.kind == MESSAGE]
    page_ids = [hit.object_id for hit in raw_hits if hit.kind == PAGE]
    messages = _in_bulk(
        Message.objects.filter(request_id__in=visible).only(*MESSAGE_HIT_FIELDS), message_ids
    )
    pages = _in_bulk(
        DocumentPage.objects.select_related("attachment__message")
        .filter(attachment__message__request_id__in=visible)
        .only(*PAGE_HIT_FIELDS),
        page_ids,
    )
    objects: dict[str, dict[int, Any]] = {REQUEST: visible, MESSAGE: messages, PAGE: pages}
    hits = (_hit(raw, objects, visible) for raw in raw_hits)
    return [hit for hit in hits if hit is not None]


def _in_bulk(queryset: models.QuerySet[Any], ids: list[int]) -> dict[int, Any]:
    if not ids:
        return {}
    return {item.pk: item for item in queryset.filter(pk__in=ids).order_by()}


def _hit(
    raw: RawHit, objects: dict[str, dict[int, Any]], requests: dict[int, FoiRequest]
) -> SearchHit | None:
    found = objects[raw.kind].get(raw.object_id)
    foi_request = requests.get(raw.request_id) if raw.request_id is not None else None
    if found is None or foi_request is None:
        return None  # deleted since, or not visible after all
    if raw.kind == REQUEST:
        return _request_hit(raw, foi_request)
    if raw.kind == MESSAGE:
        return _message_hit(raw, found, foi_request)
    return _page_hit(raw, found, foi_request)


def _request_hit(raw: RawHit, foi_request: FoiRequest) -> SearchHit:
    date = foi_request.sent_on or timezone.localtime(foi_request.created_at).date()
    return SearchHit(
        kind=REQUEST,
        object=foi_request,
        request=foi_request,
        title=marked_html(raw.title) if raw.title else escape(foi_request.title),
        snippet=marked_html(raw.snippet),
        rank=raw.rank,
        url=foi_request.get_absolute_url(),
        date=date,
    )


def _message_hit(raw: RawHit, message: Message, foi_request: FoiRequest) -> SearchHit:
    return SearchHit(
        kind=MESSAGE,
        object=message,
        request=foi_request,
        title=marked_html(raw.title) if raw.title else escape(str(message)),
        snippet=marked_html(raw.snippet),
        rank=raw.rank,
        url=f"{foi_request.get_absolute_url()}#message-{message.pk}",
        date=timezone.localtime(message.sent_at).date(),
    )


def _page_hit(raw: RawHit, page: DocumentPage, foi_request: FoiRequest) -> SearchHit:
    attachment = page.attachment
    return SearchHit(
        kind=PAGE,
        object=page,
        request=foi_request,
        title=escape(f"{attachment.filename}, page {page.number}"),
        snippet=marked_html(raw.snippet),
        rank=raw.rank,
        url=document_page_url(attachment.pk, page.number),
        date=timezone.localtime(attachment.message.sent_at).date(),
        page_number=page.number,
    )


def document_page_url(attachment_id: int, number: int) -> str:
    try:
        path = reverse(DOCUMENT_PAGES_URL_NAME, kwargs={"pk": attachment_id})
    except NoReverseMatch:
        path = f"/attachments/{attachment_id}/pages/"
    return f"{path}#page-{number}"


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
