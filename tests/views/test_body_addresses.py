"""Bodies' addresses: never invented, set inline with who and when, learned from a reply.

Staff set a body's address for everyone; anyone else's address for a body is used for
their own letters only, so a stranger's mistake never sends someone's request astray.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from requests_app import models
from requests_app.models.bodies import PersonalBodyAddress
from requests_app.seed_data import PUBLIC_BODIES, seed_public_bodies
from tests.factories import FoiRequestFactory, MessageFactory, PublicBodyFactory, UserFactory
from tests.views.conftest import LONDON

pytestmark = pytest.mark.django_db

CHECKED = "foi@nowhere.gov.example"


@pytest.fixture
def nowhere() -> models.PublicBody:
    return PublicBodyFactory(
        name="Nowhere Council",
        slug="nowhere-council",
        foi_email="",
        website="https://www.nowhere.gov.example",
        foi_web_form="https://www.nowhere.gov.example/foi-form",
    )


@pytest.fixture
def nowhere_request(user: User, nowhere: models.PublicBody) -> models.FoiRequest:
    return FoiRequestFactory.sent(on=dt.date(2026, 1, 5), owner=user, public_body=nowhere)


def letter_to(client: Client, foi_request: models.FoiRequest) -> str:
    url = reverse("mail_letter", kwargs={"reference": foi_request.reference, "letter": "chaser"})
    return str(client.get(url).context["form"].initial["to"])


def test_staff_set_the_address_for_everyone_with_who_and_when(
    nowhere: models.PublicBody, nowhere_request: models.FoiRequest, client_for
) -> None:  # type: ignore[no-untyped-def]
    staff = UserFactory(username="sam", is_staff=True)
    url = reverse("body_address", kwargs={"slug": nowhere.slug})
    response = client_for(staff).post(url, {"email": CHECKED, "next": "/requests/"})

    assert response.status_code == 302 and response["Location"] == "/requests/"
    nowhere.refresh_from_db()
    assert nowhere.foi_email == CHECKED and nowhere.foi_email_set_by == staff
    assert nowhere.foi_email_set_at is not None
    entry = models.AuditEntry.objects.get(action="body.address_set")
    assert entry.actor == staff and entry.changes["foi_email"] == ["", CHECKED]
    assert letter_to(client_for(nowhere_request.owner), nowhere_request) == CHECKED


def test_a_campaigners_address_is_used_for_their_letters_only(
    nowhere: models.PublicBody, nowhere_request: models.FoiRequest, alice_client: Client, client_for
) -> None:  # type: ignore[no-untyped-def]
    url = reverse("body_address", kwargs={"slug": nowhere.slug})
    response = alice_client.post(url, {"email": "guess@nowhere.gov.example"}, follow=True)

    assert "Saved for your own letters" in response.content.decode()
    nowhere.refresh_from_db()
    assert nowhere.foi_email == ""
    assert letter_to(alice_client, nowhere_request) == "guess@nowhere.gov.example"
    bob = UserFactory(username="bob")
    bobs = FoiRequestFactory.sent(on=dt.date(2026, 1, 5), owner=bob, public_body=nowhere)
    assert letter_to(client_for(bob), bobs) == ""
    assert models.AuditEntry.objects.filter(action="body.personal_address_set").count() == 1


def test_a_body_without_an_address_shows_how_to_send_on_the_letter_page(
    nowhere_request: models.FoiRequest, alice_client: Client
) -> None:
    url = reverse(
        "mail_letter", kwargs={"reference": nowhere_request.reference, "letter": "chaser"}
    )
    page = alice_client.get(url).content.decode()
    assert "No email address for" in page
    assert "https://www.nowhere.gov.example/foi-form" in page
    assert "by post" in page
    assert reverse("body_address", kwargs={"slug": "nowhere-council"}) in page


def test_a_reply_from_the_bodys_domain_is_offered_as_its_address(
    nowhere_request: models.FoiRequest, alice_client: Client
) -> None:
    MessageFactory(
        request=nowhere_request,
        sender="Information Team <Info.Requests@nowhere.gov.example>",
        sent_at=dt.datetime(2026, 1, 12, 9, tzinfo=LONDON),
    )
    page = alice_client.get(nowhere_request.get_absolute_url())
    assert page.context["address_offer"] == "info.requests@nowhere.gov.example"

    form = page.context["offer_form"]
    response = alice_client.post(
        reverse("body_address", kwargs={"slug": "nowhere-council"}),
        {"email": form.initial["email"], "next": form.initial["next"]},
        follow=True,
    )

    assert response.redirect_chain == [(nowhere_request.get_absolute_url(), 302)]
    assert response.context["address_offer"] == ""
    assert letter_to(alice_client, nowhere_request) == "info.requests@nowhere.gov.example"


def test_a_reply_from_another_domain_is_not_offered(
    nowhere_request: models.FoiRequest, alice_client: Client
) -> None:
    MessageFactory(request=nowhere_request, sender="someone@gmail.example")
    MessageFactory(request=nowhere_request, sender="x@evilnowhere.gov.example")
    page = alice_client.get(nowhere_request.get_absolute_url())
    assert page.context["address_offer"] == ""


def test_the_address_form_never_redirects_off_site(
    nowhere: models.PublicBody, alice_client: Client
) -> None:
    url = reverse("body_address", kwargs={"slug": nowhere.slug})
    response = alice_client.post(url, {"email": CHECKED, "next": "https://evil.example/"})
    assert response["Location"] == nowhere.get_absolute_url()


def test_an_empty_or_bad_address_is_refused_clearly(
    nowhere: models.PublicBody, alice_client: Client
) -> None:
    url = reverse("body_address", kwargs={"slug": nowhere.slug})
    empty = alice_client.post(url, {"email": ""})
    bad = alice_client.post(url, {"email": "not an address"})
    assert empty.status_code == 400 and "FOI email address or its web form" in empty.text
    assert bad.status_code == 400
    nowhere.refresh_from_db()
    assert nowhere.foi_email == ""
    assert not PersonalBodyAddress.objects.exists()


def test_the_new_request_page_adds_an_address_inline(
    nowhere: models.PublicBody, client_for
) -> None:  # type: ignore[no-untyped-def]
    staff = UserFactory(username="sam", is_staff=True)
    client = client_for(staff)
    page = client.get(reverse("request_create") + f"?public_body={nowhere.pk}")
    assert page.context["address_form"].initial["body"] == str(nowhere.pk)
    response = client.post(
        reverse("chosen_body_address"),
        {
            "body": nowhere.pk,
            "web_form": "https://www.nowhere.gov.example/new-form",
            "next": "/requests/new/",
        },
    )
    assert response["Location"] == "/requests/new/"
    nowhere.refresh_from_db()
    assert nowhere.foi_web_form == "https://www.nowhere.gov.example/new-form"


def test_seeded_bodies_carry_only_the_checked_address() -> None:
    with_address = [body.name for body in PUBLIC_BODIES if body.foi_email]
    assert with_address == ["Belfast Health and Social Care Trust"]


def test_seeding_again_keeps_an_address_a_person_set() -> None:
    body = models.PublicBody.objects.get(name="Audit Wales")
    models.PublicBody.objects.filter(pk=body.pk).update(foi_email="checked@audit.wales")
    seed_public_bodies(models.PublicBody, models.Tag)
    body.refresh_from_db()
    assert body.foi_email == "checked@audit.wales"
