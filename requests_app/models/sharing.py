"""Read-only links that show a request to someone without an account."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from requests_app.models.requests import FoiRequest


def new_share_token() -> str:
    # 256 bits from the OS's generator: a link cannot be guessed, only handed on.
    return secrets.token_urlsafe(32)


class ShareLinkQuerySet(models.QuerySet["ShareLink"]):
    def active(self) -> ShareLinkQuerySet:
        return self.filter(revoked_at__isnull=True)


class ShareLink(models.Model):
    """A secret address that shows one request, masked, to whoever holds it."""

    request = models.ForeignKey(FoiRequest, on_delete=models.CASCADE, related_name="share_links")
    token = models.CharField(max_length=64, unique=True, default=new_share_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "active"
        return f"Share link for {self.request.reference} ({state})"

    def get_absolute_url(self) -> str:
        return reverse("shared_request", kwargs={"token": self.token})

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def revoke(self, at: dt.datetime | None = None) -> bool:
        """Revoke the link; False when it was revoked already (by this or another click)."""
        at = at or timezone.now()
        changed = ShareLink.objects.filter(pk=self.pk, revoked_at__isnull=True).update(
            revoked_at=at
        )
        if changed:
            self.revoked_at = at
        return bool(changed)
