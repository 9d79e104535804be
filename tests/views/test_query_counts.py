"""Pages run the same number of queries for 5 rows as for 50."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app import models
from tests.factories import (
    CampaignFactory,
    FoiRequestFactory,
    MembershipFactory,
    MessageFactory,
    PublicBodyFactory,
    TagFactory,
    make_attachment,
)
from tests.views.conftest import LONDON


def count_queries(client: Client, url: str) -> int:
    """The queries of a repeated view: the first may read what the process then keeps
    under the version (models/versions.py), as a page viewed once before does not. The
    page is rendered each time, as after any change (a kept page's queries are
    guarded in test_page_cache.py)."""
    with override_settings(FOI_PAGE_CACHE=False):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


def add_requests(count: int, user: Any, body: models.PublicBody, **extra: Any) -> None:
    tag = TagFactory(name="Counted", slug="counted")
    for number in range(count):
        foi_request = FoiRequestFactory.sent(
            on=dt.date(2025, 12, 1) + dt.timedelta(days=number % 40),
            owner=user,
            public_body=body,
            **extra,
        )
        foi_request.tags.add(tag)
        MessageFactory(request=foi_request, sent_at=dt.datetime(2026, 1, 10, tzinfo=LONDON))


def assert_constant(
    client: Client, url: str, grow: Callable[[int], None], report: dict[str, int]
) -> None:
    grow(5)
    with_five = count_queries(client, url)
    grow(45)
    with_fifty = count_queries(client, url)
    assert with_five == with_fifty
    report["queries"] = with_fifty


@pytest.fixture
def report(request: pytest.FixtureRequest) -> Iterator[dict[str, int]]:
    found: dict[str, int] = {}
    yield found
    print(f"\n{request.node.name}: {found.get('queries')} queries")


def test_the_dashboard(
    alice_client: Client, user: Any, body: models.PublicBody, report: Any
) -> None:
    assert_constant(
        alice_client, reverse("dashboard"), lambda n: add_requests(n, user, body), report
    )


def test_the_request_list(
    alice_client: Client, user: Any, body: models.PublicBody, report: Any
) -> None:
    url = reverse("request_list")
    assert_constant(alice_client, url, lambda n: add_requests(n, user, body), report)


def test_the_request_list_with_filters(
    alice_client: Client, user: Any, body: models.PublicBody, report: Any
) -> None:
    url = reverse("request_list") + "?tag=counted&public_body=department-of-examples&sort=body"
    assert_constant(alice_client, url, lambda n: add_requests(n, user, body), report)


def test_the_request_detail(
    alice_client: Client, alice_request: models.FoiRequest, user: Any, report: Any
) -> None:
    def grow(count: int) -> None:
        for number in range(count):
            message = MessageFactory(
                request=alice_request,
                sent_at=dt.datetime(2026, 1, 6, 9, tzinfo=LONDON) + dt.timedelta(minutes=number),
            )
            make_attachment(message, filename=f"page-{number}.pdf", content=f"{number}".encode())
            alice_request.record_event(
                models.EventKind.ACKNOWLEDGED, on=dt.date(2026, 1, 7), actor=user
            )
            alice_request.tags.add(TagFactory())

    assert_constant(alice_client, alice_request.get_absolute_url(), grow, report)


def test_the_body_detail(
    alice_client: Client, user: Any, body: models.PublicBody, report: Any
) -> None:
    url = body.get_absolute_url()
    assert_constant(alice_client, url, lambda n: add_requests(n, user, body), report)


def test_the_campaign_detail(
    alice_client: Client, user: Any, body: models.PublicBody, campaign: models.Campaign, report: Any
) -> None:
    url = campaign.get_absolute_url()
    grow = lambda n: add_requests(n, user, body, campaign=campaign)  # noqa: E731
    assert_constant(alice_client, url, grow, report)


def test_the_calendar(
    alice_client: Client, user: Any, body: models.PublicBody, report: Any
) -> None:
    url = reverse("deadline_calendar") + "?month=2026-01"
    alice_client.get(url)  # the first view gives the user a feed address, once
    assert_constant(alice_client, url, lambda n: add_requests(n, user, body), report)


@pytest.mark.parametrize("query", ["kelp", '"bed occupancy"'])
def test_the_search_page(
    alice_client: Client, user: Any, body: models.PublicBody, query: str, report: Any
) -> None:
    def grow(count: int) -> None:
        add_requests(count, user, body, title="Kelp and bed occupancy")

    url = reverse("search") + "?" + urlencode({"q": query})
    assert_constant(alice_client, url, grow, report)


def test_the_body_list(alice_client: Client, report: Any) -> None:
    def grow(count: int) -> None:
        tag = TagFactory(name="Listed", slug="listed")
        for _ in range(count):
            PublicBodyFactory().tags.add(tag)

    assert_constant(alice_client, reverse("body_list") + "?tag=listed", grow, report)


def test_the_campaign_list(alice_client: Client, user: Any, report: Any) -> None:
    def grow(count: int) -> None:
        for _ in range(count):
            MembershipFactory(campaign=CampaignFactory(), user=user, role="editor")

    assert_constant(alice_client, reverse("campaign_list"), grow, report)
