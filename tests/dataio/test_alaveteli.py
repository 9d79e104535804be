"""Importing requests from WhatDoTheyKnow's JSON (fixtures in Alaveteli's own format)."""

from __future__ import annotations

import datetime as dt
import io
import json
import urllib.error
from pathlib import Path
from typing import Any

import pytest

from requests_app import models
from requests_app.dataio import alaveteli
from requests_app.dataio.alaveteli import (
    AlaveteliError,
    import_request,
    parse_request_json,
    request_json_url,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def user(db: None) -> Any:
    """Staff: adding a body to the shared directory is theirs to do."""
    return UserFactory(username="alice", is_staff=True)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def imported(name: str, user: Any, **options: Any) -> alaveteli.AlaveteliImport:
    return import_request(payload=parse_request_json(fixture(name)), owner=user, **options)


def history(foi_request: models.FoiRequest) -> list[tuple[str, dt.date]]:
    skipped = (models.EventKind.CREATED, models.EventKind.MESSAGE_LOGGED)
    return [(event.kind, event.on) for event in foi_request.events.exclude(kind__in=skipped)]


def test_a_successful_request_arrives_with_its_new_body_and_letters(user: Any) -> None:
    result = imported(
        "wdtk_successful.json",
        user,
        source_url="https://www.whatdotheyknow.com/request/agency_staff_spending_2025.json",
    )
    foi_request = result.foi_request
    assert result.body_created
    body = foi_request.public_body
    assert (body.name, body.short_name, body.slug) == (
        "Borsetshire County Council", "BCC", "borsetshire_county_council",
    )  # fmt: skip
    assert body.website == "https://www.borsetshire.gov.uk"
    assert body.notes == "Please use the FOI form as well."
    assert sorted(tag.slug for tag in body.tags.all()) == ["county_council", "local_council"]
    assert foi_request.regime == "uk-foia"
    assert foi_request.status == models.Status.SUCCESSFUL
    assert foi_request.sent_on == dt.date(2026, 1, 5)
    assert history(foi_request) == [
        ("sent", dt.date(2026, 1, 5)),
        ("response", dt.date(2026, 2, 2)),
    ]
    letters = list(foi_request.messages.order_by("sent_at"))
    assert [(letter.direction, letter.channel) for letter in letters] == [
        ("out", "portal"), ("in", "portal"),
    ]  # fmt: skip
    assert letters[1].body_text.endswith(
        "https://www.whatdotheyknow.com/request/agency_staff_spending_2025#incoming-3301202"
    )
    assert "Jo Campaigner" in foi_request.notes
    assert [tag.slug for tag in foi_request.tags.all()] == ["agency_staff"]  # not costs:2025


def test_an_internal_review_after_a_refusal_ends_in_the_reviews_outcome(user: Any) -> None:
    home_office = models.PublicBody.objects.get(name="Home Office")
    result = imported("wdtk_internal_review.json", user)
    foi_request = result.foi_request
    assert not result.body_created and foi_request.public_body == home_office
    assert history(foi_request) == [
        ("sent", dt.date(2025, 10, 1)),
        ("response", dt.date(2025, 10, 29)),
        ("review_requested", dt.date(2025, 11, 3)),
        ("review_decided", dt.date(2025, 12, 1)),
    ]
    assert foi_request.status == models.Status.SUCCESSFUL
    assert foi_request.review_due_on is not None


def test_a_scottish_body_is_under_foisa_and_clarification_restarts_the_clock(user: Any) -> None:
    result = imported("wdtk_scottish_clarification.json", user)
    foi_request = result.foi_request
    assert foi_request.public_body.nation == models.Nation.SCOTLAND
    assert foi_request.public_body.website == ""  # "not a web address" is left out
    assert foi_request.regime == "scot-foisa"
    assert history(foi_request) == [
        ("sent", dt.date(2026, 3, 2)),
        ("clarification_requested", dt.date(2026, 3, 10)),
        ("clarification_answered", dt.date(2026, 3, 12)),
        ("response", dt.date(2026, 4, 8)),
    ]
    assert foi_request.status == models.Status.PARTIALLY_SUCCESSFUL
    assert result.unmapped_states == ["gone_postal"]
    assert result.messages == 4


def test_the_same_request_is_not_imported_twice(user: Any) -> None:
    first = imported("wdtk_successful.json", user)
    with pytest.raises(AlaveteliError, match=f"imported before, as {first.foi_request.reference}"):
        imported("wdtk_successful.json", user)
    assert models.FoiRequest.objects.count() == 1


def test_environmental_information_is_under_the_eir(user: Any) -> None:
    data = json.loads(fixture("wdtk_successful.json"))
    data["law_used"] = "eir"
    result = import_request(payload=parse_request_json(json.dumps(data).encode()), owner=user)
    assert result.foi_request.regime == "uk-eir"


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html>Not found</html>", "This is not JSON"),
        (b"[1, 2]", "should be an object"),
        (b'{"title": "x"}', "“public_body” is missing from the request"),
        (
            json.dumps({"info_request": {"id": 1}, "event_type": "sent"}).encode(),
            "the JSON of one event",
        ),
        (b" " * (alaveteli.MAX_JSON_BYTES + 1), "a request's JSON is never more than"),
    ],
)
def test_json_that_is_not_a_request_gets_a_clear_message(content: bytes, message: str) -> None:
    with pytest.raises(AlaveteliError, match=message):
        parse_request_json(content)


def test_an_event_without_a_date_is_named(user: Any) -> None:
    data = json.loads(fixture("wdtk_successful.json"))
    del data["info_request_events"][1]["created_at"]
    with pytest.raises(
        AlaveteliError, match=r"“created_at” is missing from info_request_events\[1\]"
    ):
        parse_request_json(json.dumps(data).encode())


# --- fetching --------------------------------------------------------------------------------


class FakeResponse(io.BytesIO):
    def __enter__(self) -> FakeResponse:
        return self

    def __exit__(self, *args: object) -> None:
        self.close()


def test_a_request_page_address_is_fetched_as_json(monkeypatch: Any) -> None:
    asked: list[tuple[str, float]] = []

    def fake_open(request: Any, timeout: float) -> FakeResponse:
        asked.append((request.full_url, timeout))
        return FakeResponse(fixture("wdtk_successful.json"))

    monkeypatch.setattr(alaveteli, "open_url", fake_open)
    url, content = alaveteli.fetch_request_json(
        "https://www.whatdotheyknow.com/request/agency_staff_spending_2025?nocache=1#outgoing-1"
    )
    assert url == "https://www.whatdotheyknow.com/request/agency_staff_spending_2025.json"
    assert asked == [(url, alaveteli.FETCH_TIMEOUT_SECONDS)]
    assert parse_request_json(content).url_title == "agency_staff_spending_2025"


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (urllib.error.HTTPError("u", 404, "Not Found", None, None), "The site answered 404"),  # type: ignore[arg-type]
        (urllib.error.URLError("timed out"), "Could not fetch .*: timed out"),
        (TimeoutError("read timed out"), "Could not fetch"),
    ],
)
def test_a_failed_fetch_says_what_went_wrong(
    monkeypatch: Any, error: Exception, message: str
) -> None:
    def failing(request: Any, timeout: float) -> FakeResponse:
        raise error

    monkeypatch.setattr(alaveteli, "open_url", failing)
    with pytest.raises(AlaveteliError, match=message):
        alaveteli.fetch_request_json("https://www.whatdotheyknow.com/request/x")


def test_an_oversized_answer_is_cut_off_and_refused(monkeypatch: Any) -> None:
    monkeypatch.setattr(
        alaveteli,
        "open_url",
        lambda request, timeout: FakeResponse(b"{" * (alaveteli.MAX_JSON_BYTES + 10)),
    )
    with pytest.raises(AlaveteliError, match="larger than a request's JSON can be"):
        alaveteli.fetch_request_json("https://www.whatdotheyknow.com/request/x")


@pytest.mark.parametrize(
    "url",
    [
        "ftp://www.whatdotheyknow.com/request/x",
        "https://www.whatdotheyknow.com/body/home_office",
        "http://127.0.0.1/request/x",
        "http://localhost:8000/request/x",
        "http://[::1]/request/x",
        "http://10.0.0.5/request/x",
    ],
)
def test_addresses_that_are_not_public_request_pages_are_refused(url: str) -> None:
    with pytest.raises(AlaveteliError):
        request_json_url(url)


def test_an_ordinary_user_cannot_add_a_body_to_the_shared_directory() -> None:
    mallory: Any = UserFactory(username="mallory")
    with pytest.raises(AlaveteliError, match="suggested to staff"):
        imported("wdtk_successful.json", mallory)
    imported_again_later = pytest.raises(AlaveteliError, match="suggested to staff")
    with imported_again_later:
        imported("wdtk_successful.json", mallory)
    assert not models.PublicBody.objects.filter(name="Borsetshire County Council").exists()
    assert not models.FoiRequest.objects.exists()
    assert models.BodySuggestion.objects.filter(suggested_by=mallory).count() == 1
