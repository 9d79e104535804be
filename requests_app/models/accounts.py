"""Per-user settings: alert preferences and the secret calendar feed token."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models

from requests_app.models.campaigns import new_token


class AlertDelivery(models.TextChoices):
    IMMEDIATE = "immediate", "As soon as it is due"
    DIGEST = "digest", "One daily digest"


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    calendar_token = models.CharField(max_length=64, default=new_token, unique=True)
    # Alert kinds the user has switched off; everything else is on.
    muted_alert_kinds = models.JSONField(default=list, blank=True)
    alert_delivery = models.CharField(
        max_length=10, choices=AlertDelivery.choices, default=AlertDelivery.IMMEDIATE
    )
    digest_hour = models.PositiveSmallIntegerField(default=7, help_text="0–23, local time")
    alerts_paused = models.BooleanField(default=False)
    due_soon_working_days = models.PositiveSmallIntegerField(default=3)

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    @classmethod
    def for_user(cls, user: User) -> Profile:
        profile, _ = cls.objects.get_or_create(user=user)
        return profile

    def reset_calendar_token(self) -> None:
        self.calendar_token = new_token()
        self.save(update_fields=["calendar_token"])

    def wants(self, alert_kind: str) -> bool:
        return not self.alerts_paused and alert_kind not in self.muted_alert_kinds
