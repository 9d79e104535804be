"""Saved searches: matching new correspondence and documents, and the daily digest.

The index triggers list every message and document page they index (or index again,
say after OCR) in `search_new_entry`. Each hour the matcher runs every saved search
against that list, records what matched in the alert outbox — one `Alert` of kind
"saved_search_match" per user, request and day — and empties the list. The next day,
at the user's digest hour, one email gathers all of a user's earlier days' matches: at
most one digest a day.

The outbox rows are created with `next_attempt_at` far in the future, which keeps the
per-alert delivery of the alerts area away from them: only the digest here sends them.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from requests_app.models import (
    Alert,
    AlertStatus,
    Campaign,
    DocumentPage,
    Exemption,
    FoiRequest,
    Message,
    Profile,
    PublicBody,
    SavedSearch,
    Status,
)
from requests_app.search.engine import backend_for, document_page_url
from requests_app.search.plan import (
    FILE_TYPE_LABELS,
    KIND_LABELS,
    MESSAGE,
    PAGE,
    NewMatch,
    SavedQuery,
    SearchFilters,
)
from requests_app.search.query import ParsedQuery, parse_query

logger = logging.getLogger(__name__)

ALERT_KIND = "saved_search_match"
# Far enough ahead that the alerts area's own delivery never picks these rows up.
HELD_FOR_DIGEST = dt.datetime(9000, 1, 1, tzinfo=dt.UTC)
DEFAULT_DIGEST_HOUR = 7
NEW_ENTRIES_PER_ROUND = 2000
SEARCHES_PER_STATEMENT = 50
ITEMS_PER_ALERT = 20
MAX_ATTEMPTS = 8
SEND_ERRORS = (smtplib.SMTPException, OSError)


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
            alerts += record_matches(found, searches, names, timezone.localdate(now))
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
    matches: list[NewMatch], searches: list[SavedQuery], names: dict[int, str], today: dt.date
) -> int:
    """One pending alert per user and request for today, listing searches and items."""
    owners = {search.saved_search_id: search.user_id for search in searches}
    found: dict[tuple[int, int], dict[str, list[Any]]] = defaultdict(
        lambda: {"searches": [], "items": []}
    )
    for match in matches:
        details = found[(owners[match.saved_search_id], match.request_id)]
        _add(details["searches"], names.get(match.saved_search_id, ""))
        _add(details["items"], [match.kind, match.object_id])
    wanted = _wanting_users({user_id for user_id, _ in found})
    found = {key: value for key, value in found.items() if key[0] in wanted}
    if not found:
        return 0
    Alert.objects.bulk_create(
        [
            _alert(user_id, request_id, today, details)
            for (user_id, request_id), details in found.items()
        ],
        ignore_conflicts=True,
    )
    _merge_into_existing(found, today)
    return len(found)


def _add(values: list[Any], value: Any) -> None:
    if value and value not in values and len(values) < ITEMS_PER_ALERT:
        values.append(value)


def _wanting_users(user_ids: set[int]) -> set[int]:
    active = set(
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .values_list("pk", flat=True)
    )
    profiles = {profile.user_id: profile for profile in Profile.objects.filter(user_id__in=active)}
    return {
        user_id
        for user_id in active
        if user_id not in profiles or profiles[user_id].wants(ALERT_KIND)
    }


def _alert(user_id: int, request_id: int, today: dt.date, details: dict[str, Any]) -> Alert:
    return Alert(
        user_id=user_id,
        request_id=request_id,
        kind=ALERT_KIND,
        deadline=today,
        status=AlertStatus.PENDING,
        next_attempt_at=HELD_FOR_DIGEST,
        details=details,
    )


def _merge_into_existing(
    found: dict[tuple[int, int], dict[str, list[Any]]], today: dt.date
) -> None:
    """A row for today made by an earlier run keeps its items and gains the new ones."""
    rows = Alert.objects.filter(
        kind=ALERT_KIND,
        deadline=today,
        status=AlertStatus.PENDING,
        user_id__in={user_id for user_id, _ in found},
        request_id__in={request_id for _, request_id in found},
    )
    changed = []
    for row in rows:
        new = found.get((row.user_id, row.request_id))
        if new is None:
            continue
        details = {key: list(row.details.get(key, [])) for key in ("searches", "items")}
        for key, values in new.items():
            for value in values:
                _add(details[key], value)
        if details != {key: row.details.get(key, []) for key in details}:
            row.details = {**row.details, **details}
            changed.append(row)
    Alert.objects.bulk_update(changed, ["details"])


# --- the daily digest ----------------------------------------------------------------


def send_digests(*, now: dt.datetime | None = None) -> Counter[str]:
    """Send each user whose digest hour has passed one email with their earlier matches."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    owed = Alert.objects.filter(
        kind=ALERT_KIND, status=AlertStatus.PENDING, deadline__lt=local.date()
    )
    user_ids = sorted(set(owed.values_list("user_id", flat=True)))
    profiles = {
        profile.user_id: profile for profile in Profile.objects.filter(user_id__in=user_ids)
    }
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    sent_today = set(
        Alert.objects.filter(
            kind=ALERT_KIND, status=AlertStatus.SENT, sent_at__gte=midnight
        ).values_list("user_id", flat=True)
    )
    outcomes: Counter[str] = Counter()
    for user_id in user_ids:
        profile = profiles.get(user_id)
        hour = profile.digest_hour if profile else DEFAULT_DIGEST_HOUR
        if user_id in sent_today or local.hour < hour or (profile and profile.alerts_paused):
            outcomes["waiting"] += 1
            continue
        outcomes[deliver_digest(user_id=user_id, today=local.date())] += 1
    return outcomes


def deliver_digest(*, user_id: int, today: dt.date) -> str:
    """Claim the user's owed rows one by one, send one email, record the result."""
    owed = Alert.objects.filter(
        user_id=user_id, kind=ALERT_KIND, status=AlertStatus.PENDING, deadline__lt=today
    ).select_related("user")
    claimed: list[Alert] = []
    for alert in owed.order_by("pk"):
        if alert.claim():
            claimed.append(alert)
        elif not claimed:
            return "skipped"  # another worker is sending this user's digest
    if not claimed:
        return "skipped"
    return _send(claimed)


def _send(claimed: list[Alert]) -> str:
    user = claimed[0].user
    digest = DigestContent.load(user, claimed)
    if digest.gone:
        Alert.objects.filter(pk__in=[alert.pk for alert in digest.gone]).update(
            status=AlertStatus.CANCELLED, last_error="The request is no longer visible to the user."
        )
    alerts = [alert for alert in claimed if alert not in digest.gone]
    if not alerts:
        return "cancelled"
    if not user.email:
        for alert in alerts:
            alert.mark_failed("The user has no email address.", retry=False)
        return "failed"
    try:
        digest_email(user, digest).send()
    except SEND_ERRORS as error:
        logger.warning("Saved search digest for user %s failed: %s", user.pk, error)
        for alert in alerts:
            alert.mark_failed(
                f"{type(error).__name__}: {error}", retry=alert.attempts < MAX_ATTEMPTS
            )
        return "retry"
    for alert in alerts:
        alert.mark_sent()
    return "sent"


@dataclass(frozen=True)
class DigestItem:
    label: str
    title: str
    url: str
    date: dt.date | None


@dataclass(frozen=True)
class DigestRequest:
    foi_request: FoiRequest
    url: str
    searches: list[str]
    items: list[DigestItem]


@dataclass(frozen=True)
class DigestContent:
    requests: list[DigestRequest]
    gone: list[Alert]

    @property
    def item_count(self) -> int:
        return sum(len(entry.items) for entry in self.requests)

    @classmethod
    def load(cls, user: User, alerts: list[Alert]) -> DigestContent:
        """What the alerts point at, loaded for all of them at once and checked again."""
        visible = {
            r.pk: r
            for r in FoiRequest.objects.visible_to(user)
            .filter(pk__in=[alert.request_id for alert in alerts])
            .select_related("public_body")
        }
        items = _items([alert for alert in alerts if alert.request_id in visible], set(visible))
        requests = [
            DigestRequest(
                foi_request=visible[alert.request_id],
                url=_absolute(visible[alert.request_id].get_absolute_url()),
                searches=list(alert.details.get("searches", [])),
                items=items.get(alert.pk, []),
            )
            for alert in alerts
            if alert.request_id in visible
        ]
        gone = [alert for alert in alerts if alert.request_id not in visible]
        return cls(requests, gone)


def _items(alerts: list[Alert], request_ids: set[int]) -> dict[int, list[DigestItem]]:
    wanted: dict[str, set[int]] = {MESSAGE: set(), PAGE: set()}
    for alert in alerts:
        for kind, object_id in alert.details.get("items", []):
            if kind in wanted:
                wanted[kind].add(int(object_id))
    messages = Message.objects.select_related("request").filter(
        pk__in=wanted[MESSAGE], request_id__in=request_ids
    )
    pages = DocumentPage.objects.select_related("attachment__message").filter(
        pk__in=wanted[PAGE], attachment__message__request_id__in=request_ids
    )
    found: dict[tuple[str, int], DigestItem] = {
        (MESSAGE, message.pk): _message_item(message) for message in messages.order_by()
    }
    found.update({(PAGE, page.pk): _page_item(page) for page in pages.order_by()})
    return {
        alert.pk: [
            found[(kind, int(object_id))]
            for kind, object_id in alert.details.get("items", [])
            if (kind, int(object_id)) in found
        ]
        for alert in alerts
    }


def _message_item(message: Message) -> DigestItem:
    path = reverse("request_detail", kwargs={"reference": message.request.reference})  # type: ignore[union-attr]
    return DigestItem(
        label=str(KIND_LABELS[MESSAGE]),
        title=str(message),
        url=_absolute(f"{path}#message-{message.pk}"),
        date=timezone.localtime(message.sent_at).date(),
    )


def _page_item(page: DocumentPage) -> DigestItem:
    attachment = page.attachment
    return DigestItem(
        label=str(KIND_LABELS[PAGE]),
        title=f"{attachment.filename}, page {page.number}",
        url=_absolute(document_page_url(attachment.pk, page.number)),
        date=timezone.localtime(attachment.message.sent_at).date(),
    )


def _absolute(path: str) -> str:
    return str(settings.SITE_URL).rstrip("/") + path


def digest_email(user: User, digest: DigestContent) -> EmailMultiAlternatives:
    count = digest.item_count
    context = {
        "user": user,
        "digest": digest,
        "count": count,
        "saved_searches_url": _absolute(reverse("saved_search_list")),
    }
    plural = "" if count == 1 else "es"
    message = EmailMultiAlternatives(
        subject=f"Saved searches: {count} new match{plural}",
        body=render_to_string("emails/saved_search_digest.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("emails/saved_search_digest.html", context), "text/html"
    )
    return message
