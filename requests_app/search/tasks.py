"""Celery tasks for search: thin, and safe to run twice (see saved.py)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from requests_app.search.saved import match_saved_searches as match


@shared_task(name="search.match_saved_searches", acks_late=True, reject_on_worker_lost=True)
def match_saved_searches() -> dict[str, int]:
    """Hourly (beat): match what was indexed since the last run; the outbox sends."""
    run = match(now=timezone.now())
    return {"entries_checked": run.entries_checked, "matches": run.matches, "alerts": run.alerts}
