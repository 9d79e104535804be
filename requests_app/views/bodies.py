"""Public bodies: the directory, one body's page, and the search behind the picker."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from requests_app.casework.filters import PublicBodyFilter
from requests_app.models import FoiRequest, NonWorkingDay, PublicBody
from requests_app.views.listing import deadline_rows, paginate, table_rows, versioned_count_key
from requests_app.views.page_cache import cached_page

SEARCH_LIMIT = 20


@login_required
@require_GET
def body_list(request: HttpRequest) -> HttpResponse:
    bodies = PublicBody.objects.active().prefetch_related("tags")
    filterset = PublicBodyFilter(request.GET, queryset=bodies, request=request)
    found = filterset.qs if filterset.is_valid() else bodies.none()
    context = {"filter": filterset, "page": paginate(request, found)}
    return render(request, "requests_app/body_list.html", context)


@login_required
@require_GET
@cached_page
def body_detail(request: HttpRequest, slug: str) -> HttpResponse:
    body = get_object_or_404(PublicBody.objects.prefetch_related("tags"), slug=slug)
    requests = FoiRequest.objects.visible_to(request.user).filter(public_body=body)
    rows = table_rows(requests.with_list_relations().by_next_deadline())
    # Every column the count reads (visibility and body) is one counts_version watches.
    page = paginate(request, rows, count_key=versioned_count_key(request, "body", body.pk))
    today = timezone.localdate()
    context = {
        "body": body,
        "page": page,
        "rows": deadline_rows(page.object_list, today, NonWorkingDay.engine_days()),
    }
    return render(request, "requests_app/body_detail.html", context)


@login_required
@require_GET
def body_search(request: HttpRequest) -> JsonResponse:
    """Up to 20 active bodies whose name or short name contains ?q=, for the picker."""
    text = request.GET.get("q", "").strip()
    bodies = PublicBody.objects.active().matching(text)[:SEARCH_LIMIT] if text else []
    results = [
        {"id": body.pk, "label": body.label, "default_regime": body.default_regime}
        for body in bodies
    ]
    return JsonResponse(results, safe=False)
