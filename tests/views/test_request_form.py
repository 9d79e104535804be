"""Logging and editing a request."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.urls import reverse

from requests_app import models
from tests.factories import CampaignFactory, MembershipFactory, PublicBodyFactory, TagFactory


def selected_option(html: str, value: object) -> bool:
    return re.search(rf'<option value="{value}"[^>]*\bselected\b', html) is not None


def new_request_data(body: models.PublicBody, **changes: Any) -> dict[str, Any]:
    data = {
        "title": "Agency staff spending",
        "public_body": body.pk,
        "regime": "",
        "campaign": "",
        "their_reference": "",
        "text": "Please tell me how much you spent on agency staff in 2025.",
        "notes": "",
        "sent_on": "",
        "received_on": "",
        "visibility": "campaign",
    }
    return {**data, **changes}


def test_the_form_offers_active_bodies_and_my_editable_campaigns(
    alice_client: Client, body: models.PublicBody, campaign: models.Campaign, user: AbstractBaseUser
) -> None:
    PublicBodyFactory(name="Abolished Quango", is_active=False)
    looking_only = CampaignFactory(name="Someone Else's Campaign")
    MembershipFactory(campaign=looking_only, user=user, role=models.Role.VIEWER)
    html = alice_client.get(reverse("request_create")).text
    assert "Department of Examples (DfE-X)" in html
    assert 'data-default-regime="uk-foia"' in html
    assert "Abolished Quango" not in html
    assert "Open Hospitals" in html
    assert "Someone Else" not in html
    assert '<label for="id_title">' in html


def test_a_request_with_a_sent_date_is_sent_and_gets_its_deadlines(
    alice_client: Client, body: models.PublicBody, user: AbstractBaseUser
) -> None:
    response = alice_client.post(
        reverse("request_create"), new_request_data(body, sent_on="2026-01-05")
    )
    foi_request = models.FoiRequest.objects.get(title="Agency staff spending")
    assert response.status_code == 302
    assert response["Location"] == foi_request.get_absolute_url()
    assert foi_request.owner == user
    assert foi_request.reference == "FOI-2026-0001"
    assert foi_request.status == models.Status.AWAITING_RESPONSE
    assert foi_request.due_on == dt.date(2026, 2, 2)
    kinds = foi_request.events.values_list("kind", flat=True)
    assert sorted(kinds) == ["created", "sent"]


def test_a_request_without_a_sent_date_stays_a_draft_with_a_mark_as_sent_action(
    alice_client: Client, body: models.PublicBody
) -> None:
    response = alice_client.post(reverse("request_create"), new_request_data(body), follow=True)
    foi_request = models.FoiRequest.objects.get(title="Agency staff spending")
    assert foi_request.status == models.Status.DRAFT
    assert foi_request.due_on is None
    assert "Mark as sent" in response.text
    sent_url = reverse("event_create", kwargs={"reference": foi_request.reference, "kind": "sent"})
    assert sent_url in response.text
    alice_client.post(sent_url, {"on": "2026-01-05"})
    foi_request.refresh_from_db()
    assert foi_request.status == models.Status.AWAITING_RESPONSE
    assert foi_request.due_on == dt.date(2026, 2, 2)


def test_a_blank_law_takes_the_bodys_usual_one(alice_client: Client) -> None:
    scottish = PublicBodyFactory(
        name="Scottish Example Board", nation="SCT", default_regime="scot-foisa"
    )
    alice_client.post(reverse("request_create"), new_request_data(scottish))
    assert models.FoiRequest.objects.get().regime == "scot-foisa"


def test_a_chosen_law_is_kept(alice_client: Client, body: models.PublicBody) -> None:
    alice_client.post(reverse("request_create"), new_request_data(body, regime="uk-eir"))
    assert models.FoiRequest.objects.get().regime == "uk-eir"


def test_errors_appear_next_to_their_fields_and_nothing_typed_is_lost(
    alice_client: Client, body: models.PublicBody
) -> None:
    data = new_request_data(body, title="", sent_on="2026-01-10", received_on="2026-01-09")
    response = alice_client.post(reverse("request_create"), data)
    assert response.status_code == 200
    html = response.text
    assert 'id="id_title_error"' in html
    assert "This field is required." in html
    assert 'id="id_received_on_error"' in html
    assert "cannot receive it before it was sent" in html
    assert "Please tell me how much you spent on agency staff in 2025." in html
    assert 'value="2026-01-10"' in html
    assert selected_option(html, body.pk)
    assert not models.FoiRequest.objects.exists()


def test_a_campaign_i_may_only_view_is_refused(
    alice_client: Client, body: models.PublicBody, user: AbstractBaseUser
) -> None:
    looking_only = CampaignFactory(name="Watchers")
    MembershipFactory(campaign=looking_only, user=user, role=models.Role.VIEWER)
    response = alice_client.post(
        reverse("request_create"), new_request_data(body, campaign=looking_only.pk)
    )
    assert response.status_code == 200
    assert 'id="id_campaign_error"' in response.text
    assert not models.FoiRequest.objects.exists()


def test_the_body_can_be_preselected_from_its_page(
    alice_client: Client, body: models.PublicBody
) -> None:
    html = alice_client.get(reverse("request_create"), {"public_body": body.pk}).text
    assert selected_option(html, body.pk)


# --- editing -------------------------------------------------------------------------


@pytest.fixture
def edit_url(alice_request: models.FoiRequest) -> str:
    return reverse("request_edit", kwargs={"reference": alice_request.reference})


def edit_data(foi_request: models.FoiRequest, **changes: Any) -> dict[str, Any]:
    data = {
        "title": foi_request.title,
        "public_body": foi_request.public_body_id,
        "regime": foi_request.regime,
        "campaign": foi_request.campaign_id or "",
        "their_reference": foi_request.their_reference,
        "text": foi_request.text,
        "notes": foi_request.notes,
        "sent_on": foi_request.sent_on.isoformat() if foi_request.sent_on else "",
        "received_on": foi_request.received_on.isoformat() if foi_request.received_on else "",
        "visibility": foi_request.visibility,
    }
    return {**data, **changes}


def test_editing_records_which_fields_changed(
    alice_client: Client, alice_request: models.FoiRequest, edit_url: str, user: AbstractBaseUser
) -> None:
    tag = TagFactory(name="Consultancy", slug="consultancy")
    data = edit_data(alice_request, their_reference="DEX-123", tags=[tag.pk])
    response = alice_client.post(edit_url, data)
    assert response.status_code == 302
    alice_request.refresh_from_db()
    assert alice_request.their_reference == "DEX-123"
    assert list(alice_request.tags.all()) == [tag]
    event = alice_request.events.get(kind=models.EventKind.EDITED)
    assert event.details["fields"] == ["their_reference", "tags"]
    assert event.actor == user
    assert alice_request.due_on == dt.date(2026, 2, 2)


def test_changing_the_received_date_moves_the_deadline(
    alice_client: Client, alice_request: models.FoiRequest, edit_url: str
) -> None:
    alice_client.post(edit_url, edit_data(alice_request, received_on="2026-01-07"))
    alice_request.refresh_from_db()
    assert alice_request.due_on == dt.date(2026, 2, 4)


def test_saving_without_changes_records_nothing(
    alice_client: Client, alice_request: models.FoiRequest, edit_url: str
) -> None:
    alice_client.post(edit_url, edit_data(alice_request))
    assert not alice_request.events.filter(kind=models.EventKind.EDITED).exists()


def test_an_invalid_edit_keeps_what_was_typed(
    alice_client: Client, alice_request: models.FoiRequest, edit_url: str
) -> None:
    data = edit_data(alice_request, title="", notes="Chase them on Friday", sent_on="not a date")
    response = alice_client.post(edit_url, data)
    assert response.status_code == 200
    assert "Chase them on Friday" in response.text
    assert 'value="not a date"' in response.text
    assert 'id="id_sent_on_error"' in response.text
    alice_request.refresh_from_db()
    assert alice_request.title == "Spending on management consultants"
