"""The batch pages: creating with a preview, the grid, acting, answers and their exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from requests_app import models
from requests_app.batches import services
from tests.batches.conftest import travel_to
from tests.factories import MessageFactory, PublicBodyFactory, make_attachment, make_batch

pytestmark = pytest.mark.django_db

LETTER = "{{ salutation }},\n\nHow long is your waiting list?\n\nRef {{ our_reference }}"


def create_form(**extra: Any) -> dict[str, Any]:
    return {"title": "Waiting lists", "text": LETTER, "regime": "", **extra}


def test_the_preview_lists_the_bodies_flags_problems_and_shows_each_letter(
    alice_client: Client, make_bodies: Callable[..., list[Any]], monday: dt.date
) -> None:
    bodies = make_bodies(3)
    PublicBodyFactory(name="Closed Trust", short_name="CT", is_active=False)
    PublicBodyFactory(name="Postal Council", short_name="PC", foi_email="")
    names = f"{bodies[0].name}\n{bodies[0].short_name}\nClosed Trust\nPostal Council\nNo Such Body"
    response = alice_client.post(
        reverse("batch_create"), create_form(names=names, search="ICB 002", step="preview")
    )
    assert response.status_code == 200
    text = response.text
    assert "3 bodies to ask" in text  # two ICBs and the postal council; not the closed trust
    assert "No Such Body" in text and "No body matches 1 name" in text
    assert "chosen 2 times" in text
    assert "1 inactive body is left out" in text
    assert "no FOI email: record as sent by post or web form" in text
    assert f"Dear {bodies[1].name}," in text
    assert models.Batch.objects.count() == 0


def test_creating_makes_a_draft_request_for_each_body_ticked(
    alice_client: Client, make_bodies: Callable[..., list[Any]], monday: dt.date
) -> None:
    bodies = make_bodies(3)
    data = create_form(step="create", body=[str(bodies[0].pk), str(bodies[2].pk)])
    response = alice_client.post(reverse("batch_create"), data)
    batch = models.Batch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == batch.get_absolute_url()
    assert {m.public_body for m in batch.members.all()} == {bodies[0], bodies[2]}
    assert models.AuditEntry.objects.filter(action="batch.created").count() == 1


def test_a_batch_over_the_limit_is_refused_with_a_message(
    alice_client: Client, settings: Any, make_bodies: Callable[..., list[Any]], monday: dt.date
) -> None:
    settings.FOI_BATCH_MAX_BODIES = 4
    bodies = make_bodies(5)
    response = alice_client.post(
        reverse("batch_create"), create_form(tags=[bodies[0].tags.get().pk], step="preview")
    )
    assert response.status_code == 400
    assert "would ask 5 bodies; a batch may ask at most 4" in response.text
    create = create_form(step="create", body=[str(body.pk) for body in bodies])
    assert alice_client.post(reverse("batch_create"), create).status_code == 400
    assert models.Batch.objects.count() == 0


def test_a_thousand_bodies_are_refused_at_the_default_limit(
    alice_client: Client, monday: dt.date
) -> None:
    models.PublicBody.objects.bulk_create(
        models.PublicBody(name=f"Parish Council {n:04d}", slug=f"parish-{n:04d}")
        for n in range(1000)
    )
    response = alice_client.post(
        reverse("batch_create"), create_form(search="Parish Council", step="preview")
    )
    assert response.status_code == 400
    assert "would ask 1,000 bodies; a batch may ask at most 500" in response.text


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("Dear {{ bodyname }}", "Unknown placeholder {{ bodyname }}"),
        ("{{ salutation.__class__ }}", "Unknown placeholder {{ salutation.__class__ }}"),
        ("{% load static %}{{ body_name|upper }}", "Unknown placeholder {{ body_name|upper }}"),
    ],
)
def test_a_letter_with_an_unknown_placeholder_is_refused(
    alice_client: Client, make_bodies: Callable[..., list[Any]], text: str, error: str
) -> None:
    make_bodies(1)
    data = create_form(text=text, search="ICB", step="preview")
    response = alice_client.post(reverse("batch_create"), data)
    assert response.status_code == 400
    assert escape(error) in response.text
    assert not models.Batch.objects.exists()


def test_names_come_from_a_csv_file_and_a_broken_file_is_explained(
    alice_client: Client, make_bodies: Callable[..., list[Any]], monday: dt.date
) -> None:
    bodies = make_bodies(2)
    upload = SimpleUploadedFile(
        "icbs.csv", f"name,region\n{bodies[0].name},North\n{bodies[1].short_name},South\n".encode()
    )
    data = create_form(names_file=upload, step="preview")
    response = alice_client.post(reverse("batch_create"), data)
    assert response.status_code == 200
    assert "2 bodies to ask" in response.text
    old_excel = SimpleUploadedFile("icbs.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    response = alice_client.post(
        reverse("batch_create"), create_form(names_file=old_excel, step="preview")
    )
    assert response.status_code == 400
    assert "old Excel .xls file" in response.text


def test_nothing_chosen_is_a_clear_error(alice_client: Client, db: None) -> None:
    response = alice_client.post(reverse("batch_create"), create_form(step="preview"))
    assert response.status_code == 400
    assert "Choose some bodies" in response.text


# --- the grid ------------------------------------------------------------------------------


@pytest.fixture
def answered_batch(
    user: User, campaign: models.Campaign, make_bodies: Callable[..., list[Any]]
) -> models.Batch:
    """Sent 5 January; one answered, one refused citing s.43, the rest overdue by 10 Feb."""
    s43 = models.Exemption.objects.get(law="uk-foia", section="43")
    with travel_to(dt.date(2026, 1, 5)):
        batch = make_batch(owner=user, bodies=make_bodies(4), campaign=campaign)
        services.record_sent_elsewhere(batch=batch, on=dt.date(2026, 1, 5), actor=user)
    first, second, *_ = batch.members.order_by("public_body__name")
    with travel_to(dt.date(2026, 1, 20)):
        first.record_response(on=dt.date(2026, 1, 20), outcome="successful")
        second.record_response(on=dt.date(2026, 1, 20), outcome="refused", exemptions=[s43])
        MessageFactory(request=first, subject="Our answer", body_text="Therapists: 12")
    return batch


def test_the_grid_shows_each_member_and_the_progress(
    alice_client: Client, answered_batch: models.Batch
) -> None:
    with travel_to(dt.date(2026, 2, 10)):
        response = alice_client.get(answered_batch.get_absolute_url())
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.member.public_body.name[-3:] for row in rows] == ["001", "002", "003", "004"]
    assert [row.outcome for row in rows[:2]] == ["Successful", "Refused"]
    assert rows[1].exemptions == ("FOIA s.43",)
    assert [row.working_days_overdue for row in rows] == [0, 0, 6, 6]
    assert rows[0].last_message is not None and rows[0].last_message.incoming
    figures = response.context["figures"]
    assert (figures.answered, figures.sent, figures.refused, figures.overdue) == (2, 4, 1, 2)
    assert "Answered</dt><dd>2 of 4" in response.text


def test_the_grid_filters_and_sorts(alice_client: Client, answered_batch: models.Batch) -> None:
    url = answered_batch.get_absolute_url()
    with travel_to(dt.date(2026, 2, 10)):
        overdue = alice_client.get(url, {"overdue": "on", "sort": "-body"}).context["rows"]
        refused = alice_client.get(url, {"status": "refused"}).context["rows"]
        by_body = alice_client.get(url, {"body": "ICB 003"}).context["rows"]
    assert [row.member.public_body.name[-3:] for row in overdue] == ["004", "003"]
    assert [row.member.status for row in refused] == ["refused"]
    assert [row.member.public_body.name[-3:] for row in by_body] == ["003"]


def test_a_viewer_sees_the_grid_without_forms_and_may_not_act(
    viewer: User, client_for: Any, answered_batch: models.Batch
) -> None:
    client = client_for(viewer)
    response = client.get(answered_batch.get_absolute_url())
    assert response.status_code == 200
    assert 'name="member"' not in response.text
    action = reverse("batch_action", kwargs={"pk": answered_batch.pk})
    assert client.post(action, {"action": "withdrawn", "scope": "all"}).status_code == 403
    assert not answered_batch.members.filter(status="withdrawn").exists()


def test_the_chaser_action_from_the_page_chases_the_overdue_members_once(
    alice_client: Client, answered_batch: models.Batch, django_capture_on_commit_callbacks: Any
) -> None:
    url = reverse("batch_action", kwargs={"pk": answered_batch.pk})
    members = [str(m.pk) for m in answered_batch.members.all()]
    with travel_to(dt.date(2026, 2, 10)):
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                response = alice_client.post(url, {"action": "chaser", "member": members})
                assert response.status_code == 302
    chasers = models.MemberAction.objects.filter(action="chaser")
    assert chasers.count() == 2
    assert {a.request.public_body.name[-3:] for a in chasers} == {"003", "004"}


def test_an_internal_review_needs_an_exemption(
    alice_client: Client, answered_batch: models.Batch
) -> None:
    url = reverse("batch_action", kwargs={"pk": answered_batch.pk})
    response = alice_client.post(url, {"action": "internal_review", "scope": "all"}, follow=True)
    assert "Choose the exemption" in response.text
    assert not models.MemberAction.objects.filter(action="internal_review").exists()


def test_the_page_costs_the_same_queries_for_5_and_50_members(
    user: User, alice_client: Client, campaign: models.Campaign, make_bodies: Callable[..., Any]
) -> None:
    def queries_for(count: int, prefix: str) -> int:
        with travel_to(dt.date(2026, 1, 5)):
            batch = make_batch(
                owner=user, bodies=make_bodies(count, prefix=prefix), campaign=campaign
            )
            services.record_sent_elsewhere(batch=batch, on=dt.date(2026, 1, 5), actor=user)
        s43 = models.Exemption.objects.get(law="uk-foia", section="43")
        with travel_to(dt.date(2026, 1, 20)):
            for member in batch.members.all()[: count // 2]:
                member.record_response(on=dt.date(2026, 1, 20), outcome="refused", exemptions=[s43])
                MessageFactory(request=member)
        with travel_to(dt.date(2026, 2, 10)), CaptureQueriesContext(connection) as captured:
            response = alice_client.get(batch.get_absolute_url())
        assert len(response.context["rows"]) == count
        return len(captured)

    assert queries_for(5, "Small ICB") == queries_for(50, "Large ICB")


# --- answers -------------------------------------------------------------------------------


@pytest.fixture
def fields(answered_batch: models.Batch) -> list[models.AnswerField]:
    return [
        models.AnswerField.objects.create(
            batch=answered_batch, name="Therapists", kind="number", keywords="therapists", order=1
        ),
        models.AnswerField.objects.create(
            batch=answered_batch, name="Waiting list kept", kind="yes_no", keywords="list", order=2
        ),
    ]


def test_the_answer_form_shows_the_reply_and_suggests_values(
    alice_client: Client, answered_batch: models.Batch, fields: list[models.AnswerField]
) -> None:
    member = answered_batch.members.order_by("public_body__name").first()
    reply = member.messages.get()
    sheet = make_attachment(reply, filename="workforce.xlsx")
    models.DocumentPage.objects.create(
        attachment=sheet,
        number=1,
        text="Sheet: Staff\nRole\tCount\nTherapists\t14\nWaiting list\tyes",
    )
    url = reverse("batch_answer", kwargs={"pk": answered_batch.pk, "reference": member.reference})
    response = alice_client.get(url)
    assert response.status_code == 200
    assert "Therapists: 12" in response.text
    found = {
        field.label: [s.value for s in suggestions]
        for field, suggestions in response.context["field_rows"]
    }
    assert found["Therapists"] == ["12", "14"]
    assert found["Waiting list kept"] == ["yes"]
    assert response.context["form"].initial["source"] == reply.pk


def test_saving_answers_goes_to_the_next_body_and_a_bad_value_is_explained(
    alice_client: Client, answered_batch: models.Batch, fields: list[models.AnswerField]
) -> None:
    first, second, *_ = answered_batch.members.order_by("public_body__name")
    url = reverse("batch_answer", kwargs={"pk": answered_batch.pk, "reference": first.reference})
    bad = alice_client.post(
        url, {f"field_{fields[0].pk}": "a dozen", f"field_{fields[1].pk}": "yes"}
    )
    assert bad.status_code == 400
    assert "is not a number" in bad.text
    reply = first.messages.get()
    data = {f"field_{fields[0].pk}": "12", f"field_{fields[1].pk}": "yes", "source": reply.pk}
    response = alice_client.post(url, data)
    assert response["Location"] == reverse(
        "batch_answer", kwargs={"pk": answered_batch.pk, "reference": second.reference}
    )
    assert models.Answer.objects.get(field=fields[0]).source == reply


def test_the_answers_export_as_csv_and_xlsx_with_links_to_the_source(
    alice_client: Client, answered_batch: models.Batch, fields: list[models.AnswerField], user: User
) -> None:
    first = answered_batch.members.order_by("public_body__name").first()
    reply = first.messages.get()
    services.save_answers(
        member=first, values={fields[0].pk: "1,234", fields[1].pk: "no"}, source=reply,
        actor=user, fields=fields,
    )  # fmt: skip
    source = f"http://testserver/mail/messages/{reply.pk}/"
    url = reverse("batch_answers_export", kwargs={"pk": answered_batch.pk, "fmt": "csv"})
    rows = list(csv.DictReader(io.StringIO(alice_client.get(url).content.decode())))
    assert len(rows) == 4
    assert rows[0]["Therapists"] == "1234"
    assert rows[0]["Therapists (source)"] == source
    assert rows[0]["Waiting list kept"] == "no"
    assert rows[1]["Therapists"] == ""
    url = reverse("batch_answers_export", kwargs={"pk": answered_batch.pk, "fmt": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(alice_client.get(url).content)).active
    assert sheet["E1"].value == "Therapists"
    assert sheet["E2"].value == 1234
    assert sheet["E2"].hyperlink.target == source
    assert sheet["G2"].value == "no"
    bad = reverse("batch_answers_export", kwargs={"pk": answered_batch.pk, "fmt": "pdf"})
    assert alice_client.get(bad).status_code == 404


def test_answer_fields_are_added_and_deleted(
    alice_client: Client, answered_batch: models.Batch
) -> None:
    url = reverse("batch_fields", kwargs={"pk": answered_batch.pk})
    alice_client.post(url, {"name": "Budget", "kind": "number", "keywords": "budget"})
    again = alice_client.post(url, {"name": "budget", "kind": "number"})
    assert again.status_code == 400
    assert "already has a field of that name" in again.text
    field = answered_batch.fields.get()
    alice_client.post(url, {"action": "delete", "field": field.pk})
    assert not answered_batch.fields.exists()


def test_the_grid_escapes_what_comes_from_the_database(
    user: User, alice_client: Client, monday: dt.date
) -> None:
    sly = PublicBodyFactory.create(name='<script>alert("x")</script> Trust', foi_email="")
    batch = make_batch(owner=user, bodies=[sly])
    response = alice_client.get(batch.get_absolute_url())
    assert '<script>alert("x")</script>' not in response.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Trust" in response.text
    assert "No FOI email address: record as sent by post or web form" in response.text
