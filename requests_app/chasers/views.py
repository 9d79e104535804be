"""Opting a request or a campaign into automatic chasers, and approving a queued chaser."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from requests_app.audit import record_audit
from requests_app.chasers import services
from requests_app.chasers.forms import ChaserRuleForm
from requests_app.models import Chaser, ChaserStatus
from requests_app.views.access import editable_request, owned_campaign, signed_in_user


@login_required
@require_POST
def request_chaser_rule(request: HttpRequest, reference: str) -> HttpResponse:
    foi_request = editable_request(request, reference)
    form = ChaserRuleForm(request.POST)
    if not form.is_valid():
        flash.error(request, "Give a number of working days from 1 to 60, or leave it empty.")
        return redirect(foi_request)
    days = form.cleaned_data["working_days_overdue"]
    user = signed_in_user(request)
    services.set_rule(
        actor=user, working_days_overdue=days, mode=form.cleaned_data["mode"],
        foi_request=foi_request,
    )  # fmt: skip
    record_audit(
        actor=user,
        action="request.chasers_set",
        obj=foi_request,
        changes={
            "chase_after_working_days": [None, days],
            "mode": [None, form.cleaned_data["mode"]],
        },
        request=request,
    )
    flash.success(request, _rule_message(days))
    return redirect(foi_request)


@login_required
@require_POST
def campaign_chaser_rule(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = owned_campaign(request, slug)
    form = ChaserRuleForm(request.POST)
    if not form.is_valid():
        flash.error(request, "Give a number of working days from 1 to 60, or leave it empty.")
        return redirect(campaign)
    days = form.cleaned_data["working_days_overdue"]
    services.set_rule(
        actor=signed_in_user(request), working_days_overdue=days,
        mode=form.cleaned_data["mode"], campaign_id=campaign.pk,
    )  # fmt: skip
    flash.success(request, _rule_message(days) + " This applies to every request of the campaign.")
    return redirect(campaign)


def _rule_message(days: int | None) -> str:
    if days is None:
        return "Automatic chasers are off."
    return f"A chaser will be prepared once a reply is {days} working days late."


@login_required
@require_POST
def decide_chaser(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    if decision not in ("send", "discard"):
        raise Http404("No such decision.")
    chaser = get_object_or_404(Chaser.objects.select_related("request"), pk=pk)
    foi_request = editable_request(request, chaser.request.reference)
    user = signed_in_user(request)
    services.cancel_stale_chasers(today=timezone.localdate(), chaser_id=chaser.pk)
    if decision == "send":
        done = services.send_chaser(chaser_id=chaser.pk, approved_by=user)
        refreshed = Chaser.objects.get(pk=chaser.pk)
        if refreshed.status == ChaserStatus.NO_ADDRESS:
            flash.error(request, "The chaser was not sent: there is no address for the body.")
        elif done:
            flash.success(request, "The chaser is on its way.")
        else:
            flash.info(request, "That chaser was already dealt with.")
    else:
        done = services.discard_chaser(chaser_id=chaser.pk, actor=user)
        flash.success(request, "The chaser will not be sent." if done else "Already dealt with.")
    return redirect(foi_request)
