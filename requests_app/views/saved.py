"""How a form that changes a request answers: a redirect with a toast for the plain form,
JSON with the toast's words and the request page's new content for the page's script
(`static/js/inline-save.js`, which marks its requests with `X-Requested-With: fetch`)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django import forms
from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers

SCRIPT_HEADER = "X-Requested-With"
SCRIPT_MARK = "fetch"
# The pages that can answer the script with their content alone.
PAGES_WITH_CONTENT = {"request_detail"}


def from_script(request: HttpRequest) -> bool:
    return request.headers.get(SCRIPT_HEADER) == SCRIPT_MARK


def vary_on_script(response: HttpResponse) -> HttpResponse:
    """A page that answers the script differently must not be cached as one answer."""
    patch_vary_headers(response, [SCRIPT_HEADER])
    return response


def saved(request: HttpRequest, message: str, to: str) -> HttpResponse:
    """The change is saved: back to `to` with `message`, or the script gets both as JSON,
    with the content of the page at `to` rendered by that page's own view, so the content
    obeys the page's own visibility rules."""
    if not from_script(request):
        flash.success(request, message)
        return redirect(to)
    return JsonResponse({"message": message, "url": to, "html": page_content(request, to)})


def not_saved(
    request: HttpRequest, form: forms.BaseForm, page: Callable[[], HttpResponse]
) -> HttpResponse:
    """The form has errors: the page that shows them, or the script gets them in words."""
    if not from_script(request):
        return page()
    return JsonResponse({"message": f"Not saved. {errors_in_words(form)}"}, status=400)


def errors_in_words(form: forms.BaseForm) -> str:
    """'Date: Enter a valid date.' — each field's errors after its label."""
    parts = []
    for field, errors in form.errors.items():
        words = " ".join(str(error) for error in errors)
        label = form.fields[field].label if field in form.fields else None
        parts.append(f"{label}: {words}" if label else words)
    return " ".join(parts) or "Check the form and try again."


def page_content(request: HttpRequest, url: str) -> str:
    """The page's content alone, from its own view; "" for a page that has no such answer."""
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return ""
    if match.url_name not in PAGES_WITH_CONTENT:
        return ""
    response = match.func(request, *match.args, **match.kwargs)
    return response.content.decode(response.charset)
