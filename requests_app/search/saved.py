"""Saved searches: keeping them, and matching new correspondence and documents.

The index triggers list every message and document page they index (or index again,
say after OCR) in `search_new_entry`. Each hour the matcher runs every saved search
against that list, hands what matched to the alert outbox — one `Alert` of kind
"saved_search_match" per user and request, gathering the searches and items — and
empties the list, in one transaction. The alerts area sends them like every other
alert: at once, or in the user's daily digest, as their alert settings say.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from requests_app.alerts.services import SearchMatch, notify_saved_search_matches
from requests_app.models import (
    Campaign,
    Exemption,
    FoiRequest,
    PublicBody,
    SavedSearch,
    Status,
)
from requests_app.search.engine import backend_for
from requests_app.search.plan import (
    FILE_TYPE_LABELS,
    KIND_LABELS,
    NewMatch,
    SavedQuery,
    SearchFilters,
)
from requests_app.search.query import ParsedQuery, parse_query

logger = logging.getLogger(__name__)

NEW_ENTRIES_PER_ROUND = 2000
SEARCHES_PER_STATEMENT = 50


# --- saving --------------------------------------------------------------------------


def save_search(
    *,
    user: User,
    name: str,
    query: ParsedQuery,
    filters: SearchFilters,
    within: FoiRequest | None = None,
) -> SavedSearch:
    """Keep a search, its filters stored as the search page's URL parameters."""
    params = filters.params()
    if within is not None:
        params["request"] = within.reference
    return SavedSearch.objects.create(
        user=user,
        name=(name.strip() or query.text)[:200],
        query=query.text,
        filters=params,
    )


def stored_params(saved: SavedSearch) -> dict[str, Any]:
    return saved.filters if isinstance(saved.filters, dict) else {}


def saved_filters(saved: SavedSearch, request_ids: dict[str, int]) -> SearchFilters:
    """The filters of a saved search; `request_ids` maps the references searched within."""
    stored = stored_params(saved)
    filters = SearchFilters.from_params(stored)
    reference = stored.get("request")
    if not reference:
        return filters
    # A request that is gone matches nothing (-1 is no request's id).
    return replace(filters, request_id=request_ids.get(str(reference), -1))


def within_ids(searches: Iterable[SavedSearch]) -> dict[str, int]:
    """The ids of the requests the saved searches search within, in one query."""
    references = {str(stored_params(saved).get("request")) for saved in searches}
    found = FoiRequest.objects.filter(reference__in=references - {"None", ""})
    return dict(found.values_list("reference", "pk"))


@dataclass(frozen=True)
class SavedSearchRow:
    saved: SavedSearch
    description: str


def describe_filters(searches: Sequence[SavedSearch]) -> list[SavedSearchRow]:
    """Each saved search with its filters in words (names looked up once for all)."""
    filters = {saved.pk: SearchFilters.from_params(stored_params(saved)) for saved in searches}
    names = _filter_names(filters.values())
    return [
        SavedSearchRow(saved, _describe(filters[saved.pk], names, stored_params(saved)))
        for saved in searches
    ]


def _filter_names(filters: Iterable[SearchFilters]) -> dict[str, dict[int, str]]:
    chosen = list(filters)

    def ids(attribute: str) -> set[int]:
        return {value for f in chosen if (value := getattr(f, attribute)) is not None}

    return {
        "body": dict(
            PublicBody.objects.filter(pk__in=ids("public_body_id")).values_list("pk", "name")
        ),
        "campaign": dict(
            Campaign.objects.filter(pk__in=ids("campaign_id")).values_list("pk", "name")
        ),
        "exemption": {
            e.pk: e.citation for e in Exemption.objects.filter(pk__in=ids("exemption_id"))
        },
    }


def _describe(
    filters: SearchFilters, names: dict[str, dict[int, str]], stored: dict[str, Any]
) -> str:
    statuses = dict(Status.choices)
    parts = [
        ", ".join(str(KIND_LABELS[kind]) for kind in filters.kinds),
        names["body"].get(filters.public_body_id or 0, ""),
        names["campaign"].get(filters.campaign_id or 0, ""),
        ", ".join(str(statuses.get(status, status)) for status in filters.statuses),
        filters.regime or "",
        f"from {filters.date_from:%d %b %Y}" if filters.date_from else "",
        f"to {filters.date_to:%d %b %Y}" if filters.date_to else "",
        str(FILE_TYPE_LABELS.get(filters.file_type or "", "")),
        names["exemption"].get(filters.exemption_id or 0, ""),
        f"within {stored['request']}" if stored.get("request") else "",
    ]
    return "; ".join(part for part in parts if part)


# --- matching new entries ------------------------------------------------------------


@dataclass(frozen=True)
class MatchRun:
    entries_checked: int = 0
    matches: int = 0
    alerts: int = 0


def match_saved_searches(*, now: dt.datetime | None = None) -> MatchRun:
    """Run every saved search against what was indexed since the last run."""
    now = now or timezone.now()
    backend = backend_for()
    if backend is None:
        return MatchRun()
    saved_searches = list(SavedSearch.objects.select_related("user"))
    request_ids = within_ids(saved_searches)
    searches = [
        query for saved in saved_searches if (query := _saved_query(saved, request_ids)) is not None
    ]
    names = {saved.pk: saved.name for saved in saved_searches}
    checked = matched = alerts = 0
    while entry_ids := backend.new_entry_ids(NEW_ENTRIES_PER_ROUND):
        with transaction.atomic():
            found = [
                match
                for batch in _chunks(searches, SEARCHES_PER_STATEMENT)
                for match in backend.match_new_entries(batch, entry_ids)
            ]
            alerts += record_matches(found, searches, names)
            backend.forget_new_entries(entry_ids)
        checked += len(entry_ids)
        matched += len(found)
    SavedSearch.objects.update(last_checked_at=now)
    return MatchRun(checked, matched, alerts)


def _saved_query(saved: SavedSearch, request_ids: dict[str, int]) -> SavedQuery | None:
    query = parse_query(saved.query)
    if not query.is_searchable or not saved.user.is_active:
        return None
    return SavedQuery(saved.pk, saved.user_id, query, saved_filters(saved, request_ids))


def _chunks(items: list[SavedQuery], size: int) -> Iterator[list[SavedQuery]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def record_matches(
    matches: list[NewMatch], searches: list[SavedQuery], names: dict[int, str]
) -> int:
    """Hand the matches to the alert outbox: one alert per user and request, as any other."""
    owners = {search.saved_search_id: search.user_id for search in searches}
    return notify_saved_search_matches(
        matches=[
            SearchMatch(
                user_id=owners[match.saved_search_id],
                request_id=match.request_id,
                search_name=names.get(match.saved_search_id, ""),
                item=(match.kind, match.object_id),
            )
            for match in matches
        ]
    )
