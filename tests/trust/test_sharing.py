"""Share links: secret, revocable, read-only, and showing only masked text."""

from __future__ import annotations

import datetime as dt
from typing import cast

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app import models
from tests.factories import FoiRequestFactory, MessageFactory
from tests.trust.conftest import LONDON, World


def share_url(world: World) -> str:
    return reverse("request_share", kwargs={"reference": world.foi_request.reference})


def create_link(client: Client, world: World) -> models.ShareLink:
    # The world's letters carry addresses the disclosure check finds (tests/redaction/
    # test_gate.py covers the check): here the link is made regardless, to read what it shows.
    response = client.post(share_url(world), {"action": "create", "disclosure": "share-anyway"})
    assert response.status_code == 302
    return models.ShareLink.objects.latest("pk")


def test_the_owner_makes_a_link_that_opens_without_an_account(
    world: World, owner_client: Client
) -> None:
    link = create_link(owner_client, world)
    assert len(link.token) >= 43  # 256 random bits
    page = Client().get(link.get_absolute_url())
    assert page.status_code == 200
    assert "Waiting times at the children" in page.text
    assert link.get_absolute_url() in owner_client.get(share_url(world)).text


def test_the_shared_page_masks_addresses_phone_numbers_and_names(
    world: World, owner_client: Client
) -> None:
    world.foi_request.text = "Sent by Alice Nightingale (alice@example.org, 07700 900123)."
    world.foi_request.notes = "Private: the source is Bob."
    world.foi_request.save()
    link = create_link(owner_client, world)
    text = Client().get(link.get_absolute_url()).text
    for secret in ("alice@example.org", "07700 900123", "Alice Nightingale", "020 7946 0991"):
        assert secret not in text
    assert "jane.official@" not in text and "Jane Official" not in text
    assert "[email]@nhs-example.gov.uk" in text
    assert "[phone number]" in text and "[name]" in text
    assert "the source is Bob" not in text  # private notes are never shared
    assert reverse("attachment_download", args=[world.attachment.pk, "x"])[:-1] not in text


def test_internal_notes_on_the_request_are_never_shared(world: World, owner_client: Client) -> None:
    MessageFactory(
        request=world.foi_request,
        channel=models.Channel.NOTE,
        direction=models.Direction.OUTGOING,
        subject="Call with our source",
        body_text="Internal: the whistleblower works in the finance team.",
    )
    link = create_link(owner_client, world)
    text = Client().get(link.get_absolute_url()).text
    assert "Your request about waiting times" in text  # the letters are there
    assert "whistleblower" not in text and "Call with our source" not in text


def test_a_revoked_link_opens_nothing_and_is_revoked_once(
    world: World, owner_client: Client
) -> None:
    link = create_link(owner_client, world)
    data = {"action": "revoke", "link": link.pk}
    assert owner_client.post(share_url(world), data).status_code == 302
    assert owner_client.post(share_url(world), data).status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert Client().get(link.get_absolute_url()).status_code == 404
    actions = list(models.AuditEntry.objects.values_list("action", flat=True))
    assert sorted(actions) == ["disclosure.shared_anyway", "share.created", "share.revoked"]


def test_a_link_of_another_request_cannot_be_revoked_from_this_one(
    world: World, owner_client: Client
) -> None:
    other = cast(models.FoiRequest, FoiRequestFactory(owner=world.outsider))
    foreign = models.ShareLink.objects.create(request=other, created_by=world.outsider)
    response = owner_client.post(share_url(world), {"action": "revoke", "link": foreign.pk})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


def test_an_unknown_token_is_404(db: None, client: Client) -> None:
    assert client.get(reverse("shared_request", kwargs={"token": "x" * 43})).status_code == 404


def test_the_shared_page_keeps_its_address_out_of_caches_logs_and_search_engines(
    world: World,
) -> None:
    link = models.ShareLink.objects.create(request=world.foi_request, created_by=world.owner)
    response = Client().get(link.get_absolute_url())
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]


def test_the_shared_page_is_read_only(world: World) -> None:
    link = models.ShareLink.objects.create(request=world.foi_request, created_by=world.owner)
    page = Client().get(link.get_absolute_url()).text
    assert "<form" not in page.split('id="main"')[1]


def test_the_shared_page_runs_the_same_queries_for_2_or_12_letters(world: World) -> None:
    link = models.ShareLink.objects.create(request=world.foi_request, created_by=world.owner)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert Client().get(link.get_absolute_url()).status_code == 200
        return len(queries.captured_queries)

    def add_letters(number: int) -> None:
        for day in range(number):
            sent_at = dt.datetime(2026, 1, 6 + day, 9, tzinfo=LONDON)
            MessageFactory(request=world.foi_request, sent_at=sent_at)

    add_letters(1)
    with_two = count()
    add_letters(10)
    assert count() == with_two


@pytest.mark.parametrize("role", ["viewer", "outsider"])
def test_people_who_may_not_edit_cannot_make_links(
    role: str, world: World, client_for: object
) -> None:
    client = client_for(getattr(world, role))  # type: ignore[operator]
    assert client.post(share_url(world), {"action": "create"}).status_code in (403, 404)
    assert not models.ShareLink.objects.exists()
