"""The benchmark archive: loaded in bulk, with its search index built in one statement."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from benchmarks.seed import ARCHIVIST, BenchArchive
from requests_app import models
from requests_app.search import search


@pytest.mark.django_db(transaction=True)  # it runs VACUUM, which no transaction may hold
def test_it_loads_requests_with_letters_pages_and_deadlines_and_can_add_more() -> None:
    BenchArchive(requests=40, seed=3).build()
    requests = models.FoiRequest.objects.filter(public_body__slug__startswith="bench-body-")
    assert requests.count() == 40
    assert models.PublicBody.objects.filter(slug__startswith="bench-body-").count() == 1000
    assert models.Message.objects.filter(request__in=requests).count() >= 40
    assert models.DocumentPage.objects.filter(attachment__message__request__in=requests).exists()
    assert not requests.filter(sent_on__isnull=False, due_on__isnull=True).exists()
    today = dt.date.today()
    assert requests.overdue(today).exists()
    assert requests.exclude(status=models.Status.AWAITING_RESPONSE).exists()

    archivist = User.objects.get(username=ARCHIVIST)
    in_campaigns = requests.exclude(campaign=None)
    assert set(models.FoiRequest.objects.visible_to(archivist)) == set(in_campaigns)

    BenchArchive(requests=10, seed=4).build()
    assert models.FoiRequest.objects.count() == 50
    references = models.FoiRequest.objects.values_list("reference", flat=True)
    assert len(set(references)) == 50


@pytest.mark.django_db(transaction=True)
def test_its_letters_are_searchable_and_later_writes_are_indexed_by_the_triggers() -> None:
    BenchArchive(requests=20, seed=5).build()
    archivist = User.objects.get(username=ARCHIVIST)
    letter = models.Message.objects.filter(request__campaign__isnull=False).first()
    assert letter is not None
    word = letter.body_text.split()[3].strip(".")
    assert search(archivist, word).hits

    letter.body_text = "palimpsestine marginalia"
    letter.save(update_fields=["body_text"])
    assert [hit.object for hit in search(archivist, "marginalia").hits] == [letter]


@pytest.mark.django_db(transaction=True)
def test_the_seed_bench_command_loads_the_same_archive() -> None:
    out = io.StringIO()
    call_command("seed_bench", requests=5, seed=7, stdout=out)
    assert "Generated 5 requests" in out.getvalue()
    assert (
        models.FoiRequest.objects.filter(public_body__slug__startswith="bench-body-").count() == 5
    )
