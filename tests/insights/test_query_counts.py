"""Every insights page runs as many queries for 50 requests as for 5."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from requests_app import models
from tests.factories import CampaignFactory, MembershipFactory, UserFactory
from tests.insights.factories import bulk_answered_requests

pytestmark = pytest.mark.django_db

PAGES = [
    "/insights/",
    "/insights/?campaign=counted&status=refused",
    "/insights/figures.csv",
    "/insights/bodies.csv",
    "/bodies/body-0/insights/",
    "/bodies/body-0/insights/months.csv",
    "/campaigns/counted/insights/",
    "/campaigns/counted/insights/exemptions.csv",
    "/campaigns/counted/insights/on_time.csv",
    "/campaigns/counted/league/",
    "/campaigns/counted/league.csv?sort=-median",
]


def make_requests(per_body: int, bodies: int) -> User:
    """`per_body` answered, refused and reviewed requests to each of `bodies` bodies."""
    owner = UserFactory.create(username="counter")
    campaign = CampaignFactory.create(name="Counted", slug="counted")
    MembershipFactory.create(campaign=campaign, user=owner, role=models.Role.OWNER)
    add_requests(owner, per_body=per_body, bodies=range(bodies))
    return owner


def add_requests(owner: User, *, per_body: int, bodies: range, start: int = 0) -> None:
    campaign = models.Campaign.objects.get(slug="counted")
    for number in bodies:
        body, _ = models.PublicBody.objects.get_or_create(
            slug=f"body-{number}", defaults={"name": f"Body {number}"}
        )
        bulk_answered_requests(per_body, owner=owner, body=body, campaign=campaign, start=start)


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("url", PAGES)
def test_the_query_count_does_not_grow_with_the_requests(
    url: str, client_for: Callable[[User], Client]
) -> None:
    owner = make_requests(per_body=5, bodies=1)
    client = client_for(owner)
    few = queries_for(client, url)
    # 45 more: 5 more to the first body, and 5 each to 8 more bodies.
    add_requests(owner, per_body=5, bodies=range(9), start=5)
    assert models.FoiRequest.objects.count() == 50
    assert queries_for(client, url) == few


def test_the_headline_tag_query_count_does_not_grow_with_the_requests() -> None:
    owner = make_requests(per_body=5, bodies=1)
    body = models.PublicBody.objects.get(slug="body-0")
    campaign = models.Campaign.objects.get(slug="counted")
    assert body.requests.count() == 5
    request = RequestFactory().get("/")
    request.user = owner
    template = Template(
        "{% load insights_tags %}{% headline_figures body %}{% headline_figures campaign %}"
    )

    def render() -> int:
        with CaptureQueriesContext(connection) as queries:
            template.render(Context({"request": request, "body": body, "campaign": campaign}))
        return len(queries)

    few = render()
    add_requests(owner, per_body=45, bodies=range(1), start=5)
    assert body.requests.count() == 50
    assert render() == few
