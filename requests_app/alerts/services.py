"""Alerts made by events rather than by the calendar: new correspondence, search matches.

Several messages from a body in one go make one alert, not five: each user has at most
one pending alert of a kind per request, keyed on the day it was opened, and later
messages join it until it is sent. It is held back for a short while
(FOI_ALERT_COALESCE_SECONDS) so that a burst of messages arrives in one email.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from requests_app.alerts.kinds import Kind
from requests_app.alerts.sweep import recipients_of_request
from requests_app.models import Alert, AlertStatus, Direction, FoiRequest, Message

# A batch key can move on by at most this many days (one per batch already sent today).
MAX_BATCHES_AHEAD = 31


def coalesce_delay() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "FOI_ALERT_COALESCE_SECONDS", 300)))


def notify_new_correspondence(*, message_id: int) -> int:
    """Tell the people following a request that a message from the body arrived.

    Called by the mail importer after it has matched an incoming message to its
    request. Returns the number of users told (0 for outgoing, unmatched or automatic
    messages).
    """
    message = Message.objects.select_related("request__owner").filter(pk=message_id).first()
    if message is None or message.request is None:
        return 0
    if message.direction != Direction.INCOMING or message.is_auto_reply:
        return 0
    recipients = [
        recipient
        for recipient in recipients_of_request(message.request)
        if recipient.receives(Kind.NEW_CORRESPONDENCE)
    ]
    for recipient in recipients:
        add_to_batch(
            user_id=recipient.user_id,
            request_id=message.request.pk,
            kind=Kind.NEW_CORRESPONDENCE,
            key="message_ids",
            value=message.pk,
        )
    return len(recipients)


def notify_saved_search_match(*, user_id: int, request_id: int, search_name: str) -> bool:
    """Tell a user that a request they may see now matches one of their saved searches."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not FoiRequest.objects.visible_to(user).filter(pk=request_id).exists():
        return False
    recipient = next(
        (
            r
            for r in recipients_of_request(FoiRequest.objects.get(pk=request_id))
            if r.user_id == user_id
        ),
        None,
    )
    if recipient is not None and not recipient.preferences.wants(Kind.SAVED_SEARCH_MATCH):
        return False
    add_to_batch(
        user_id=user_id,
        request_id=request_id,
        kind=Kind.SAVED_SEARCH_MATCH,
        key="searches",
        value=search_name,
    )
    return True


def add_to_batch(*, user_id: int, request_id: int, kind: str, key: str, value: object) -> Alert:
    """Add `value` to the user's pending alert of `kind` about the request, or open one."""
    today = timezone.localdate()
    with transaction.atomic():
        for ahead in range(MAX_BATCHES_AHEAD):
            day = today + dt.timedelta(days=ahead)
            alert = _join_or_open(user_id, request_id, kind, day, key, value)
            if alert is not None:
                return alert
    raise RuntimeError(f"no free {kind} batch for user {user_id}, request {request_id}")


def _join_or_open(
    user_id: int, request_id: int, kind: str, day: dt.date, key: str, value: object
) -> Alert | None:
    found = Alert.objects.select_for_update().filter(
        user_id=user_id, request_id=request_id, kind=kind, deadline=day
    )
    alert = found.first()
    if alert is None:
        return _open(user_id, request_id, kind, day, key, value)
    if alert.status != AlertStatus.PENDING:
        return None  # that batch went already: use the next key
    values = list(alert.details.get(key, []))
    if value not in values:
        alert.details = {**alert.details, key: [*values, value]}
        alert.save(update_fields=["details"])
    return alert


def _open(
    user_id: int, request_id: int, kind: str, day: dt.date, key: str, value: object
) -> Alert | None:
    hold = coalesce_delay()
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                user_id=user_id,
                request_id=request_id,
                kind=kind,
                deadline=day,
                details={key: [value]},
                next_attempt_at=timezone.now() + hold if hold else None,
            )
    except IntegrityError:
        # Opened by someone else a moment ago: join theirs instead.
        return _join_or_open(user_id, request_id, kind, day, key, value)
    from requests_app.alerts.tasks import queue_delivery

    queue_delivery(alert.pk, delay=hold)
    return alert
