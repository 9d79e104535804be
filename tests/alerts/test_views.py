"""The unsubscribe link, the preferences form and a request's alert history."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.template import Context, Template
from django.test import Client

from requests_app.alerts.emails import ALL_KINDS, unsubscribe_token
from requests_app.models import AlertStatus, FoiRequest, Profile
from tests.alerts.factories import make_alert


def unsubscribe_path(user: User, kind: str) -> str:
    return f"/alerts/unsubscribe/{unsubscribe_token(user.pk, kind)}/"


def test_the_unsubscribe_link_asks_before_it_changes_anything(user: User) -> None:
    response = Client().get(unsubscribe_path(user, "overdue"))
    assert response.status_code == 200
    assert b"Stop \xe2\x80\x9cOverdue\xe2\x80\x9d alerts" in response.content
    assert b'<form method="post">' in response.content
    assert Profile.for_user(user).muted_alert_kinds == []


def test_the_one_click_post_works_without_a_session_or_csrf_token(
    user: User,
) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(unsubscribe_path(user, "overdue"), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Profile.for_user(user).muted_alert_kinds == ["overdue"]
    client.post(unsubscribe_path(user, "overdue"))
    assert Profile.for_user(user).muted_alert_kinds == ["overdue"]


def test_the_digest_link_pauses_every_alert(user: User) -> None:
    Client().post(unsubscribe_path(user, ALL_KINDS))
    assert Profile.for_user(user).alerts_paused


def test_a_broken_unsubscribe_link_says_so(user: User) -> None:
    response = Client().post("/alerts/unsubscribe/forged-token/")
    assert response.status_code == 400
    assert b"not valid" in response.content


def test_the_preferences_page_needs_a_login(db: None) -> None:
    response = Client().get("/account/alerts/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_preferences_form_saves_kinds_delivery_and_hour(
    user: User, alice_client: Client
) -> None:
    page = alice_client.get("/account/alerts/")
    assert page.status_code == 200
    assert b"Alerts I want" in page.content
    response = alice_client.post(
        "/account/alerts/",
        {
            "wanted_kinds": ["overdue", "due_today"],
            "alert_delivery": "digest",
            "digest_hour": "18",
            "due_soon_working_days": "5",
        },
    )
    assert response.status_code == 302
    profile = Profile.for_user(user)
    assert "overdue" not in profile.muted_alert_kinds
    assert "due_soon" in profile.muted_alert_kinds
    assert (profile.alert_delivery, profile.digest_hour) == ("digest", 18)
    assert profile.due_soon_working_days == 5
    assert not profile.alerts_paused


def test_a_bad_preferences_form_is_shown_again_with_its_errors(alice_client: Client) -> None:
    response = alice_client.post(
        "/account/alerts/",
        {"alert_delivery": "digest", "digest_hour": "25", "due_soon_working_days": "0"},
    )
    assert response.status_code == 400
    assert b"Please correct the problems" in response.content


def test_the_alert_history_shows_who_got_what(
    iapt_request: FoiRequest, alice_client: Client
) -> None:
    make_alert(
        request=iapt_request,
        user=iapt_request.owner,
        status=AlertStatus.FAILED,
        last_error="SMTPRecipientsRefused",
    )
    response = alice_client.get(f"/requests/{iapt_request.reference}/alerts/")
    assert response.status_code == 200
    assert b"Overdue" in response.content
    assert b"alice" in response.content
    assert b"SMTPRecipientsRefused" in response.content


def test_the_alert_history_is_hidden_from_outsiders(
    iapt_request: FoiRequest, other_user: User, client_for: object
) -> None:
    mallory = client_for(other_user)  # type: ignore[operator]
    assert mallory.get(f"/requests/{iapt_request.reference}/alerts/").status_code == 404
    anonymous = Client().get(f"/requests/{iapt_request.reference}/alerts/")
    assert anonymous.status_code == 302


def test_the_recent_alerts_tag_lists_the_latest_alerts(iapt_request: FoiRequest) -> None:
    make_alert(request=iapt_request, user=iapt_request.owner, kind="due_soon")
    template = Template("{% load alert_tags %}{% recent_alerts foi_request %}")
    html = template.render(Context({"foi_request": iapt_request}))
    assert "Due soon" in html
    assert f"/requests/{iapt_request.reference}/alerts/" in html
