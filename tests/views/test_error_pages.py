"""404, 403 and 500 pages in the site's layout, with DEBUG off.

The 500 page is rendered with no context at all: it must not need the database (which
may be what failed) nor the context processors that read the signed-in user.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path, reverse

from tests.factories import FoiRequestFactory, MembershipFactory, PublicBodyFactory


def broken_view(request: HttpRequest) -> HttpResponse:
    raise OperationalError("could not connect to server: Connection refused")


urlpatterns = [
    path("broken/", broken_view),
    path("", include("foi_tracker.urls")),
]


@pytest.fixture(autouse=True)
def debug_off(settings) -> None:
    settings.DEBUG = False


@pytest.fixture
def site_with_a_broken_page(settings) -> None:
    settings.ROOT_URLCONF = __name__


def assert_in_layout(content: str, heading: str) -> None:
    assert f"<h1>{heading}</h1>" in content
    assert 'class="site-header"' in content and "css/app.css" in content
    assert 'class="site-footer"' in content


@pytest.mark.django_db
def test_a_missing_page_is_a_styled_404(alice_client: Client) -> None:
    response = alice_client.get("/requests/FOI-1999-0001/")
    assert response.status_code == 404
    content = response.content.decode()
    assert_in_layout(content, "Page not found")
    assert f'href="{reverse("account")}"' in content  # the signed-in navigation is there


@pytest.mark.django_db
def test_a_look_only_member_gets_a_styled_403_that_says_why(user, client_for) -> None:
    foi_request = FoiRequestFactory.create(public_body=PublicBodyFactory.create())
    campaign = foi_request.campaign or MembershipFactory.create(user=foi_request.owner).campaign
    foi_request.campaign = campaign
    foi_request.visibility = "campaign"
    foi_request.save()
    MembershipFactory.create(campaign=campaign, user=user, role="viewer")
    response = client_for(user).get(reverse("request_edit", args=[foi_request.reference]))
    assert response.status_code == 403
    content = response.content.decode()
    assert_in_layout(content, "You may not do this")
    assert "You may look at this request but not change it." in content


@pytest.fixture
def no_database(django_db_blocker) -> Iterator[None]:
    """Any query now fails, as it would with the database server down."""
    with django_db_blocker.block():
        yield


def test_an_error_with_the_database_down_is_a_styled_500(
    site_with_a_broken_page: None, no_database: None
) -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    content = response.content.decode()
    assert_in_layout(content, "Something went wrong")
    assert "Connection refused" not in content  # nothing of the error leaks


def test_the_500_page_needs_no_context_processor(
    site_with_a_broken_page: None, no_database: None, client: Client
) -> None:
    client.raise_request_exception = False
    client.cookies["sessionid"] = "a-session-the-database-would-be-asked-about"
    response = client.get("/broken/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
