"""Who sees what: hits, snippets, totals and facets never reveal a request one may not see.

Alice and mallory both write about asbestos. They share the Open Hospitals campaign
(alice owns it, mallory may look); each also has private requests, and mallory has a
campaign of her own that alice is not in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User

from requests_app import models
from requests_app.search import search
from tests.factories import (
    CampaignFactory,
    FoiRequestFactory,
    MembershipFactory,
    MessageFactory,
    PublicBodyFactory,
    UserFactory,
)
from tests.search.factories import AttachmentFactory, DocumentPageFactory

PRIVATE, SHARED = models.Visibility.PRIVATE, models.Visibility.CAMPAIGN


@dataclass
class World:
    alice_private: models.FoiRequest
    alice_shared: models.FoiRequest
    alice_private_in_campaign: models.FoiRequest
    carol_shared: models.FoiRequest
    mallory_private: models.FoiRequest
    mallory_club: models.FoiRequest
    secret_club: models.Campaign
    carol: User


def about_asbestos(
    owner: User,
    title: str,
    secret: str,
    body: models.PublicBody,
    **extra: object,
) -> models.FoiRequest:
    """A request, a letter and a document page, all about asbestos, with a secret word."""
    foi_request = FoiRequestFactory.create(
        owner=owner,
        public_body=body,
        title=f"Asbestos: {title}",
        text=f"asbestos {secret}",
        **extra,
    )
    message = MessageFactory.create(
        request=foi_request, subject="Asbestos", body_text=f"asbestos {secret}"
    )
    attachment = AttachmentFactory.create(message=message)
    DocumentPageFactory.create(attachment=attachment, number=1, text=f"Asbestos register {secret}")
    return foi_request


@pytest.fixture
def world(
    user: User,
    other_user: User,
    campaign: models.Campaign,
    body: models.PublicBody,
    other_body: models.PublicBody,
) -> World:
    carol = UserFactory.create(username="carol")
    MembershipFactory.create(campaign=campaign, user=carol, role=models.Role.EDITOR)
    secret_club = CampaignFactory.create(name="Secret Club", slug="secret-club")
    MembershipFactory.create(campaign=secret_club, user=other_user, role=models.Role.OWNER)
    hidden_body = PublicBodyFactory.create(name="Office of Hidden Things", slug="hidden-things")
    return World(
        alice_private=about_asbestos(
            user, "alice private", "alicesecret", body, visibility=PRIVATE
        ),
        alice_shared=about_asbestos(
            user, "alice shared", "sharedword", body, campaign=campaign, visibility=SHARED
        ),
        alice_private_in_campaign=about_asbestos(
            user, "alice notes", "alicenotes", body, campaign=campaign, visibility=PRIVATE
        ),
        carol_shared=about_asbestos(
            carol, "carol shared", "carolword", other_body, campaign=campaign, visibility=SHARED
        ),
        mallory_private=about_asbestos(
            other_user,
            "mallory private",
            "mallorysecret",
            hidden_body,
            visibility=PRIVATE,
            status=models.Status.AT_TRIBUNAL,
        ),
        mallory_club=about_asbestos(
            other_user,
            "mallory club",
            "clubsecret",
            hidden_body,
            campaign=secret_club,
            visibility=SHARED,
            status=models.Status.AT_TRIBUNAL,
        ),
        secret_club=secret_club,
        carol=carol,
    )


def requests_found(user: User | AnonymousUser, query: str, **filters: Any) -> set[int]:
    return {hit.request.pk for hit in search(user, query, per_page=100, **filters).hits}


def test_each_user_finds_only_the_requests_they_may_see(
    user: User, other_user: User, world: World
) -> None:
    assert requests_found(user, "asbestos") == {
        world.alice_private.pk,
        world.alice_shared.pk,
        world.alice_private_in_campaign.pk,
        world.carol_shared.pk,
    }
    assert requests_found(other_user, "asbestos") == {
        world.alice_shared.pk,
        world.carol_shared.pk,
        world.mallory_private.pk,
        world.mallory_club.pk,
    }


def test_totals_and_facets_count_only_what_the_user_may_see(user: User, world: World) -> None:
    results = search(user, "asbestos", per_page=100)
    assert results.total == 4 * 3  # four requests, each with a letter and a page
    facets = {
        name: {item.label: item.count for item in items} for name, items in results.facets.items()
    }
    assert facets["body"] == {"Department of Examples": 9, "Ministry of Secrets": 3}
    assert facets["campaign"] == {"Open Hospitals": 6 + 3}
    assert "At tribunal" not in facets["status"]
    assert "Office of Hidden Things" not in str(results.facets)
    assert "Secret Club" not in str(results.facets)


def test_snippets_and_titles_never_show_another_users_text(user: User, world: World) -> None:
    shown = " ".join(
        f"{hit.title} {hit.snippet}" for hit in search(user, "asbestos", per_page=100).hits
    )
    assert "alicesecret" in shown
    assert "mallorysecret" not in shown and "clubsecret" not in shown
    assert "mallory" not in shown.lower()


@pytest.mark.parametrize("secret", ["mallorysecret", "clubsecret", "mallory"])
def test_a_word_only_in_hidden_requests_finds_nothing_and_counts_nothing(
    user: User, world: World, secret: str
) -> None:
    results = search(user, secret)
    assert (results.total, results.hits) == (0, [])
    assert not any(results.facets.values())


def test_a_private_request_in_a_shared_campaign_stays_private(
    other_user: User, world: World
) -> None:
    assert search(other_user, "alicenotes").total == 0
    assert search(other_user, "sharedword").total == 3


def test_searching_within_a_hidden_request_finds_nothing(other_user: User, world: World) -> None:
    assert search(other_user, "asbestos", request=world.alice_private).total == 0
    assert search(other_user, "asbestos", request=world.alice_shared).total == 3


def test_filtering_by_a_hidden_campaign_finds_nothing(user: User, world: World) -> None:
    assert search(user, "asbestos", campaign=world.secret_club).total == 0


def test_leaving_a_campaign_hides_its_requests_at_once(
    other_user: User, world: World, campaign: models.Campaign
) -> None:
    models.Membership.objects.filter(campaign=campaign, user=other_user).delete()
    assert requests_found(other_user, "asbestos") == {
        world.mallory_private.pk,
        world.mallory_club.pk,
    }


def test_making_a_request_private_hides_it_from_the_campaign(
    other_user: User, world: World
) -> None:
    world.alice_shared.visibility = PRIVATE
    world.alice_shared.save()
    assert world.alice_shared.pk not in requests_found(other_user, "asbestos")
    assert search(other_user, "sharedword").total == 0


def test_a_request_moved_to_another_owner_follows_its_owner(
    user: User, other_user: User, world: World
) -> None:
    world.mallory_private.owner = user
    world.mallory_private.save()
    assert search(user, "mallorysecret").total == 3
    assert search(other_user, "mallorysecret").total == 0


def test_someone_signed_out_finds_nothing(world: World) -> None:
    results = search(AnonymousUser(), "asbestos")
    assert (results.total, results.hits) == (0, [])
    assert results.notes == ["Sign in to search."]


def test_the_index_agrees_with_visible_to_for_every_user(
    user: User, other_user: User, world: World
) -> None:
    stranger = UserFactory.create(username="stranger")
    for person in (user, other_user, world.carol, stranger):
        visible = models.FoiRequest.objects.visible_to(person)
        expected_requests = set(visible.values_list("pk", flat=True))
        expected_messages = set(
            models.Message.objects.visible_to(person).values_list("pk", flat=True)
        )
        expected_pages = set(
            models.DocumentPage.objects.filter(
                attachment__in=models.Attachment.objects.visible_to(person)
            ).values_list("pk", flat=True)
        )
        hits = search(person, "asbestos", per_page=100).hits
        assert {h.object.pk for h in hits if h.kind == "request"} == expected_requests, person
        assert {h.object.pk for h in hits if h.kind == "message"} == expected_messages, person
        assert {h.object.pk for h in hits if h.kind == "page"} == expected_pages, person


@pytest.fixture(params=["a branch per campaign", "one branch for all campaigns"])
def campaign_branches(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL reads a member of few campaigns one campaign at a time, others at once."""
    from requests_app.search import postgres

    limit = 5 if request.param == "a branch per campaign" else 0
    monkeypatch.setattr(postgres, "CAMPAIGN_BRANCHES", limit)


@pytest.mark.usefixtures("campaign_branches")
def test_both_ways_of_reading_campaigns_find_the_same(other_user: User, world: World) -> None:
    # mallory is in two campaigns: either way, each shared request once, no private one.
    assert requests_found(other_user, "asbestos") == {
        world.alice_shared.pk,
        world.carol_shared.pk,
        world.mallory_private.pk,
        world.mallory_club.pk,
    }
    facets = search(other_user, "asbestos").facets
    assert {item.label: item.count for item in facets["campaign"]} == {
        "Open Hospitals": 2 * 3,
        "Secret Club": 3,
    }


@pytest.mark.usefixtures("campaign_branches")
def test_a_request_moved_out_of_the_users_campaigns_vanishes_at_once(
    user: User, other_user: User, world: World
) -> None:
    world.carol_shared.campaign = world.secret_club
    world.carol_shared.save()
    assert search(user, "carolword").total == 0
    assert world.carol_shared.pk not in requests_found(user, "asbestos")
    assert search(other_user, "carolword").total == 3


def test_only_a_member_of_few_campaigns_searching_words_alone_has_a_branch_each(
    other_user: User, world: World, campaign: models.Campaign
) -> None:
    from requests_app.search.engine import filters_from, plan_for
    from requests_app.search.postgres import campaign_groups
    from requests_app.search.query import parse_query

    def groups(person: User, **filters: Any) -> set[frozenset[str]]:
        plan = plan_for(person, parse_query("asbestos"), filters_from(**filters))
        return {frozenset(group.split(", ")) for group in campaign_groups(plan)}

    hospitals, club = str(campaign.pk), str(world.secret_club.pk)
    assert groups(other_user) == {frozenset({hospitals}), frozenset({club})}
    assert groups(other_user, kind="page") == {frozenset({hospitals, club})}
    assert groups(world.carol) == {frozenset({hospitals})}
    assert groups(UserFactory.create(username="loner")) == set()
