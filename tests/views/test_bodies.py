"""The public body directory, a body's page and the picker's search."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from requests_app import models
from tests.factories import PublicBodyFactory, TagFactory


def names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [body.name for body in response.context["page"].object_list]


def test_the_list_searches_name_and_short_name_and_filters_by_tag_and_nation(
    alice_client: Client, body: models.PublicBody
) -> None:
    health = TagFactory(name="Health body", slug="health-body")
    welsh = PublicBodyFactory(name="Welsh Example Trust", short_name="WET", nation="WLS")
    welsh.tags.add(health)
    PublicBodyFactory(name="Gone Example Agency", is_active=False)
    url = reverse("body_list")
    assert names(alice_client.get(url, {"q": "wet"})) == ["Welsh Example Trust"]
    assert names(alice_client.get(url, {"q": "dfe-x"})) == ["Department of Examples"]
    assert names(alice_client.get(url, {"tag": "health-body"})) == ["Welsh Example Trust"]
    assert names(alice_client.get(url, {"nation": "WLS", "q": "example"})) == [
        "Welsh Example Trust"
    ]
    assert "Gone Example Agency" not in names(alice_client.get(url, {"q": "example"}))
    html = alice_client.get(url, {"q": "wet"}).text
    assert "Wales" in html
    assert "Health body" in html


def test_unknown_filter_values_are_form_errors(alice_client: Client) -> None:
    response = alice_client.get(reverse("body_list"), {"nation": "XX", "tag": "nope", "page": "x"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text


def test_the_body_page_shows_its_details_and_my_requests_to_it(
    alice_client: Client, alice_request: models.FoiRequest, body: models.PublicBody
) -> None:
    html = alice_client.get(body.get_absolute_url()).text
    assert "Department of Examples" in html
    assert 'href="mailto:foi@examples.gov.example"' in html
    assert alice_request.title in html
    assert "12 working days left" in html


def test_an_unknown_body_is_404(alice_client: Client) -> None:
    assert alice_client.get(reverse("body_detail", kwargs={"slug": "no-such"})).status_code == 404


def test_the_search_returns_up_to_20_active_matches_as_json(
    alice_client: Client, body: models.PublicBody
) -> None:
    for number in range(25):
        PublicBodyFactory(name=f"Example Council {number:02d}", short_name=f"EC{number}")
    PublicBodyFactory(name="Example Council (abolished)", is_active=False)
    results = alice_client.get(reverse("body_search"), {"q": "example council"}).json()
    assert len(results) == 20
    assert all(set(item) == {"id", "label", "default_regime"} for item in results)
    assert "Example Council (abolished)" not in [item["label"] for item in results]
    by_short = alice_client.get(reverse("body_search"), {"q": "dfe-x"}).json()
    assert by_short == [
        {"id": body.pk, "label": "Department of Examples (DfE-X)", "default_regime": "uk-foia"}
    ]
    assert alice_client.get(reverse("body_search"), {"q": "  "}).json() == []
