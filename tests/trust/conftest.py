"""Fixtures for the trust tests: the site's full URLs, and a small world of five roles."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from requests_app import models
from requests_app.models.documents import store_blob
from tests.factories import (
    CampaignFactory,
    FoiRequestFactory,
    MembershipFactory,
    MessageFactory,
    PublicBodyFactory,
    UserFactory,
    make_batch,
)
from tests.trust.services import PrivateRedis, start_private_redis

LONDON = ZoneInfo("Europe/London")
RAW_REPLY = (
    b"From: Jane Official <jane.official@nhs-example.gov.uk>\r\n"
    b"To: alice@example.org\r\n"
    b"Subject: Your request about waiting times\r\n"
    b"Message-ID: <reply-1@nhs-example.gov.uk>\r\n"
    b"Date: Mon, 12 Jan 2026 09:30:00 +0000\r\n"
    b"\r\n"
    b"Dear Alice Nightingale,\r\n\r\nPlease call me on 020 7946 0991. Jane Official\r\n"
)


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    """A redis-server of this test's own, which it may stop and start."""
    server = start_private_redis(tmp_path)
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _site_urls(settings: Any) -> None:
    settings.ROOT_URLCONF = "tests.trust.urls"


@pytest.fixture
def frozen_today() -> Iterator[None]:
    """Thursday 15 January 2026, noon in London."""
    with time_machine.travel(dt.datetime(2026, 1, 15, 12, tzinfo=LONDON), tick=False):
        yield


def make_user(**fields: Any) -> User:
    return cast(User, UserFactory(**fields))


def make_message(**fields: Any) -> models.Message:
    return cast(models.Message, MessageFactory(**fields))


@dataclass
class World:
    """Alice's campaign request and everything hanging off it, and the five kinds of visitor."""

    owner: User
    editor: User
    viewer: User
    outsider: User
    campaign: models.Campaign
    foi_request: models.FoiRequest
    message: models.Message
    attachment: models.Attachment


def stored_attachment(message: models.Message, content: bytes, filename: str) -> models.Attachment:
    name, sha256, size = store_blob(io.BytesIO(content))
    return models.Attachment.objects.create(
        message=message,
        filename=filename,
        content_type="application/pdf",
        size=size,
        sha256=sha256,
        file=name,
    )


def stored_reply(foi_request: models.FoiRequest) -> models.Message:
    name, sha256, _size = store_blob(io.BytesIO(RAW_REPLY))
    return make_message(
        request=foi_request,
        subject="Your request about waiting times",
        sender="Jane Official <jane.official@nhs-example.gov.uk>",
        body_text="Dear Alice Nightingale,\n\nPlease call me on 020 7946 0991. Jane Official",
        sent_at=dt.datetime(2026, 1, 12, 9, 30, tzinfo=LONDON),
        raw_email=name,
        raw_sha256=sha256,
        message_id="<reply-1@nhs-example.gov.uk>",
    )


@pytest.fixture
def world(db: None) -> World:
    owner = make_user(username="alice", first_name="Alice", last_name="Nightingale")
    editor = make_user(username="edith")
    viewer = make_user(username="victor")
    outsider = make_user(username="mallory")
    campaign = cast(models.Campaign, CampaignFactory(name="Open Hospitals", slug="open-hospitals"))
    MembershipFactory(campaign=campaign, user=owner, role=models.Role.OWNER)
    MembershipFactory(campaign=campaign, user=editor, role=models.Role.EDITOR)
    MembershipFactory(campaign=campaign, user=viewer, role=models.Role.VIEWER)
    body = PublicBodyFactory(name="NHS Example Trust", slug="nhs-example-trust")
    foi_request = FoiRequestFactory.sent(
        on=dt.date(2026, 1, 5),
        owner=owner,
        public_body=body,
        campaign=campaign,
        visibility=models.Visibility.CAMPAIGN,
        title="Waiting times at the children's hospital",
    )
    message = stored_reply(foi_request)
    attachment = stored_attachment(message, b"%PDF-1.4 the figures", "waiting-times.pdf")
    return World(owner, editor, viewer, outsider, campaign, foi_request, message, attachment)


@pytest.fixture
def owner_client(world: World, client_for: Any) -> Client:
    return cast(Client, client_for(world.owner))


def save_file(name: str, content: bytes) -> str:
    return default_storage.save(name, ContentFile(content))


# --- every kind of object a URL points at ---------------------------------------------------


@dataclass
class Objects:
    world: World
    unmatched: models.Message
    quarantined: models.QuarantinedMail
    failed_letter: models.Message
    bundle: models.GeneratedReport
    campaign_report: models.GeneratedReport
    saved_search: models.SavedSearch
    share_link: models.ShareLink
    import_token: str
    batch: models.Batch
    batch_report: models.GeneratedReport

    @property
    def reference(self) -> str:
        return self.world.foi_request.reference


def done_report(**kwargs: object) -> models.GeneratedReport:
    name = save_file("reports/test.pdf", b"%PDF-1.4 report")
    return models.GeneratedReport.objects.create(
        status=models.ReportStatus.DONE, file=name, source_fingerprint="old", **kwargs
    )


@pytest.fixture
def objects(world: World) -> Objects:
    owner = world.owner
    name = save_file("quarantine/bad.eml", b"not a mail at all")
    quarantined = models.QuarantinedMail.objects.create(
        raw=name, sha256="0" * 64, reason="unreadable", source="upload", imported_by=owner
    )
    unmatched = make_message(request=None, imported_by=owner, subject="Who is this for?")
    failed = make_message(
        request=world.foi_request,
        direction=models.Direction.OUTGOING,
        send_status=models.SendStatus.FAILED,
        subject="Our chaser",
    )
    batch = make_batch(
        owner=owner,
        bodies=[PublicBodyFactory.create(name="NHS Batch Example Trust", slug="nhs-batch-example")],
        campaign=world.campaign,
    )
    import_token = "tok3n"
    save_file(f"dataio-uploads/{owner.pk}/{import_token}.csv", b"Title,Public body\nA,B\n")
    return Objects(
        world=world,
        unmatched=unmatched,
        quarantined=quarantined,
        failed_letter=failed,
        bundle=done_report(kind=models.ReportKind.BUNDLE, foi_request=world.foi_request),
        campaign_report=done_report(
            kind=models.ReportKind.CAMPAIGN_REPORT, campaign=world.campaign, requested_by=owner
        ),
        saved_search=models.SavedSearch.objects.create(user=owner, name="Waits", query="waiting"),
        share_link=models.ShareLink.objects.create(request=world.foi_request, created_by=owner),
        import_token=import_token,
        batch=batch,
        batch_report=done_report(
            kind=models.ReportKind.BATCH_REPORT, batch=batch, requested_by=owner
        ),
    )


# --- a real browser ------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM or os.environ.get("CI"):
        return  # in CI a missing chromium must fail, not skip
    skip = pytest.mark.skip(reason="Debian's chromium is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords and str(item.path).startswith(str(Path(__file__).parent)):
            item.add_marker(skip)
