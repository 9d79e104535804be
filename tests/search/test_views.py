"""The search page, "search within this request", and saved searches on the web."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.template import Context, Template
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app import models
from tests.factories import FoiRequestFactory, MessageFactory
from tests.search.factories import AttachmentFactory, DocumentPageFactory
from tests.search.test_engine import BAD_INPUT


def search_url(**params: Any) -> str:
    return f"{reverse('search')}?{urlencode(params, doseq=True)}"


@pytest.fixture
def mallory_client(other_user: User, client_for: Any) -> Client:
    return client_for(other_user)


@pytest.fixture
def kelp_request(user: User, body: models.PublicBody) -> models.FoiRequest:
    foi_request = FoiRequestFactory.create(
        owner=user, public_body=body, title="Kelp farming licences", visibility="private"
    )
    message = MessageFactory.create(
        request=foi_request, subject="Re: kelp", body_text="Kelp figures."
    )
    DocumentPageFactory.create(
        attachment=AttachmentFactory.create(message=message, filename="kelp.pdf"),
        number=2,
        text="Kelp harvest by year.",
    )
    return foi_request


def test_the_page_lists_every_kind_with_its_request_body_date_and_link(
    alice_client: Client, kelp_request: models.FoiRequest
) -> None:
    response = alice_client.get(search_url(q="kelp"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "3 results" in html
    for label in ("Request", "Correspondence", "Document page"):
        assert label in html
    message = kelp_request.messages.get()
    page = models.DocumentPage.objects.get()
    assert f'href="/requests/{kelp_request.reference}/#message-{message.pk}"' in html
    assert f"/attachments/{page.attachment_id}/pages/#page-2" in html
    assert "Department of Examples" in html
    assert "<mark>Kelp</mark>" in html
    assert "kelp.pdf, page 2" in html


@pytest.mark.parametrize("typed", ["pk", "name", "short_name"])
def test_a_body_narrows_the_search_by_its_facet_link_or_its_name(
    alice_client: Client, kelp_request: models.FoiRequest, typed: str
) -> None:
    body = kelp_request.public_body
    value = str(body.pk) if typed == "pk" else getattr(body, typed)
    response = alice_client.get(search_url(q="kelp", body=value))
    assert response.status_code == 200
    assert not response.context["filter"].form.errors
    assert response.context["results"].total == 3


def test_an_empty_search_shows_only_the_box(alice_client: Client) -> None:
    response = alice_client.get(reverse("search"))
    assert response.status_code == 200
    assert 'type="search"' in response.content.decode()
    assert response.context["results"] is None


def test_signed_out_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(search_url(q="kelp"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


BAD_PARAMS: list[dict[str, Any]] = [{"q": raw} for raw in BAD_INPUT] + [
    {"q": "kelp", "page": "abc"},
    {"q": "kelp", "page": "-3"},
    {"q": "kelp", "page": "99999999999999999999"},
    {"q": "kelp", "date_from": "banana"},
    {"q": "kelp", "date_to": "2026-02-30"},
    {"q": "kelp", "status": "nonsense"},
    {"q": "kelp", "body": "abc"},
    {"q": "kelp", "body": "999999"},
    {"q": "kelp", "campaign": "-1"},
    {"q": "kelp", "kind": "everything"},
    {"q": "kelp", "sort": "random()"},
    {"q": "kelp", "file_type": "exe"},
    {"q": "kelp", "exemption": "1 OR 1=1"},
    {"q": "kelp", "request": "FOI-9999-9999"},
    {"q": ["kelp", "other"]},
]


def test_bad_input_never_gives_a_server_error(
    alice_client: Client, kelp_request: models.FoiRequest
) -> None:
    for params in BAD_PARAMS:
        response = alice_client.get(search_url(**params))
        assert response.status_code == 200, params
        html = response.content.decode()
        results = response.context["results"]
        explained = results is None or results.hits or results.notes or "Nothing found" in html
        assert explained, params
        assert "could not be run" not in html, params


def test_a_request_nobody_showed_you_is_simply_not_found(
    mallory_client: Client, kelp_request: models.FoiRequest
) -> None:
    response = mallory_client.get(search_url(q="kelp", request=kelp_request.reference))
    assert response.status_code == 200
    html = response.content.decode()
    assert "That request was not found." in html
    assert kelp_request.title not in html
    assert mallory_client.get(search_url(q="kelp")).context["results"].total == 0


def test_search_within_a_request_finds_only_its_letters_and_documents(
    alice_client: Client,
    user: User,
    body: models.PublicBody,
    kelp_request: models.FoiRequest,
) -> None:
    other = FoiRequestFactory.create(owner=user, public_body=body, title="More kelp")
    response = alice_client.get(search_url(q="kelp", request=kelp_request.reference))
    results = response.context["results"]
    assert {hit.request.pk for hit in results.hits} == {kelp_request.pk}
    assert other.title not in {hit.request.title for hit in results.hits}
    assert "Searching within" in response.content.decode()


def test_the_search_within_tag_makes_a_form_for_the_request(
    kelp_request: models.FoiRequest,
) -> None:
    html = Template("{% load search_tags %}{% search_within foi_request %}").render(
        Context({"foi_request": kelp_request})
    )
    assert f'action="{reverse("search")}"' in html
    assert f'name="request" value="{kelp_request.reference}"' in html
    assert 'name="q"' in html and "<label" in html


def add_hits(user: User, body: models.PublicBody, days: range) -> None:
    """A request, a letter and a page about seaweed per day, so every page of results,
    newest first, shows all three kinds."""
    for day in days:
        sent = dt.date(2025, 1, 1) + dt.timedelta(days=day)
        foi_request = FoiRequestFactory.create(
            owner=user, public_body=body, title="Seaweed quotas", sent_on=sent
        )
        message = MessageFactory.create(
            request=foi_request,
            body_text="seaweed",
            sent_at=dt.datetime.combine(sent, dt.time(10), tzinfo=dt.UTC),
        )
        DocumentPageFactory.create(
            attachment=AttachmentFactory.create(message=message), text="seaweed"
        )


def count_queries(client: Client, url: str) -> int:
    """The queries of the page rendered, as after any change to the data."""
    with override_settings(FOI_PAGE_CACHE=False), CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_hits(
    alice_client: Client, user: User, body: models.PublicBody, campaign: models.Campaign
) -> None:
    url = search_url(q="seaweed", sort="date")
    add_hits(user, body, range(2))  # 6 hits
    with_few = count_queries(alice_client, url)
    add_hits(user, body, range(2, 17))  # 51 hits: a full page of 20
    with_many = count_queries(alice_client, url)
    with override_settings(FOI_PAGE_CACHE=False):
        results = alice_client.get(url).context["results"]
    assert (results.total, len(results.hits)) == (51, 20)
    assert {hit.kind for hit in results.hits} == {"request", "message", "page"}
    assert with_few == with_many


def test_facet_links_narrow_the_search(
    alice_client: Client, kelp_request: models.FoiRequest
) -> None:
    html = alice_client.get(search_url(q="kelp")).content.decode()
    assert "kind=page" in html
    response = alice_client.get(search_url(q="kelp", kind="page"))
    assert [hit.kind for hit in response.context["results"].hits] == ["page"]


# --- saved searches ------------------------------------------------------------------


def test_a_search_can_be_saved_with_its_filters(
    alice_client: Client, user: User, kelp_request: models.FoiRequest
) -> None:
    page = alice_client.get(search_url(q='"kelp farming"', kind="message", status="refused"))
    assert "Save this search" in page.content.decode()
    response = alice_client.post(
        reverse("saved_search_create"),
        {"q": '"kelp farming"', "kind": "message", "status": "refused", "name": "Kelp"},
    )
    saved = models.SavedSearch.objects.get(user=user)
    assert (saved.name, saved.query) == ("Kelp", '"kelp farming"')
    assert saved.filters == {"kind": ["message"], "status": ["refused"]}
    assert response.status_code == 302
    assert response["Location"] == saved.get_absolute_url()
    assert "status=refused" in saved.get_absolute_url()


def test_a_search_within_a_request_is_saved_with_its_reference(
    alice_client: Client, user: User, kelp_request: models.FoiRequest
) -> None:
    alice_client.post(
        reverse("saved_search_create"),
        {"q": "kelp", "request": kelp_request.reference, "name": ""},
    )
    saved = models.SavedSearch.objects.get(user=user)
    assert saved.name == "kelp"
    assert saved.filters == {"request": kelp_request.reference}
    response = alice_client.get(saved.get_absolute_url())
    assert response.context["within"] == kelp_request
    assert (
        f"within {kelp_request.reference}"
        in alice_client.get(reverse("saved_search_list")).content.decode()
    )


def test_a_search_without_words_is_not_saved(alice_client: Client, user: User) -> None:
    response = alice_client.post(reverse("saved_search_create"), {"q": "-only", "name": "x"})
    assert response.status_code == 302
    assert not models.SavedSearch.objects.exists()


def test_saved_searches_are_listed_and_deleted_by_their_owner_only(
    alice_client: Client, mallory_client: Client, user: User
) -> None:
    saved = models.SavedSearch.objects.create(user=user, name="Kelp watch", query="kelp")
    listing = alice_client.get(reverse("saved_search_list")).content.decode()
    assert "Kelp watch" in listing and saved.get_absolute_url().replace("&", "&amp;") in listing
    assert "Kelp watch" not in mallory_client.get(reverse("saved_search_list")).content.decode()
    delete = reverse("saved_search_delete", kwargs={"pk": saved.pk})
    assert mallory_client.post(delete).status_code == 404
    assert alice_client.get(delete).status_code == 405
    assert alice_client.post(delete).status_code == 302
    assert not models.SavedSearch.objects.exists()
