"""The project's Celery app with queue names unique to one test run.

Started as `celery -A tests.extraction.worker_app worker`; FOI_TEST_QUEUE names this run's
extract and OCR queues, so test runs sharing one Redis never take each other's tasks.
"""

from __future__ import annotations

import os

from foi_tracker.celery import app

prefix = os.environ["FOI_TEST_QUEUE"]
app.conf.update(
    task_routes={
        "extraction.ocr*": {"queue": f"{prefix}-ocr"},
        "extraction.*": {"queue": f"{prefix}-extract"},
    },
    worker_hijack_root_logger=False,
)

__all__ = ["app"]
