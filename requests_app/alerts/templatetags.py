"""The latest alerts about a request, for its page."""

from __future__ import annotations

from typing import Any

from django import template

from requests_app.alerts.kinds import KINDS
from requests_app.models import FoiRequest

register = template.Library()

RECENT = 5


@register.inclusion_tag("requests_app/alerts/_recent.html")
def recent_alerts(foi_request: FoiRequest, limit: int = RECENT) -> dict[str, Any]:
    """The caller has already checked that the user may see the request."""
    alerts = foi_request.alerts.select_related("user").order_by("-created_at", "-pk")[:limit]
    return {"foi_request": foi_request, "alerts": list(alerts), "kinds": KINDS}


@register.filter
def alert_kind_label(code: str) -> str:
    kind = KINDS.get(code)
    return kind.label if kind else code
