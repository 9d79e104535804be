"""Reports built in the background: complaint bundles and campaign reports, kept until stale."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from requests_app.models.campaigns import Campaign
from requests_app.models.leases import ClaimedWorkQuerySet
from requests_app.models.requests import FoiRequest


class ReportKind(models.TextChoices):
    CASE_SUMMARY = "case_summary", "Case summary"
    BUNDLE = "bundle", "Complaint bundle"
    CAMPAIGN_REPORT = "campaign_report", "Campaign report"
    BATCH_REPORT = "batch_report", "Batch report"


class ReportStatus(models.TextChoices):
    PENDING = "pending", "Waiting to start"
    RUNNING = "running", "Being built"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class GeneratedReportQuerySet(ClaimedWorkQuerySet["GeneratedReport"]):
    waiting_status = ReportStatus.PENDING
    working_status = ReportStatus.RUNNING


class GeneratedReport(models.Model):
    """One build of a document; `source_fingerprint` says which state of the case it shows."""

    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    foi_request = models.ForeignKey(
        FoiRequest,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="generated_reports",
    )
    campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="generated_reports",
    )
    batch = models.ForeignKey(
        "requests_app.Batch",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="generated_reports",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="generated_reports",
    )
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    file = models.FileField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    source_fingerprint = models.CharField(max_length=64, db_index=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Waiting: when it is queued again if no worker has started it. "
        "Being built: when its worker is taken to have died.",
    )

    objects = GeneratedReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["foi_request", "kind", "source_fingerprint"]),
            models.Index(fields=["campaign", "kind", "source_fingerprint"]),
            models.Index(fields=["batch", "kind", "source_fingerprint"]),
        ]

    def __str__(self) -> str:
        subject = self.foi_request or self.campaign or self.batch
        return f"{self.get_kind_display()} of {subject} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportStatus.DONE, ReportStatus.FAILED)

    def is_stale_build(self, now: dt.datetime | None = None, *, after: dt.timedelta) -> bool:
        """A build that has been pending or running for longer than any build should take."""
        if self.is_finished:
            return False
        return (now or timezone.now()) - self.created_at > after
