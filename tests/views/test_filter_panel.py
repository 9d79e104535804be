"""{% filter_fields %}: the request list's filter panel, kept per process for the same form."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from requests_app.templatetags.form_fields import filter_fields, form_field
from requests_app.views.requests import request_filterset
from tests.factories import TagFactory

pytestmark = pytest.mark.django_db


def panel(user: User, query: str = "") -> tuple[str, str]:
    """The panel as filter_fields writes it, and as form_field writes each field."""
    request = RequestFactory().get("/requests/?" + query)
    request.user = user
    filterset = request_filterset(request)
    filterset.is_valid()
    ours = filter_fields(filterset)
    request = RequestFactory().get("/requests/?" + query)
    request.user = user
    fresh = request_filterset(request)
    fresh.is_valid()
    return ours, "".join(form_field(field) for field in fresh.form)


@pytest.mark.parametrize(
    "query",
    ["", "status=refused&status=extended&overdue=on", "tag=kelp&q=beds", "sent_after=nonsense"],
)
def test_the_panel_is_the_markup_of_its_fields_seen_once_or_again(user: User, query: str) -> None:
    TagFactory(name="Kelp", slug="kelp")
    first, expected = panel(user, query)
    again, _ = panel(user, query)
    assert first == again == expected


def test_a_new_choice_is_offered_at_once(user: User) -> None:
    before, _ = panel(user)
    TagFactory(name="Seagrass", slug="seagrass")
    after, expected = panel(user)
    assert "Seagrass" not in before
    assert after == expected and "Seagrass" in after


def test_the_choices_are_read_once_then_kept_under_the_version(user: User) -> None:
    TagFactory(name="Kelp", slug="kelp")
    read = []
    for _ in range(2):
        request = RequestFactory().get("/requests/")
        request.user = user
        filterset = request_filterset(request)
        filterset.is_valid()
        with CaptureQueriesContext(connection) as queries:
            filter_fields(filterset)
        read.append([q["sql"] for q in queries if "countsversion" not in q["sql"]])
    first, again = read
    assert len(first) == 2  # the campaigns and the tags, each once
    assert again == []  # the same version: neither is asked for again
