"""Redacted versions made by a worker: for documents too long to redact while the page waits.

The editor files a `RedactionJob` holding the order (boxes, patterns, words, reasons) and
queues it. A worker claims the job with a conditional UPDATE and holds a lease, renewed as
pages are done, and writes its progress to the row for the page to show. A worker that dies
mid-job leaves it "running"; once the lease has run out, the stranded-work sweep (see
requests_app/queueing.py) queues it again and the next worker makes it from the start.
The version is filed in the same transaction that marks the job done, and only while the
run still holds its claim: a run that lost it files nothing, so a job gives one version.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from requests_app.models import Attachment, JobStatus, RedactedVersion, RedactionJob
from requests_app.models.redaction import RedactionJobQuerySet
from requests_app.queueing import stranded_after
from requests_app.redaction.geometry import Area, Mark, Reason
from requests_app.redaction.services import (
    RedactionError,
    RedactionOrder,
    audit_redaction,
    create_redacted_version,
)

logger = logging.getLogger(__name__)

# A run that has not finished a page for this long is taken to have died with its worker.
JOB_LEASE = dt.timedelta(minutes=10)
# Jobs older than this are no longer queued again by the sweep (the person asks anew).
STALE_JOB = dt.timedelta(hours=6)


class LostClaim(Exception):
    """Another run took the job back (this one outlived its lease): file nothing."""


# --- the order as the job keeps it ----------------------------------------------------------


def _reason_data(reason: Reason) -> dict[str, Any]:
    return {
        "kind": reason.kind,
        "text": reason.text,
        "exemption_id": reason.exemption_id,
        "label": reason.label,
    }


def _reason(data: dict[str, Any]) -> Reason:
    return Reason(data["kind"], data["text"], data["exemption_id"], data["label"])


def order_data(order: RedactionOrder) -> dict[str, Any]:
    return {
        "boxes": [
            {
                "page": mark.page,
                "area": [mark.area.x0, mark.area.y0, mark.area.x1, mark.area.y1],
                "source": mark.source,
                "reason": _reason_data(mark.reason),
            }
            for mark in order.boxes
        ],
        "patterns": list(order.patterns),
        "words": list(order.words),
        "reason": _reason_data(order.reason) if order.reason is not None else None,
    }


def order_from_data(data: dict[str, Any]) -> RedactionOrder:
    boxes = [
        Mark(box["page"], Area(*box["area"]), box["source"], _reason(box["reason"]))
        for box in data["boxes"]
    ]
    reason = _reason(data["reason"]) if data["reason"] is not None else None
    return RedactionOrder(boxes, data["patterns"], data["words"], reason)


# --- starting and running -------------------------------------------------------------------


def start_redaction_job(
    *, attachment: Attachment, order: RedactionOrder, user: User
) -> RedactionJob:
    """File the job and queue it once the transaction commits."""
    job = RedactionJob.objects.create(
        attachment=attachment, order=order_data(order), requested_by=user
    )
    from requests_app.redaction.tasks import queue_job  # the tasks module imports this one

    queue_job(job.pk)
    return job


class JobProgress:
    """Writes progress to the row at most every few percent, renewing the run's lease."""

    def __init__(self, job: RedactionJob) -> None:
        self.job = job
        self.last = 0

    def __call__(self, done: int, total: int) -> None:
        percent = max(1, min(99, 100 * done // max(total, 1)))
        if percent >= self.last + 5 or done == total:
            renewed = _held(self.job).update(
                progress=percent, lease_until=timezone.now() + JOB_LEASE
            )
            if renewed != 1:
                raise LostClaim
            self.last = percent


def run_redaction_job(*, job_id: int) -> RedactionJob | None:
    """Make the version a pending job (or one whose last run's lease ran out) asks for;
    None when another run holds it, or took it back from this one."""
    job = _claim(job_id)
    if job is None:
        return None
    try:
        create_redacted_version(
            attachment=job.attachment,
            order=order_from_data(job.order),
            user=job.requested_by,
            progress=JobProgress(job),
            on_filed=lambda version: _done(job, version),
        )
    except LostClaim:
        return None
    except RedactionError as error:
        _finish(job, status=JobStatus.FAILED, error=str(error))
    except Exception as error:
        logger.exception("Redaction job %s failed", job.pk)
        _finish(job, status=JobStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000])
    job.refresh_from_db()
    return job


def _claim(job_id: int) -> RedactionJob | None:
    if not RedactionJob.objects.claim(job_id, now=timezone.now(), lease=JOB_LEASE):
        return None
    return RedactionJob.objects.select_related("attachment__message", "requested_by").get(pk=job_id)


def _held(job: RedactionJob) -> QuerySet[RedactionJob]:
    """The job's row while this run still holds the claim (none once taken back)."""
    return RedactionJob.objects.held(job.pk, job.attempts)


def _done(job: RedactionJob, version: RedactedVersion) -> None:
    """In the transaction that files the version: mark the job done, or undo the filing."""
    if _finish(job, status=JobStatus.DONE, version=version, progress=100) != 1:
        raise LostClaim
    audit_redaction(version, job.requested_by)


def _finish(job: RedactionJob, **fields: Any) -> int:
    return _held(job).update(finished_at=timezone.now(), lease_until=None, **fields)


# --- the stranded-work sweep ------------------------------------------------------------------


def requeue_stranded(*, now: dt.datetime) -> int:
    """Queue again jobs that waited past their grace period or whose worker died."""
    recent = RedactionJob.objects.filter(created_at__gt=now - STALE_JOB)
    later = now + stranded_after()
    ids = _take(recent.abandoned(now), later, status=JobStatus.PENDING)
    ids += _take(recent.stranded(now, stranded_after()), later)
    from requests_app.redaction.tasks import queue_job  # the tasks module imports this one

    for job_id in ids:
        queue_job(job_id)
    return len(ids)


def _take(jobs: RedactionJobQuerySet, later: dt.datetime, **changes: object) -> list[int]:
    """Give them a new lease (and `changes`) while they still qualify; their ids."""
    ids = list(jobs.values_list("pk", flat=True))
    jobs.filter(pk__in=ids).update(lease_until=later, **changes)
    return ids
