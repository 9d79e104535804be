"""Public bodies, campaigns, the deadline calculation and throttling."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rest_framework.settings import api_settings
from rest_framework.test import APIClient
from rest_framework.throttling import UserRateThrottle

from requests_app import models
from requests_app.deadlines.clock import due_for_stage
from tests.factories import (
    CampaignFactory,
    FoiRequestFactory,
    MembershipFactory,
    PublicBodyFactory,
)


def test_every_signed_in_user_reads_the_bodies_with_the_web_filters(
    mallory_api: APIClient, db: None
) -> None:
    PublicBodyFactory.create(
        name="Inverbervie Harbour Trust", slug="inverbervie", nation=models.Nation.SCOTLAND
    )
    scottish = mallory_api.get("/api/v1/bodies/", {"nation": "SCT", "q": "inverbervie"}).json()
    assert [body["slug"] for body in scottish["results"]] == ["inverbervie"]
    assert mallory_api.get("/api/v1/bodies/inverbervie/").json()["nation"] == "SCT"
    assert mallory_api.get("/api/v1/bodies/", {"nation": "XX"}).status_code == 400


def test_campaigns_are_the_users_own_with_their_role(
    alice_api: APIClient, mallory_api: APIClient, campaign: models.Campaign, other_user: Any
) -> None:
    theirs = CampaignFactory.create(slug="theirs")
    MembershipFactory.create(campaign=theirs, user=other_user, role=models.Role.VIEWER)
    listed = alice_api.get("/api/v1/campaigns/").json()["results"]
    assert [(row["slug"], row["role"]) for row in listed] == [("open-hospitals", "owner")]
    assert alice_api.get("/api/v1/campaigns/theirs/").status_code == 404
    assert mallory_api.get("/api/v1/campaigns/theirs/").json()["role"] == "viewer"


def test_a_campaigns_request_count_counts_only_what_the_member_sees(
    alice_api: APIClient, mallory_api: APIClient, campaign: models.Campaign, other_user: Any
) -> None:
    MembershipFactory.create(campaign=campaign, user=other_user, role=models.Role.VIEWER)
    owner = campaign.memberships.get(role=models.Role.OWNER).user
    shared = {"owner": owner, "campaign": campaign, "visibility": models.Visibility.CAMPAIGN}
    FoiRequestFactory.create_batch(2, **shared)
    FoiRequestFactory.create(**{**shared, "visibility": models.Visibility.PRIVATE})
    [theirs] = mallory_api.get("/api/v1/campaigns/").json()["results"]
    [own] = alice_api.get("/api/v1/campaigns/").json()["results"]
    assert (theirs["request_count"], own["request_count"]) == (2, 3)
    detail = mallory_api.get(f"/api/v1/campaigns/{campaign.slug}/").json()
    assert detail["request_count"] == 2


def test_the_deadline_calculation_matches_the_engine(alice_api: APIClient) -> None:
    response = alice_api.get(
        "/api/v1/deadlines/", {"regime": "uk-foia", "received": "2025-11-28"}
    ).json()
    expected = due_for_stage("uk-foia", dt.date(2025, 11, 28), "response")
    assert response["due"] == expected.due.isoformat() == "2025-12-31"
    assert response["stage"] == "response"
    assert response["explanation"]["summary"] == expected.explanation.summary


def test_the_deadline_calculation_explains_bad_input(alice_api: APIClient) -> None:
    bad = alice_api.get("/api/v1/deadlines/", {"regime": "xx", "received": "28/11/2025"})
    assert bad.status_code == 400
    assert set(bad.json()) == {"regime", "received"}
    no_extension = alice_api.get(
        "/api/v1/deadlines/",
        {"regime": "scot-foisa", "received": "2025-11-28", "stage": "extended"},
    )
    assert no_extension.status_code == 400
    assert "no standard extended time limit" in no_extension.json()["stage"][0]
    too_late = alice_api.get("/api/v1/deadlines/", {"regime": "uk-foia", "received": "9999-12-31"})
    assert too_late.status_code == 400
    assert "outside the dates" in too_late.json()["received"][0]
    elsewhere = alice_api.get(
        "/api/v1/deadlines/", {"regime": "au-foi", "received": "2026-01-05", "subdivision": "ON"}
    )
    assert elsewhere.status_code == 400
    assert "expected one of ACT" in elsewhere.json()["stage"][0]


def test_a_reasonable_period_comes_back_as_the_bodys_date(alice_api: APIClient) -> None:
    response = alice_api.get(
        "/api/v1/deadlines/", {"regime": "nz-oia", "received": "2026-03-02", "stage": "extended"}
    )
    assert response.status_code == 200
    assert response.json()["due"] is None
    assert response.json()["set_by_body"] is True
    assert "OIA s.15A(2)" in response.json()["explanation"]["summary"]


def test_the_deadline_calculation_counts_the_bodys_state(alice_api: APIClient) -> None:
    # 30 days after Sat 28 Nov 2026 is Mon 28 Dec, Boxing Day (observed) in New South Wales.
    response = alice_api.get(
        "/api/v1/deadlines/", {"regime": "au-foi", "received": "2026-11-28", "subdivision": "NSW"}
    )
    assert response.json()["due"] == "2026-12-29"


def test_the_deadline_calculation_needs_a_token(db: None) -> None:
    response = APIClient().get(
        "/api/v1/deadlines/", {"regime": "uk-foia", "received": "2025-11-28"}
    )
    assert response.status_code == 401


def test_callers_over_the_rate_are_throttled(alice_api: APIClient, monkeypatch: Any) -> None:
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/min", "anon": "1/min"})
    statuses = [alice_api.get("/api/v1/bodies/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert api_settings.DEFAULT_THROTTLE_RATES["user"]  # the real rate comes from settings
