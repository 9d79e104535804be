"""The requests endpoint: visibility, editing rights, creation, filters, sorting, paging."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from requests_app import models
from tests.factories import FoiRequestFactory, PublicBodyFactory, TagFactory

LIST = "/api/v1/requests/"


def detail(foi_request: models.FoiRequest) -> str:
    return f"/api/v1/requests/{foi_request.reference}/"


def references(response: Any) -> list[str]:
    return [row["reference"] for row in response.json()["results"]]


# --- who sees what -----------------------------------------------------------------------


def test_an_anonymous_caller_is_refused(db: None) -> None:
    assert APIClient().get(LIST).status_code == 401


def test_the_owner_lists_and_reads_their_request(
    alice_api: APIClient, alice_request: models.FoiRequest
) -> None:
    listed = alice_api.get(LIST)
    assert references(listed) == [alice_request.reference]
    row = alice_api.get(detail(alice_request)).json()
    assert row["title"] == "Spending on consultants"
    assert row["public_body"] == "department-of-examples"
    assert row["status"] == "awaiting_response"
    assert row["deadlines"]["due_on"] == "2026-02-02"
    assert row["working_days_left"] == 12
    assert row["is_overdue"] is False


def test_an_outsiders_token_sees_nothing_and_changes_nothing(
    mallory_api: APIClient, alice_request: models.FoiRequest, campaign_request: models.FoiRequest
) -> None:
    assert mallory_api.get(LIST).json()["count"] == 0
    for foi_request in (alice_request, campaign_request):
        url = detail(foi_request)
        assert mallory_api.get(url).status_code == 404
        assert mallory_api.patch(url, {"title": "Mine now"}, format="json").status_code == 404
        assert mallory_api.put(url, {"title": "Mine now"}, format="json").status_code == 404
        assert mallory_api.get(url + "events/").status_code == 404
        assert mallory_api.get(url + "messages/").status_code == 404
    assert models.FoiRequest.objects.filter(title="Mine now").count() == 0


def test_a_campaign_viewer_reads_but_may_not_write(
    viewer_api: APIClient, campaign_request: models.FoiRequest, alice_request: models.FoiRequest
) -> None:
    assert references(viewer_api.get(LIST)) == [campaign_request.reference]
    assert viewer_api.get(detail(campaign_request)).status_code == 200
    response = viewer_api.patch(detail(campaign_request), {"title": "Changed"}, format="json")
    assert response.status_code == 403
    campaign_request.refresh_from_db()
    assert campaign_request.title == "Waiting times at the children's hospital"
    assert viewer_api.get(detail(alice_request)).status_code == 404


def test_deleting_is_not_offered(alice_api: APIClient, alice_request: models.FoiRequest) -> None:
    assert alice_api.delete(detail(alice_request)).status_code == 405
    assert models.FoiRequest.objects.filter(pk=alice_request.pk).exists()


# --- creating and editing ----------------------------------------------------------------


def test_creating_a_sent_request_records_it_and_computes_the_deadline(
    alice_api: APIClient, user: Any, body: models.PublicBody
) -> None:
    payload = {
        "title": "Agency staff costs",
        "public_body": body.slug,
        "sent_on": "2026-01-05",
        "text": "Please send the figures.",
    }
    response = alice_api.post(LIST, payload, format="json")
    assert response.status_code == 201, response.json()
    created = models.FoiRequest.objects.get(reference=response.json()["reference"])
    assert created.owner == user
    assert created.regime == "uk-foia"  # the body's usual law
    assert created.status == models.Status.AWAITING_RESPONSE
    assert created.due_on == dt.date(2026, 2, 2)
    kinds = list(created.events.values_list("kind", flat=True))
    assert sorted(kinds) == ["created", "sent"]


def test_creating_checks_the_body_the_dates_and_the_campaign(
    alice_api: APIClient, body: models.PublicBody, other_user: Any
) -> None:
    from tests.factories import CampaignFactory, MembershipFactory

    foreign = CampaignFactory.create(slug="not-yours")
    MembershipFactory.create(campaign=foreign, user=other_user, role=models.Role.OWNER)
    payload = {
        "title": "Bad",
        "public_body": "no-such-body",
        "sent_on": "2026-01-10",
        "received_on": "2026-01-05",
        "campaign": "not-yours",
        "regime": "xx-law",
    }
    response = alice_api.post(LIST, payload, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) >= {"public_body", "campaign", "regime"}
    payload |= {"public_body": body.slug, "campaign": "", "regime": ""}
    response = alice_api.post(LIST, payload, format="json")
    assert response.json() == {"received_on": ["The body cannot receive it before it was sent."]}
    assert not models.FoiRequest.objects.exists()


def test_an_edit_is_recorded_with_the_fields_that_changed(
    alice_api: APIClient, alice_request: models.FoiRequest
) -> None:
    tag = TagFactory.create(name="NHS", slug="nhs")
    payload = {"title": "Consultancy spending 2025", "tags": [tag.slug]}
    response = alice_api.patch(detail(alice_request), payload, format="json")
    assert response.status_code == 200
    assert response.json()["tags"] == ["nhs"]
    edit = alice_request.events.get(kind=models.EventKind.EDITED)
    assert sorted(edit.details["fields"]) == ["tags", "title"]


def test_giving_a_draft_a_sent_date_sends_it(alice_api: APIClient, user: Any) -> None:
    draft = FoiRequestFactory.create(owner=user)
    response = alice_api.patch(detail(draft), {"sent_on": "2026-01-12"}, format="json")
    assert response.json()["status"] == "awaiting_response"
    assert response.json()["deadlines"]["due_on"] == "2026-02-09"


def test_the_status_cannot_be_written_directly(
    alice_api: APIClient, alice_request: models.FoiRequest
) -> None:
    alice_api.patch(detail(alice_request), {"status": "successful"}, format="json")
    alice_request.refresh_from_db()
    assert alice_request.status == models.Status.AWAITING_RESPONSE


# --- filters, sorting, paging --------------------------------------------------------------


def test_the_web_lists_filters_apply(alice_api: APIClient, user: Any) -> None:
    health = PublicBodyFactory.create(slug="dept-health")
    overdue = FoiRequestFactory.sent(on=dt.date(2025, 11, 3), owner=user, title="Beds")
    recent = FoiRequestFactory.sent(on=dt.date(2026, 1, 12), owner=user, public_body=health)
    FoiRequestFactory.create(owner=user, title="A draft about beds")
    assert references(alice_api.get(LIST, {"overdue": "true"})) == [overdue.reference]
    assert references(alice_api.get(LIST, {"public_body": "dept-health"})) == [recent.reference]
    assert len(references(alice_api.get(LIST, {"q": "beds"}))) == 2
    drafts = alice_api.get(LIST, {"status": "draft"})
    assert [row["title"] for row in drafts.json()["results"]] == ["A draft about beds"]
    assert references(alice_api.get(LIST, {"sent_after": "2026-01-01"})) == [recent.reference]


def test_a_bad_filter_value_is_a_400_with_the_reason(
    alice_api: APIClient, alice_request: models.FoiRequest
) -> None:
    response = alice_api.get(LIST, {"status": "lost", "sent_after": "yesterday"})
    assert response.status_code == 400
    assert set(response.json()) == {"status", "sent_after"}


def test_a_body_the_user_has_no_request_to_is_not_a_filter_choice(
    alice_api: APIClient, alice_request: models.FoiRequest
) -> None:
    PublicBodyFactory.create(slug="elsewhere")
    assert alice_api.get(LIST, {"public_body": "elsewhere"}).status_code == 400


def test_sorting_by_reference(alice_api: APIClient, user: Any) -> None:
    made = [FoiRequestFactory.create(owner=user) for _ in range(3)]
    wanted = sorted(foi_request.reference for foi_request in made)
    assert references(alice_api.get(LIST, {"sort": "reference"})) == wanted
    assert references(alice_api.get(LIST, {"sort": "-reference"})) == wanted[::-1]


def test_lists_come_in_pages_of_fifty(alice_api: APIClient, user: Any) -> None:
    body = PublicBodyFactory.create()
    FoiRequestFactory.create_batch(51, owner=user, public_body=body)
    first = alice_api.get(LIST).json()
    assert first["count"] == 51
    assert len(first["results"]) == 50
    assert first["next"].endswith("?page=2")
    assert len(alice_api.get(LIST, {"page": 2}).json()["results"]) == 1


def test_the_list_runs_the_same_queries_for_five_rows_as_for_forty(
    alice_api: APIClient, user: Any
) -> None:
    body = PublicBodyFactory.create()
    tag = TagFactory.create(name="Counted", slug="counted")

    def grow(count: int) -> int:
        for number in range(count):
            foi_request = FoiRequestFactory.sent(
                on=dt.date(2025, 12, 1) + dt.timedelta(days=number), owner=user, public_body=body
            )
            foi_request.tags.add(tag)
        with CaptureQueriesContext(connection) as queries:
            assert alice_api.get(LIST).status_code == 200
        return len(queries.captured_queries)

    assert grow(5) == grow(35)
