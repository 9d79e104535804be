"""What happened to the archive: who changed what, and whether the stored originals are intact."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from requests_app.models.requests import FoiRequest


class AuditEntry(models.Model):
    """One change made by a person (or the app), with the fields it changed.

    Written by `requests_app.audit.record_audit` and never edited afterwards.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=50)
    object_type = models.CharField(max_length=100, help_text="app_label.model of the object")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200, blank=True)
    # The request the change was about, so its owner can read the trail; kept (as null)
    # when the request itself is deleted.
    request = models.ForeignKey(
        FoiRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    changes = models.JSONField(default=dict, blank=True, help_text="field: [old, new]")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["request", "created_at"]),
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class FixityReport(models.Model):
    """One run of the fixity check: every stored original re-hashed against its sha256."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    files_checked = models.PositiveIntegerField(default=0)
    bytes_checked = models.PositiveBigIntegerField(default=0)
    # [{"problem": "missing" | "mismatch", "kind", "name", "expected", "found", "ids"}]
    problems = models.JSONField(default=list, blank=True)
    problem_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        state = "intact" if self.is_intact else f"{self.problem_count} problem(s)"
        return f"Fixity check {self.started_at:%Y-%m-%d %H:%M}: {state}"

    @property
    def is_intact(self) -> bool:
        return self.finished_at is not None and self.problem_count == 0
