"""Celery tasks for reports: thin wrappers that load by id and call the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import shared_task

from requests_app.queueing import enqueue_on_commit
from requests_app.reports import services

TASK_OPTIONS: dict[str, Any] = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(name="reports.build", **TASK_OPTIONS)
def build_report(report_id: int, today: str) -> str:
    """Build one report; running it again for a report already claimed does nothing."""
    report = services.build_report(report_id=report_id, today=dt.date.fromisoformat(today))
    return report.status if report is not None else "skipped"


def queue_build(report_id: int, today: dt.date) -> None:
    """Queue the build once the transaction that created the report has committed."""
    enqueue_on_commit(build_report, report_id, today.isoformat())
