"""Automatic chasers: opted into, sent once per missed deadline through the letter outbox.

The request is sent Monday 5 January 2026 and due Monday 2 February; on Friday 6 February
it is 4 working days overdue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from requests_app import models
from requests_app.alerts.tasks import sweep_alerts
from tests.factories import (
    CampaignFactory,
    FoiRequestFactory,
    MembershipFactory,
    MessageFactory,
    PublicBodyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
FOUR_DAYS_LATE = dt.date(2026, 2, 6)
BODY_ADDRESS = "foi@examples.gov.example"


@pytest.fixture(autouse=True)
def on_the_sixth(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(dt.datetime(2026, 2, 6, 11, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def late_request(user) -> models.FoiRequest:  # type: ignore[no-untyped-def]
    body = PublicBodyFactory(name="Department of Examples", foi_email=BODY_ADDRESS)
    return FoiRequestFactory.sent(
        on=dt.date(2026, 1, 5), owner=user, public_body=body, title="Consultants"
    )


def chase(foi_request: models.FoiRequest, days: int, mode: str) -> None:
    models.ChaserRule.objects.create(request=foi_request, working_days_overdue=days, mode=mode)


def chasers_sent() -> list[mail.EmailMessage]:
    return [letter for letter in mail.outbox if letter.to == [BODY_ADDRESS]]


@pytest.fixture(autouse=True)
def _commit_callbacks(django_capture_on_commit_callbacks) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Letters are queued when their transaction commits; run those callbacks as they come."""
    global _capture
    _capture = django_capture_on_commit_callbacks
    yield


_capture = None


def send_reminders() -> str:
    out = StringIO()
    assert _capture is not None
    with _capture(execute=True):
        call_command("send_reminders", stdout=out)
    return out.getvalue()


def test_the_sweep_run_twice_sends_one_chaser_and_logs_it_once(
    late_request: models.FoiRequest,
) -> None:
    chase(late_request, 3, models.ChaserMode.SEND)

    send_reminders()
    assert _capture is not None
    with _capture(execute=True):
        sweep_alerts()  # the beat task runs the same sweep

    letters = chasers_sent()
    assert len(letters) == 1
    assert "Subject: Overdue: Consultants" in letters[0].message().as_string()
    event = late_request.events.get(kind=models.EventKind.CHASER_SENT)
    assert event.note == "4 working days after the 2 February 2026 deadline."
    chaser = models.Chaser.objects.get()
    assert chaser.status == models.ChaserStatus.SENT and chaser.deadline == dt.date(2026, 2, 2)
    assert chaser.message is not None and chaser.message.send_status == models.SendStatus.SENT


def test_no_chaser_before_the_chosen_number_of_working_days(
    late_request: models.FoiRequest,
) -> None:
    chase(late_request, 5, models.ChaserMode.SEND)
    send_reminders()
    assert chasers_sent() == [] and not models.Chaser.objects.exists()


def test_no_chaser_without_opting_in(late_request: models.FoiRequest) -> None:
    send_reminders()
    assert chasers_sent() == []


def test_no_chaser_while_a_reply_waits_for_review(late_request: models.FoiRequest) -> None:
    chase(late_request, 3, models.ChaserMode.SEND)
    MessageFactory(request=late_request, sent_at=dt.datetime(2026, 2, 5, 9, tzinfo=LONDON))
    send_reminders()
    assert chasers_sent() == []


def test_a_campaign_rule_chases_its_requests(late_request: models.FoiRequest, user) -> None:  # type: ignore[no-untyped-def]
    campaign = CampaignFactory.create(name="Open", slug="open")
    MembershipFactory(campaign=campaign, user=user, role=models.Role.OWNER)
    late_request.campaign = campaign
    late_request.save()
    models.ChaserRule.objects.create(campaign=campaign, working_days_overdue=2)
    models.ChaserRule.objects.filter(campaign=campaign).update(mode=models.ChaserMode.SEND)
    send_reminders()
    send_reminders()
    assert len(chasers_sent()) == 1


def test_a_chaser_to_approve_waits_then_one_click_sends_it_once(
    late_request: models.FoiRequest, alice_client: Client
) -> None:
    chase(late_request, 3, models.ChaserMode.APPROVE)
    send_reminders()
    assert chasers_sent() == []

    page = alice_client.get(late_request.get_absolute_url()).content.decode()
    assert "A chaser is ready to send" in page
    chaser = models.Chaser.objects.get()
    approve = reverse("chaser_decide", kwargs={"pk": chaser.pk, "decision": "send"})
    assert _capture is not None
    with _capture(execute=True):
        first = alice_client.post(approve, follow=True)
        second = alice_client.post(approve, follow=True)
    send_reminders()

    assert len(chasers_sent()) == 1
    assert "The chaser is on its way." in first.content.decode()
    assert "already dealt with" in second.content.decode()
    assert "A chaser is ready to send" not in second.content.decode()
    event = late_request.events.get(kind=models.EventKind.CHASER_SENT)
    assert event.actor is not None and event.actor.username == "alice"


def test_a_discarded_chaser_is_not_owed_again(
    late_request: models.FoiRequest, alice_client: Client
) -> None:
    chase(late_request, 3, models.ChaserMode.APPROVE)
    send_reminders()
    chaser = models.Chaser.objects.get()
    alice_client.post(reverse("chaser_decide", kwargs={"pk": chaser.pk, "decision": "discard"}))
    send_reminders()
    assert chasers_sent() == []
    assert models.Chaser.objects.get().status == models.ChaserStatus.DISCARDED


def test_a_body_without_an_address_is_not_chased_by_guess(user) -> None:  # type: ignore[no-untyped-def]
    body = PublicBodyFactory(name="Nowhere Council", foi_email="")
    foi_request = FoiRequestFactory.sent(on=dt.date(2026, 1, 5), owner=user, public_body=body)
    chase(foi_request, 3, models.ChaserMode.SEND)
    send_reminders()
    assert mail.outbox == [] or all(BODY_ADDRESS not in letter.to for letter in mail.outbox)
    assert models.Chaser.objects.get().status == models.ChaserStatus.NO_ADDRESS


def test_opting_in_on_the_request_page_redirects_to_the_new_state(
    late_request: models.FoiRequest, alice_client: Client
) -> None:
    url = reverse("request_chaser_rule", kwargs={"reference": late_request.reference})
    response = alice_client.post(
        url, {"working_days_overdue": "4", "mode": models.ChaserMode.SEND}, follow=True
    )
    assert response.redirect_chain == [(late_request.get_absolute_url(), 302)]
    assert response.context["chaser_form"].initial["working_days_overdue"] == 4
    assert (
        "A chaser will be prepared once a reply is 4 working days late."
        in response.content.decode()
    )
    send_reminders()
    assert len(chasers_sent()) == 1

    alice_client.post(url, {"working_days_overdue": "", "mode": models.ChaserMode.SEND})
    assert not models.ChaserRule.objects.exists()


def test_only_an_editor_may_opt_in_or_approve(
    late_request: models.FoiRequest,
    client_for,
    other_user,  # type: ignore[no-untyped-def]
) -> None:
    mallory = client_for(other_user)
    chase(late_request, 3, models.ChaserMode.APPROVE)
    send_reminders()
    chaser = models.Chaser.objects.get()
    url = reverse("chaser_decide", kwargs={"pk": chaser.pk, "decision": "send"})
    assert mallory.post(url).status_code == 404
    rule_url = reverse("request_chaser_rule", kwargs={"reference": late_request.reference})
    assert mallory.post(rule_url, {"working_days_overdue": "1", "mode": "send"}).status_code == 404
    assert chasers_sent() == []


def test_a_campaign_owner_opts_the_campaign_in_on_its_page(
    late_request: models.FoiRequest,
    alice_client: Client,
    user,  # type: ignore[no-untyped-def]
) -> None:
    campaign = CampaignFactory.create(name="Open", slug="open")
    MembershipFactory(campaign=campaign, user=user, role=models.Role.OWNER)
    late_request.campaign = campaign
    late_request.save()
    page = alice_client.get(campaign.get_absolute_url()).content.decode()
    assert "Off: overdue requests are not chased automatically." in page

    url = reverse("campaign_chaser_rule", kwargs={"slug": campaign.slug})
    response = alice_client.post(
        url, {"working_days_overdue": "2", "mode": models.ChaserMode.SEND}, follow=True
    )

    assert response.redirect_chain == [(campaign.get_absolute_url(), 302)]
    assert "once a campaign request is 2 working days overdue" in response.content.decode()
    send_reminders()
    assert len(chasers_sent()) == 1


def test_a_campaign_viewer_cannot_opt_the_campaign_in(
    alice_client: Client,
    client_for,  # type: ignore[no-untyped-def]
) -> None:
    campaign = CampaignFactory.create(name="Open", slug="open")
    victor = UserFactory.create(username="victor")
    MembershipFactory(campaign=campaign, user=victor, role=models.Role.VIEWER)
    url = reverse("campaign_chaser_rule", kwargs={"slug": campaign.slug})
    response = client_for(victor).post(url, {"working_days_overdue": "2", "mode": "send"})
    assert response.status_code == 403 and not models.ChaserRule.objects.exists()


def test_a_chaser_waiting_for_approval_is_dropped_once_the_body_answers(
    late_request: models.FoiRequest, alice_client: Client
) -> None:
    chase(late_request, 3, models.ChaserMode.APPROVE)
    send_reminders()
    chaser = models.Chaser.objects.get()
    late_request.record_response(on=FOUR_DAYS_LATE, outcome=models.Status.SUCCESSFUL)

    approve = reverse("chaser_decide", kwargs={"pk": chaser.pk, "decision": "send"})
    assert _capture is not None
    with _capture(execute=True):
        response = alice_client.post(approve, follow=True)

    assert chasers_sent() == []
    assert "already dealt with" in response.content.decode()
    assert "A chaser is ready to send" not in response.content.decode()
    assert models.Chaser.objects.get().status == models.ChaserStatus.DISCARDED
