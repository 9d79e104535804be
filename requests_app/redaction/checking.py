"""The disclosure check pages: for one request, and for a campaign (its report and shares).

Anyone who may see the requests sees the findings; redacting or accepting one needs the
right to edit its request; the campaign's sensitive names are kept by its owners and
editors.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from requests_app.audit import record_audit
from requests_app.models import Campaign, DisclosureAcceptance, FoiRequest, ReasonKind, Role
from requests_app.redaction.disclosure import (
    Finding,
    check_attachments,
    check_requests,
    disclosed_attachments,
)
from requests_app.redaction.services import (
    RedactionError,
    RedactionOrder,
    create_redacted_version,
    make_reason,
    may_redact,
)
from requests_app.views.access import (
    can_edit_request,
    signed_in_user,
    visible_campaign_or_404,
    visible_request_or_404,
)


class SensitiveNamesForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["sensitive_names"]
        widgets = {"sensitive_names": forms.Textarea(attrs={"rows": 4})}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def request_disclosure(request: HttpRequest, reference: str) -> HttpResponse:
    foi_request = visible_request_or_404(request, reference)
    requests = FoiRequest.objects.filter(pk=foi_request.pk)
    if request.method == "POST":
        if not can_edit_request(request, foi_request):
            raise PermissionDenied("You may look at this request but not change what it discloses.")
        act_on_finding(request, requests)
        return redirect("request_disclosure", reference=reference)
    context = {"subject": foi_request, "findings": check_requests(requests), "campaign": None}
    return render(request, "requests_app/redaction/disclosure.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def campaign_disclosure(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = visible_campaign_or_404(request, slug)
    requests = FoiRequest.objects.visible_to(request.user).filter(campaign=campaign)
    may_edit_names = campaign.role_of(request.user) in (Role.OWNER, Role.EDITOR)
    names_form = SensitiveNamesForm(instance=campaign)
    if request.method == "POST":
        if not may_edit_names:
            raise PermissionDenied(
                "Only the campaign's owners and editors change what it discloses."
            )
        if request.POST.get("action") != "names":
            act_on_finding(request, requests)
            return redirect("campaign_disclosure", slug=slug)
        names_form = SensitiveNamesForm(request.POST, instance=campaign)
        if names_form.is_valid():
            names_form.save()
            flash.success(request, "The sensitive names are saved.")
            return redirect("campaign_disclosure", slug=slug)
    context = {
        "subject": campaign,
        "campaign": campaign,
        "findings": check_requests(requests),
        "names_form": names_form if may_edit_names else None,
    }
    return render(request, "requests_app/redaction/disclosure.html", context)


def act_on_finding(request: HttpRequest, requests: QuerySet[FoiRequest]) -> None:
    """Redact or accept the finding the form names (by attachment and key)."""
    finding = _posted_finding(request, requests)
    if finding is None:
        flash.error(request, "That finding is no longer there: the check was run again.")
        return
    user = signed_in_user(request)
    if not may_redact(user, finding.attachment):
        raise PermissionDenied("You may look at this request but not change what it discloses.")
    if request.POST.get("action") == "accept":
        DisclosureAcceptance.objects.get_or_create(
            attachment=finding.attachment, key=finding.key, defaults={"accepted_by": user}
        )
        record_audit(
            actor=user,
            action="disclosure.accepted",
            obj=finding.attachment,
            changes={"finding": ["", f"{finding.label}: {finding.detail}"]},
            request=request,
        )
        flash.success(request, f"{finding.label} accepted for “{finding.attachment.filename}”.")
        return
    _redact(request, finding)


def _posted_finding(request: HttpRequest, requests: QuerySet[FoiRequest]) -> Finding | None:
    attachment_id, key = request.POST.get("attachment", ""), request.POST.get("key", "")
    if not attachment_id.isdigit():
        return None
    attachments = [
        attachment
        for attachment in disclosed_attachments(requests)
        if attachment.pk == int(attachment_id)
    ]
    return next((f for f in check_attachments(attachments) if f.key == key), None)


def _redact(request: HttpRequest, finding: Finding) -> None:
    user = signed_in_user(request)
    if finding.personal:
        order = RedactionOrder(
            words=[finding.detail], reason=make_reason(kind=ReasonKind.PERSONAL_DATA)
        )
    elif finding.cleaned_by_a_copy:
        order = RedactionOrder()
    else:
        flash.error(request, "Open the document's redaction page to black out what it hides.")
        return
    try:
        version = create_redacted_version(
            attachment=finding.attachment, order=order, user=user, clean_copy=True
        )
    except RedactionError as error:
        flash.error(request, str(error))
        return
    record_audit(
        actor=user,
        action="attachment.redacted",
        obj=version.attachment,
        changes={"redactions": [0, version.redactions.count()]},
        request=request,
    )
    flash.success(
        request, f"“{version.attachment.filename}” is ready and will be used from now on."
    )
