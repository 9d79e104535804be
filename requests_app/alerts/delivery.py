"""Sending alerts: claim, render, send, record — each alert at most once at a time.

An alert is claimed with a conditional UPDATE (pending → sending) and only the caller
whose UPDATE changed the row sends it. A failed send goes back to pending with a later
`next_attempt_at` (exponential back-off); after MAX_ATTEMPTS it is marked failed. A
worker that dies between claim and record leaves the row in "sending"; the sweep takes
it back after a timeout (see sweep.recover_stuck_sending).

Digest users get one email a day, at their hour, gathering everything pending.

Alerts go only to the confirmed address on the account. A user without one has their
alerts held: pending, with the reason in `last_error`, until they confirm an address
(`release_held`); nothing is sent nowhere and nothing is lost.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections import Counter
from collections.abc import Sequence
from enum import StrEnum

from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from requests_app.alerts.emails import alert_email, digest_email
from requests_app.alerts.kinds import Kind
from requests_app.alerts.sweep import Preferences
from requests_app.models import Alert, AlertDelivery, AlertStatus, FoiRequest, Profile

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_RETRY = dt.timedelta(hours=1)
# Well under the sweep's sending timeout, so a slow server cannot make a live send
# look like a dead one.
SMTP_TIMEOUT_SECONDS = 30
SEND_ERRORS = (smtplib.SMTPException, OSError)
HELD_NO_ADDRESS = "Held: the account has no confirmed email address yet."
NO_LONGER_VISIBLE = "Cancelled: the user may no longer see the request."


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # failed; pending again with a later next_attempt_at
    FAILED = "failed"  # gave up
    CANCELLED = "cancelled"  # the user no longer wants it
    WAITING = "waiting"  # for the digest, or for its next attempt
    HELD = "held"  # no confirmed address: pending until the user confirms one
    SKIPPED = "skipped"  # not pending (already sent, or claimed by someone else)


def retry_delay(attempts: int) -> dt.timedelta:
    """1, 2, 4 … minutes, at most an hour."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def mail_connection() -> BaseEmailBackend:
    return get_connection(timeout=SMTP_TIMEOUT_SECONDS)


def preferences_of(user_id: int) -> Preferences:
    return Preferences.of(Profile.objects.filter(user_id=user_id).first())


def immediate_due(now: dt.datetime) -> QuerySet[Alert]:
    """Pending alerts of users who want them at once, whose time has come.

    A test alert is sent at once whatever the user chose; alerts of users without an
    address are held, not picked up again and again.
    """
    ready = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    for_digest = Q(user__profile__alert_delivery=AlertDelivery.DIGEST) & ~Q(kind=Kind.TEST)
    return (
        Alert.objects.filter(status=AlertStatus.PENDING)
        .filter(ready)
        .exclude(for_digest)
        .exclude(user__email="")
        .order_by("pk")
    )


def held_alerts(user_id: int) -> QuerySet[Alert]:
    """The user's alerts waiting for a confirmed address."""
    return Alert.objects.filter(user_id=user_id, status=AlertStatus.PENDING, user__email="")


def release_held(*, user_id: int) -> int:
    """Once the user has an address: send what was held (digest users get it in the next)."""
    from requests_app.alerts.tasks import queue_delivery

    pending = Alert.objects.filter(user_id=user_id, status=AlertStatus.PENDING)
    pending.filter(last_error=HELD_NO_ADDRESS).update(last_error="")
    ids = list(immediate_due(timezone.now()).filter(user_id=user_id).values_list("pk", flat=True))
    for alert_id in ids:
        queue_delivery(alert_id)
    return len(ids)


def deliver(
    *, alert_id: int, now: dt.datetime | None = None, connection: BaseEmailBackend | None = None
) -> Outcome:
    """Send one alert if it is still owed. Safe to call any number of times."""
    now = now or timezone.now()
    alert = Alert.objects.select_related("request__public_body", "user").filter(pk=alert_id).first()
    if alert is None or alert.status != AlertStatus.PENDING:
        return Outcome.SKIPPED
    if alert.kind != Kind.TEST:
        preferences = preferences_of(alert.user_id)
        if not preferences.wants(alert.kind):
            return _cancel([alert.pk], "Cancelled: alerts of this kind were switched off.")
        if preferences.delivery == AlertDelivery.DIGEST:
            return Outcome.WAITING
    if alert.next_attempt_at and alert.next_attempt_at > now:
        return Outcome.WAITING
    if not still_visible([alert]):
        return _cancel([alert.pk], NO_LONGER_VISIBLE)
    if not alert.user.email:
        alert.hold(HELD_NO_ADDRESS)
        return Outcome.HELD
    if not alert.claim():
        return Outcome.SKIPPED
    return _send(alert, connection)


def _send(alert: Alert, connection: BaseEmailBackend | None) -> Outcome:
    try:
        alert_email(alert, connection or mail_connection()).send()
    except SEND_ERRORS as error:
        return record_failure([alert], error)
    alert.mark_sent()
    return Outcome.SENT


def record_failure(alerts: Sequence[Alert], error: Exception) -> Outcome:
    """Back to pending with a later next attempt, or failed after MAX_ATTEMPTS."""
    attempts = max(alert.attempts for alert in alerts) + 1  # claim() added one in the row
    retry = attempts < MAX_ATTEMPTS
    logger.warning("Alert delivery failed (attempt %s): %s", attempts, error)
    ids = [alert.pk for alert in alerts]
    # While the rows are still "sending" nobody else touches them: set the time first,
    # then release them, so no sender can pick one up before its back-off has passed.
    next_attempt = timezone.now() + retry_delay(attempts)
    Alert.objects.filter(pk__in=ids).update(next_attempt_at=next_attempt if retry else None)
    for alert in alerts:
        alert.mark_failed(f"{type(error).__name__}: {error}", retry=retry)
    return Outcome.RETRY if retry else Outcome.FAILED


def still_visible(alerts: Sequence[Alert]) -> list[Alert]:
    """The alerts whose request the user may still see (a test alert has none)."""
    if not alerts:
        return []
    user = alerts[0].user
    ids = {alert.request_id for alert in alerts if alert.request_id is not None}
    visible = set(
        FoiRequest.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)
    )
    return [alert for alert in alerts if alert.request_id is None or alert.request_id in visible]


def _cancel(ids: list[int], reason: str) -> Outcome:
    Alert.objects.filter(pk__in=ids, status=AlertStatus.PENDING).update(
        status=AlertStatus.CANCELLED, last_error=reason
    )
    return Outcome.CANCELLED


def deliver_due(*, now: dt.datetime | None = None) -> Counter[str]:
    """Send every pending immediate alert now, in this process (the command line)."""
    now = now or timezone.now()
    ids = list(immediate_due(now).values_list("pk", flat=True))
    outcomes: Counter[str] = Counter()
    if not ids:
        return outcomes
    connection = mail_connection()
    for alert_id in ids:
        outcomes[deliver(alert_id=alert_id, now=now, connection=connection)] += 1
    return outcomes


# --- digests -------------------------------------------------------------------------


def digest_users_due(now: dt.datetime) -> list[int]:
    """Digest users whose hour has come today and who have had no digest since."""
    local = timezone.localtime(now)
    profiles = list(
        Profile.objects.filter(
            alert_delivery=AlertDelivery.DIGEST, digest_hour__lte=local.hour
        ).exclude(user__email="")
    )
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    last_sent = dict(
        Alert.objects.filter(
            user_id__in=[p.user_id for p in profiles],
            status=AlertStatus.SENT,
            sent_at__gte=midnight,
        )
        .values("user_id")
        .annotate(last=Max("sent_at"))
        .values_list("user_id", "last")
    )
    due = []
    for profile in profiles:
        hour_today = midnight.replace(hour=profile.digest_hour)
        last = last_sent.get(profile.user_id)
        if last is None or last < hour_today:
            due.append(profile.user_id)
    return due


def send_digests(*, now: dt.datetime | None = None) -> Counter[str]:
    now = now or timezone.now()
    outcomes: Counter[str] = Counter()
    for user_id in digest_users_due(now):
        outcomes[send_digest(user_id=user_id, now=now)] += 1
    return outcomes


def _still_wanted(pending: list[Alert], preferences: Preferences) -> list[Alert]:
    """Cancel what the user switched off or may no longer see; the rest."""
    unwanted = [alert.pk for alert in pending if not preferences.wants(alert.kind)]
    if unwanted:
        _cancel(unwanted, "Cancelled: alerts of this kind were switched off.")
    wanted = [alert for alert in pending if alert.pk not in unwanted]
    visible = still_visible(wanted)
    hidden = [alert.pk for alert in wanted if alert not in visible]
    if hidden:
        _cancel(hidden, NO_LONGER_VISIBLE)
    return visible


def send_digest(*, user_id: int, now: dt.datetime) -> Outcome:
    """One email with every pending alert of the user; each alert claimed on its own."""
    preferences = preferences_of(user_id)
    ready = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    pending = list(
        Alert.objects.filter(user_id=user_id, status=AlertStatus.PENDING)
        .filter(ready)
        .exclude(kind=Kind.TEST)
        .select_related("request__public_body", "user")
        .order_by("deadline", "pk")
    )
    if pending and not pending[0].user.email:
        held_alerts(user_id).update(last_error=HELD_NO_ADDRESS)
        return Outcome.HELD
    claimed = [alert for alert in _still_wanted(pending, preferences) if alert.claim()]
    if not claimed:
        return Outcome.SKIPPED
    try:
        digest_email(claimed, mail_connection()).send()
    except SEND_ERRORS as error:
        return record_failure(claimed, error)
    Alert.objects.filter(pk__in=[a.pk for a in claimed], status=AlertStatus.SENDING).update(
        status=AlertStatus.SENT, sent_at=timezone.now()
    )
    return Outcome.SENT
