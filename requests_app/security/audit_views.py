"""The audit trail of one request, for its owner."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render

from requests_app.views.access import visible_request_or_404
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
