"""The account page, the email confirmation link, the first-steps checklist."""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.management import call_command
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from requests_app.accounts.forms import AccountForm
from requests_app.accounts.services import (
    ask_to_confirm_email,
    checklist_for,
    confirm_email,
    read_confirmation_token,
)
from requests_app.alerts.services import send_test_alert
from requests_app.management.commands.seed_demo import CAMPAIGN_SLUG
from requests_app.models import Campaign, Profile
from requests_app.security.two_factor import has_second_factor
from requests_app.views.access import signed_in_user


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    profile = Profile.for_user(user)
    form = AccountForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        _ask_for_new_email(request, profile, form.new_email)
        messages.success(request, "Your account is saved.")
        return redirect("account")
    context = {
        "form": form,
        "profile": profile,
        "checklist": checklist_for(user),
        "two_factor": has_second_factor(user),
    }
    return render(
        request, "requests_app/accounts/account.html", context, status=400 if form.errors else 200
    )


def _ask_for_new_email(request: HttpRequest, profile: Profile, address: str | None) -> None:
    if address is None:
        return
    meanwhile = "keep going to the old one" if profile.user.email else "are held"
    if ask_to_confirm_email(profile=profile, address=address):
        messages.info(
            request,
            f"We sent a link to {address}. Follow it to start using that address; "
            f"until then alerts {meanwhile}.",
        )
    else:
        messages.error(request, f"The link to {address} could not be sent; try again later.")


# The signed token is the authority here (like an unsubscribe link): the person who
# reads the new mailbox confirms it, signed in or not. GET shows a button, POST confirms,
# so a mail scanner that follows links does not confirm anything.
@require_http_methods(["GET", "POST"])
def confirm_email_address(request: HttpRequest, token: str) -> HttpResponse:
    confirmation = read_confirmation_token(token)
    template = "requests_app/accounts/confirm_email.html"
    if confirmation is None:
        return render(request, template, {"invalid": True}, status=400)
    if request.method == "GET":
        return render(request, template, {"address": confirmation.address})
    if not confirm_email(confirmation=confirmation):
        return render(request, template, {"invalid": True}, status=400)
    return render(request, template, {"address": confirmation.address, "confirmed": True})


@login_required
@require_GET
def checklist(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    context = {
        "checklist": checklist_for(user),
        "imap_configured": bool(settings.IMAP_URL),
        "inbound_domain": settings.FOI_INBOUND_DOMAIN,
    }
    return render(request, "requests_app/accounts/checklist.html", context)


class AccountLoginView(LoginView):
    """Signing in leads to the first-steps checklist until it is done or put aside.

    Only instead of the dashboard: a link to another page (`?next=`) is followed as usual.
    """

    def get_success_url(self) -> str:
        target = super().get_success_url()
        if target != reverse("dashboard"):
            return target
        profile = Profile.for_user(signed_in_user(self.request))
        return target if profile.checklist_done_at else reverse("account_checklist")


@login_required
@require_POST
def finish_checklist(request: HttpRequest) -> HttpResponse:
    Profile.for_user(signed_in_user(request)).finish_checklist()
    return redirect("dashboard")


@login_required
@require_POST
def test_alert(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    send_test_alert(user_id=user.pk)
    if user.email:
        messages.success(request, f"A test alert is on its way to {user.email}.")
    else:
        messages.warning(request, "The test alert is held until you confirm an email address.")
    return redirect("account" if request.POST.get("next") == "account" else "account_checklist")


@login_required
@require_POST
def load_demo(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if Campaign.objects.filter(slug=CAMPAIGN_SLUG).exists():
        messages.info(request, "The demo campaign was loaded already, for the first account.")
        return redirect("account_checklist")
    call_command("seed_demo", owner=user.get_username(), stdout=io.StringIO())
    messages.success(request, "The demo campaign is loaded: its requests are on your dashboard.")
    return redirect("account_checklist")
