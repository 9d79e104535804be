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
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from requests_app.audit import record_audit
from requests_app.models import Campaign, DisclosureAcceptance, FoiRequest, ReasonKind, Role
from requests_app.redaction.disclosure import (
    Finding,
    check_attachments,
    check_messages,
    check_requests,
    disclosed_attachments,
    disclosed_messages,
)
from requests_app.redaction.gate import (
    CONFIRM_FIELD,
    CONFIRM_VALUE,
    confirmed_by,
    confirmed_leaving,
    unresolved_findings,
)
from requests_app.redaction.services import (
    RedactionError,
    RedactionOrder,
    audit_redaction,
    create_redacted_version,
    make_reason,
)
from requests_app.redaction.texts import redact_text
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
        return redirect(_return_to(request) or reverse("request_disclosure", args=[reference]))
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
            return redirect(_return_to(request) or reverse("campaign_disclosure", args=[slug]))
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


def _return_to(request: HttpRequest) -> str:
    """Where a finding acted on from the check before something leaves goes back to."""
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target.startswith("/") and safe else ""


def act_on_finding(request: HttpRequest, requests: QuerySet[FoiRequest]) -> None:
    """Redact or accept the finding the form names (by attachment or message, and key)."""
    finding = _posted_finding(request, requests)
    if finding is None:
        flash.error(request, "That finding is no longer there: the check was run again.")
        return
    if finding.foi_request is None or not can_edit_request(request, finding.foi_request):
        raise PermissionDenied("You may look at this request but not change what it discloses.")
    if request.POST.get("action") == "accept":
        _accept(request, finding)
    elif finding.message is not None:
        _redact_text(request, finding)
    else:
        _redact(request, finding)


def _accept(request: HttpRequest, finding: Finding) -> None:
    user = signed_in_user(request)
    DisclosureAcceptance.objects.get_or_create(
        attachment=finding.attachment,
        message=finding.message,
        key=finding.key,
        defaults={"accepted_by": user},
    )
    record_audit(
        actor=user,
        action="disclosure.accepted",
        obj=finding.attachment or finding.message,  # type: ignore[arg-type]
        changes={"finding": ["", f"{finding.label}: {finding.detail}"]},
        request=request,
    )
    flash.success(request, f"{finding.label} accepted for {finding.where}.")


def _posted_finding(request: HttpRequest, requests: QuerySet[FoiRequest]) -> Finding | None:
    key = request.POST.get("key", "")
    attachment_id, message_id = request.POST.get("attachment", ""), request.POST.get("message", "")
    if message_id.isdigit():
        messages = [m for m in disclosed_messages(requests) if m.pk == int(message_id)]
        return next((f for f in check_messages(messages) if f.key == key), None)
    if not attachment_id.isdigit():
        return None
    attachments = [
        attachment
        for attachment in disclosed_attachments(requests)
        if attachment.pk == int(attachment_id)
    ]
    return next((f for f in check_attachments(attachments) if f.key == key), None)


def _redact_text(request: HttpRequest, finding: Finding) -> None:
    """A redacted copy of the message's text without the passage; the original stays."""
    assert finding.message is not None
    user = signed_in_user(request)
    copy = redact_text(
        message=finding.message, passages=[finding.detail], reason="Personal data", user=user
    )
    record_audit(
        actor=user,
        action="message.text_redacted",
        obj=finding.message,
        changes={"withheld": [0, len(copy.withheld)]},
        request=request,
    )
    flash.success(
        request, f"{finding.label} redacted from {finding.where}: the copy is used from now on."
    )


def _redact(request: HttpRequest, finding: Finding) -> None:
    assert finding.attachment is not None
    user = signed_in_user(request)
    if finding.personal:
        order = RedactionOrder(
            words=[finding.detail], reason=make_reason(kind=ReasonKind.PERSONAL_DATA)
        )
    elif finding.cleaned_by_a_copy:
        order = RedactionOrder()
    else:
        flash.error(request, "Open the document's redaction page to black out what it holds.")
        return
    try:
        version = create_redacted_version(
            attachment=finding.attachment, order=order, user=user, clean_copy=True
        )
    except RedactionError as error:
        flash.error(request, str(error))
        return
    audit_redaction(version, user, request)
    flash.success(
        request, f"“{version.attachment.filename}” is ready and will be used from now on."
    )


# --- the check before something leaves -------------------------------------------------------

# The gate page lists this many open findings; the disclosure check of each request or
# campaign lists them all.
MAX_SHOWN = 200
# What the gate page says of each output: "Nothing was {done} yet … or {verb} anyway".
OUTPUTS = {
    "share_link": {"done": "shared", "verb": "share"},
    "bundle": {"done": "built", "verb": "build the bundle"},
    "export": {"done": "exported", "verb": "export"},
    "campaign_report": {"done": "built", "verb": "build the report"},
    "batch_report": {"done": "built", "verb": "build the report"},
}


def disclosure_gate(
    request: HttpRequest,
    *,
    requests: QuerySet[FoiRequest],
    output: str,
    subject: Model,
    come_back_to: str,
) -> HttpResponse | None:
    """None when `output` may go ahead: nothing is unresolved in it, or the person has just
    confirmed "share anyway" (audited). Otherwise the page listing what is unresolved."""
    findings = unresolved_findings(requests, output=output)
    if not findings:
        return None
    if confirmed_by(request):
        confirmed_leaving(
            user=request.user, output=output, subject=subject, findings=findings, request=request
        )
        return None
    carried = [
        (name, value)
        for name, value in request.POST.items()
        if name not in ("csrfmiddlewaretoken", CONFIRM_FIELD)
    ]
    context = {
        "findings": findings[:MAX_SHOWN],
        "open_count": len(findings),
        "not_shown": max(0, len(findings) - MAX_SHOWN),
        "what": OUTPUTS[output],
        "come_back_to": come_back_to,
        "confirm_action": request.get_full_path(),
        "carried": carried,
        "confirm_field": CONFIRM_FIELD,
        "confirm_value": CONFIRM_VALUE,
    }
    return render(request, "requests_app/redaction/gate.html", context)
