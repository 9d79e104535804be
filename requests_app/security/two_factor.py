"""Optional two-factor login: a TOTP app (RFC 6238) through django-otp.

An account that switches it on is asked for a six-digit code after its password, once per
session. The QR code is drawn here as inline SVG, so the secret never leaves the server.
"""

from __future__ import annotations

from typing import Any

import qrcode
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathImage

from requests_app.views.access import signed_in_user

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


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Six-digit code",
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
        help_text="The code your authenticator app shows now.",
    )

    def __init__(self, *args: Any, device: TOTPDevice | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        # verify_token throttles itself: each wrong code doubles the wait before the next.
        if self.device is None or not self.device.verify_token(code):
            raise forms.ValidationError("That code is not right, or has expired. Try the next one.")
        return code


def confirmed_device(user: AbstractBaseUser) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).first()


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Switch the second factor on (scan, then confirm a code) or off (confirm a code)."""
    user = signed_in_user(request)
    device = confirmed_device(user)
    if device is not None:
        return turn_off(request, device)
    return turn_on(request, pending_device(user))


def turn_on(request: HttpRequest, device: TOTPDevice) -> HttpResponse:
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        messages.success(request, "Two-factor login is on: we will ask for a code when you log in.")
        return redirect("two_factor_setup")
    context = {
        "form": form,
        "qr_code": qr_code_svg(device.config_url, "QR code to scan with your authenticator app"),
        "secret": spaced_secret(device),
    }
    return render(request, "requests_app/security/two_factor_setup.html", context)


def turn_off(request: HttpRequest, device: TOTPDevice) -> HttpResponse:
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            TOTPDevice.objects.filter(user_id=device.user_id).delete()
        messages.success(request, "Two-factor login is off.")
        return redirect("two_factor_setup")
    context = {"form": form, "device": device}
    return render(request, "requests_app/security/two_factor_setup.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of logging in, for accounts with an authenticator app."""
    user = signed_in_user(request)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = resolve_url("dashboard")
    device = confirmed_device(user)
    if device is None or user.is_verified():  # type: ignore[attr-defined]
        return redirect(next_url)
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        return redirect(next_url)
    context = {"form": form, "next": next_url}
    return render(request, "requests_app/security/two_factor_verify.html", context)
