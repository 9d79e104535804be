"""Fixtures for the web page tests: a frozen today, alice's requests, a campaign."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

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
TODAY = dt.date(2026, 1, 15)


@pytest.fixture(autouse=True)
def frozen_today() -> Iterator[None]:
    """Thursday 15 January 2026, noon in London, for every page test."""
    with time_machine.travel(dt.datetime(2026, 1, 15, 12, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def body(db: None) -> models.PublicBody:
    return PublicBodyFactory(
        name="Department of Examples",
        short_name="DfE-X",
        slug="department-of-examples",
        foi_email="foi@examples.gov.example",
    )


@pytest.fixture
def alice_request(user: AbstractBaseUser, body: models.PublicBody) -> models.FoiRequest:
    """Sent Monday 5 January 2026: due 20 working days later, Monday 2 February."""
    return FoiRequestFactory.sent(
        on=dt.date(2026, 1, 5),
        owner=user,
        public_body=body,
        title="Spending on management consultants",
    )


@pytest.fixture
def campaign(user: AbstractBaseUser) -> models.Campaign:
    campaign = CampaignFactory(name="Open Hospitals", slug="open-hospitals")
    MembershipFactory(campaign=campaign, user=user, role=models.Role.OWNER)
    return campaign


@pytest.fixture
def viewer(campaign: models.Campaign) -> AbstractBaseUser:
    """Victor may look at the campaign's requests but not change them."""
    victor = UserFactory(username="victor")
    MembershipFactory(campaign=campaign, user=victor, role=models.Role.VIEWER)
    return victor


@pytest.fixture
def viewer_client(viewer: AbstractBaseUser, client_for) -> Client:  # type: ignore[no-untyped-def]
    return client_for(viewer)


@pytest.fixture
def mallory_client(other_user: AbstractBaseUser, client_for) -> Client:  # type: ignore[no-untyped-def]
    return client_for(other_user)


@pytest.fixture
def campaign_request(
    user: AbstractBaseUser, body: models.PublicBody, campaign: models.Campaign
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
    return MessageFactory(
        request=alice_request,
        subject="Your request about consultants",
        sent_at=dt.datetime(2026, 1, 12, 9, 30, tzinfo=LONDON),
    )


@pytest.fixture
def attachment(reply: models.Message) -> models.Attachment:
    return make_attachment(reply, filename="Réponse_finale.pdf")
