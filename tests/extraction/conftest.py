"""Fixtures for the extraction tests: alice's request, attachments made from bytes."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from typing import cast

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from pytest_django.fixtures import Settings

from requests_app import models
from tests.extraction.factories import attachment_with
from tests.factories import (
    CampaignFactory,
    FoiRequestFactory,
    MembershipFactory,
    MessageFactory,
    UserFactory,
)

ClientFor = Callable[[AbstractBaseUser], Client]

# CI installs tesseract: there a missing binary must fail the OCR tests, not skip them.
needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None and not os.environ.get("CI"),
    reason="tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-eng)",
)


@pytest.fixture
def foi_request(user: AbstractBaseUser) -> models.FoiRequest:
    return cast(
        models.FoiRequest, FoiRequestFactory(owner=user, title="Spending on management consultants")
    )


@pytest.fixture
def message(foi_request: models.FoiRequest) -> models.Message:
    return cast(
        models.Message,
        MessageFactory(request=foi_request, subject="Your request about consultants"),
    )


@pytest.fixture
def attach(message: models.Message) -> Callable[..., models.Attachment]:
    """An attachment of alice's reply holding `content`."""

    def make(content: bytes, filename: str = "reply.bin", **fields: object) -> models.Attachment:
        return attachment_with(content, filename, message=message, **fields)

    return make


@pytest.fixture
def no_tesseract(settings: Settings) -> None:
    """A server without an OCR engine."""
    settings.FOI_TESSERACT_COMMAND = "/nonexistent/tesseract"


@pytest.fixture
def mallory_client(other_user: AbstractBaseUser, client_for: ClientFor) -> Client:
    return client_for(other_user)


@pytest.fixture
def campaign_message(user: AbstractBaseUser) -> models.Message:
    """A reply on a campaign request alice owns, which victor may only look at."""
    campaign = CampaignFactory(name="Open Hospitals", slug="open-hospitals")
    MembershipFactory(campaign=campaign, user=user, role=models.Role.OWNER)
    foi_request = FoiRequestFactory(
        owner=user, campaign=campaign, visibility=models.Visibility.CAMPAIGN
    )
    return cast(models.Message, MessageFactory(request=foi_request))


@pytest.fixture
def viewer_client(campaign_message: models.Message, client_for: ClientFor) -> Client:
    victor = cast(AbstractBaseUser, UserFactory(username="victor"))
    campaign = models.Campaign.objects.get(requests__messages=campaign_message)
    MembershipFactory(campaign=campaign, user=victor, role=models.Role.VIEWER)
    return client_for(victor)


CHROMIUM = shutil.which("chromium")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API + live_server


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM or os.environ.get("CI"):
        return  # in CI a missing chromium must fail, not skip
    skip = pytest.mark.skip(reason="Debian's chromium is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords and "tests/extraction/" in str(item.fspath):
            item.add_marker(skip)
