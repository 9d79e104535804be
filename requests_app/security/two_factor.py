"""Optional two-factor login: a TOTP app (RFC 6238) through django-otp.

An account that switches it on is asked for a six-digit code after its password, once per
session. The QR code is drawn here as inline SVG, so the secret never leaves the server.
"""

from __future__ import annotations

import qrcode
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathImage

DEVICE_NAME = "Authenticator app"


def has_second_factor(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def pending_device(user: AbstractBaseUser) -> TOTPDevice:
    """The device being set up: made once, so reloading the page keeps the same secret."""
    device, _ = TOTPDevice.objects.get_or_create(
        user_id=user.pk, confirmed=False, defaults={"name": DEVICE_NAME}
    )
    return device


def qr_code_svg(text: str, label: str) -> SafeString:
    """`text` as a QR code in an <svg> element, labelled for screen readers."""
    image = qrcode.make(text, image_factory=SvgPathImage, box_size=10, border=2)
    svg = image.to_string(encoding="unicode")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    return mark_safe(svg)  # noqa: S308 - drawn by qrcode from our own URL; the label is escaped


def spaced_secret(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an app by hand."""
    secret = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def confirmed_device(user: AbstractBaseUser) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).first()
