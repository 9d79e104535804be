"""Whole pages kept under the pages version, for the pages a campaigner opens all day.

A page is kept for one user, one day and one address. Its key names all the page is made
of: the pages version (any statement that changes a row of a table a page may read
changes it: migration 0025), the user, today's date and the time zone, the language, the
host and the full path with its query, and whether the page's own script asked for its
content alone. So a kept page is what the view would render now: another user, another
day or any change to the data is another key.

What differs between two views of the same page is put in as it is served:
- the CSRF token is rendered as a placeholder (`csrf_placeholder`, a context processor)
  and each response gets the request's own token in its place;
- a request with a message to show (the messages framework) is rendered afresh, and a
  page that shows one is not kept.

Only a complete 200 response to a GET, setting no cookie, is kept; anything else is
served as the view made it. FOI_PAGE_CACHE=0 turns the keeping off.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.response import SimpleTemplateResponse
from django.utils import timezone, translation

from requests_app.models.versions import pages_version
from requests_app.views.saved import SCRIPT_HEADER

PAGES_CACHE = "pages"
# Where the request's CSRF token goes in a kept page: random, so that no letter or note
# can carry it; kept with the page, so any process can serve a page another one kept.
_PLACEHOLDER = secrets.token_hex(16)
_PLACEHOLDER_ATTRIBUTE = "page_token_placeholder"

View = Callable[..., HttpResponse]


@dataclass(frozen=True)
class KeptPage:
    placeholder: bytes
    content: bytes
    headers: tuple[tuple[str, str], ...]


def cached_page(view: View) -> View:
    """The view's page, kept under the pages version for the signed-in user (see above).
    Goes inside `login_required`."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if (
            not settings.FOI_PAGE_CACHE
            or request.method != "GET"
            or not request.user.is_authenticated
            or len(messages.get_messages(request))
        ):
            return view(request, *args, **kwargs)
        key = page_key(request)
        pages = caches[PAGES_CACHE]
        kept = pages.get(key)
        if kept is None:
            response = render_with_placeholder(view, request, *args, **kwargs)
            kept = keepable(request, response)
            if kept is None:
                return with_token(request, response)
            pages.set(key, kept)
        return served(request, kept)

    return wrapper


def page_key(request: HttpRequest) -> str:
    parts = (
        pages_version(),
        request.user.pk,
        timezone.localdate().isoformat(),
        timezone.get_current_timezone_name(),
        translation.get_language(),
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        request.headers.get(SCRIPT_HEADER, ""),
    )
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def render_with_placeholder(
    view: View, request: HttpRequest, *args: Any, **kwargs: Any
) -> HttpResponse:
    setattr(request, _PLACEHOLDER_ATTRIBUTE, _PLACEHOLDER)
    try:
        response = view(request, *args, **kwargs)
        if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
            response.render()
    finally:  # an error page rendered after this gets a real token
        delattr(request, _PLACEHOLDER_ATTRIBUTE)
    return response


def csrf_placeholder(request: HttpRequest) -> dict[str, str]:
    """The context processor that renders the CSRF token as the placeholder in a page
    being kept (it runs after Django's own, so its value wins)."""
    placeholder = getattr(request, _PLACEHOLDER_ATTRIBUTE, None)
    return {"csrf_token": placeholder} if placeholder else {}


def keepable(request: HttpRequest, response: HttpResponse) -> KeptPage | None:
    if (
        response.status_code != 200
        or response.streaming
        or response.cookies
        or len(messages.get_messages(request))  # the view added one, and the page shows it
    ):
        return None
    # Serving puts a token of another length in: the length is counted again then.
    headers = tuple((n, v) for n, v in response.items() if n.lower() != "content-length")
    return KeptPage(_PLACEHOLDER.encode(), response.content, headers)


def served(request: HttpRequest, kept: KeptPage) -> HttpResponse:
    response = HttpResponse(token_put_in(request, kept.content, kept.placeholder))
    for name, value in kept.headers:
        response[name] = value
    return response


def with_token(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A response not kept, with the request's token where the placeholder went."""
    if not response.streaming:
        response.content = token_put_in(request, response.content, _PLACEHOLDER.encode())
    return response


def token_put_in(request: HttpRequest, content: bytes, placeholder: bytes) -> bytes:
    """`content` with the request's CSRF token for the placeholder (asked for only where
    there is one: asking sets the token's cookie)."""
    if placeholder not in content:
        return content
    return content.replace(placeholder, get_token(request).encode())
