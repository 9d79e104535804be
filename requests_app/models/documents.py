"""Attachments, stored once per content, and the text of their pages."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import IO

from django.contrib.auth.models import AnonymousUser, User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Q

from requests_app.models.correspondence import Message
from requests_app.models.leases import LeasedWorkQuerySet
from requests_app.models.requests import FoiRequest


def blob_name(sha256: str) -> str:
    return f"blobs/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def store_blob(stream: IO[bytes]) -> tuple[str, str, int]:
    """Store content once per sha256; returns (storage name, sha256, size)."""
    digest = hashlib.sha256()
    chunks = []
    size = 0
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(chunk)
        chunks.append(chunk)
        size += len(chunk)
    sha256 = digest.hexdigest()
    name = blob_name(sha256)
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(b"".join(chunks)))
    return name, sha256, size


class ExtractionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for extraction"
    EXTRACTING = "extracting", "Extracting text"
    DONE = "done", "Text extracted"
    NEEDS_OCR = "needs_ocr", "Waiting for OCR"
    OCR_DONE = "ocr_done", "Text recognised (OCR)"
    FAILED = "failed", "Extraction failed"
    ENCRYPTED = "encrypted", "Encrypted"
    UNSUPPORTED = "unsupported", "Format not supported"


class AttachmentQuerySet(LeasedWorkQuerySet["Attachment"]):
    waiting_status = ExtractionStatus.PENDING
    working_status = ExtractionStatus.EXTRACTING

    def visible_to(self, user: User | AnonymousUser) -> AttachmentQuerySet:
        if not user.is_authenticated:
            return self.none()
        visible_requests = FoiRequest.objects.visible_to(user).values("pk")
        unmatched_own = Q(message__request__isnull=True, message__imported_by=user)
        return self.filter(Q(message__request__in=visible_requests) | unmatched_own)

    def stranded_for_ocr(self, now: dt.datetime) -> AttachmentQuerySet:
        """Queued for OCR past their lease; those parked without a lease (no OCR here) wait."""
        return self.filter(status=ExtractionStatus.NEEDS_OCR, lease_until__lt=now)


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    filename = models.CharField(max_length=255, help_text="The original name, made safe.")
    content_type = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, db_index=True)
    file = models.FileField(max_length=255)
    status = models.CharField(
        max_length=20, choices=ExtractionStatus.choices, default=ExtractionStatus.PENDING
    )
    status_detail = models.TextField(blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    pages_done = models.PositiveIntegerField(default=0)
    extraction_attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Waiting: when it is queued again if no worker has started it. "
        "Being read: when its worker is taken to have died.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["message", "id"]

    def __str__(self) -> str:
        return self.filename


class DocumentPage(models.Model):
    attachment = models.ForeignKey(Attachment, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField()
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["attachment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["attachment", "number"], name="unique_document_page")
        ]

    def __str__(self) -> str:
        return f"{self.attachment} p.{self.number}"
