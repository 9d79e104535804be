"""Redacted versions of attachments, the boxes that made them, and accepted disclosures.

A redacted version is an attachment of its own (a PDF filed on the same message, with the
original as its parent), so text extraction and search treat it like any other document;
`RedactedVersion` links it to the original, which is never changed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from requests_app.models.documents import Attachment
from requests_app.models.law import Exemption


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
    """A finding of the disclosure check that a person looked at and chose to let go."""

    attachment = models.ForeignKey(
        Attachment, on_delete=models.CASCADE, related_name="disclosure_acceptances"
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
            )
        ]

    def __str__(self) -> str:
        return f"{self.attachment_id}: {self.key}"
