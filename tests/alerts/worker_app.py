"""The project's Celery app with the queue names of one test run.

A real worker is started with `celery -A tests.alerts.worker_app worker`. Its queues are
named after FOI_TEST_QUEUE so that concurrent test runs sharing one Redis database never
take each other's tasks.
"""

from __future__ import annotations

import os

from foi_tracker.celery import app

queue = os.environ["FOI_TEST_QUEUE"]
app.conf.update(
    task_default_queue=queue,
    task_routes={"alerts.*": {"queue": queue}},
    worker_hijack_root_logger=False,
)

__all__ = ["app"]
