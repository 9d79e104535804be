"""The account page: name, signature, and an email address confirmed by a link."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse

from requests_app import models
from tests.factories import FoiRequestFactory, PublicBodyFactory, UserFactory

pytestmark = pytest.mark.django_db
NEW_ADDRESS = "alice@campaign.example"


def save_account(client: Client, **fields: str) -> object:
    data = {"display_name": "", "email": "alice@example.org", "letter_signature": ""} | fields
    return client.post(reverse("account"), data)


def confirmation_link(email: mail.EmailMessage) -> str:
    found = re.search(r"http://[^\s]+/account/confirm-email/[^\s]+/", email.body)
    assert found is not None, email.body
    return urlsplit(found.group(0)).path


def test_the_account_page_needs_a_login_and_is_linked_from_every_page(
    client: Client, alice_client: Client
) -> None:
    assert client.get(reverse("account")).status_code == 302
    page = alice_client.get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("account")}"' in page
    account = alice_client.get(reverse("account")).content.decode()
    for link in ("alert_preferences", "api_tokens", "two_factor_setup"):
        assert f'href="{reverse(link)}"' in account


def test_name_and_signature_are_saved_and_sign_the_letters(
    user: User, alice_client: Client
) -> None:
    response = save_account(
        alice_client, display_name="Alice Ng", letter_signature="Alice Ng\nSave Our Clinics"
    )
    assert response.status_code == 302  # type: ignore[attr-defined]
    profile = models.Profile.objects.get(user=user)
    assert (profile.display_name, profile.signature()) == ("Alice Ng", "Alice Ng\nSave Our Clinics")
    foi_request = FoiRequestFactory.sent(on=dt.date(2026, 1, 5), owner=user)
    url = reverse("mail_letter", kwargs={"reference": foi_request.reference, "letter": "chaser"})
    body = alice_client.get(url).context["form"].initial["body"]
    assert body.rstrip().endswith("Alice Ng\nSave Our Clinics")


def test_a_new_address_is_used_only_once_the_link_sent_to_it_is_followed(
    user: User, alice_client: Client, client: Client
) -> None:
    save_account(alice_client, email=NEW_ADDRESS)
    [email] = mail.outbox
    assert email.to == [NEW_ADDRESS]
    user.refresh_from_db()
    assert user.email == "alice@example.org"  # the old address stays in use meanwhile
    assert (
        "Waiting for you to follow the link sent to"
        in alice_client.get(reverse("account")).content.decode()
    )
    link = confirmation_link(email)
    assert client.get(link).status_code == 200
    user.refresh_from_db()
    assert user.email == "alice@example.org"  # a link scanner's GET confirms nothing
    response = client.post(link)
    assert "Alerts and digests now go to" in response.content.decode()
    user.refresh_from_db()
    assert user.email == NEW_ADDRESS
    assert client.post(link).status_code == 400  # used once


def test_a_link_expires_and_an_older_link_stops_working(
    user: User, alice_client: Client, client: Client
) -> None:
    save_account(alice_client, email="first@campaign.example")
    save_account(alice_client, email=NEW_ADDRESS)
    older, newer = (confirmation_link(email) for email in mail.outbox)
    assert client.post(older).status_code == 400
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=4)):
        assert client.post(newer).status_code == 400
    assert client.post(newer.replace("/confirm-email/", "/confirm-email/x")).status_code == 400
    user.refresh_from_db()
    assert user.email == "alice@example.org"


def test_an_address_another_account_uses_is_refused(alice_client: Client) -> None:
    UserFactory.create(username="bob", email="bob@campaign.example")
    response = save_account(alice_client, email="BOB@campaign.example")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "Another account uses this address." in response.content.decode()  # type: ignore[attr-defined]
    assert mail.outbox == []


def test_confirming_releases_the_alerts_held_for_want_of_an_address(
    client_for, client: Client, settings, django_capture_on_commit_callbacks
) -> None:
    newcomer = UserFactory.create(username="newcomer", email="")
    foi_request = FoiRequestFactory.create(owner=newcomer, public_body=PublicBodyFactory.create())
    held = models.Alert.objects.create(
        user=newcomer, request=foi_request, kind="new_correspondence", deadline=dt.date.today()
    )
    from requests_app.alerts import delivery

    assert delivery.deliver(alert_id=held.pk) == delivery.Outcome.HELD
    own = client_for(newcomer)
    checklist = own.get(reverse("account_checklist")).content.decode()
    assert "1 alert held" in checklist
    save_account(own, email="newcomer@campaign.example")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirmation_link(mail.outbox[0]))
    held.refresh_from_db()
    assert held.status == models.AlertStatus.SENT
    assert mail.outbox[-1].to == ["newcomer@campaign.example"]
