"""The address a request came from, trusting only the proxies we run ourselves."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address, for the login throttle and the audit trail.

    Each trusted proxy appends the address it was reached from to X-Forwarded-For, so with
    N trusted proxies the client is the N-th entry from the right; anything further left
    was written by the client and proves nothing.
    """
    remote = valid_ip(request.META.get("REMOTE_ADDR", ""))
    proxies = int(getattr(settings, "FOI_TRUSTED_PROXIES", 0))
    if proxies <= 0:
        return remote
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [hop for hop in forwarded if hop]
    if len(forwarded) < proxies:
        return remote
    return valid_ip(forwarded[-proxies]) or remote


def valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None
