"""The outbox of everything a person is told: one row per (user, request, kind, deadline)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from requests_app.models.requests import FoiRequest


class AlertStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class Alert(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts"
    )
    # Empty only for a test alert the user asked for from their account page.
    request = models.ForeignKey(
        FoiRequest, on_delete=models.CASCADE, related_name="alerts", null=True, blank=True
    )
    kind = models.CharField(max_length=40)
    deadline = models.DateField()
    status = models.CharField(
        max_length=10, choices=AlertStatus.choices, default=AlertStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "request", "kind", "deadline"], name="unique_alert"
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.request_id} {self.deadline} → {self.user_id}"

    def claim(self) -> bool:
        """Move pending → sending; only the caller that changed the row may send."""
        claimed = Alert.objects.filter(pk=self.pk, status=AlertStatus.PENDING).update(
            status=AlertStatus.SENDING, claimed_at=timezone.now(), attempts=models.F("attempts") + 1
        )
        return claimed == 1

    def mark_sent(self) -> None:
        Alert.objects.filter(pk=self.pk).update(status=AlertStatus.SENT, sent_at=timezone.now())
        self.refresh_from_db()

    def mark_failed(self, error: str, *, retry: bool) -> None:
        status = AlertStatus.PENDING if retry else AlertStatus.FAILED
        Alert.objects.filter(pk=self.pk).update(status=status, last_error=error[:2000])
        self.refresh_from_db()

    def hold(self, reason: str) -> None:
        """Keep it pending, saying why it waits (no address to send it to yet)."""
        Alert.objects.filter(pk=self.pk, status=AlertStatus.PENDING).update(last_error=reason)
        self.refresh_from_db()
