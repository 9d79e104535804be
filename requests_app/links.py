"""One URL pattern reversed once and filled in for many values: a page of rows, a search's
hits or a calendar's entries would otherwise call reverse() once per link."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django.urls import reverse

# What reverse() leaves unquoted in a path argument (RFC 3986 sub-delimiters and / ~ : @).
URL_SAFE = "!$&'()*+,;=/~:@"


def url_filler(name: str, slot: str, **kwargs: object) -> Callable[[object], str]:
    """`reverse(name, kwargs={slot: value, **kwargs})` for many values, reversed once: the
    value goes in quoted as reverse() quotes it. The marker is digits, which an `int`
    converter takes as well as a `str` one."""
    marker = "987654321"
    head, _, tail = reverse(name, kwargs={**kwargs, slot: marker}).rpartition(marker)
    return lambda value: f"{head}{quote(str(value), safe=URL_SAFE)}{tail}"
