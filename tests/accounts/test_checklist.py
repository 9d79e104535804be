"""The first-steps checklist: where the first login leads, and the test alert."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from requests_app import models
from tests.alerts.conftest import SmtpServer, smtp_server  # noqa: F401 - a fixture
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str = TEST_PASSWORD) -> str:
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302
    return str(response["Location"])


def test_the_first_login_leads_to_the_checklist_until_it_is_put_aside(client: Client) -> None:
    out = StringIO()
    call_command("ensure_first_user", "--no-input", stdout=out)
    password = out.getvalue().split("password: ", 1)[1].split()[0]
    # Typing the site's address: the login page is asked to go on to the dashboard.
    client.get(reverse("dashboard"))
    response = client.post(
        f"{reverse('login')}?next=/", {"username": "admin", "password": password}
    )
    assert response["Location"] == reverse("account_checklist")
    page = client.get(response["Location"]).content.decode()
    assert "You have no confirmed address yet" in page and "0 of 4 done" in page
    assert client.post(reverse("account_checklist_done")).status_code == 302
    client.logout()
    assert sign_in(client, "admin", password) == reverse("dashboard")


def test_a_link_to_another_page_is_followed_even_before_the_checklist(
    client: Client, user: object
) -> None:
    target = reverse("request_list")
    response = client.post(
        f"{reverse('login')}?next={target}", {"username": "alice", "password": TEST_PASSWORD}
    )
    assert response["Location"] == target


def test_a_test_alert_reaches_the_address_on_the_account_through_smtp(
    user: models.User,  # type: ignore[name-defined]
    alice_client: Client,
    smtp_server: SmtpServer,  # noqa: F811
    django_capture_on_commit_callbacks,
) -> None:
    models.Profile.objects.create(user=user, alert_delivery="digest")  # a test goes at once
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("account_test_alert"))
    assert response.status_code == 302
    [received] = smtp_server.received
    assert received.rcpt_tos == ["alice@example.org"]
    assert str(received.message["Subject"]).strip() == "Test alert: FOI Tracker can reach you"
    alert = models.Alert.objects.get(kind="test")
    assert alert.status == models.AlertStatus.SENT and alert.request is None
    page = alice_client.get(reverse("account_checklist")).content.decode()
    assert "The last test alert went to your address" in page


def test_without_an_address_the_test_alert_is_held_and_says_why(
    client_for, django_capture_on_commit_callbacks
) -> None:
    newcomer = UserFactory.create(username="newcomer", email="")
    client = client_for(newcomer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_test_alert"))
        client.post(reverse("account_test_alert"))
    alert = models.Alert.objects.get(kind="test")  # pressing twice makes one
    assert alert.status == models.AlertStatus.PENDING
    page = client.get(reverse("account_checklist")).content.decode()
    assert "no confirmed email address yet" in page


def test_the_demo_can_be_loaded_from_the_checklist(client_for) -> None:
    newcomer = UserFactory.create(username="newcomer")
    client = client_for(newcomer)
    client.post(reverse("account_load_demo"))
    assert models.FoiRequest.objects.filter(owner=newcomer).count() > 3
    page = client.get(reverse("account_checklist")).content.decode()
    assert "You have requests to follow" in page
    assert not get_user_model().objects.filter(username="demo").exists()
