"""The dashboard's open and overdue counts: kept between views, and counted again after
every kind of change that can move them, whatever path the change takes."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app import models
from requests_app.casework.services import refresh_open_deadlines
from requests_app.mail.services import confirm_kind
from requests_app.views.dashboard import count_open
from tests.factories import CampaignFactory, FoiRequestFactory, MembershipFactory, MessageFactory
from tests.views.conftest import LONDON, TODAY


def counts(client: Client) -> tuple[int, int]:
    """(open, overdue) as the dashboard's summary line says them."""
    summary = client.get(reverse("dashboard")).text.split('<p class="summary">', 1)[1]
    summary = summary.split("</p>", 1)[0]
    opened = re.search(r"(\d+) open request", summary)
    overdue = re.search(r"(\d+) overdue", summary)
    assert opened is not None
    return int(opened[1]), int(overdue[1]) if overdue else 0


@pytest.fixture
def overdue_request(user: AbstractBaseUser, body: models.PublicBody) -> models.FoiRequest:
    """Sent Wed 10 Dec 2025: due Tue 13 Jan 2026, overdue on the 15th."""
    return FoiRequestFactory.sent(on=dt.date(2025, 12, 10), owner=user, public_body=body)


@pytest.fixture
def colleague_request(campaign: models.Campaign, other_user: AbstractBaseUser) -> models.FoiRequest:
    """A colleague's campaign request, overdue (due Tue 13 Jan 2026)."""
    MembershipFactory(campaign=campaign, user=other_user, role=models.Role.EDITOR)
    return FoiRequestFactory.sent(on=dt.date(2025, 12, 10), owner=other_user, campaign=campaign)


def test_a_second_view_does_not_count_again(
    alice_client: Client,
    overdue_request: models.FoiRequest,
    alice_request: models.FoiRequest,
    settings: Any,
) -> None:
    settings.FOI_PAGE_CACHE = False  # the page rendered again, its counts kept
    assert counts(alice_client) == (2, 1)
    with CaptureQueriesContext(connection) as queries:
        assert counts(alice_client) == (2, 1)
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


def test_a_new_request_and_its_sending_are_counted(
    alice_client: Client, user: AbstractBaseUser, overdue_request: models.FoiRequest
) -> None:
    assert counts(alice_client) == (1, 1)
    draft = FoiRequestFactory(owner=user)
    assert counts(alice_client) == (1, 1)
    draft.mark_sent(on=dt.date(2025, 12, 11))  # due Wed 14 Jan: overdue too
    assert counts(alice_client) == (2, 2)


def test_an_answer_recorded_as_an_event_stops_the_count(
    alice_client: Client, overdue_request: models.FoiRequest
) -> None:
    assert counts(alice_client) == (1, 1)
    overdue_request.record_event(models.EventKind.RESPONSE, on=TODAY, status="successful")
    assert counts(alice_client) == (0, 0)


def test_a_queryset_update_of_status_or_deadline_is_seen(
    alice_client: Client, overdue_request: models.FoiRequest, alice_request: models.FoiRequest
) -> None:
    assert counts(alice_client) == (2, 1)
    models.FoiRequest.objects.filter(pk=alice_request.pk).update(next_due_on=dt.date(2026, 1, 2))
    assert counts(alice_client) == (2, 2)
    models.FoiRequest.objects.filter(pk=overdue_request.pk).update(status=models.Status.CLOSED)
    assert counts(alice_client) == (1, 1)


def test_deadlines_moved_by_a_new_non_working_day_are_seen(
    alice_client: Client, overdue_request: models.FoiRequest
) -> None:
    assert counts(alice_client) == (1, 1)
    for day in (12, 13):  # two days off before the deadline: due Thu 15 Jan, not yet late
        models.NonWorkingDay.objects.create(on=dt.date(2026, 1, day), name="Snow", calendar="uk")
    refresh_open_deadlines()  # bulk_update: no save(), no signal
    overdue_request.refresh_from_db()
    assert overdue_request.next_due_on == TODAY
    assert counts(alice_client) == (1, 0)


def test_a_deleted_request_leaves_the_count(
    alice_client: Client, overdue_request: models.FoiRequest, alice_request: models.FoiRequest
) -> None:
    assert counts(alice_client) == (2, 1)
    overdue_request.delete()
    assert counts(alice_client) == (1, 0)
    models.FoiRequest.objects.filter(pk=alice_request.pk).delete()
    assert counts(alice_client) == (0, 0)


def test_a_reply_waiting_for_review_and_its_review_move_the_overdue_count(
    alice_client: Client, overdue_request: models.FoiRequest
) -> None:
    assert counts(alice_client) == (1, 1)
    reply = MessageFactory(request=overdue_request, sent_at=dt.datetime(2026, 1, 14, tzinfo=LONDON))
    assert counts(alice_client) == (1, 0)  # the reply may be the answer
    confirm_kind(message=reply, kind=models.MessageKind.OTHER, actor=None)
    assert counts(alice_client) == (1, 1)
    models.Message.objects.filter(pk=reply.pk).update(reviewed_at=None)
    assert counts(alice_client) == (1, 0)
    models.Message.objects.filter(pk=reply.pk).delete()
    assert counts(alice_client) == (1, 1)


def test_joining_and_leaving_a_campaign_changes_what_is_counted(
    alice_client: Client, user: AbstractBaseUser, other_user: AbstractBaseUser
) -> None:
    elsewhere = CampaignFactory()
    MembershipFactory(campaign=elsewhere, user=other_user, role=models.Role.OWNER)
    FoiRequestFactory.sent(on=dt.date(2025, 12, 10), owner=other_user, campaign=elsewhere)
    assert counts(alice_client) == (0, 0)
    membership = MembershipFactory(campaign=elsewhere, user=user, role=models.Role.VIEWER)
    assert counts(alice_client) == (1, 1)
    membership.delete()
    assert counts(alice_client) == (0, 0)


def test_a_request_made_private_or_moved_out_of_the_campaign_leaves_the_count(
    alice_client: Client, colleague_request: models.FoiRequest
) -> None:
    assert counts(alice_client) == (1, 1)
    colleague_request.visibility = models.Visibility.PRIVATE
    colleague_request.save()
    assert counts(alice_client) == (0, 0)
    colleague_request.visibility = models.Visibility.CAMPAIGN
    colleague_request.save()
    assert counts(alice_client) == (1, 1)
    colleague_request.campaign.delete()  # SET_NULL: an update the collector makes
    assert counts(alice_client) == (0, 0)


def test_a_request_becomes_overdue_the_next_day(
    alice_client: Client, user: AbstractBaseUser, body: models.PublicBody
) -> None:
    FoiRequestFactory.sent(on=dt.date(2025, 12, 12), owner=user, public_body=body)  # due 15 Jan
    assert counts(alice_client) == (1, 0)
    with time_machine.travel(dt.datetime(2026, 1, 16, 9, tzinfo=LONDON), tick=False):
        assert counts(alice_client) == (1, 1)


def test_the_figures_are_exact_after_many_changes(
    alice_client: Client,
    user: AbstractBaseUser,
    campaign: models.Campaign,
    colleague_request: models.FoiRequest,
    overdue_request: models.FoiRequest,
    alice_request: models.FoiRequest,
) -> None:
    counts(alice_client)
    FoiRequestFactory.sent(on=dt.date(2025, 11, 3), owner=user, campaign=campaign)
    MessageFactory(request=alice_request)
    MessageFactory(request=colleague_request)
    models.FoiRequest.objects.filter(pk=overdue_request.pk).update(status="refused")
    shown = counts(alice_client)
    visible = models.FoiRequest.objects.visible_to(user).with_reply_to_review()
    exact = count_open(visible, TODAY)
    assert shown == (exact["open"], exact["overdue"]) == (3, 1)
