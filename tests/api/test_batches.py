"""The batches endpoint: the batches a user may see, and each one's answers table."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from requests_app import models
from requests_app.batches.services import save_answers
from tests.factories import MessageFactory, PublicBodyFactory, make_batch


@pytest.fixture
def batch(user: Any, campaign: models.Campaign) -> models.Batch:
    bodies = [
        PublicBodyFactory.create(name="NHS Leeds ICB", foi_email="foi@leeds.example"),
        PublicBodyFactory.create(name="NHS Kent ICB", foi_email="foi@kent.example"),
    ]
    batch = make_batch(owner=user, bodies=bodies, campaign=campaign, title="Therapists")
    therapists = models.AnswerField.objects.create(batch=batch, name="Therapists", kind="number")
    in_time = models.AnswerField.objects.create(batch=batch, name="Replied in time", kind="yes_no")
    leeds = batch.members.get(public_body__name="NHS Leeds ICB")
    reply = MessageFactory(request=leeds, subject="Our answer")
    save_answers(
        member=leeds,
        values={therapists.pk: "1,204", in_time.pk: "yes"},
        source=reply,
        actor=user,
        fields=[therapists, in_time],
    )
    return batch


def test_members_list_the_batch_and_outsiders_do_not(
    alice_api: APIClient, viewer_api: APIClient, mallory_api: APIClient, batch: models.Batch
) -> None:
    [listed] = alice_api.get("/api/v1/batches/").json()["results"]
    assert (listed["id"], listed["title"], listed["member_count"]) == (batch.pk, "Therapists", 2)
    assert listed["campaign"] == "open-hospitals" and listed["owner"] == "alice"
    assert viewer_api.get(f"/api/v1/batches/{batch.pk}/").status_code == 200
    assert mallory_api.get("/api/v1/batches/").json()["results"] == []
    assert mallory_api.get(f"/api/v1/batches/{batch.pk}/answers/").status_code == 404


def test_the_answers_table_gives_typed_values_and_their_source_messages(
    viewer_api: APIClient, batch: models.Batch
) -> None:
    table = viewer_api.get(f"/api/v1/batches/{batch.pk}/answers/").json()
    assert table["fields"] == [
        {"name": "Therapists", "kind": "number"},
        {"name": "Replied in time", "kind": "yes_no"},
    ]
    rows = {row["body"]: row for row in table["rows"]}
    leeds, kent = rows["NHS Leeds ICB"], rows["NHS Kent ICB"]
    assert Decimal(leeds["values"]["Therapists"]) == Decimal("1204")
    assert leeds["values"]["Replied in time"] is True
    reply = models.Message.objects.get(subject="Our answer")
    assert leeds["sources"] == {"Therapists": reply.pk, "Replied in time": reply.pk}
    assert leeds["reference"] == batch.members.get(public_body__name="NHS Leeds ICB").reference
    assert kent["values"] == {} and kent["sources"] == {}
