"""Search forms other pages include (`{% search_within foi_request %}`, `{% search_box %}`),
and the search page's hits and facets.

A page of twenty hits and up to fifty facet links through includes, `{% query_with %}`
and per-hit lookups cost more than the search itself; they are written here in Python,
with the markup the templates wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape as html_escape
from typing import Any
from urllib.parse import quote_plus

from django import template
from django.forms import BoundField
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from requests_app.models import FoiRequest
from requests_app.search.engine import FacetCount, SearchHit
from requests_app.templatetags.foi_tags import (
    day_month_year,
    header_urls,
    query_with,
    request_link,
)
from requests_app.templatetags.form_fields import widget_html

register = template.Library()

# The facets in the order the panel shows them, with their headings.
FACET_HEADINGS = (
    ("kind", "Type"),
    ("status", "Status"),
    ("body", "Public body"),
    ("campaign", "Campaign"),
    ("file_type", "File type"),
)


@register.inclusion_tag("requests_app/search/_search_within.html")
def search_within(foi_request: FoiRequest) -> dict[str, Any]:
    """A small form that searches this request's letters and documents only."""
    return {"foi_request": foi_request}


@register.simple_tag
def search_box() -> SafeString:
    """The site-wide search form in the header: the same on every page."""
    return mark_safe(  # noqa: S308 - no value in it but the escaped URL
        f'<form method="get" action="{header_urls()["search"]}" class="inline-form site-search"'
        ' role="search" aria-label="Search everything">\n'
        '  <label for="site-search-q" class="visually-hidden">'
        "Search requests, correspondence and documents</label>\n"
        '  <input type="search" id="site-search-q" name="q" maxlength="500" placeholder="Search">\n'
        '  <button type="submit">Search</button>\n'
        "</form>\n"
    )


@register.simple_tag
def hidden_field(field: BoundField) -> SafeString:
    """`{{ field }}` for the search page's hidden "within request" field, written without
    Django's widget templates."""
    return mark_safe(widget_html(field))  # noqa: S308 - widget_html escapes every part


@register.simple_tag
def search_hits(hits: list[SearchHit]) -> SafeString:
    """The <li> of each hit."""
    link = request_link()
    return mark_safe("".join(_hit(hit, link) for hit in hits))  # noqa: S308 - escaped below


def _hit(hit: SearchHit, link: Callable[[str], str]) -> str:
    foi_request = hit.request
    date = ""
    if hit.date:
        date = f'· <time datetime="{hit.date.isoformat()}">{day_month_year(hit.date)}</time>\n  '
    within = ""
    if hit.kind != "request":
        within = f'<p class="hint">In “{html_escape(foi_request.title)}”</p>'
    snippet = f'<p class="snippet">{conditional_escape(hit.snippet)}</p>' if hit.snippet else ""
    return (
        f'<li class="search-hit search-hit--{html_escape(hit.kind)}">\n'
        '  <p class="search-hit-meta">\n'
        f'    <span class="badge">{html_escape(str(hit.kind_label))}</span>\n'
        f'    <a class="reference" href="{link(foi_request.reference)}">'
        f"{html_escape(foi_request.reference)}</a>\n"
        f"    · {html_escape(foi_request.public_body.name)}\n"
        f"    {date}</p>\n"
        f'  <h2 class="search-hit-title"><a href="{html_escape(hit.url)}">'
        f"{conditional_escape(hit.title)}</a></h2>\n"
        f"  {within}\n  {snippet}\n</li>\n"
    )


@register.simple_tag(takes_context=True)
def search_facets(context: dict[str, Any], facets: dict[str, list[FacetCount]]) -> SafeString:
    """The lists of the "Narrow the results" panel, each item a link to the narrowed search.

    The counts are grouped by thousands as `intcomma` groups them in English, without its
    per-number lookup of the language's number format.
    """
    parts = []
    for name, heading in FACET_HEADINGS:
        items = facets.get(name)
        if not items:
            continue
        link = _narrowing_link(context, name)
        entries = "".join(
            f'<li><a href="{html_escape(link + quote_plus(str(item.value)))}">'
            f"{html_escape(str(item.label))}</a>"
            f' <span class="hint">{item.count:,}</span></li>'
            for item in items
        )
        parts.append(f'<h3>{heading}</h3><ul class="plain">{entries}</ul>')
    return mark_safe("\n  ".join(parts))  # noqa: S308 - escaped above


def _narrowing_link(context: dict[str, Any], name: str) -> str:
    """`{% query_with name=value page=None %}` but for the value, which each item adds:
    the rest of the query string encoded once."""
    rest = query_with(context, **{name: None, "page": None})
    lead = "?" if rest == "?" else f"{rest}&"
    return f"{lead}{quote_plus(name)}="
