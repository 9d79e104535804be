"""Account workflows: confirming a new email address, the first-steps checklist.

A new address is confirmed by a signed link sent to it (valid for
EMAIL_CONFIRMATION_DAYS); the token names the user and the address, and only the
address still waiting on the account can be confirmed by it, so an older link stops
working once another address is asked for.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from requests_app.alerts.delivery import held_alerts, release_held
from requests_app.alerts.kinds import Kind
from requests_app.models import Alert, Direction, FoiRequest, Message, Profile

logger = logging.getLogger(__name__)

EMAIL_CONFIRMATION_SALT = "requests_app.accounts.email"
EMAIL_CONFIRMATION_DAYS = 3
SEND_ERRORS = (smtplib.SMTPException, OSError)


@dataclass(frozen=True)
class EmailConfirmation:
    user_id: int
    address: str


def confirmation_token(user_id: int, address: str) -> str:
    return signing.dumps({"user": user_id, "email": address}, salt=EMAIL_CONFIRMATION_SALT)


def read_confirmation_token(token: str) -> EmailConfirmation | None:
    max_age = dt.timedelta(days=EMAIL_CONFIRMATION_DAYS)
    try:
        data = signing.loads(token, salt=EMAIL_CONFIRMATION_SALT, max_age=max_age)
    except signing.BadSignature:  # also SignatureExpired
        return None
    if not isinstance(data, dict):
        return None
    user_id, address = data.get("user"), data.get("email")
    if not isinstance(user_id, int) or not isinstance(address, str):
        return None
    return EmailConfirmation(user_id, address)


def ask_to_confirm_email(*, profile: Profile, address: str) -> bool:
    """Keep `address` waiting and send the confirmation link to it; False if it failed."""
    profile.request_email_change(address)
    link = settings.SITE_URL.rstrip("/") + reverse(
        "account_confirm_email", kwargs={"token": confirmation_token(profile.user_id, address)}
    )
    context = {"name": profile.name, "link": link, "days": EMAIL_CONFIRMATION_DAYS}
    message = EmailMultiAlternatives(
        subject="Confirm your email address for FOI Tracker",
        body=render_to_string("emails/account/confirm_email.txt", context),
        to=[address],
        headers={"Auto-Submitted": "auto-generated"},
    )
    try:
        message.send()
    except SEND_ERRORS as error:
        logger.warning("Could not send the confirmation to user %s: %s", profile.user_id, error)
        return False
    return True


def confirm_email(*, confirmation: EmailConfirmation) -> bool:
    """Make the confirmed address the account's; what was held for want of one goes out."""
    profile = Profile.objects.select_related("user").filter(user_id=confirmation.user_id).first()
    if profile is None or not profile.confirm_email(confirmation.address):
        return False
    release_held(user_id=profile.user_id)
    return True


@dataclass(frozen=True)
class Checklist:
    """The first steps, each done or not, worked out from what the account has."""

    email: str
    pending_email: str
    held_alerts: int
    has_request: bool
    has_reply: bool
    last_test_alert: Alert | None

    @property
    def email_done(self) -> bool:
        return bool(self.email)

    @property
    def test_alert_done(self) -> bool:
        return self.last_test_alert is not None and self.last_test_alert.sent_at is not None

    @property
    def done(self) -> int:
        steps = (self.email_done, self.has_request, self.has_reply, self.test_alert_done)
        return sum(steps)

    @property
    def complete(self) -> bool:
        return self.done == 4


def checklist_for(user: User) -> Checklist:
    profile = Profile.for_user(user)
    mine = FoiRequest.objects.visible_to(user)
    replies = Message.objects.filter(request__in=mine, direction=Direction.INCOMING)
    tests = Alert.objects.filter(user=user, kind=Kind.TEST).order_by("-created_at", "-pk")
    return Checklist(
        email=user.email,
        pending_email=profile.pending_email,
        held_alerts=held_alerts(user.pk).count(),
        has_request=mine.exists(),
        has_reply=replies.exists(),
        last_test_alert=tests.first(),
    )
