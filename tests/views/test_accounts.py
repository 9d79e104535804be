"""Logging in and out, and resetting a forgotten password, with our own pages."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import TEST_PASSWORD


def test_logging_in_goes_to_the_checklist_then_once_put_aside_to_the_dashboard(
    client: Client, user: Any
) -> None:
    page = client.get(reverse("login"))
    assert '<label for="id_username">' in page.text
    response = client.post(reverse("login"), {"username": "alice", "password": TEST_PASSWORD})
    assert response["Location"] == reverse("account_checklist")
    client.post(reverse("account_checklist_done"))
    client.logout()
    response = client.post(reverse("login"), {"username": "alice", "password": TEST_PASSWORD})
    assert response["Location"] == reverse("dashboard")


def test_a_wrong_password_is_an_error_and_keeps_the_username(client: Client, user: Any) -> None:
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.text
    assert 'value="alice"' in response.text


def test_logging_out_is_a_post_form_in_the_menu(alice_client: Client) -> None:
    html = alice_client.get(reverse("dashboard")).text
    assert f'<form method="post" action="{reverse("logout")}">' in html
    response = alice_client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert alice_client.get(reverse("dashboard")).status_code == 302


def test_a_password_reset_mails_a_link_that_opens_our_form(client: Client, user: Any) -> None:
    response = client.post(reverse("password_reset"), {"email": "alice@example.org"})
    assert response["Location"] == reverse("password_reset_done")
    (message,) = mail.outbox
    assert message.subject == "Reset your FOI Tracker password"
    link = re.search(r"https?://testserver(/accounts/reset/\S+)", message.body)
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    assert "Choose a new password" in form_page.text
    assert '<label for="id_new_password1">' in form_page.text
