"""The audit trail of one request, for its owner, and the pages of two-factor login."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from requests_app.security.forms import CodeForm
from requests_app.security.two_factor import (
    confirmed_device,
    pending_device,
    qr_code_svg,
    spaced_secret,
)
from requests_app.views.access import signed_in_user, visible_request_or_404
from requests_app.views.listing import paginate


@login_required
def request_audit(request: HttpRequest, reference: str) -> HttpResponse:
    """`requests/<reference>/audit/`: every recorded change, newest first.

    Colleagues who can see the request get 403 rather than 404: they know it exists, but the
    trail (with addresses) is the owner's.
    """
    # Look the request up before checking the method, so an outsider gets 404 whatever they send.
    foi_request = visible_request_or_404(request, reference)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    if foi_request.owner_id != request.user.pk:
        raise PermissionDenied("Only the request's owner may read its audit trail.")
    entries = foi_request.audit_entries.select_related("actor").order_by("-created_at", "-id")
    context = {"foi_request": foi_request, "page": paginate(request, entries)}
    return render(request, "requests_app/security/request_audit.html", context)


# --- two-factor login ---------------------------------------------------------------------


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
