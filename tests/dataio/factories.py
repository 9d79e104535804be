"""A small but complete world for the backup tests: a row of every kind, and stored files."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group, Permission, User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from rest_framework.authtoken.models import Token

from requests_app import models
from requests_app.models.documents import store_blob
from tests.factories import (
    CampaignFactory,
    FoiRequestFactory,
    MembershipFactory,
    MessageFactory,
    PublicBodyFactory,
    TagFactory,
    UserFactory,
)

LONDON = ZoneInfo("Europe/London")
RAW_EMAIL = (
    b"From: foi@health.example.gov.uk\r\nTo: alice@example.org\r\n"
    b"Subject: Re: agency staff\r\nMessage-ID: <reply-1@health.example>\r\n\r\n"
    b"Please find our response attached.\r\n"
)


@dataclass(frozen=True)
class World:
    alice: User
    bob: User
    answered: models.FoiRequest
    scottish: models.FoiRequest


def make_world() -> World:
    editors = Group.objects.create(name="Editors")
    editors.permissions.add(Permission.objects.get(codename="view_foirequest"))
    alice = UserFactory.create(username="alice", first_name="Alice", is_staff=True)
    alice.groups.add(editors)
    bob = UserFactory.create(username="bob")
    Token.objects.create(user=bob)
    models.Profile.for_user(alice)
    campaign = CampaignFactory.create(name="Open Hospitals", slug="open-hospitals")
    MembershipFactory.create(campaign=campaign, user=alice, role=models.Role.OWNER)
    MembershipFactory.create(campaign=campaign, user=bob, role=models.Role.VIEWER)
    nhs = TagFactory.create(name="NHS", slug="nhs")
    health = PublicBodyFactory.create(name="Department of Health", short_name="DH", slug="dh")
    health.tags.add(nhs)
    scotland = PublicBodyFactory.create(
        name="NHS Lothian",
        slug="nhs-lothian",
        nation=models.Nation.SCOTLAND,
        default_regime="scot-foisa",
    )
    models.NonWorkingDay.objects.create(
        on=dt.date(2026, 6, 15), name="One-off holiday", calendar="gb-sct", created_by=alice
    )
    answered = answered_request(alice, health, campaign, nhs)
    scottish = FoiRequestFactory.sent(
        on=dt.date(2026, 5, 29),
        owner=bob,
        public_body=scotland,
        regime="scot-foisa",
        title="Waiting lists",
    )
    scottish.record_event(models.EventKind.CLARIFICATION_REQUESTED, on=dt.date(2026, 6, 3))
    models.Alert.objects.create(
        user=alice,
        request=answered,
        kind="due_soon",
        deadline=dt.date(2026, 2, 2),
        details={"z": 1, "a": [1, 2]},
    )
    models.QuarantinedMail.objects.create(
        raw=default_storage.save("quarantine/odd.eml", ContentFile(b"not really mail")),
        sha256="0" * 64,
        reason="No headers",
        source=models.MessageSource.UPLOAD,
    )
    models.ReferenceCounter.objects.get_or_create(year=2030, defaults={"last_number": 7})
    models.SavedSearch.objects.create(
        user=alice, name="Refusals", query="consultants", filters={"status": ["refused"]}
    )
    models.GeneratedReport.objects.create(
        kind=models.ReportKind.CASE_SUMMARY,
        foi_request=answered,
        requested_by=alice,
        status=models.ReportStatus.DONE,
        size=11,
        source_fingerprint="f" * 64,
        file=default_storage.save("reports/case-summary.pdf", ContentFile(b"%PDF report")),
    )
    return World(alice, bob, answered, scottish)


def answered_request(
    alice: User, body: models.PublicBody, campaign: models.Campaign, tag: models.Tag
) -> models.FoiRequest:
    foi_request = FoiRequestFactory.sent(
        on=dt.date(2026, 1, 5),
        owner=alice,
        public_body=body,
        campaign=campaign,
        title="Agency staff — costs “2025”",
        notes="Ünïcode notes ✓",
    )
    foi_request.tags.add(tag)
    foi_request.record_event(
        models.EventKind.EXTENSION_CLAIMED,
        on=dt.date(2026, 1, 30),
        new_due_on=dt.date(2026, 3, 2),
        actor=alice,
    )
    exemption = models.Exemption.objects.filter(law="uk-foia").first()
    foi_request.record_response(
        on=dt.date(2026, 2, 20),
        outcome=models.Status.PARTIALLY_SUCCESSFUL,
        actor=alice,
        exemptions=[exemption] if exemption else [],
    )
    reply = MessageFactory.create(
        request=foi_request,
        sent_at=dt.datetime(2026, 2, 20, 9, 30, 15, 123456, tzinfo=LONDON),
        raw_email=default_storage.save("raw/reply-1.eml", ContentFile(RAW_EMAIL)),
        body_text="Please find our response attached.",
    )
    name, sha256, size = store_blob(io.BytesIO(b"%PDF-1.4 the figures"))
    pdf = models.Attachment.objects.create(
        message=reply,
        filename="figures.pdf",
        content_type="application/pdf",
        size=size,
        sha256=sha256,
        file=name,
        status=models.ExtractionStatus.DONE,
    )
    models.DocumentPage.objects.create(attachment=pdf, number=1, text="Agency spend £1.2m")
    return foi_request
