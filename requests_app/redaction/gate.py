"""The disclosure check as a gate: nothing leaves the app past an unresolved finding.

Before a share link is made, a bundle or campaign report is built, or requests are
exported, the view asks `unresolved_findings` about exactly what is about to leave. With
none, it goes ahead and nothing extra is shown. With some, it shows them instead of
producing anything, each with its one-click redact or accept; the person may also confirm
"share anyway", which is recorded in the audit log with who confirmed and every finding
that was still open (`confirmed_leaving`).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from requests_app.audit import record_audit
from requests_app.models import FoiRequest
from requests_app.redaction.disclosure import Finding, check_requests, open_findings

# The audit entry names this many open findings one by one, then counts the rest.
MAX_AUDITED = 500
CONFIRM_FIELD = "disclosure"
CONFIRM_VALUE = "share-anyway"
# What each output carries: a share link shows the correspondence with the body, but
# never the files or the internal notes.
CARRIES_DOCUMENTS = {
    "share_link": False,
    "bundle": True,
    "export": True,
    "campaign_report": True,
    "batch_report": True,
}
CARRIES_NOTES = {**CARRIES_DOCUMENTS, "share_link": False}


def unresolved_findings(requests: QuerySet[FoiRequest], *, output: str) -> list[Finding]:
    """The findings neither redacted nor accepted in what `output` would take out."""
    findings = check_requests(
        requests, documents=CARRIES_DOCUMENTS[output], notes=CARRIES_NOTES[output]
    )
    return open_findings(findings)


def confirmed_leaving(
    *,
    user: User | AnonymousUser | None,
    output: str,
    subject: models.Model,
    findings: list[Finding],
    request: HttpRequest | None,
) -> None:
    """Record that `user` let `output` of `subject` leave with these findings open."""
    listed = [
        f"{finding.where}: {finding.label}: {finding.detail}" for finding in findings[:MAX_AUDITED]
    ]
    if len(findings) > MAX_AUDITED:
        listed.append(f"… and {len(findings) - MAX_AUDITED} more")
    references = sorted(
        {finding.foi_request.reference for finding in findings if finding.foi_request}
    )
    record_audit(
        actor=user,
        action="disclosure.shared_anyway",
        obj=subject,
        changes={
            "output": ["", output],
            "unresolved_count": [0, len(findings)],
            "requests": [[], references],
            "unresolved": [[], listed],
        },
        request=request,
    )


def confirmed_by(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == CONFIRM_VALUE
