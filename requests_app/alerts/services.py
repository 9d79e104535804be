"""Alerts made by events rather than by the calendar: new correspondence, search matches,
and the test alert a user asks for.

Several messages from a body in one go make one alert, not five: each user has at most
one pending alert of a kind per request, keyed on the day it was opened, and later
messages join it until it is sent. It is held back for a short while
(FOI_ALERT_COALESCE_SECONDS) so that a burst of messages arrives in one email.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from requests_app.alerts.kinds import Kind
from requests_app.alerts.sweep import Preferences, recipients_of_request
from requests_app.models import Alert, AlertStatus, Direction, Message, Profile

# A batch key can move on by at most this many days (one per batch already sent today).
MAX_BATCHES_AHEAD = 31
# A saved-search alert lists at most this many searches and this many matched items.
ITEMS_PER_ALERT = 20


def coalesce_delay() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "FOI_ALERT_COALESCE_SECONDS", 300)))


def notify_new_correspondence(*, message_id: int) -> int:
    """Tell the people following a request that a message from the body arrived.

    Called by the mail importer, once, where it files an incoming message on its
    request — whichever way the message came (webhook, mailbox, upload, command line).
    Returns the number of users told (0 for outgoing, unmatched or automatic messages,
    and for a message everyone was already told about).
    """
    message = Message.objects.select_related("request__owner").filter(pk=message_id).first()
    if message is None or message.request is None:
        return 0
    if message.direction != Direction.INCOMING or message.is_auto_reply:
        return 0
    told = _already_told(message)
    recipients = [
        recipient
        for recipient in recipients_of_request(message.request)
        if recipient.receives(Kind.NEW_CORRESPONDENCE) and recipient.user_id not in told
    ]
    if recipients:
        additions = {
            (recipient.user_id, message.request.pk): {"message_ids": [message.pk]}
            for recipient in recipients
        }
        add_to_batches(kind=Kind.NEW_CORRESPONDENCE, additions=additions, limit=None)
    return len(recipients)


def _already_told(message: Message) -> set[int]:
    """Users with an alert (of any status) that names this message already."""
    alerts = Alert.objects.filter(request_id=message.request_id, kind=Kind.NEW_CORRESPONDENCE)
    return {
        user_id
        for user_id, details in alerts.values_list("user_id", "details")
        if message.pk in (details or {}).get("message_ids", [])
    }


@dataclass(frozen=True)
class SearchMatch:
    """Something newly indexed that one of a user's saved searches finds."""

    user_id: int
    request_id: int
    search_name: str
    item: tuple[str, int]  # ("message" | "page", its id)


def notify_saved_search_matches(*, matches: Sequence[SearchMatch]) -> int:
    """Add the matches to each user's saved-search alert about each request; the count.

    The saved-search matcher has already limited the matches to what each user may see.
    A fixed number of queries, however many matches.
    """
    additions: dict[tuple[int, int], dict[str, list[Any]]] = defaultdict(
        lambda: {"searches": [], "items": []}
    )
    for match in matches:
        details = additions[(match.user_id, match.request_id)]
        _add_item(details["searches"], match.search_name)
        _add_item(details["items"], list(match.item))
    wanting = users_wanting(Kind.SAVED_SEARCH_MATCH, {user_id for user_id, _ in additions})
    wanted = {key: value for key, value in additions.items() if key[0] in wanting}
    if wanted:
        add_to_batches(kind=Kind.SAVED_SEARCH_MATCH, additions=wanted, limit=ITEMS_PER_ALERT)
    return len(wanted)


def _add_item(values: list[Any], value: Any, limit: int | None = ITEMS_PER_ALERT) -> None:
    if value and value not in values and (limit is None or len(values) < limit):
        values.append(value)


def users_wanting(kind: str, user_ids: set[int]) -> set[int]:
    """The active users among `user_ids` who have not switched `kind` off."""
    active = get_user_model().objects.filter(pk__in=user_ids, is_active=True)
    profiles = Profile.objects.filter(user_id__in=user_ids)
    preferences = {profile.user_id: Preferences.of(profile) for profile in profiles}
    return {
        user_id
        for user_id in active.values_list("pk", flat=True)
        if preferences.get(user_id, Preferences()).wants(kind)
    }


Additions = dict[tuple[int, int], dict[str, list[Any]]]  # (user, request) → key → values


def add_to_batches(*, kind: str, additions: Additions, limit: int | None) -> None:
    """Merge into each (user, request)'s pending alert of `kind`, or open one — in bulk.

    Rows are locked while merged, so a sender cannot claim one half-written; a batch
    that went already is left alone and the next day's key is used instead. Each list in
    the details holds at most `limit` values (None: no limit).
    """
    for _attempt in range(3):
        try:
            created = _merge_or_open(kind, additions, limit)
            break
        except IntegrityError:
            continue  # another worker opened one of these batches a moment ago: join it
    else:
        raise RuntimeError(f"could not open {kind} alerts: others kept opening them first")
    from requests_app.alerts.tasks import queue_delivery

    for alert in created:
        queue_delivery(alert.pk, delay=coalesce_delay())


def _merge_or_open(kind: str, additions: Additions, limit: int | None) -> list[Alert]:
    today = timezone.localdate()
    with transaction.atomic():
        batches = _open_batches(kind, additions, today)
        opened, changed = [], []
        for (user_id, request_id), values in additions.items():
            days = batches.get((user_id, request_id), {})
            day = _first_usable_day(days, today, kind, user_id, request_id)
            alert = days.get(day)
            if alert is None:
                opened.append(_new_alert(user_id, request_id, kind, day, values))
            elif _merge(alert, values, limit):
                changed.append(alert)
        Alert.objects.bulk_update(changed, ["details"])
        return Alert.objects.bulk_create(opened)


def _first_usable_day(
    days: dict[dt.date, Alert], today: dt.date, kind: str, user_id: int, request_id: int
) -> dt.date:
    for ahead in range(MAX_BATCHES_AHEAD):
        day = today + dt.timedelta(days=ahead)
        if _usable(days.get(day)):
            return day
    raise RuntimeError(f"no free {kind} batch for user {user_id}, request {request_id}")


def _open_batches(
    kind: str, additions: Additions, today: dt.date
) -> dict[tuple[int, int], dict[dt.date, Alert]]:
    rows = Alert.objects.select_for_update().filter(
        kind=kind,
        deadline__gte=today,
        user_id__in={user_id for user_id, _ in additions},
        request_id__in={request_id for _, request_id in additions},
    )
    found: dict[tuple[int, int], dict[dt.date, Alert]] = defaultdict(dict)
    for alert in rows:
        found[(alert.user_id, alert.request_id or 0)][alert.deadline] = alert
    return found


def _usable(alert: Alert | None) -> bool:
    return alert is None or alert.status == AlertStatus.PENDING


def _new_alert(
    user_id: int, request_id: int, kind: str, day: dt.date, values: dict[str, list[Any]]
) -> Alert:
    hold = coalesce_delay()
    return Alert(
        user_id=user_id,
        request_id=request_id,
        kind=kind,
        deadline=day,
        details=values,
        next_attempt_at=timezone.now() + hold if hold else None,
    )


def _merge(alert: Alert, values: dict[str, list[Any]], limit: int | None) -> bool:
    """Add the new values to the alert's details; True if anything was new."""
    details = {key: list(alert.details.get(key, [])) for key in values}
    for key, new in values.items():
        for value in new:
            _add_item(details[key], value, limit)
    if all(details[key] == alert.details.get(key, []) for key in values):
        return False
    alert.details = {**alert.details, **details}
    return True


def send_test_alert(*, user_id: int) -> Alert:
    """A test alert for the user, sent at once through the outbox like any other.

    One pending at a time: pressing the button twice does not send two.
    """
    waiting = Alert.objects.filter(user_id=user_id, kind=Kind.TEST, status=AlertStatus.PENDING)
    alert = waiting.first()
    if alert is not None:
        return alert
    alert = Alert.objects.create(
        user_id=user_id,
        request=None,
        kind=Kind.TEST,
        deadline=timezone.localdate(),
        details={"asked_at": timezone.now().isoformat()},
    )
    from requests_app.alerts.tasks import queue_delivery

    queue_delivery(alert.pk)
    return alert
