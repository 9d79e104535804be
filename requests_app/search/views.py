"""The search page, and saving, listing and deleting saved searches."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from requests_app.models import SavedSearch
from requests_app.search.engine import SearchResults, run_search
from requests_app.search.filters import SearchFilterSet
from requests_app.search.query import parse_query
from requests_app.search.saved import describe_filters, save_search
from requests_app.views.access import signed_in_user
from requests_app.views.page_cache import cached_page

# Parameters the "save this search" form leaves out.
PAGE_PARAMS = ("page", "csrfmiddlewaretoken")
FILTER_PARAMS = (
    "kind",
    "body",
    "campaign",
    "status",
    "regime",
    "date_from",
    "date_to",
    "file_type",
    "exemption",
    "sort",
)


def page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else 1


@login_required
@require_GET
@cached_page
def search_page(request: HttpRequest) -> HttpResponse:
    filterset = SearchFilterSet(request.GET or None, request=request)
    results = None
    if request.GET and filterset.is_valid():
        results = run_search(
            request.user,
            parse_query(filterset.query_text()),
            filterset.search_filters(),
            page=page_number(request),
            sort=filterset.sort_order(),
        )
    context = {
        "filter": filterset,
        "results": results,
        "within": filterset.within(),
        "query": filterset.query_text(),
        "can_save": _can_save(results),
        "filters_open": bool(filterset.form.errors)
        or any(request.GET.get(name) for name in FILTER_PARAMS),
        "saved_params": _saved_params(request),
    }
    return render(request, "requests_app/search/search.html", context)


def _can_save(results: SearchResults | None) -> bool:
    return results is not None and results.query.is_searchable


def _saved_params(request: HttpRequest) -> list[tuple[str, str]]:
    """The current search as hidden fields for the "save this search" form."""
    return [
        (name, value)
        for name, values in request.GET.lists()
        if name not in PAGE_PARAMS
        for value in values
    ]


@login_required
@require_POST
def saved_search_create(request: HttpRequest) -> HttpResponse:
    filterset = SearchFilterSet(request.POST, request=request)
    query = parse_query(filterset.query_text())
    if not filterset.is_valid() or not query.is_searchable:
        messages.error(request, "Only a search with at least one word to look for can be saved.")
        return redirect("search")
    saved = save_search(
        user=signed_in_user(request),
        name=request.POST.get("name", ""),
        query=query,
        filters=filterset.search_filters(),
        within=filterset.within(),
    )
    messages.success(
        request,
        f"Saved “{saved.name}”. You will get an alert when something new matches, "
        "at once or in your daily digest, as your alert settings say.",
    )
    return HttpResponseRedirect(saved.get_absolute_url())


@login_required
@require_GET
def saved_search_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    searches = list(SavedSearch.objects.filter(user=user))
    context: dict[str, Any] = {"searches": describe_filters(searches)}
    return render(request, "requests_app/search/saved_list.html", context)


@login_required
@require_POST
def saved_search_delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved = get_object_or_404(SavedSearch, pk=pk, user=signed_in_user(request))
    saved.delete()
    messages.success(request, f"Deleted the saved search “{saved.name}”.")
    return redirect("saved_search_list")
