"""Fixtures for the search tests: a body, a campaign shared by alice and mallory."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from requests_app import models
from tests.factories import CampaignFactory, MembershipFactory, PublicBodyFactory

SENT = dt.datetime(2026, 1, 12, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def body(db: None) -> models.PublicBody:
    return PublicBodyFactory.create(name="Department of Examples", slug="department-of-examples")


@pytest.fixture
def other_body(db: None) -> models.PublicBody:
    return PublicBodyFactory.create(name="Ministry of Secrets", slug="ministry-of-secrets")


@pytest.fixture
def campaign(user: User, other_user: User) -> models.Campaign:
    """Open Hospitals: alice owns it, mallory may look."""
    campaign = CampaignFactory.create(name="Open Hospitals", slug="open-hospitals")
    MembershipFactory.create(campaign=campaign, user=user, role=models.Role.OWNER)
    MembershipFactory.create(campaign=campaign, user=other_user, role=models.Role.VIEWER)
    return campaign
