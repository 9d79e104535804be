"""The site's URLs plus this area's own, whether or not the site includes them yet."""

from __future__ import annotations

from django.urls import URLResolver, include, path

from foi_tracker.urls import urlpatterns as site_patterns

TRUST_URLCONFS = (
    "requests_app.sharing.urls",
    "requests_app.security.urls",
    "requests_app.health",
)


def included(module: str) -> bool:
    return any(
        isinstance(entry, URLResolver)
        and getattr(entry.urlconf_name, "__name__", entry.urlconf_name) == module
        for entry in site_patterns
    )


urlpatterns = [
    *site_patterns,
    *(path("", include(module)) for module in TRUST_URLCONFS if not included(module)),
]
