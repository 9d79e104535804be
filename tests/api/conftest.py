"""Fixtures for the API tests: token clients for alice, a campaign viewer and an outsider."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from requests_app import models
from tests.factories import (
    CampaignFactory,
    FoiRequestFactory,
    MembershipFactory,
    MessageFactory,
    PublicBodyFactory,
    UserFactory,
    make_attachment,
)

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def frozen_today() -> Iterator[None]:
    """Thursday 15 January 2026, noon in London."""
    with time_machine.travel(dt.datetime(2026, 1, 15, 12, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> Iterator[None]:
    """Throttles count in the cache; no test inherits another's calls."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_for() -> Callable[[Any], APIClient]:
    def make(user: Any) -> APIClient:
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def alice_api(user: Any, api_for: Callable[[Any], APIClient]) -> APIClient:
    return api_for(user)


@pytest.fixture
def mallory_api(other_user: Any, api_for: Callable[[Any], APIClient]) -> APIClient:
    return api_for(other_user)


@pytest.fixture
def body(db: None) -> models.PublicBody:
    return PublicBodyFactory.create(
        name="Department of Examples", short_name="DfE-X", slug="department-of-examples"
    )


@pytest.fixture
def campaign(user: Any) -> models.Campaign:
    campaign = CampaignFactory.create(name="Open Hospitals", slug="open-hospitals")
    MembershipFactory.create(campaign=campaign, user=user, role=models.Role.OWNER)
    return campaign


@pytest.fixture
def viewer(campaign: models.Campaign) -> Any:
    victor = UserFactory.create(username="victor")
    MembershipFactory.create(campaign=campaign, user=victor, role=models.Role.VIEWER)
    return victor


@pytest.fixture
def viewer_api(viewer: Any, api_for: Callable[[Any], APIClient]) -> APIClient:
    return api_for(viewer)


@pytest.fixture
def alice_request(user: Any, body: models.PublicBody) -> models.FoiRequest:
    """Sent Monday 5 January 2026: due 20 working days later, Monday 2 February."""
    return FoiRequestFactory.sent(
        on=dt.date(2026, 1, 5), owner=user, public_body=body, title="Spending on consultants"
    )


@pytest.fixture
def campaign_request(
    user: Any, body: models.PublicBody, campaign: models.Campaign
) -> models.FoiRequest:
    return FoiRequestFactory.sent(
        on=dt.date(2026, 1, 5),
        owner=user,
        public_body=body,
        campaign=campaign,
        visibility=models.Visibility.CAMPAIGN,
        title="Waiting times at the children's hospital",
    )


@pytest.fixture
def reply(alice_request: models.FoiRequest) -> models.Message:
    return MessageFactory.create(
        request=alice_request,
        subject="Your request about consultants",
        sent_at=dt.datetime(2026, 1, 12, 9, 30, tzinfo=LONDON),
    )


@pytest.fixture
def attachment(reply: models.Message) -> models.Attachment:
    return make_attachment(reply, filename="Réponse_finale.pdf")
