"""Queuing background work so that a broker outage never breaks the page that asked for it.

The database is the record of work owed (a pending alert, a letter queued to send, an
attachment waiting for extraction, a report waiting to be built); the broker message only
says "start now". When the broker cannot take it, the work stays owed in the database, the
failure is logged, and the stranded-work sweep queues it again.

One sweep (`requeue_stranded_work`, on beat every few minutes) asks each kind of work for
what is stranded: rows that have waited past their grace period for a worker, and rows
whose worker's lease ran out mid-run (it died). Each kind queues its own again; the task
that picks it up claims the row with a conditional UPDATE, so work queued twice is still
done once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from celery import Task
from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string
from kombu.exceptions import KombuError, OperationalError

logger = logging.getLogger(__name__)

# What publishing raises when the broker is down or unreachable: kombu wraps connection
# errors as OperationalError; redis-py and sockets raise their own below it.
BROKER_ERRORS: tuple[type[BaseException], ...] = (OperationalError, KombuError, OSError)
try:
    import redis

    BROKER_ERRORS += (redis.RedisError,)
except ImportError:  # pragma: no cover - redis is installed with celery[redis]
    pass


def enqueue(task: Task, *args: Any, **options: Any) -> bool:
    """Publish `task(*args)` now; False (and a warning in the log) when the broker is down.

    `options` go to apply_async (countdown, queue …).
    """
    try:
        task.apply_async(args, **options)
    except BROKER_ERRORS as error:
        logger.warning(
            "Could not queue %s%r: %s; it is left for the next sweep.",
            task.name,
            args,
            error,
            extra={"task": task.name},
        )
        return False
    return True


def enqueue_on_commit(
    task: Task, *args: Any, run_here_if_refused: bool = False, **options: Any
) -> None:
    """Queue `task(*args)` once the current transaction has committed (at once outside one).

    The one way work is queued. When the broker refuses it, work the database keeps a record
    of waits for the stranded-work sweep; work it keeps none of, which no sweep could find
    again, says `run_here_if_refused` and runs here instead. `options` go to apply_async.
    """

    def publish() -> None:
        if not enqueue(task, *args, **options) and run_here_if_refused:
            task(*args)

    transaction.on_commit(publish)


# --- the stranded-work sweep ------------------------------------------------------------

# Each kind of queued work, with the function that queues again what of it is stranded.
# Each takes `now` and returns how many it queued.
STRANDED_WORK: dict[str, str] = {
    "extraction": "requests_app.extraction.services.requeue_stranded",
    "reports": "requests_app.reports.services.requeue_stranded",
    "letters": "requests_app.mail.sending.queue_stranded_letters",
    "alerts": "requests_app.alerts.tasks.requeue_stranded",
    "redactions": "requests_app.redaction.jobs.requeue_stranded",
}


def stranded_after() -> dt.timedelta:
    """How long queued work may wait for a worker before it is queued again."""
    return dt.timedelta(seconds=int(getattr(settings, "FOI_STRANDED_AFTER_SECONDS", 600)))


def requeue_stranded_work(*, now: dt.datetime) -> dict[str, int]:
    """Queue again every kind of work that waited past its grace period or its lease."""
    return {kind: _requeuer(path)(now=now) for kind, path in STRANDED_WORK.items()}


def _requeuer(path: str) -> Callable[..., int]:
    requeue: Callable[..., int] = import_string(path)
    return requeue
