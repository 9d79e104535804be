"""The request page's forms saved in place: a request marked `X-Requested-With: fetch`
(the page's script) gets JSON — the toast's words and the page's new content — instead of
a redirect, under the same rules as the page: 404 for an outsider, 403 for a viewer."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from requests_app import models
from requests_app.models.bodies import PersonalBodyAddress
from tests.factories import FoiRequestFactory, MessageFactory, PublicBodyFactory

pytestmark = pytest.mark.django_db

SCRIPT = {"HTTP_X_REQUESTED_WITH": "fetch", "HTTP_ACCEPT": "application/json"}


@pytest.fixture
def draft(user: User, body: models.PublicBody) -> models.FoiRequest:
    return FoiRequestFactory(owner=user, public_body=body, title="Agency staff spending")


def sent_url(foi_request: models.FoiRequest) -> str:
    return reverse("event_create", kwargs={"reference": foi_request.reference, "kind": "sent"})


def test_marking_as_sent_answers_the_script_with_the_new_page_content(
    alice_client: Client, draft: models.FoiRequest
) -> None:
    response = alice_client.post(sent_url(draft), {"on": "2026-01-12", "note": ""}, **SCRIPT)

    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    answer = json.loads(response.content)
    assert answer["message"] == "Recorded: Sent."
    assert answer["url"] == draft.get_absolute_url()
    assert "<html" not in answer["html"] and 'id="next-heading"' in answer["html"]
    assert 'badge--awaiting_response">Awaiting response' in answer["html"]
    assert "Mark as sent" not in answer["html"]
    draft.refresh_from_db()
    assert draft.status == models.Status.AWAITING_RESPONSE
    assert str(draft.sent_on) == "2026-01-12"
    # The toast was the script's to show: the next page load has none waiting.
    page = alice_client.get(draft.get_absolute_url()).content.decode()
    assert "Recorded: Sent." not in page


def test_the_plain_form_still_redirects_with_a_toast(
    alice_client: Client, draft: models.FoiRequest
) -> None:
    response = alice_client.post(sent_url(draft), {"on": "2026-01-12"}, follow=True)

    assert response.redirect_chain == [(draft.get_absolute_url(), 302)]
    assert "Recorded: Sent." in response.content.decode()


def test_a_bad_date_comes_back_to_the_script_as_words_not_a_500(
    alice_client: Client, draft: models.FoiRequest
) -> None:
    response = alice_client.post(sent_url(draft), {"on": "12/13/2026"}, **SCRIPT)

    assert response.status_code == 400
    assert json.loads(response.content)["message"] == "Not saved. Date: Enter a valid date."
    draft.refresh_from_db()
    assert draft.status == models.Status.DRAFT


def test_an_outsider_gets_404_and_a_viewer_403_from_the_script_too(
    mallory_client: Client, viewer_client: Client, campaign_request: models.FoiRequest
) -> None:
    url = reverse(
        "event_create", kwargs={"reference": campaign_request.reference, "kind": "closed"}
    )
    page = campaign_request.get_absolute_url()

    assert mallory_client.post(url, {"on": "2026-01-12"}, **SCRIPT).status_code == 404
    assert mallory_client.get(page, **SCRIPT).status_code == 404
    assert viewer_client.post(url, {"on": "2026-01-12"}, **SCRIPT).status_code == 403
    campaign_request.refresh_from_db()
    assert campaign_request.status == models.Status.AWAITING_RESPONSE


def test_the_page_content_alone_follows_the_pages_rules(
    alice_client: Client, viewer_client: Client, campaign_request: models.FoiRequest
) -> None:
    page = campaign_request.get_absolute_url()

    mine = alice_client.get(page, **SCRIPT)
    theirs = viewer_client.get(page, **SCRIPT).content.decode()

    assert "X-Requested-With" in mine["Vary"]
    assert "<html" not in mine.content.decode() and "Record what happened" in mine.content.decode()
    assert "What to do now" in theirs and "Record what happened" not in theirs
    assert "<html" in viewer_client.get(page).content.decode()


def test_confirming_a_reply_answers_the_script_with_the_refusal_recorded(
    alice_client: Client, viewer_client: Client, campaign_request: models.FoiRequest
) -> None:
    reply = MessageFactory(request=campaign_request, subject="Your request: refused")
    url = reverse("mail_confirm", kwargs={"pk": reply.pk})
    refusal = {"kind": "refusal", "outcome": "refused"}

    assert viewer_client.post(url, refusal, **SCRIPT).status_code == 403
    bad = alice_client.post(url, {"kind": "a bribe"}, **SCRIPT)
    assert bad.status_code == 400 and json.loads(bad.content)["message"].startswith("Not saved.")
    response = alice_client.post(url, refusal, **SCRIPT)

    answer = json.loads(response.content)
    assert answer["message"] == "Marked as refusal and recorded “Response received”."
    assert 'badge--refused">Refused' in answer["html"]
    assert "A reply waits for review" not in answer["html"]
    reply.refresh_from_db()
    campaign_request.refresh_from_db()
    assert reply.reviewed_at is not None and campaign_request.status == models.Status.REFUSED


def test_saving_the_offered_address_answers_the_script_without_the_offer(
    alice_client: Client, user: User
) -> None:
    nowhere = PublicBodyFactory(
        name="Nowhere Council", foi_email="", website="https://nowhere.example"
    )
    foi_request = FoiRequestFactory(owner=user, public_body=nowhere)
    MessageFactory(request=foi_request, sender="FOI Team <foi@nowhere.example>")
    page = foi_request.get_absolute_url()
    assert "Save the body's address?" in alice_client.get(page).content.decode()
    url = reverse("body_address", kwargs={"slug": nowhere.slug})

    bad = alice_client.post(url, {"email": "not an address", "next": page}, **SCRIPT)
    response = alice_client.post(url, {"email": "foi@nowhere.example", "next": page}, **SCRIPT)

    assert bad.status_code == 400
    assert json.loads(bad.content)["message"] == (
        "Not saved. FOI email address: Enter a valid email address."
    )
    answer = json.loads(response.content)
    assert answer["message"].startswith("Saved for your own letters to Nowhere Council.")
    assert "Save the body's address?" not in answer["html"] and "What to do now" in answer["html"]
    assert PersonalBodyAddress.objects.get(body_id=nowhere.pk, user=user).foi_email == (
        "foi@nowhere.example"
    )


def test_an_address_saved_from_another_page_gets_the_words_alone(
    alice_client: Client, body: models.PublicBody
) -> None:
    url = reverse("body_address", kwargs={"slug": body.slug})
    response = alice_client.post(
        url, {"email": "foi@examples.gov.example", "next": "/requests/"}, **SCRIPT
    )

    answer = json.loads(response.content)
    assert answer["html"] == "" and answer["url"] == "/requests/"


def test_the_status_buttons_are_the_events_that_change_it_with_a_date_alone(
    alice_client: Client, viewer_client: Client, campaign_request: models.FoiRequest
) -> None:
    page = alice_client.get(campaign_request.get_absolute_url())
    labels = [label for _, label in page.context["status_buttons"]]

    assert labels == [
        "Clarification asked",
        "Clarification answered",
        "Internal review requested",
        "Complaint to the regulator",
        "Appeal to the tribunal",
        "Withdrawn",
        "Closed",
    ]
    closed = reverse(
        "event_create", kwargs={"reference": campaign_request.reference, "kind": "closed"}
    )
    assert f'formaction="{closed}"' in page.content.decode()
    viewer_page = viewer_client.get(campaign_request.get_absolute_url()).content.decode()
    assert "Change the status" not in viewer_page
