"""Recording what happened to a request: acknowledgement, response, review, appeal …"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from requests_app.casework.forms import USER_EVENT_KINDS, event_form_class
from requests_app.models import EventKind
from requests_app.views.access import editable_request, signed_in_user
from requests_app.views.saved import not_saved, saved


def user_event_kind(kind: str) -> EventKind:
    if kind not in USER_EVENT_KINDS:
        raise Http404("No such event.")
    return EventKind(kind)


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    event_kind = user_event_kind(kind)
    foi_request = editable_request(request, reference)
    form_class = event_form_class(event_kind)
    data = request.POST if request.method == "POST" else None
    form = form_class(data, kind=event_kind, foi_request=foi_request)
    if form.is_valid():
        form.record(signed_in_user(request), request)
        return saved(request, f"Recorded: {event_kind.label}.", foi_request.get_absolute_url())
    context = {"foi_request": foi_request, "form": form, "kind": event_kind}
    return not_saved(
        request, form, lambda: render(request, "requests_app/event_form.html", context)
    )
