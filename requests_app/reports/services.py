"""Building reports in the background and keeping them until what they show changes.

A report's `source_fingerprint` is a hash of everything the document depends on (the
request and the ids and timestamps of its events, letters and attachments, or the
campaign's visible requests) and of the day it was prepared, since "days overdue" and
the next steps move with the date. A request for a report whose fingerprint is already
built, or being built, is given that one instead of starting another.

A build claims its report with a conditional UPDATE and holds a lease, renewed as it
makes progress. A worker that dies mid-build leaves the report "running"; once the lease
has run out, the next build task (or the stranded-work sweep, see requests_app/queueing.py)
takes it back and builds it again. Only the build holding the claim records the result.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import tempfile
from collections.abc import Callable
from typing import IO, Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Length
from django.utils import timezone

from requests_app.models import (
    Answer,
    AnswerField,
    Attachment,
    Batch,
    Campaign,
    FoiRequest,
    GeneratedReport,
    Message,
    ReportKind,
    ReportStatus,
    RequestEvent,
)
from requests_app.models.documents import store_blob
from requests_app.models.reports import GeneratedReportQuerySet
from requests_app.queueing import stranded_after

logger = logging.getLogger(__name__)

# Bumped when the documents' layout changes, so older builds are not served as current.
FORMAT_VERSION = "reports-1"
# A build still pending or running after this long is taken to have died with its worker.
STALE_BUILD = dt.timedelta(minutes=30)
# A build that has not made progress for this long is taken to have died with its worker.
BUILD_LEASE = dt.timedelta(minutes=10)
REUSABLE = (ReportStatus.PENDING, ReportStatus.RUNNING, ReportStatus.DONE)
REQUEST_FIELDS = (
    "title",
    "their_reference",
    "public_body_id",
    "campaign_id",
    "regime",
    "status",
    "text",
    "notes",
    "sent_on",
    "received_on",
    "due_on",
    "extended_due_on",
    "review_due_on",
    "very_overdue_on",
    "escalation_closes_on",
    "deadline_explanations",
)


# --- fingerprints ---------------------------------------------------------------------


def _digest(parts: list[Any]) -> str:
    encoded = json.dumps(parts, default=str, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()


def request_fingerprint(foi_request: FoiRequest, today: dt.date) -> str:
    """What a case summary or bundle of this request depends on; five small queries."""
    events = RequestEvent.objects.filter(request=foi_request).order_by("id")
    messages = Message.objects.filter(request=foi_request).order_by("id")
    attachments = Attachment.objects.filter(message__request=foi_request).order_by("id")
    return _digest(
        [
            FORMAT_VERSION,
            today,
            foi_request.pk,
            foi_request.updated_at,
            # The fields the documents print, in case one changed within a clock tick.
            [getattr(foi_request, name) for name in REQUEST_FIELDS],
            list(foi_request.exemptions.order_by("id").values_list("id", flat=True)),
            list(events.values_list("id", "created_at")),
            list(
                messages.annotate(text_length=Length("body_text")).values_list(
                    "id", "sent_at", "created_at", "subject", "kind", "text_length"
                )
            ),
            list(attachments.values_list("id", "sha256", "status", "page_count", "filename")),
        ]
    )


def campaign_requests(campaign: Campaign, user: User) -> QuerySet[FoiRequest]:
    return FoiRequest.objects.visible_to(user).filter(campaign=campaign)


def campaign_fingerprint(campaign: Campaign, user: User, today: dt.date) -> str:
    rows = campaign_requests(campaign, user).order_by("id").values_list("id", "updated_at")
    return _digest([FORMAT_VERSION, today, campaign.pk, campaign.name, list(rows)])


def batch_fingerprint(batch: Batch, user: User, today: dt.date) -> str:
    """The members the reader sees as they are now, the fields and every answer."""
    members = FoiRequest.objects.visible_to(user).filter(batch=batch)
    rows = members.order_by("id").values_list("id", "updated_at")
    fields = AnswerField.objects.filter(batch=batch).order_by("id")
    answers = Answer.objects.filter(field__batch=batch, request__in=members.values("pk"))
    return _digest(
        [
            FORMAT_VERSION,
            today,
            batch.pk,
            batch.title,
            batch.sent_on,
            list(rows),
            list(fields.values_list("id", "name", "kind", "order")),
            list(answers.order_by("id").values_list("id", "value_text", "entered_at")),
        ]
    )


# --- starting and reusing builds ------------------------------------------------------


def start_bundle(*, foi_request: FoiRequest, user: User, today: dt.date) -> GeneratedReport:
    """The bundle for the case as it is now: an existing build, or a new one queued."""
    fingerprint = request_fingerprint(foi_request, today)
    existing = GeneratedReport.objects.filter(
        kind=ReportKind.BUNDLE, foi_request=foi_request, source_fingerprint=fingerprint
    )
    return _reuse_or_queue(
        existing,
        today,
        kind=ReportKind.BUNDLE,
        foi_request=foi_request,
        requested_by=user,
        source_fingerprint=fingerprint,
    )


def start_campaign_report(*, campaign: Campaign, user: User, today: dt.date) -> GeneratedReport:
    """A campaign report shows what its reader may see, so each reader has their own."""
    return _reuse_or_queue_own(
        today,
        kind=ReportKind.CAMPAIGN_REPORT,
        campaign=campaign,
        requested_by=user,
        source_fingerprint=campaign_fingerprint(campaign, user, today),
    )


def start_batch_report(*, batch: Batch, user: User, today: dt.date) -> GeneratedReport:
    """Like a campaign report, a batch report shows what its reader may see: one each."""
    return _reuse_or_queue_own(
        today,
        kind=ReportKind.BATCH_REPORT,
        batch=batch,
        requested_by=user,
        source_fingerprint=batch_fingerprint(batch, user, today),
    )


def _reuse_or_queue_own(today: dt.date, **fields: Any) -> GeneratedReport:
    """A report only its reader gets: reuse one made with exactly these fields."""
    return _reuse_or_queue(GeneratedReport.objects.filter(**fields), today, **fields)


def _reuse_or_queue(
    existing: QuerySet[GeneratedReport], today: dt.date, **fields: Any
) -> GeneratedReport:
    now = timezone.now()
    for report in existing.filter(status__in=REUSABLE).order_by("-created_at"):
        if not report.is_stale_build(now, after=STALE_BUILD):
            return report
    report = GeneratedReport.objects.create(**fields)
    from requests_app.reports.tasks import queue_build  # the tasks module imports this one

    queue_build(report.pk, today)
    return report


def current_report(reports: QuerySet[GeneratedReport], fingerprint: str) -> GeneratedReport | None:
    """The newest build for this fingerprint that has not failed or died."""
    now = timezone.now()
    for report in reports.filter(source_fingerprint=fingerprint).order_by("-created_at"):
        if report.status == ReportStatus.FAILED:
            return report
        if not report.is_stale_build(now, after=STALE_BUILD):
            return report
    return None


# --- building -------------------------------------------------------------------------


Writer = Callable[[GeneratedReport, dt.date, IO[bytes], Callable[[int], None]], int]


def _write_bundle(
    report: GeneratedReport, today: dt.date, output: IO[bytes], progress: Callable[[int], None]
) -> int:
    from requests_app.reports.bundle import write_bundle

    assert report.foi_request is not None
    result = write_bundle(
        foi_request=report.foi_request, today=today, output=output, progress=progress
    )
    return result.page_count


def _write_campaign_report(
    report: GeneratedReport, today: dt.date, output: IO[bytes], progress: Callable[[int], None]
) -> int:
    from requests_app.reports.campaign_report import write_campaign_report

    assert report.campaign is not None and report.requested_by is not None
    return write_campaign_report(
        campaign=report.campaign, user=report.requested_by, today=today, output=output
    )


def _write_case_summary(
    report: GeneratedReport, today: dt.date, output: IO[bytes], progress: Callable[[int], None]
) -> int:
    from requests_app.reports.case_summary import write_case_summary

    assert report.foi_request is not None
    return write_case_summary(foi_request=report.foi_request, today=today, output=output)


def _write_batch_report(
    report: GeneratedReport, today: dt.date, output: IO[bytes], progress: Callable[[int], None]
) -> int:
    from requests_app.batches.report import write_batch_report

    assert report.batch is not None and report.requested_by is not None
    return write_batch_report(
        batch=report.batch, user=report.requested_by, today=today, output=output
    )


WRITERS: dict[str, Writer] = {
    ReportKind.BUNDLE: _write_bundle,
    ReportKind.CAMPAIGN_REPORT: _write_campaign_report,
    ReportKind.CASE_SUMMARY: _write_case_summary,
    ReportKind.BATCH_REPORT: _write_batch_report,
}


class ProgressRecorder:
    """Writes progress to the row, at most once per few percent, renewing the build's lease."""

    def __init__(self, report: GeneratedReport) -> None:
        self.report = report
        self.last = 0

    def __call__(self, percent: int) -> None:
        percent = max(0, min(99, percent))
        if percent >= self.last + 5:
            _held(self.report).update(progress=percent, lease_until=timezone.now() + BUILD_LEASE)
            self.last = percent


def build_report(*, report_id: int, today: dt.date) -> GeneratedReport | None:
    """Build a pending report, or one whose last builder's lease ran out; a report another
    worker is building is left alone (None)."""
    report = _claim(report_id)
    if report is None:
        return None
    try:
        _build_and_store(report, today)
    except Exception as error:
        logger.exception("Report %s (%s) failed", report.pk, report.kind)
        _finish(report, status=ReportStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000])
    report.refresh_from_db()
    return report


def _build_and_store(report: GeneratedReport, today: dt.date) -> None:
    # The document goes to a temporary file, not memory: bundles run to hundreds of pages.
    with tempfile.TemporaryFile() as output:
        page_count = WRITERS[report.kind](report, today, output, ProgressRecorder(report))
        output.seek(0)
        name, _sha256, size = store_blob(output)
    _finish(report, status=ReportStatus.DONE, file=name, size=size, page_count=page_count)


def _claim(report_id: int) -> GeneratedReport | None:
    if not GeneratedReport.objects.claim(report_id, now=timezone.now(), lease=BUILD_LEASE):
        return None
    return GeneratedReport.objects.select_related(
        "foi_request__public_body", "campaign", "batch", "requested_by"
    ).get(pk=report_id)


def _held(report: GeneratedReport) -> QuerySet[GeneratedReport]:
    """The report's row while this build still holds the claim (none once taken back)."""
    return GeneratedReport.objects.held(report.pk, report.attempts)


def _finish(report: GeneratedReport, **fields: Any) -> None:
    if fields.get("status") == ReportStatus.DONE:
        fields["progress"] = 100
    _held(report).update(finished_at=timezone.now(), lease_until=None, **fields)


def requeue_stranded(*, now: dt.datetime) -> int:
    """Queue again builds that waited past their lease or whose worker died mid-build.

    Only builds young enough to be shown: an older one has been given up by the pages
    (see STALE_BUILD), which start a new build when asked again."""
    recent = GeneratedReport.objects.filter(created_at__gt=now - STALE_BUILD)
    later = now + stranded_after()
    ids = _take(recent.abandoned(now), later, status=ReportStatus.PENDING)
    ids += _take(recent.stranded(now, stranded_after()), later)
    from requests_app.reports.tasks import queue_build  # the tasks module imports this one

    for report_id, created_at in recent.filter(pk__in=ids).values_list("pk", "created_at"):
        queue_build(report_id, timezone.localdate(created_at))
    return len(ids)


def _take(reports: GeneratedReportQuerySet, later: dt.datetime, **changes: object) -> list[int]:
    """Give them a new lease (and `changes`) while they still qualify; their ids."""
    ids = list(reports.values_list("pk", flat=True))
    reports.filter(pk__in=ids).update(lease_until=later, **changes)
    return ids


def case_summary_report(*, foi_request: FoiRequest, user: User, today: dt.date) -> GeneratedReport:
    """The case summary, built now (it takes seconds) unless this state is already built."""
    fingerprint = request_fingerprint(foi_request, today)
    done = GeneratedReport.objects.filter(
        kind=ReportKind.CASE_SUMMARY,
        foi_request=foi_request,
        source_fingerprint=fingerprint,
        status=ReportStatus.DONE,
    ).first()
    if done is not None:
        return done
    with transaction.atomic():
        report = GeneratedReport.objects.create(
            kind=ReportKind.CASE_SUMMARY,
            foi_request=foi_request,
            requested_by=user,
            source_fingerprint=fingerprint,
        )
    return build_report(report_id=report.pk, today=today) or report
