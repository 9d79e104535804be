"""Automatic chasers: opted into per request or per campaign, owed once per missed deadline."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from requests_app.models.campaigns import Campaign
from requests_app.models.correspondence import Message
from requests_app.models.requests import FoiRequest


class ChaserMode(models.TextChoices):
    SEND = "send", "Send it for me"
    APPROVE = "approve", "Ask me to approve it first"


class ChaserRule(models.Model):
    """Chase a request (or each request of a campaign) N working days after it fell overdue.

    A request's own rule wins over its campaign's.
    """

    request = models.OneToOneField(
        FoiRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="chaser_rule"
    )
    campaign = models.OneToOneField(
        Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="chaser_rule"
    )
    working_days_overdue = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    mode = models.CharField(max_length=10, choices=ChaserMode.choices, default=ChaserMode.APPROVE)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(request__isnull=False, campaign__isnull=True)
                | models.Q(request__isnull=True, campaign__isnull=False),
                name="chaser_rule_for_request_or_campaign",
            )
        ]

    def __str__(self) -> str:
        return f"Chase {self.request or self.campaign} after {self.working_days_overdue} days"


class ChaserStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", "Waiting for your approval"
    PENDING = "pending", "To send"
    SENT = "sent", "Sent"
    DISCARDED = "discarded", "Not sent"
    NO_ADDRESS = "no_address", "Not sent: no address for the body"


class Chaser(models.Model):
    """The outbox row of one chaser: unique per request and missed deadline, so it is owed
    once; it is claimed by a conditional UPDATE before its letter is queued."""

    request = models.ForeignKey(FoiRequest, on_delete=models.CASCADE, related_name="chasers")
    deadline = models.DateField(help_text="The missed deadline this chases.")
    status = models.CharField(max_length=20, choices=ChaserStatus.choices)
    working_days_overdue = models.PositiveSmallIntegerField()
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["request", "deadline"], name="one_chaser_per_deadline")
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"Chaser for {self.request_id} ({self.deadline}): {self.status}"
