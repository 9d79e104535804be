"""Celery tasks: thin wrappers that load ids and call a service."""

from __future__ import annotations

from celery import shared_task

from requests_app import services
from requests_app.queueing import enqueue_on_commit


@shared_task(name="deadlines.refresh_open")
def refresh_open_deadlines() -> int:
    return services.refresh_open_deadlines()


def schedule_deadline_refresh() -> None:
    enqueue_on_commit(refresh_open_deadlines)
