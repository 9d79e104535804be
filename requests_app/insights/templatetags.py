"""Headline figures for a body's or a campaign's page, and number formats for insights."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.core.cache import cache
from django.db.models import Count, Max, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from requests_app.insights.tables import Percent, html_text
from requests_app.models import Campaign, FoiRequest, NonWorkingDay, PublicBody, RequestEvent
from requests_app.reports.statistics import RequestStatistics, request_statistics

register = template.Library()
# Figures kept for a day at most: the version in the key already tells a change apart.
HEADLINE_SECONDS = 24 * 3600


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
    figures = cached_statistics(request.user.pk, subject, requests, today=timezone.localdate())
    return {"figures": figures, "insights_url": url, "heading": heading}


def cached_statistics(
    user_id: int, subject: PublicBody | Campaign, requests: QuerySet[FoiRequest], *, today: date
) -> RequestStatistics:
    """The headline figures, counted again only when something they count has changed.

    The version is one small aggregate over the same requests — how many, the latest
    change to one, the latest event recorded on one — and the non-working days: four
    grouped queries are saved on every view that finds them unchanged.
    """
    # Each request's newest event found through the event index, request by request: a
    # join would scan every event of the archive.
    newest_event = RequestEvent.objects.filter(request=OuterRef("pk")).order_by("-id")
    version = requests.annotate(newest_event=Subquery(newest_event.values("id")[:1])).aggregate(
        count=Count("pk"), changed=Max("updated_at"), event=Max("newest_event")
    )
    key = "headline:" + ":".join(
        str(part).replace(" ", "T")
        for part in (
            type(subject).__name__,
            subject.pk,
            user_id,
            today,
            version["count"],
            version["changed"],
            version["event"],
            hash(NonWorkingDay.engine_days()),
        )
    )
    figures = cache.get(key)
    if figures is None:
        figures = request_statistics(requests, today=today)
        cache.set(key, figures, HEADLINE_SECONDS)
    return figures


@register.filter
def as_percent(rate: float | None) -> str:
    """0.524 → "52%"; None (nothing to divide by) → "—"."""
    return html_text(None if rate is None else Percent(rate))


@register.filter
def as_number(value: float | int | None) -> str:
    """19.5 → "19.5", 20.0 → "20", None → "—"."""
    return html_text(value)
