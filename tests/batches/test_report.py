"""The batch report: built in the background like the campaign report, with the grid and
the answers table, for what its reader may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from requests_app import models
from requests_app.batches import services
from tests.batches.conftest import travel_to
from tests.factories import MessageFactory, make_batch
from tests.reports.reading import flat, page_texts

pytestmark = pytest.mark.django_db


def test_the_batch_report_has_the_figures_the_grid_and_the_answers(
    user: User,
    alice_client: Client,
    campaign: models.Campaign,
    make_bodies: Callable[..., list[Any]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with travel_to(dt.date(2026, 1, 5)):
        batch = make_batch(owner=user, bodies=make_bodies(3), campaign=campaign)
        services.record_sent_elsewhere(batch=batch, on=dt.date(2026, 1, 5), actor=user)
    first = batch.members.order_by("public_body__name").first()
    with travel_to(dt.date(2026, 1, 20)):
        first.record_response(on=dt.date(2026, 1, 20), outcome="successful")
    field = models.AnswerField.objects.create(
        batch=batch, name="Therapists employed", kind="number"
    )
    reply = MessageFactory(request=first)
    services.save_answers(
        member=first, values={field.pk: "4,321"}, source=reply, actor=user, fields=[field]
    )
    url = reverse("batch_report", kwargs={"pk": batch.pk})
    with travel_to(dt.date(2026, 2, 10)):
        with django_capture_on_commit_callbacks(execute=True):
            assert alice_client.post(url).status_code == 302
        page = alice_client.get(url)
    report = page.context["report"]
    assert report.status == models.ReportStatus.DONE, report.error
    download = reverse("batch_report_download", kwargs={"pk": batch.pk, "report_pk": report.pk})
    response = alice_client.get(download)
    pdf = b"".join(response.streaming_content)
    text = flat(" ".join(page_texts(pdf)))
    assert batch.title in text
    assert "Headline figures" in text
    assert first.public_body.name in text and "Successful" in text
    assert "Therapists employed" in text and "4321" in text
    assert "Overdue now 2" in text
