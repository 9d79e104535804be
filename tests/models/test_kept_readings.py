"""What a process keeps under the version (models/versions.py) follows every write to the
tables it was read from, by any path, and a reading of any other table is never kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models.expressions import RawSQL
from django.test import Client
from django.urls import reverse

from requests_app import models
from requests_app.deadlines.calendars import CALENDAR_CODES
from requests_app.models.requests import campaign_ids_of
from requests_app.models.versions import VERSIONED_TABLES, counts_version, kept_rows
from tests.factories import (
    CampaignFactory,
    FoiRequestFactory,
    MembershipFactory,
    PublicBodyFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

# A statement per versioned table that changes one column no count reads.
RAW_WRITES = {
    "requests_app_campaign": "UPDATE requests_app_campaign SET name = name || ' (renamed)'",
    "requests_app_tag": "UPDATE requests_app_tag SET name = name || ' (renamed)'",
    "requests_app_exemption": "UPDATE requests_app_exemption SET title = 'Renamed'",
    "requests_app_nonworkingday": "UPDATE requests_app_nonworkingday SET name = 'Renamed'",
    "requests_app_membership": "UPDATE requests_app_membership SET role = 'viewer'",
}


def test_every_versioned_table_has_a_statement_here() -> None:
    assert RAW_WRITES.keys() == VERSIONED_TABLES


@pytest.mark.parametrize("table", sorted(RAW_WRITES))
def test_any_write_to_a_versioned_table_changes_the_version(table: str) -> None:
    MembershipFactory(role=models.Role.EDITOR)
    TagFactory()
    models.NonWorkingDay.objects.create(on=dt.date(2026, 3, 2), name="Storm", calendar="england")
    assert models.Exemption.objects.exists()
    before = counts_version()
    with connection.cursor() as cursor:
        cursor.execute(RAW_WRITES[table])
    assert counts_version() != before


def test_kept_choices_follow_a_rename_by_raw_sql() -> None:
    tag = TagFactory(name="Kelp", slug="kelp")
    assert "Kelp" in [t.name for t in kept_rows(models.Tag.objects.all())]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE requests_app_tag SET name = 'Seagrass' WHERE id = %s", [tag.pk])
    names = [t.name for t in kept_rows(models.Tag.objects.all())]
    assert "Seagrass" in names and "Kelp" not in names


def test_a_reading_of_another_table_is_read_afresh() -> None:
    body = PublicBodyFactory(name="First body")
    bodies = models.PublicBody.objects.filter(pk=body.pk)
    assert [found.name for found in kept_rows(bodies)] == ["First body"]
    version = counts_version()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE requests_app_publicbody SET name = 'Renamed body' WHERE id = %s", [body.pk]
        )
    assert counts_version() == version  # a body's name is no part of the version
    assert [found.name for found in kept_rows(bodies)] == ["Renamed body"]


def test_raw_sql_reading_another_table_is_read_afresh() -> None:
    tag = TagFactory(name="Kelp", slug="kelp")
    counted = RawSQL(
        "SELECT count(*) FROM requests_app_publicbody_tags WHERE tag_id = %s", [tag.pk]
    )
    tags = models.Tag.objects.filter(pk=tag.pk).annotate(bodies_tagged=counted)
    assert [found.bodies_tagged for found in kept_rows(tags)] == [0]
    PublicBodyFactory().tags.add(tag)
    assert [found.bodies_tagged for found in kept_rows(tags)] == [1]


def test_a_prefetch_of_another_table_is_read_afresh() -> None:
    tag = TagFactory(name="Kelp", slug="kelp")
    tags = models.Tag.objects.filter(pk=tag.pk).prefetch_related("bodies")
    assert [list(found.bodies.all()) for found in kept_rows(tags)] == [[]]
    PublicBodyFactory().tags.add(tag)  # a body's tags are no part of the version
    assert [len(found.bodies.all()) for found in kept_rows(tags)] == [1]


def test_a_member_who_leaves_sees_the_campaigns_requests_no_more(user: User) -> None:
    membership = MembershipFactory(user=user, role=models.Role.VIEWER)
    shared = FoiRequestFactory(campaign=membership.campaign, visibility=models.Visibility.CAMPAIGN)
    assert models.FoiRequest.objects.visible_to(user).filter(pk=shared.pk).exists()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM requests_app_membership WHERE id = %s", [membership.pk])
    assert campaign_ids_of(user) == []
    assert not models.FoiRequest.objects.visible_to(user).filter(pk=shared.pk).exists()


def test_a_role_taken_away_by_update_takes_the_editing_with_it(user: User) -> None:
    membership = MembershipFactory(user=user, role=models.Role.EDITOR)
    shared = FoiRequestFactory(campaign=membership.campaign, visibility=models.Visibility.CAMPAIGN)
    assert models.FoiRequest.objects.editable_by(user).filter(pk=shared.pk).exists()
    models.Membership.objects.filter(pk=membership.pk).update(role=models.Role.VIEWER)
    assert not models.FoiRequest.objects.editable_by(user).filter(pk=shared.pk).exists()


def test_the_list_offers_a_campaign_renamed_by_raw_sql_at_once(
    alice_client: Client, user: User
) -> None:
    campaign = CampaignFactory(name="Open Hospitals", slug="open-hospitals")
    MembershipFactory(campaign=campaign, user=user, role=models.Role.OWNER)
    assert "Open Hospitals" in alice_client.get(reverse("request_list")).content.decode()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE requests_app_campaign SET name = 'Open Clinics' WHERE id = %s", [campaign.pk]
        )
    html = alice_client.get(reverse("request_list")).content.decode()
    assert "Open Clinics" in html and "Open Hospitals" not in html


def test_a_non_working_day_added_moves_the_days_left_at_once() -> None:
    foi_request = FoiRequestFactory.sent(on=dt.date(2026, 1, 5))
    today = dt.date(2026, 1, 12)
    before = foi_request.working_days_left(today, models.NonWorkingDay.engine_days())
    with connection.cursor() as cursor:
        for calendar in CALENDAR_CODES:  # whichever calendar the request counts in
            cursor.execute(
                'INSERT INTO requests_app_nonworkingday ("on", name, calendar) '
                "VALUES (%s, 'Storm', %s)",
                [dt.date(2026, 1, 14), calendar],
            )
    after = foi_request.working_days_left(today, models.NonWorkingDay.engine_days())
    assert before is not None and after == before - 1
