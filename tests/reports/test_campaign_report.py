from __future__ import annotations

import datetime as dt
from typing import cast

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from requests_app.models import Campaign, FoiRequest, Role, Visibility
from requests_app.reports.campaign_report import campaign_report_context
from tests.factories import (
    CampaignFactory,
    FoiRequestFactory,
    MembershipFactory,
    PublicBodyFactory,
    UserFactory,
)
from tests.reports.reading import build_campaign_report, flat, page_texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(refused_case: FoiRequest, user: User) -> Campaign:
    campaign = cast(Campaign, CampaignFactory(name="Rail transparency"))
    MembershipFactory(campaign=campaign, user=user, role=Role.OWNER)
    colleague = cast(User, UserFactory(username="bob"))
    MembershipFactory(campaign=campaign, user=colleague, role=Role.EDITOR)
    refused_case.campaign = campaign
    refused_case.save()
    body = PublicBodyFactory(name="Network Rail Test", short_name="NR")
    FoiRequestFactory.sent(
        dt.date(2026, 2, 2),
        owner=colleague,
        campaign=campaign,
        public_body=body,
        title="Station accessibility audits",
        visibility=Visibility.CAMPAIGN,
    )
    FoiRequestFactory.sent(
        dt.date(2026, 2, 3),
        owner=colleague,
        campaign=campaign,
        public_body=body,
        title="Bob's private draft question",
        visibility=Visibility.PRIVATE,
    )
    return campaign


def test_it_lists_the_requests_the_reader_may_see_with_their_timeliness(
    campaign: Campaign, user: User, today: dt.date
) -> None:
    pages = page_texts(build_campaign_report(campaign=campaign, user=user, today=today))
    text = flat(" ".join(pages))
    assert "Rail transparency" in text
    assert "FOI-2026-0001" in text and "Answered 10 working days" in text
    assert "Station accessibility audits" in text
    # Sent Mon 2 Feb 2026: due Mon 2 Mar 2026; 5 May is 42 UK working days later
    # (Good Friday, Easter Monday and St Patrick's Day are not working days).
    assert "Overdue by 42 working" in text
    assert "Bob's private draft question" not in text
    assert "Network Rail Test" in text and "Department for Transport Test" in text
    for title in ("Answered on time, by public body", "Working days to answer", "Exemptions cited"):
        assert title in text
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]


def test_its_query_count_does_not_grow_with_the_requests(
    campaign: Campaign, user: User, today: dt.date
) -> None:
    with CaptureQueriesContext(connection) as few:
        campaign_report_context(campaign=campaign, user=user, today=today)
    for number in range(6):
        FoiRequestFactory.sent(
            dt.date(2026, 3, 2 + number), owner=user, campaign=campaign, title=f"More {number}"
        )
    with CaptureQueriesContext(connection) as many:
        campaign_report_context(campaign=campaign, user=user, today=today)
    assert len(many) == len(few)
