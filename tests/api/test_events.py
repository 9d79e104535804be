"""Recording events through the API: the deadlines move, the web's rules apply."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rest_framework.test import APIClient

from requests_app import models


def events_url(foi_request: models.FoiRequest) -> str:
    return f"/api/v1/requests/{foi_request.reference}/events/"


def test_an_extension_with_a_promised_date_moves_the_deadline(
    alice_api: APIClient, alice_request: models.FoiRequest, user: Any
) -> None:
    payload = {"kind": "extension_claimed", "on": "2026-01-14", "new_due_on": "2026-03-02"}
    response = alice_api.post(events_url(alice_request), payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["event"]["kind"] == "extension_claimed"
    assert body["event"]["actor"] == "alice"
    assert body["request"]["status"] == "extended"
    assert body["request"]["deadlines"]["extended_due_on"] == "2026-03-02"
    alice_request.refresh_from_db()
    assert alice_request.next_due_on == dt.date(2026, 3, 2)


def test_a_response_records_the_outcome_and_the_exemptions(
    alice_api: APIClient, alice_request: models.FoiRequest
) -> None:
    exemption = models.Exemption.objects.filter(law="uk-foia").first()
    assert exemption is not None
    payload = {
        "kind": "response",
        "on": "2026-01-14",
        "outcome": "refused",
        "exemptions": [exemption.pk],
        "note": "Cost limit",
    }
    response = alice_api.post(events_url(alice_request), payload, format="json")
    assert response.status_code == 201
    assert response.json()["request"]["status"] == "refused"
    assert response.json()["request"]["exemptions"] == [exemption.citation]
    assert response.json()["request"]["deadlines"]["escalation_closes_on"] is not None


def test_the_web_forms_rules_give_400s_with_the_reason(
    alice_api: APIClient, alice_request: models.FoiRequest
) -> None:
    url = events_url(alice_request)
    missing_outcome = alice_api.post(url, {"kind": "response", "on": "2026-01-14"}, format="json")
    assert missing_outcome.status_code == 400
    assert "outcome" in missing_outcome.json()
    future = alice_api.post(url, {"kind": "acknowledged", "on": "2026-02-01"}, format="json")
    assert future.json() == {"on": ["That date is in the future."]}
    written_by_the_app = alice_api.post(url, {"kind": "edited", "on": "2026-01-14"}, format="json")
    assert "kind" in written_by_the_app.json()
    late_promise = {"kind": "extension_claimed", "on": "2026-01-14", "new_due_on": "2026-01-10"}
    assert "new_due_on" in alice_api.post(url, late_promise, format="json").json()
    assert alice_request.events.count() == 1  # sent, nothing more


def test_a_viewer_may_list_events_but_not_record_them(
    viewer_api: APIClient, campaign_request: models.FoiRequest
) -> None:
    url = events_url(campaign_request)
    listed = viewer_api.get(url).json()
    assert [event["kind"] for event in listed["results"]] == ["sent"]
    response = viewer_api.post(url, {"kind": "acknowledged", "on": "2026-01-14"}, format="json")
    assert response.status_code == 403


def test_an_outsider_cannot_record_an_event(
    mallory_api: APIClient, alice_request: models.FoiRequest
) -> None:
    payload = {"kind": "withdrawn", "on": "2026-01-14"}
    assert mallory_api.post(events_url(alice_request), payload, format="json").status_code == 404
    alice_request.refresh_from_db()
    assert alice_request.status == models.Status.AWAITING_RESPONSE


def test_an_exemption_id_no_database_can_hold_is_a_400_not_a_server_error(
    alice_api: APIClient, alice_request: models.FoiRequest
) -> None:
    payload = {"kind": "response", "on": "2026-01-14", "outcome": "refused"}
    for too_big in (2**63, 15539068109619482972623977904812851200):
        response = alice_api.post(
            events_url(alice_request), {**payload, "exemptions": [too_big]}, format="json"
        )
        assert response.status_code == 400
        assert "exemptions" in response.json()
    assert alice_request.events.count() == 1
