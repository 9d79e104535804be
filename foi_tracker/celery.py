"""The Celery application; configuration comes from Django settings (CELERY_*)."""

from __future__ import annotations

import os
from pathlib import Path

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foi_tracker.settings")

app = Celery("foi_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each area keeps its tasks beside its code; a package without tasks.py is skipped.
TASK_PACKAGES = [
    "requests_app.casework",
    "requests_app.mail",
    "requests_app.extraction",
    "requests_app.alerts",
    "requests_app.search",
    "requests_app.reports",
    "requests_app.fixity",
    "requests_app.batches",
    "requests_app.redaction",
]
app.autodiscover_tasks(lambda: TASK_PACKAGES)


def ensure_broker_folders() -> None:
    """The filesystem transport needs its folders before the first message."""
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder"):
        if key in options:
            Path(options[key]).mkdir(parents=True, exist_ok=True)


# The one beat schedule. django-celery-beat copies it into the database at start-up,
# where it can be edited in the admin.
app.conf.beat_schedule = {
    "alerts-sweep": {"task": "alerts.sweep", "schedule": crontab(minute=5)},
    "alerts-digests": {"task": "alerts.send_digests", "schedule": crontab(minute=15)},
    "mail-poll-mailbox": {"task": "mail.poll_mailbox", "schedule": 120.0},
    # Every kind of queued work (extraction, OCR, reports, letters, alerts) that waited too
    # long for a worker, or whose worker died mid-run, is queued again from the database.
    "work-requeue-stranded": {"task": "work.requeue_stranded", "schedule": 300.0},
    # Batches sending from the app queue their next letters, a throttle's worth a minute.
    "batches-send-letters": {"task": "batches.send_letters", "schedule": 60.0},
    "search-saved-searches": {
        "task": "search.match_saved_searches",
        "schedule": crontab(minute=30),
    },
    # SQLite's planner statistics, which it never refreshes itself (PostgreSQL's are).
    "work-refresh-statistics": {
        "task": "work.refresh_statistics",
        "schedule": crontab(minute=50, hour=2),
    },
    "fixity-check": {
        "task": "fixity.check",
        "schedule": crontab(minute=45, hour=3, day_of_week="sunday"),
    },
}
