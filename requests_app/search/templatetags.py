"""Search forms other pages include: `{% search_within foi_request %}` and `{% search_box %}`."""

from __future__ import annotations

from typing import Any

from django import template

from requests_app.models import FoiRequest

register = template.Library()


@register.inclusion_tag("requests_app/search/_search_within.html")
def search_within(foi_request: FoiRequest) -> dict[str, Any]:
    """A small form that searches this request's letters and documents only."""
    return {"foi_request": foi_request}


@register.inclusion_tag("requests_app/search/_search_box.html")
def search_box() -> dict[str, Any]:
    return {}
