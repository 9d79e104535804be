"""Queuing background work so that a broker outage never breaks the page that asked for it.

The database is the record of work owed (a pending alert, a letter queued to send, an
attachment waiting for extraction); the broker message only says "start now". When the
broker cannot take it, the work stays owed in the database, the failure is logged, and the
next sweep or beat run queues it again.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from django.db import transaction
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


def enqueue_on_commit(task: Task, *args: Any, **options: Any) -> None:
    """`enqueue` once the current transaction has committed (at once outside one)."""
    transaction.on_commit(lambda: enqueue(task, *args, **options))
