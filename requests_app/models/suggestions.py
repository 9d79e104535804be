"""Public bodies ordinary users would add: suggestions staff accept or reject.

The directory is shared by everyone, so a body a user's spreadsheet names but the tracker
does not know is not created on the spot. It becomes a suggestion that holds the rows
naming it; when staff accept it, the body is created and those rows are logged as the
user's requests; when staff reject it, the rows are dropped and the user sees why.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.utils import timezone

from requests_app.models.bodies import PublicBody


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for staff"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class BodySuggestionQuerySet(models.QuerySet["BodySuggestion"]):
    def pending(self) -> BodySuggestionQuerySet:
        return self.filter(status=SuggestionStatus.PENDING)


class BodySuggestion(models.Model):
    name = models.CharField(max_length=255)
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="body_suggestions"
    )
    # The spreadsheet rows that name the body, by import field ("title", "sent_on" …),
    # as the cells' text: imported for `suggested_by` once the body is accepted.
    held_rows = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING
    )
    body = models.ForeignKey(
        PublicBody, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BodySuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"

    def decide(self, *, status: str, by: User, body: PublicBody | None = None) -> bool:
        """Record the decision once: False when another member of staff decided first."""
        now = timezone.now()
        changes: dict[str, Any] = {"status": status, "decided_by": by, "decided_at": now}
        if body is not None:
            changes["body"] = body
        pending = BodySuggestion.objects.filter(pk=self.pk, status=SuggestionStatus.PENDING)
        if pending.update(**changes) != 1:
            return False
        for name, value in changes.items():
            setattr(self, name, value)
        return True
