"""Celery tasks for redaction: thin wrappers that load by id and call the services."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from requests_app.queueing import enqueue_on_commit
from requests_app.redaction import jobs

TASK_OPTIONS: dict[str, Any] = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(name="redaction.build", **TASK_OPTIONS)
def build_redacted_version(job_id: int) -> str:
    """Make one redaction job's version; running it again for a claimed job does nothing."""
    job = jobs.run_redaction_job(job_id=job_id)
    return job.status if job is not None else "skipped"


def queue_job(job_id: int) -> None:
    """Queue the job once the transaction that filed it has committed."""
    enqueue_on_commit(build_redacted_version, job_id)
