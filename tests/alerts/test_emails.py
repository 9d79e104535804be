"""What an alert email says: subject, reasoning, links, letter, unsubscribe token."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User

from requests_app.alerts.emails import (
    ALL_KINDS,
    alert_email,
    read_unsubscribe_token,
    subject_for,
    unsubscribe_token,
)
from requests_app.alerts.kinds import CHOSEN_KINDS
from requests_app.models import Alert, FoiRequest, Profile
from tests.alerts.conftest import DUE_ON, on_day
from tests.alerts.factories import make_alert


def test_the_subject_says_what_and_when(iapt_request: FoiRequest) -> None:
    alert = make_alert(request=iapt_request, user=iapt_request.owner, kind="overdue")
    with on_day(DUE_ON):
        assert subject_for(alert) == "Overdue: NAO — IAPT performance data, due Mon 2 Feb"


def test_a_long_title_is_shortened_and_kept_on_one_line(iapt_request: FoiRequest) -> None:
    iapt_request.title = "Minutes\nof " + "meetings " * 20
    alert = make_alert(request=iapt_request, user=iapt_request.owner, kind="due_today")
    subject = subject_for(alert)
    assert "\n" not in subject
    assert "…" in subject
    assert subject.endswith("due today, Mon 2 Feb")


def test_the_overdue_email_gives_the_reasoning_and_a_chaser_to_send(
    iapt_request: FoiRequest,
) -> None:
    alert = make_alert(request=iapt_request, user=iapt_request.owner, kind="overdue")
    message = alert_email(alert)
    assert "http://127.0.0.1:8000/requests/FOI-2026-0001/" in message.body
    assert "How the date was worked out" in message.body
    assert "20 working days after Mon 5 Jan 2026" in message.body
    assert "Dear National Audit Office" in message.body
    assert "ended on 2 February 2026 (FOIA s.10(1))" in message.body
    assert "Information Commissioner's Office" in message.body


def test_the_very_overdue_email_offers_an_internal_review_request(
    iapt_request: FoiRequest,
) -> None:
    alert = make_alert(
        request=iapt_request,
        user=iapt_request.owner,
        kind="very_overdue",
        deadline=dt.date(2026, 3, 2),
    )
    message = alert_email(alert)
    assert "I ask for an internal review of your failure to respond" in message.body
    assert "due Mon 2 Feb" in message.subject


@pytest.mark.parametrize("kind", CHOSEN_KINDS)
def test_every_kind_has_a_text_and_a_self_contained_html_part(
    iapt_request: FoiRequest, kind: str
) -> None:
    alert = make_alert(request=iapt_request, user=iapt_request.owner, kind=kind)
    message = alert_email(alert)
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert "FOI-2026-0001" in message.body and "FOI-2026-0001" in str(html)
    assert "<" not in message.body.split("--")[0]  # the text part is not HTML
    assert not re.search(r"<(img|link|script|style|iframe)\b", str(html))
    assert "src=" not in str(html)
    links = re.findall(r'href="([^"]+)"', str(html))
    assert links and all(link.startswith("http://127.0.0.1:8000/") for link in links)


def test_an_unsubscribe_token_names_its_user_and_kind_and_cannot_be_forged() -> None:
    token = unsubscribe_token(7, "overdue")
    found = read_unsubscribe_token(token)
    assert found is not None and (found.user_id, found.kind) == (7, "overdue")
    assert read_unsubscribe_token(token[:-2] + "xx") is None
    assert read_unsubscribe_token("not-a-token") is None
    assert read_unsubscribe_token(unsubscribe_token(7, "no_such_kind")) is None
    everything = read_unsubscribe_token(unsubscribe_token(7, ALL_KINDS))
    assert everything is not None and everything.kind == ALL_KINDS


def test_the_test_alert_is_about_no_request_and_links_to_the_account(user: User) -> None:
    alert = Alert.objects.create(user=user, request=None, kind="test", deadline=dt.date(2026, 1, 5))
    message = alert_email(alert)
    [(html, _mimetype)] = message.alternatives
    assert message.subject == "Test alert: FOI Tracker can reach you"
    assert "/account/" in message.body and "/account/" in str(html)
    assert message.to == ["alice@example.org"]


def test_the_ready_made_letter_is_signed_as_the_account_says(iapt_request: FoiRequest) -> None:
    Profile.objects.create(user=iapt_request.owner, letter_signature="Alice Ng\nSave Our Clinics")
    alert = make_alert(
        request=iapt_request, user=iapt_request.owner, kind="overdue", deadline=DUE_ON
    )
    assert "Yours faithfully,\n\nAlice Ng\nSave Our Clinics\n" in alert_email(alert).body
