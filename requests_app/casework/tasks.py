"""Celery tasks: thin wrappers that load ids and call a service."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from requests_app.casework import services
from requests_app.queueing import enqueue_on_commit, requeue_stranded_work


@shared_task(name="deadlines.refresh_open")
def refresh_open_deadlines() -> int:
    return services.refresh_open_deadlines()


def schedule_deadline_refresh() -> None:
    # Nothing records that a refresh is owed: with the broker down it runs here and now.
    enqueue_on_commit(refresh_open_deadlines, run_here_if_refused=True)


@shared_task(name="work.requeue_stranded")
def requeue_stranded() -> dict[str, int]:
    """Queue again work that waited too long for a worker or whose worker died (beat)."""
    return requeue_stranded_work(now=timezone.now())


@shared_task(name="work.refresh_statistics")
def refresh_statistics() -> bool:
    """The database's planner statistics brought up to date (beat, daily)."""
    return services.refresh_planner_statistics()
