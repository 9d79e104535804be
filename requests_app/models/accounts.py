"""Per-user settings: name and letter signature, the email address being confirmed, alert
preferences and the secret calendar feed token.

The address on the account (`User.email`) is always one the user confirmed (or that an
administrator set): a new address waits in `pending_email` until the link sent to it is
followed, and until then everything keeps going to the old one.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.utils import timezone

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
    display_name = models.CharField(max_length=150, blank=True)
    letter_signature = models.TextField(
        blank=True, help_text="How your letters end, after “Yours faithfully,”."
    )
    pending_email = models.EmailField(blank=True)
    email_change_requested_at = models.DateTimeField(null=True, blank=True)
    checklist_done_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    @classmethod
    def for_user(cls, user: User) -> Profile:
        profile, _ = cls.objects.get_or_create(user=user)
        return profile

    def reset_calendar_token(self) -> None:
        self.calendar_token = new_token()
        self.save(update_fields=["calendar_token"])

    @property
    def name(self) -> str:
        """What the app calls the user: their display name, full name or username."""
        return self.display_name or self.user.get_full_name() or self.user.get_username()

    def signature(self) -> str:
        """The lines a letter ends with."""
        return self.letter_signature.strip() or self.name

    def request_email_change(self, address: str) -> None:
        self.pending_email = address
        self.email_change_requested_at = timezone.now()
        self.save(update_fields=["pending_email", "email_change_requested_at"])

    def confirm_email(self, address: str) -> bool:
        """Make `address` the account's address if it is the one waiting; False if not."""
        if not address or address.lower() != self.pending_email.lower():
            return False
        self.user.email = self.pending_email
        self.user.save(update_fields=["email"])
        self.pending_email = ""
        self.email_change_requested_at = None
        self.save(update_fields=["pending_email", "email_change_requested_at"])
        return True

    def finish_checklist(self) -> None:
        if self.checklist_done_at is None:
            self.checklist_done_at = timezone.now()
            self.save(update_fields=["checklist_done_at"])

    def wants(self, alert_kind: str) -> bool:
        return not self.alerts_paused and alert_kind not in self.muted_alert_kinds


def signature_of(user: User) -> str:
    """How the user's letters end, without creating a profile for them."""
    profile = Profile.objects.filter(user=user).first()
    return profile.signature() if profile else user.get_full_name() or user.get_username()
