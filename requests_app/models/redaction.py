"""Redacted versions of attachments, the boxes that made them, and accepted disclosures.

A redacted version is an attachment of its own (a PDF filed on the same message, with the
original as its parent), so text extraction and search treat it like any other document;
`RedactedVersion` links it to the original, which is never changed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from requests_app.models.correspondence import Message
from requests_app.models.documents import Attachment
from requests_app.models.law import Exemption
from requests_app.models.leases import ClaimedWorkQuerySet


class ReasonKind(models.TextChoices):
    PERSONAL_DATA = "personal_data", "Personal data"
    EXEMPTION = "exemption", "An exemption"
    OTHER = "other", "Other (say why)"


class MarkSource(models.TextChoices):
    BOX = "box", "Box drawn on the page"
    PATTERN = "pattern", "Pattern"
    WORDS = "words", "Word list"


class RedactedVersionQuerySet(models.QuerySet["RedactedVersion"]):
    def latest_for(self, original_ids: list[int]) -> dict[int, RedactedVersion]:
        """original id -> its newest redacted version, in one query."""
        newest: dict[int, RedactedVersion] = {}
        rows = self.filter(original_id__in=original_ids).select_related("attachment")
        for version in rows.order_by("original_id", "created_at", "pk"):
            newest[version.original_id] = version
        return newest


class RedactedVersion(models.Model):
    original = models.ForeignKey(
        Attachment, on_delete=models.CASCADE, related_name="redacted_versions"
    )
    attachment = models.OneToOneField(
        Attachment,
        on_delete=models.CASCADE,
        related_name="redaction_of",
        help_text="The redacted PDF, an attachment of its own.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    page_count = models.PositiveIntegerField(default=0)

    objects = RedactedVersionQuerySet.as_manager()

    class Meta:
        ordering = ["original", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.attachment.filename} (redacted from {self.original_id})"


class Redaction(models.Model):
    """One box burnt into a redacted version, in PDF points from the page's top-left."""

    version = models.ForeignKey(
        RedactedVersion, on_delete=models.CASCADE, related_name="redactions"
    )
    page = models.PositiveIntegerField()
    x0 = models.FloatField()
    y0 = models.FloatField()
    x1 = models.FloatField()
    y1 = models.FloatField()
    source = models.CharField(max_length=10, choices=MarkSource.choices)
    reason_kind = models.CharField(max_length=20, choices=ReasonKind.choices)
    exemption = models.ForeignKey(Exemption, null=True, blank=True, on_delete=models.PROTECT)
    reason_text = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["version", "page", "y0", "x0"]

    def __str__(self) -> str:
        return f"p.{self.page} {self.reason}"

    @property
    def reason(self) -> str:
        if self.reason_kind == ReasonKind.EXEMPTION and self.exemption is not None:
            return self.exemption.citation + (f": {self.reason_text}" if self.reason_text else "")
        if self.reason_kind == ReasonKind.PERSONAL_DATA:
            return "Personal data" + (f": {self.reason_text}" if self.reason_text else "")
        return self.reason_text or "Other"


class DisclosureAcceptance(models.Model):
    """A finding of the disclosure check that a person looked at and chose to let go:
    in a document (`attachment`) or in the text of a letter or reply (`message`)."""

    attachment = models.ForeignKey(
        Attachment,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="disclosure_acceptances",
    )
    message = models.ForeignKey(
        Message,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="disclosure_acceptances",
    )
    key = models.CharField(max_length=64, help_text="What was found, as a digest.")
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["attachment", "key"], name="unique_disclosure_acceptance"
            ),
            models.UniqueConstraint(
                fields=["message", "key"], name="unique_message_disclosure_acceptance"
            ),
            models.CheckConstraint(
                condition=Q(attachment__isnull=True) ^ Q(message__isnull=True),
                name="disclosure_acceptance_of_one_thing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attachment_id or self.message_id}: {self.key}"


class RedactedText(models.Model):
    """A redacted copy of a letter's or reply's text, used wherever the text leaves the
    app (share link, bundle, exports); the message itself keeps the original."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="redacted_texts")
    body_text = models.TextField()
    withheld = models.JSONField(
        default=list, help_text="What was blacked out, each with its reason: the log."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["message", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Redacted text of message {self.message_id}"


class JobStatus(models.TextChoices):
    PENDING = "pending", "Waiting to start"
    RUNNING = "running", "Being made"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class RedactionJobQuerySet(ClaimedWorkQuerySet["RedactionJob"]):
    waiting_status = JobStatus.PENDING
    working_status = JobStatus.RUNNING


class RedactionJob(models.Model):
    """A redacted version made by a worker, for documents too long to make while the
    browser waits. `order` is what to withhold, as the editor took it."""

    attachment = models.ForeignKey(
        Attachment, on_delete=models.CASCADE, related_name="redaction_jobs"
    )
    order = models.JSONField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    version = models.OneToOneField(
        RedactedVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="job"
    )
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Waiting: when it is queued again if no worker has started it. "
        "Being made: when its worker is taken to have died.",
    )

    objects = RedactionJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Redaction of attachment {self.attachment_id} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
