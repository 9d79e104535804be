"""The dashboard: open requests by deadline, overdue marked, due soon, recent replies."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.urls import reverse

from requests_app import models
from tests.factories import (
    CampaignFactory,
    FoiRequestFactory,
    MembershipFactory,
    MessageFactory,
)
from tests.views.conftest import LONDON


@pytest.fixture
def overdue_request(user: AbstractBaseUser, body: models.PublicBody) -> models.FoiRequest:
    """Sent Wed 10 Dec 2025: due Tue 13 Jan 2026, so two working days late on the 15th."""
    return FoiRequestFactory.sent(
        on=dt.date(2025, 12, 10), owner=user, public_body=body, title="Late answer on beds"
    )


@pytest.fixture
def due_soon_request(user: AbstractBaseUser, body: models.PublicBody) -> models.FoiRequest:
    """Sent Mon 29 Dec 2025, skipping 1 and 2 January: due Wed 28 Jan 2026."""
    return FoiRequestFactory.sent(
        on=dt.date(2025, 12, 29), owner=user, public_body=body, title="Ambulance handovers"
    )


def section(html: str, heading: str) -> str:
    """The text of the dashboard section that starts with `heading`."""
    return html.split(heading, 1)[1].split("<section", 1)[0]


def test_it_lists_open_requests_overdue_first_and_says_by_how_much(
    alice_client: Client,
    overdue_request: models.FoiRequest,
    due_soon_request: models.FoiRequest,
    alice_request: models.FoiRequest,
) -> None:
    assert overdue_request.next_due_on == dt.date(2026, 1, 13)
    html = alice_client.get(reverse("dashboard")).text
    open_section = section(html, "My open requests")
    assert "overdue by 2 working days" in open_section
    positions = [
        open_section.index(r.title) for r in (overdue_request, due_soon_request, alice_request)
    ]
    assert positions == sorted(positions)
    assert "1 overdue" in html


def test_it_shows_what_falls_due_in_the_next_14_days(
    alice_client: Client,
    due_soon_request: models.FoiRequest,
    overdue_request: models.FoiRequest,
    alice_request: models.FoiRequest,
) -> None:
    soon = section(alice_client.get(reverse("dashboard")).text, "Due in the next 14 days")
    assert due_soon_request.title in soon
    assert "9 working days left" in soon
    assert "Wed 28 Jan" in soon
    assert alice_request.title not in soon  # due 2 February, 18 days away
    assert overdue_request.title not in soon


def test_drafts_and_other_peoples_requests_are_not_open_requests(
    alice_client: Client, user: AbstractBaseUser, other_user: AbstractBaseUser
) -> None:
    FoiRequestFactory(owner=user, title="Unsent draft about parking")
    FoiRequestFactory.sent(on=dt.date(2026, 1, 6), owner=other_user, title="Mallory's secret")
    html = alice_client.get(reverse("dashboard")).text
    assert "Unsent draft about parking" not in html
    assert "Mallory&#x27;s secret" not in html
    assert "Nothing is waiting for a reply." in html


def test_it_lists_the_ten_latest_incoming_replies_on_requests_i_can_see(
    alice_client: Client, alice_request: models.FoiRequest, other_user: AbstractBaseUser
) -> None:
    for day in range(1, 13):
        MessageFactory(
            request=alice_request,
            subject=f"Reply number {day:02d}",
            sent_at=dt.datetime(2026, 1, day, 9, tzinfo=LONDON),
        )
    MessageFactory(request=alice_request, subject="Our chaser", direction="out")
    MessageFactory(request=FoiRequestFactory(owner=other_user), subject="Mallory's reply")
    replies = section(alice_client.get(reverse("dashboard")).text, "Recent replies")
    assert "Reply number 12" in replies
    assert "Reply number 03" in replies
    assert "Reply number 02" not in replies  # the eleventh newest
    assert "Our chaser" not in replies
    assert "Mallory" not in replies
    assert replies.index("Reply number 12") < replies.index("Reply number 11")


def test_replies_on_colleagues_shared_requests_show_and_private_or_unfiled_ones_do_not(
    alice_client: Client, user: AbstractBaseUser, other_user: AbstractBaseUser
) -> None:
    campaign = CampaignFactory()
    MembershipFactory(campaign=campaign, user=user, role=models.Role.VIEWER)
    MembershipFactory(campaign=campaign, user=other_user, role=models.Role.OWNER)
    shared = FoiRequestFactory(owner=other_user, campaign=campaign)
    private = FoiRequestFactory(
        owner=other_user, campaign=campaign, visibility=models.Visibility.PRIVATE
    )
    MessageFactory(request=shared, subject="Reply on the shared request")
    MessageFactory(request=private, subject="Reply on a private request")
    MessageFactory(request=None, imported_by=user, subject="Reply not yet filed")
    replies = section(alice_client.get(reverse("dashboard")).text, "Recent replies")
    assert "Reply on the shared request" in replies
    assert "private request" not in replies
    assert "not yet filed" not in replies


def test_due_soon_lists_the_fifty_soonest_and_points_to_the_rest(
    alice_client: Client, user: AbstractBaseUser, body: models.PublicBody
) -> None:
    for _ in range(51):
        FoiRequestFactory.sent(on=dt.date(2025, 12, 29), owner=user, public_body=body)
    soon = section(alice_client.get(reverse("dashboard")).text, "Due in the next 14 days")
    assert soon.count("<li>") == 50
    assert "The rest are on the list of open requests" in soon
