"""KeysFirstPaginator: the same pages as Django's Paginator, found by key first."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from requests_app import models
from requests_app.templatetags.foi_tags import request_rows
from requests_app.views.listing import KeysFirstPaginator, deadline_rows, table_rows
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


def test_a_table_page_reads_every_column_its_rows_show_in_its_own_queries(
    user, alice_request, campaign_request, django_assert_num_queries
) -> None:
    requests = models.FoiRequest.objects.visible_to(user).with_list_relations()
    with django_assert_num_queries(2):  # count, rows by key: nothing loaded row by row
        page = KeysFirstPaginator(table_rows(requests.by_next_deadline()), 50).page(1)
        rows = deadline_rows(page.object_list, dt.date(2026, 1, 15), ())
        markup = request_rows(rows)
    assert campaign_request.campaign.name in markup
    assert alice_request.reference in markup and "DfE-X" in markup
    assert "Mon 2 Feb 2026" in markup  # due 20 working days after Monday 5 January


def test_counting_the_rows_works_out_none_of_their_annotations(user, alice_request) -> None:
    requests = models.FoiRequest.objects.visible_to(user).with_list_relations()
    with CaptureQueriesContext(connection) as queries:
        assert KeysFirstPaginator(requests, 50).count == 1
    [count] = queries.captured_queries
    assert "EXISTS" not in count["sql"].upper()  # the reply-to-review subquery of every row
