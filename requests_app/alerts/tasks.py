"""Celery tasks for alerts: thin, idempotent, and safe to run again after a crash.

`acks_late` with `reject_on_worker_lost`: a task whose worker dies is delivered again.
Running any of them twice changes nothing: the sweep inserts on a unique key, and
delivery claims each alert with a conditional UPDATE.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import shared_task
from django.utils import timezone

from requests_app.alerts import delivery
from requests_app.alerts.sweep import recover_stuck_sending, sweep
from requests_app.queueing import enqueue_on_commit, stranded_after

TASK_OPTIONS: dict[str, Any] = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(name="alerts.sweep", **TASK_OPTIONS)
def sweep_alerts() -> dict[str, int]:
    """Hourly (beat): insert what is owed today, then queue what can be sent now."""
    result = sweep(today=timezone.localdate())
    queued = queue_due_deliveries()
    return {
        "created": result.created,
        "cancelled": result.cancelled,
        "recovered": result.recovered,
        "queued": queued,
    }


@shared_task(name="alerts.deliver", **TASK_OPTIONS)
def deliver_alert(alert_id: int) -> str:
    return str(delivery.deliver(alert_id=alert_id))


@shared_task(name="alerts.send_digests", **TASK_OPTIONS)
def send_digests() -> dict[str, int]:
    return dict(delivery.send_digests(now=timezone.now()))


def queue_due_deliveries() -> int:
    ids = list(delivery.immediate_due(timezone.now()).values_list("pk", flat=True))
    for alert_id in ids:
        queue_delivery(alert_id)
    return len(ids)


def requeue_stranded(*, now: dt.datetime) -> int:
    """For the stranded-work sweep: take back alerts whose sender died, and queue again
    those that have been due for longer than the grace period."""
    recover_stuck_sending(now=now)
    since = now - stranded_after()
    stranded = delivery.immediate_due(since).filter(created_at__lt=since)
    ids = list(stranded.values_list("pk", flat=True))
    for alert_id in ids:
        queue_delivery(alert_id)
    return len(ids)


def queue_delivery(alert_id: int, delay: dt.timedelta | None = None) -> None:
    """Queue one delivery once the current transaction has committed; with the broker down
    the alert stays pending in the database and the next sweep queues it again."""
    countdown = delay.total_seconds() if delay else None
    enqueue_on_commit(deliver_alert, alert_id, countdown=countdown)
