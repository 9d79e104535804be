"""Share links: managing a request's links, and the public page a link opens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods

from requests_app.models import FoiRequest
from requests_app.redaction.checking import disclosure_gate
from requests_app.sharing import services
from requests_app.views.access import editable_request, signed_in_user


@login_required
@require_http_methods(["GET", "POST"])
def request_share(request: HttpRequest, reference: str) -> HttpResponse:
    """`requests/<reference>/share/`: the owner and editors make and revoke links."""
    foi_request = editable_request(request, reference)
    if request.method == "POST":
        return change_links(request, foi_request)
    links = foi_request.share_links.select_related("created_by")
    rows = [(link, request.build_absolute_uri(link.get_absolute_url())) for link in links]
    context = {"foi_request": foi_request, "rows": rows}
    response = render(request, "requests_app/sharing/request_share.html", context)
    add_never_cache_headers(response)  # the page holds live secrets
    return response


def change_links(request: HttpRequest, foi_request: FoiRequest) -> HttpResponse:
    user = signed_in_user(request)
    action = request.POST.get("action")
    if action == "create":
        held = disclosure_gate(
            request,
            requests=FoiRequest.objects.filter(pk=foi_request.pk),
            output="share_link",
            subject=foi_request,
            come_back_to=reverse("request_share", args=[foi_request.reference]),
        )
        if held is not None:
            return held
        services.create_share_link(foi_request=foi_request, created_by=user, request=request)
        messages.success(request, "A new share link is ready: copy it from the list below.")
    elif action == "revoke":
        link = get_object_or_404(foi_request.share_links, pk=request.POST.get("link") or 0)
        if services.revoke_share_link(link=link, actor=user, request=request):
            messages.success(request, "The link is revoked: it no longer opens anything.")
    else:
        messages.error(request, "Choose whether to create or revoke a link.")
    return redirect("request_share", reference=foi_request.reference)


@require_GET
def shared_request(request: HttpRequest, token: str) -> HttpResponse:
    """`shared/<token>/`: the request as a link's holder may read it; 404 once revoked."""
    link = services.active_link(token)
    if link is None:
        raise Http404("This link does not exist or has been revoked.")
    context = {"shared": services.shared_request(link)}
    response = render(request, "requests_app/sharing/shared_request.html", context)
    add_never_cache_headers(response)
    # The address is the secret: keep it out of search engines and other sites' logs.
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
