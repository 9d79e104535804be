"""Headline figures for a body's or a campaign's page, and number formats for insights."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone

from requests_app.insights.tables import Percent, html_text
from requests_app.models import Campaign, FoiRequest, PublicBody
from requests_app.reports.statistics import request_statistics

register = template.Library()


@register.inclusion_tag("requests_app/insights/_headline.html", takes_context=True)
def headline_figures(context: dict[str, Any], subject: PublicBody | Campaign) -> dict[str, Any]:
    """`{% headline_figures body %}` or `{% headline_figures campaign %}`.

    Counts only the requests the signed-in user may see; the caller has already checked
    that the user may see the campaign.
    """
    request = context["request"]
    requests = FoiRequest.objects.visible_to(request.user)
    if isinstance(subject, Campaign):
        requests = requests.filter(campaign=subject)
        url = reverse("campaign_insights", kwargs={"slug": subject.slug})
        heading = "Campaign figures"
    else:
        requests = requests.filter(public_body=subject)
        url = reverse("body_insights", kwargs={"slug": subject.slug})
        heading = "Your figures for this body"
    figures = request_statistics(requests, today=timezone.localdate())
    return {"figures": figures, "insights_url": url, "heading": heading}


@register.filter
def as_percent(rate: float | None) -> str:
    """0.524 → "52%"; None (nothing to divide by) → "—"."""
    return html_text(None if rate is None else Percent(rate))


@register.filter
def as_number(value: float | int | None) -> str:
    """19.5 → "19.5", 20.0 → "20", None → "—"."""
    return html_text(value)
