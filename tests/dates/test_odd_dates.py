"""Dates the deadline engine cannot count, or that cannot have happened, are refused with a
message through the web forms and the API: never a 500, never stored."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from requests_app import models
from tests.dates.conftest import TODAY
from tests.factories import FoiRequestFactory


def edit_data(foi_request: models.FoiRequest, **changes: str) -> dict[str, Any]:
    data = {
        "title": foi_request.title,
        "public_body": foi_request.public_body_id,
        "regime": foi_request.regime,
        "text": foi_request.text,
        "sent_on": foi_request.sent_on.isoformat() if foi_request.sent_on else "",
        "received_on": "",
        "visibility": foi_request.visibility,
    }
    return {**data, **changes}


def event_url(foi_request: models.FoiRequest, kind: str) -> str:
    return reverse("event_create", kwargs={"reference": foi_request.reference, "kind": kind})


# --- the year 0437 -------------------------------------------------------------------


def test_the_edit_form_refuses_a_sent_date_in_the_year_437(
    alice_client: Client, alice_request: models.FoiRequest
) -> None:
    url = reverse("request_edit", kwargs={"reference": alice_request.reference})
    response = alice_client.post(url, edit_data(alice_request, sent_on="0437-01-05"))
    assert response.status_code == 200
    assert "5 January 437 is outside the years deadlines can be worked out for" in response.text
    alice_request.refresh_from_db()
    assert alice_request.sent_on == dt.date(2026, 1, 5)


def test_the_new_request_form_refuses_a_sent_date_in_the_year_437(
    alice_client: Client, body: models.PublicBody
) -> None:
    data = {
        "title": "Odd",
        "public_body": body.pk,
        "sent_on": "0437-01-05",
        "visibility": "private",
    }
    response = alice_client.post(reverse("request_create"), data)
    assert response.status_code == 200
    assert "outside the years deadlines can be worked out for (1950 to 2200)" in response.text
    assert not models.FoiRequest.objects.filter(title="Odd").exists()


def test_the_api_refuses_a_sent_date_in_the_year_437_on_create_and_update(
    alice_api: APIClient, alice_request: models.FoiRequest, body: models.PublicBody
) -> None:
    created = alice_api.post(
        "/api/v1/requests/",
        {"title": "Odd", "public_body": body.slug, "sent_on": "0437-01-05"},
        format="json",
    )
    assert created.status_code == 400
    assert "outside the years" in created.json()["sent_on"][0]
    updated = alice_api.patch(
        f"/api/v1/requests/{alice_request.reference}/", {"sent_on": "0437-01-05"}, format="json"
    )
    assert updated.status_code == 400
    assert "outside the years" in updated.json()["sent_on"][0]
    alice_request.refresh_from_db()
    assert alice_request.sent_on == dt.date(2026, 1, 5)


# --- events --------------------------------------------------------------------------


def test_an_event_dated_centuries_ago_is_refused_on_the_page_and_through_the_api(
    alice_client: Client, alice_api: APIClient, alice_request: models.FoiRequest
) -> None:
    page = alice_client.post(event_url(alice_request, "acknowledged"), {"on": "1602-01-07"})
    assert page.status_code == 200
    assert "7 January 1602 is outside the years" in page.text
    api = alice_api.post(
        f"/api/v1/requests/{alice_request.reference}/events/",
        {"kind": "acknowledged", "on": "1602-01-07"},
        format="json",
    )
    assert api.status_code == 400
    assert "outside the years" in str(api.json())
    assert not alice_request.events.filter(kind="acknowledged").exists()


def test_an_event_before_the_request_was_sent_is_refused(
    alice_client: Client, alice_request: models.FoiRequest
) -> None:
    data = {"on": "2026-01-02", "outcome": "refused"}
    response = alice_client.post(event_url(alice_request, "response"), data)
    assert response.status_code == 200
    assert "That is before the request was sent (5 January 2026)." in response.text
    alice_request.refresh_from_db()
    assert alice_request.status == models.Status.AWAITING_RESPONSE


def test_a_response_dated_in_the_future_is_refused(
    alice_api: APIClient, alice_request: models.FoiRequest
) -> None:
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    response = alice_api.post(
        f"/api/v1/requests/{alice_request.reference}/events/",
        {"kind": "response", "on": tomorrow, "outcome": "refused"},
        format="json",
    )
    assert response.status_code == 400
    assert "That date is in the future." in str(response.json())


def test_a_review_cannot_be_decided_before_it_was_asked_for(
    alice_client: Client, alice_request: models.FoiRequest
) -> None:
    alice_request.record_response(on=dt.date(2026, 1, 8), outcome=models.Status.REFUSED)
    alice_request.record_event(models.EventKind.REVIEW_REQUESTED, on=dt.date(2026, 1, 12))
    data = {"on": "2026-01-09", "outcome": "upheld", "status": "refused"}
    response = alice_client.post(event_url(alice_request, "review_decided"), data)
    assert response.status_code == 200
    assert "That is before “Internal review requested” on 12 January 2026" in response.text


def test_the_sent_date_cannot_be_moved_after_the_bodys_response(
    alice_client: Client, alice_request: models.FoiRequest
) -> None:
    alice_request.record_response(on=dt.date(2026, 1, 8), outcome=models.Status.REFUSED)
    url = reverse("request_edit", kwargs={"reference": alice_request.reference})
    response = alice_client.post(url, edit_data(alice_request, sent_on="2026-01-12"))
    assert response.status_code == 200
    assert "The history has “Response received” on 8 January 2026" in response.text


# --- a sent date in the future ---------------------------------------------------------


def test_a_sent_date_tomorrow_is_accepted_with_a_warning(
    alice_client: Client, body: models.PublicBody
) -> None:
    data = {"title": "Tomorrow", "public_body": body.pk, "sent_on": "2026-01-16"}
    response = alice_client.post(
        reverse("request_create"), {**data, "visibility": "private"}, follow=True
    )
    assert response.status_code == 200
    assert "The sent date, Friday 16 January 2026, is in the future" in response.text
    assert models.FoiRequest.objects.get(title="Tomorrow").sent_on == dt.date(2026, 1, 16)


def test_a_sent_date_more_than_a_day_ahead_is_refused(
    alice_client: Client, alice_api: APIClient, body: models.PublicBody
) -> None:
    data = {"title": "Typo", "public_body": body.pk, "sent_on": "2027-01-15"}
    page = alice_client.post(reverse("request_create"), {**data, "visibility": "private"})
    assert page.status_code == 200
    assert "cannot have been sent on 15 January 2027" in page.text
    api = alice_api.post("/api/v1/requests/", {**data, "public_body": body.slug}, format="json")
    assert api.status_code == 400
    assert "more than a day ahead" in api.json()["sent_on"][0]
    assert not models.FoiRequest.objects.filter(title="Typo").exists()


def test_the_form_tells_the_browser_the_dates_it_accepts(alice_client: Client, db: None) -> None:
    html = alice_client.get(reverse("request_create")).text
    assert 'min="1950-01-01"' in html
    assert 'max="2026-01-16"' in html


def test_marking_a_draft_sent_follows_the_same_rule_as_the_form(
    alice_client: Client, user: Any, body: models.PublicBody
) -> None:
    draft = FoiRequestFactory(owner=user, public_body=body)
    refused = alice_client.post(event_url(draft, "sent"), {"on": "2026-02-15"})
    assert "cannot have been sent on 15 February 2026" in refused.text
    alice_client.post(event_url(draft, "sent"), {"on": "2026-01-16"})
    draft.refresh_from_db()
    assert (draft.status, draft.sent_on) == (models.Status.AWAITING_RESPONSE, dt.date(2026, 1, 16))
