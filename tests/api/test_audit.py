"""Changes made through the API go into the audit trail as web changes do, with the address."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from requests_app import models

CALLER = "198.51.100.23"


def entries(action: str) -> list[models.AuditEntry]:
    return list(models.AuditEntry.objects.filter(action=action))


def test_creating_and_editing_a_request_are_audited_with_the_callers_address(
    alice_api: APIClient, user: Any, body: models.PublicBody
) -> None:
    payload = {"title": "Agency staff costs", "public_body": body.slug, "text": "Figures."}
    response = alice_api.post("/api/v1/requests/", payload, format="json", REMOTE_ADDR=CALLER)
    assert response.status_code == 201, response.json()
    url = f"/api/v1/requests/{response.json()['reference']}/"
    edit = {"title": "Agency staff costs 2025"}
    assert alice_api.patch(url, edit, format="json", REMOTE_ADDR=CALLER).status_code == 200

    [created] = entries("request.created")
    assert (created.actor, created.ip) == (user, CALLER)
    assert created.changes["title"] == [None, "Agency staff costs"]
    [edited] = entries("request.edited")
    assert (edited.actor, edited.ip) == (user, CALLER)
    assert edited.changes == {"title": ["Agency staff costs", "Agency staff costs 2025"]}


def test_an_edit_that_changes_nothing_leaves_no_entry(
    alice_api: APIClient, alice_request: models.FoiRequest
) -> None:
    same = {"title": alice_request.title}
    url = f"/api/v1/requests/{alice_request.reference}/"
    assert alice_api.patch(url, same, format="json").status_code == 200
    assert entries("request.edited") == []


def test_events_and_messages_logged_through_the_api_keep_the_callers_address(
    alice_api: APIClient, alice_request: models.FoiRequest
) -> None:
    base = f"/api/v1/requests/{alice_request.reference}"
    event = {"kind": "acknowledged", "on": "2026-01-07"}
    response = alice_api.post(f"{base}/events/", event, format="json", REMOTE_ADDR=CALLER)
    assert response.status_code == 201, response.json()
    message = {"direction": "in", "channel": "letter", "sent_at": "2026-01-07T09:00:00Z"}
    response = alice_api.post(f"{base}/messages/", message, format="json", REMOTE_ADDR=CALLER)
    assert response.status_code == 201, response.json()
    assert [entry.ip for entry in entries("event.recorded")] == [CALLER]
    assert [entry.ip for entry in entries("message.logged")] == [CALLER]
