"""Campaigns and their members."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from requests_app import models
from tests.factories import CampaignFactory, MembershipFactory, UserFactory


def test_my_campaigns_lists_only_mine_with_my_role(
    alice_client: Client,
    campaign: models.Campaign,
    campaign_request: models.FoiRequest,
    other_user: Any,
) -> None:
    secret = CampaignFactory(name="Mallory's plans")
    MembershipFactory(campaign=secret, user=other_user, role=models.Role.OWNER)
    response = alice_client.get(reverse("campaign_list"))
    assert "Open Hospitals" in response.text
    assert "Mallory" not in response.text
    (listed,) = response.context["campaigns"]
    assert (listed.my_role, listed.request_count) == ("owner", 1)


def test_creating_a_campaign_makes_me_its_owner(alice_client: Client, user: Any) -> None:
    data = {"name": "Clean Rivers", "description": "Sewage discharges"}
    response = alice_client.post(reverse("campaign_create"), data)
    campaign = models.Campaign.objects.get(name="Clean Rivers")
    assert response["Location"] == campaign.get_absolute_url()
    assert campaign.slug == "clean-rivers"
    assert campaign.role_of(user) == models.Role.OWNER


def test_campaign_slugs_stay_unique_and_avoid_reserved_words(alice_client: Client) -> None:
    CampaignFactory(name="Clean Rivers", slug="clean-rivers")
    alice_client.post(reverse("campaign_create"), {"name": "Clean Rivers"})
    alice_client.post(reverse("campaign_create"), {"name": "New"})
    slugs = set(models.Campaign.objects.values_list("slug", flat=True))
    assert slugs == {"clean-rivers", "clean-rivers-2", "new-2"}


def test_a_campaign_without_a_name_is_an_error(alice_client: Client) -> None:
    response = alice_client.post(reverse("campaign_create"), {"description": "keep this"})
    assert 'id="id_name_error"' in response.text
    assert "keep this" in response.text


def test_the_campaign_page_shows_members_and_the_requests_i_may_see(
    alice_client: Client,
    campaign: models.Campaign,
    campaign_request: models.FoiRequest,
    viewer: Any,
) -> None:
    MembershipFactory(campaign=campaign, user=UserFactory(username="bob"), role="editor")
    html = alice_client.get(campaign.get_absolute_url()).text
    assert "victor" in html
    assert "(viewer)" in html
    assert campaign_request.title.replace("'", "&#x27;") in html
    assert "Awaiting response" in html
    assert "12 working days left" in html
    assert reverse("campaign_members", kwargs={"slug": campaign.slug}) in html


# --- members -------------------------------------------------------------------------


@pytest.fixture
def members_url(campaign: models.Campaign) -> str:
    return reverse("campaign_members", kwargs={"slug": campaign.slug})


def test_an_owner_adds_a_member_by_email_with_a_role(
    alice_client: Client, campaign: models.Campaign, members_url: str
) -> None:
    bob = UserFactory(username="bob", email="Bob@Example.org")
    data = {"action": "add", "person": "bob@example.org", "role": "viewer"}
    assert alice_client.post(members_url, data).status_code == 302
    assert campaign.role_of(bob) == models.Role.VIEWER


def test_adding_an_unknown_person_or_a_member_again_is_an_error(
    alice_client: Client, members_url: str, viewer: Any
) -> None:
    unknown = alice_client.post(
        members_url, {"action": "add", "person": "nobody", "role": "editor"}
    )
    assert unknown.status_code == 400
    assert "No one with that username or email" in unknown.text
    assert 'value="nobody"' in unknown.text
    again = alice_client.post(members_url, {"action": "add", "person": "victor", "role": "editor"})
    assert "already a member" in again.text


def test_an_owner_changes_a_role_and_removes_a_member(
    alice_client: Client, campaign: models.Campaign, members_url: str, viewer: Any
) -> None:
    membership = campaign.memberships.get(user=viewer)
    alice_client.post(members_url, {"action": "change", "member": membership.pk, "role": "editor"})
    assert campaign.role_of(viewer) == models.Role.EDITOR
    alice_client.post(members_url, {"action": "remove", "member": membership.pk})
    assert campaign.role_of(viewer) is None


def test_the_last_owner_can_be_neither_removed_nor_demoted(
    alice_client: Client, campaign: models.Campaign, members_url: str, user: Any
) -> None:
    mine = campaign.memberships.get(user=user)
    removed = alice_client.post(members_url, {"action": "remove", "member": mine.pk})
    assert removed.status_code == 400
    assert "needs at least one owner" in removed.text
    demoted = alice_client.post(
        members_url, {"action": "change", "member": mine.pk, "role": "viewer"}
    )
    assert demoted.status_code == 400
    assert campaign.role_of(user) == models.Role.OWNER


def test_an_owner_may_leave_when_another_owner_remains(
    alice_client: Client, campaign: models.Campaign, members_url: str, user: Any
) -> None:
    MembershipFactory(campaign=campaign, user=UserFactory(username="olga"), role="owner")
    mine = campaign.memberships.get(user=user)
    response = alice_client.post(members_url, {"action": "remove", "member": mine.pk})
    assert response["Location"] == reverse("campaign_list")
    assert campaign.role_of(user) is None


def test_a_member_of_another_campaign_cannot_be_changed_from_this_one(
    alice_client: Client, members_url: str, other_user: Any
) -> None:
    elsewhere = MembershipFactory(user=other_user, role="owner")
    response = alice_client.post(members_url, {"action": "remove", "member": elsewhere.pk})
    assert response.status_code == 404
    assert models.Membership.objects.filter(pk=elsewhere.pk).exists()


def test_viewers_and_editors_cannot_manage_members(
    viewer_client: Client, members_url: str, campaign: models.Campaign, viewer: Any
) -> None:
    assert viewer_client.get(members_url).status_code == 403
    data = {"action": "add", "person": "victor", "role": "owner"}
    assert viewer_client.post(members_url, data).status_code == 403
    assert campaign.role_of(viewer) == models.Role.VIEWER
