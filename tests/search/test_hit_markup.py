"""The search page's hits and facets, written in Python, read as the templates wrote them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.template import Context, Template
from django.test import RequestFactory

from requests_app import models
from requests_app.search.engine import FacetCount, search
from tests.factories import FoiRequestFactory, MessageFactory
from tests.search.factories import AttachmentFactory, DocumentPageFactory

# The includes the page used before, for comparison.
TEMPLATE_HIT = """<li class="search-hit search-hit--{{ hit.kind }}">
  <p class="search-hit-meta">
    <span class="badge">{{ hit.kind_label }}</span>
    <a class="reference" href="{{ hit.request.get_absolute_url }}">{{ hit.request.reference }}</a>
    · {{ hit.request.public_body.name }}
    {% if hit.date %}· <time datetime="{{ hit.date|date:'Y-m-d' }}">DATE</time>{% endif %}
  </p>
  <h2 class="search-hit-title"><a href="{{ hit.url }}">{{ hit.title }}</a></h2>
  {% if hit.kind != "request" %}<p class="hint">In “{{ hit.request.title }}”</p>{% endif %}
  {% if hit.snippet %}<p class="snippet">{{ hit.snippet }}</p>{% endif %}
</li>
""".replace("DATE", '{{ hit.date|date:"j M Y" }}')
FACET = (
    '{{% if facets.{0} %}}<h3>{1}</h3><ul class="plain">{{% for item in facets.{0} %}}'
    '<li><a href="{{% query_with {0}=item.value page=None %}}">{{{{ item.label }}}}</a>'
    ' <span class="hint">{{{{ item.count|intcomma }}}}</span></li>{{% endfor %}}</ul>{{% endif %}}'
)
TEMPLATE_FACETS = "{% load foi_tags humanize %}" + "\n".join(
    FACET.format(name, heading)
    for name, heading in (
        ("kind", "Type"),
        ("status", "Status"),
        ("body", "Public body"),
        ("campaign", "Campaign"),
        ("file_type", "File type"),
    )
)


def squeezed(markup: str) -> str:
    return re.sub(r"\s+", " ", markup).strip()


@pytest.fixture
def results(user: User, body: models.PublicBody, campaign: models.Campaign) -> Any:
    for number in range(3):
        foi_request = FoiRequestFactory.create(
            owner=user,
            public_body=body,
            campaign=campaign,
            title=f'Kelp <b>"farming"</b> & licences {number}',
        )
        message = MessageFactory.create(request=foi_request, subject="Re: kelp & <co>")
        DocumentPageFactory.create(
            attachment=AttachmentFactory.create(message=message, filename="kelp<1>.pdf"),
            text="Kelp harvest by year.",
        )
    found = search(user, "kelp")
    assert {hit.kind for hit in found.hits} == {"request", "message", "page"}
    return found


def test_hits_read_as_the_template_wrote_them(results: Any) -> None:
    ours = Template("{% load search_tags %}{% search_hits hits %}").render(
        Context({"hits": results.hits})
    )
    theirs = "".join(Template(TEMPLATE_HIT).render(Context({"hit": hit})) for hit in results.hits)
    assert squeezed(ours) == squeezed(theirs)
    assert "&lt;b&gt;" in ours and "<mark>" in ours


@pytest.mark.parametrize("query", [{"q": "kelp"}, {"q": "kelp & co", "page": "2", "kind": "x"}])
def test_facet_links_read_as_the_template_wrote_them(results: Any, query: dict[str, str]) -> None:
    request = RequestFactory().get("/search/", query)
    context = {"request": request, "facets": results.facets}
    ours = Template("{% load search_tags %}{% search_facets facets %}").render(Context(context))
    theirs = Template(TEMPLATE_FACETS).render(Context(context))
    assert squeezed(ours) == squeezed(theirs)
    assert {"kind", "body", "campaign"} <= set(results.facets)


def test_facet_counts_and_odd_values_read_as_the_template_wrote_them() -> None:
    request = RequestFactory().get("/search/", {"q": "kelp & co", "body": "7"})
    facets = {
        "body": [FacetCount("7", "Kelp & <Co>", 1234567), FacetCount("a b/é?", "Sea", 999)],
        "status": [FacetCount("refused", "Refused", 1000)],
    }
    context = {"request": request, "facets": facets}
    ours = Template("{% load search_tags %}{% search_facets facets %}").render(Context(context))
    theirs = Template(TEMPLATE_FACETS).render(Context(context))
    assert squeezed(ours) == squeezed(theirs)
    assert "1,234,567" in ours
