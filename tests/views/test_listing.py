"""KeysFirstPaginator: the same pages as Django's Paginator, found by key first."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator

from requests_app import models
from requests_app.views.listing import KeysFirstPaginator
from tests.factories import FoiRequestFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("orphans", [0, 3])
def test_every_page_holds_the_same_rows_in_the_same_order(user, orphans: int) -> None:
    for number in range(23):
        FoiRequestFactory(owner=user, title=f"Request {number % 4}")
    ordered = models.FoiRequest.objects.select_related("public_body").order_by("title", "-id")
    ours = KeysFirstPaginator(ordered, 5, orphans=orphans)
    djangos = Paginator(ordered, 5, orphans=orphans)
    assert ours.num_pages == djangos.num_pages
    for number in ours.page_range:
        page = ours.page(number)
        assert [row.pk for row in page] == [row.pk for row in djangos.page(number)]
        assert page.has_next() == (number < ours.num_pages)
    assert ours.page(1)[0].public_body.name  # the related rows come with them
