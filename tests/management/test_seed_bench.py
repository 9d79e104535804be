"""`seed_bench`: a synthetic archive for the benchmarks, loaded in bulk."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from requests_app import models
from requests_app.bench_data import ARCHIVIST


@pytest.mark.django_db(transaction=True)  # it runs VACUUM, which no transaction may hold
def test_it_loads_requests_with_letters_pages_and_deadlines_and_can_add_more() -> None:
    call_command("seed_bench", requests=40, seed=3)
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

    call_command("seed_bench", requests=10, seed=4)
    assert models.FoiRequest.objects.count() == 50
    references = models.FoiRequest.objects.values_list("reference", flat=True)
    assert len(set(references)) == 50
