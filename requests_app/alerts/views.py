"""Pages of the alerts area: one-click unsubscribe, preferences, a request's alert history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from requests_app.alerts.emails import ALL_KINDS, Unsubscribe, read_unsubscribe_token
from requests_app.alerts.forms import AlertPreferencesForm
from requests_app.alerts.kinds import KINDS
from requests_app.models import Profile
from requests_app.views.access import signed_in_user, visible_request_or_404

HISTORY_LIMIT = 500


def kind_label(code: str) -> str:
    return "all alerts" if code == ALL_KINDS else f"“{KINDS[code].label}” alerts"


# The token is the authority here, not a session: mail providers send the RFC 8058
# one-click POST without cookies or a CSRF token.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = read_unsubscribe_token(token)
    user = get_user_model().objects.filter(pk=found.user_id).first() if found else None
    if found is None or user is None:
        return render(request, "requests_app/alerts/unsubscribe_invalid.html", status=400)
    context = {"what": kind_label(found.kind), "unsubscribe": found}
    if request.method == "POST":
        apply_unsubscribe(found, Profile.for_user(user))
        return render(request, "requests_app/alerts/unsubscribe_done.html", context)
    return render(request, "requests_app/alerts/unsubscribe.html", context)


def apply_unsubscribe(found: Unsubscribe, profile: Profile) -> None:
    if found.kind == ALL_KINDS:
        profile.alerts_paused = True
        profile.save(update_fields=["alerts_paused"])
    elif found.kind not in profile.muted_alert_kinds:
        profile.muted_alert_kinds = [*profile.muted_alert_kinds, found.kind]
        profile.save(update_fields=["muted_alert_kinds"])


@login_required
@require_http_methods(["GET", "POST"])
def alert_preferences(request: HttpRequest) -> HttpResponse:
    profile = Profile.for_user(signed_in_user(request))
    form = AlertPreferencesForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your alert settings are saved.")
        return redirect("alert_preferences")
    status = 400 if form.errors else 200
    return render(request, "requests_app/alerts/preferences.html", {"form": form}, status=status)


@login_required
def request_alerts(request: HttpRequest, reference: str) -> HttpResponse:
    foi_request = visible_request_or_404(request, reference)
    alerts = foi_request.alerts.select_related("user").order_by("-created_at", "-pk")
    context = {"foi_request": foi_request, "alerts": alerts[:HISTORY_LIMIT], "kinds": KINDS}
    return render(request, "requests_app/alerts/history.html", context)
