"""Search through the API: the search page's engine, only what the caller may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rest_framework.test import APIClient

from requests_app import models
from tests.factories import FoiRequestFactory, MessageFactory

SEARCH = "/api/v1/search/"


def found(response: Any) -> list[tuple[str, str]]:
    return [(hit["kind"], hit["request"]) for hit in response.json()["results"]]


def test_a_search_finds_only_what_the_caller_may_see(
    alice_api: APIClient, mallory_api: APIClient, user: Any, other_user: Any
) -> None:
    mine = FoiRequestFactory.sent(on=dt.date(2026, 1, 5), owner=user, title="Agency staff costs")
    theirs = FoiRequestFactory.create(owner=other_user, title="Agency staff secrets")
    response = alice_api.get(SEARCH, {"q": "agency"})
    assert response.status_code == 200, response.json()
    assert found(response) == [("request", mine.reference)]
    assert response.json()["count"] == 1
    hit = response.json()["results"][0]
    assert hit["title"] == "Agency staff costs"
    assert "<mark>" not in hit["snippet"]
    assert found(mallory_api.get(SEARCH, {"q": "agency"})) == [("request", theirs.reference)]


def test_search_filters_narrow_the_hits(alice_api: APIClient, user: Any) -> None:
    foi_request = FoiRequestFactory.sent(on=dt.date(2026, 1, 5), owner=user, title="Ward closures")
    MessageFactory.create(request=foi_request, subject="Ward closures reply", body_text="Ward data")
    both = found(alice_api.get(SEARCH, {"q": "ward"}))
    assert sorted(kind for kind, _ in both) == ["message", "request"]
    letters = alice_api.get(SEARCH, {"q": "ward", "kind": "message"})
    assert found(letters) == [("message", foi_request.reference)]
    within = alice_api.get(
        SEARCH, {"q": "ward", "request": foi_request.reference, "kind": "request"}
    )
    assert found(within) == [("request", foi_request.reference)]
    refused_only = alice_api.get(SEARCH, {"q": "ward", "status": models.Status.REFUSED})
    assert found(refused_only) == []


def test_bad_search_parameters_are_400s_that_say_why(alice_api: APIClient, other_user: Any) -> None:
    theirs = FoiRequestFactory.create(owner=other_user)
    response = alice_api.get(
        SEARCH, {"status": "lost", "kind": "tweet", "request": theirs.reference, "page": "0"}
    )
    assert response.status_code == 400
    assert set(response.json()) == {"q", "status", "kind", "request", "page"}
