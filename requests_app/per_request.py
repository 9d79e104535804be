"""Facts read at most once per page view, and what a process keeps across page views.

A page asks who the user is in several places — the request list's filter, the search,
the menus all want the user's campaigns — and each asking was a query. Inside a GET or
HEAD request the first answer is kept until the response is done; a request that writes
(POST and the rest) keeps nothing, so it never sees what it read before its own change.
Outside a web request (tasks, commands, code calling QuerySets directly) nothing is kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import Generic, TypeVar

from django.http import HttpRequest, HttpResponseBase

T = TypeVar("T")
READ_ONLY_METHODS = frozenset({"GET", "HEAD"})

_kept: ContextVar[dict[Hashable, object] | None] = ContextVar("foi_per_request", default=None)


def once_per_request(key: Hashable, read: Callable[[], T]) -> T:
    """`read()`, or what it gave the first time in this page view."""
    kept = _kept.get()
    if kept is None:
        return read()
    if key not in kept:
        kept[key] = read()
    return kept[key]  # type: ignore[return-value]


class PerRequestMiddleware:
    """Opens the keeping for a read-only request, and closes it with the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method not in READ_ONLY_METHODS:
            return self.get_response(request)
        token = _kept.set({})
        try:
            return self.get_response(request)
        finally:
            _kept.reset(token)


class KeptInProcess(Generic[T]):
    """Values a process keeps across page views under keys that name all they are made
    of, up to `size` of them, the least recently used dropped first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, read: Callable[[], T]) -> T:
        """The value kept under `key`, or `read()`'s, kept from now on."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = read()
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value
