"""Recording what happened to a request."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from requests_app import models


def event_url(foi_request: models.FoiRequest, kind: str) -> str:
    return reverse("event_create", kwargs={"reference": foi_request.reference, "kind": kind})


@pytest.fixture
def exemptions(db: None) -> dict[str, models.Exemption]:
    def exemption(law: str, section: str, title: str) -> models.Exemption:
        found, _ = models.Exemption.objects.get_or_create(
            law=law, section=section, defaults={"title": title}
        )
        return found

    return {
        "s43": exemption("uk-foia", "43", "Commercial interests"),
        "s40": exemption("uk-foia", "40", "Personal information"),
        "eir": exemption("uk-eir", "12(5)(e)", "Commercial confidentiality"),
    }


def test_recording_a_response_sets_the_outcome_and_attaches_the_exemptions(
    alice_client: Client,
    alice_request: models.FoiRequest,
    exemptions: dict[str, models.Exemption],
    user: Any,
) -> None:
    data = {
        "on": "2026-01-14",
        "note": "Part of the data withheld",
        "outcome": "partially_successful",
        "exemptions": [exemptions["s43"].pk],
    }
    response = alice_client.post(event_url(alice_request, "response"), data, follow=True)
    alice_request.refresh_from_db()
    assert alice_request.status == models.Status.PARTIALLY_SUCCESSFUL
    assert list(alice_request.exemptions.all()) == [exemptions["s43"]]
    event = alice_request.events.get(kind=models.EventKind.RESPONSE)
    assert (event.on, event.note, event.actor) == (dt.date(2026, 1, 14), data["note"], user)
    assert "Recorded: Response received." in response.text
    assert "FOIA s.43" in response.text


def test_the_response_form_offers_only_the_regimes_exemptions(
    alice_client: Client, alice_request: models.FoiRequest, exemptions: dict[str, models.Exemption]
) -> None:
    html = alice_client.get(event_url(alice_request, "response")).text
    assert "Commercial interests" in html
    assert "Commercial confidentiality" not in html


def test_an_extension_with_a_new_date_moves_the_deadline(
    alice_client: Client, alice_request: models.FoiRequest
) -> None:
    data = {"on": "2026-01-14", "new_due_on": "2026-03-02"}
    assert alice_client.post(event_url(alice_request, "extension_claimed"), data).status_code == 302
    alice_request.refresh_from_db()
    assert alice_request.status == models.Status.EXTENDED
    event = alice_request.events.get(kind=models.EventKind.EXTENSION_CLAIMED)
    assert event.new_due_on == dt.date(2026, 3, 2)


def test_an_extension_date_before_the_notice_is_an_error(
    alice_client: Client, alice_request: models.FoiRequest
) -> None:
    data = {"on": "2026-01-14", "new_due_on": "2026-01-10", "note": "keep me"}
    response = alice_client.post(event_url(alice_request, "extension_claimed"), data)
    assert response.status_code == 200
    assert 'id="id_new_due_on_error"' in response.text
    assert "keep me" in response.text
    assert not alice_request.events.filter(kind="extension_claimed").exists()


def test_a_review_decision_records_its_outcome_and_the_resulting_status(
    alice_client: Client, alice_request: models.FoiRequest
) -> None:
    alice_request.record_response(on=dt.date(2026, 1, 8), outcome="refused")
    alice_request.record_event("review_requested", on=dt.date(2026, 1, 9))
    data = {"on": "2026-01-15", "outcome": "overturned", "status": "successful"}
    alice_client.post(event_url(alice_request, "review_decided"), data)
    alice_request.refresh_from_db()
    assert alice_request.status == models.Status.SUCCESSFUL
    event = alice_request.events.get(kind="review_decided")
    assert event.details["outcome"] == "overturned"


def test_a_date_in_the_future_is_refused(
    alice_client: Client, alice_request: models.FoiRequest
) -> None:
    response = alice_client.post(event_url(alice_request, "acknowledged"), {"on": "2026-01-16"})
    assert response.status_code == 200
    assert "That date is in the future." in response.text


def test_a_malformed_date_is_an_error_not_a_500(
    alice_client: Client, alice_request: models.FoiRequest
) -> None:
    response = alice_client.post(event_url(alice_request, "withdrawn"), {"on": "someday"})
    assert response.status_code == 200
    assert "Enter a valid date." in response.text
    alice_request.refresh_from_db()
    assert alice_request.status == models.Status.AWAITING_RESPONSE


@pytest.mark.parametrize("kind", ["bogus", "created", "edited", "message_logged"])
def test_kinds_people_do_not_record_are_404(
    kind: str, alice_client: Client, alice_request: models.FoiRequest
) -> None:
    assert alice_client.get(event_url(alice_request, kind)).status_code == 404
    assert (
        alice_client.post(event_url(alice_request, kind), {"on": "2026-01-14"}).status_code == 404
    )
