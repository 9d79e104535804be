"""The sweep: owed alerts from stored dates, once, whatever runs or fails to run."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from requests_app.alerts.sweep import sweep
from requests_app.models import (
    Alert,
    AlertDelivery,
    AlertStatus,
    EventKind,
    FoiRequest,
    Role,
    Visibility,
)
from tests.alerts.conftest import DUE_ON, SENT_ON, needs_postgres, on_day
from tests.alerts.factories import make_profile
from tests.factories import CampaignFactory, MembershipFactory, UserFactory


def sweep_on(day: dt.date) -> int:
    with on_day(day):
        return sweep(today=day).created


def owed(**filters: object) -> list[tuple[str, dt.date]]:
    rows = Alert.objects.filter(**filters).order_by("kind", "deadline")
    return list(rows.values_list("kind", "deadline"))


def test_it_creates_the_alert_owed_today_and_nothing_more_when_run_again(
    iapt_request: FoiRequest,
) -> None:
    day = dt.date(2026, 1, 29)  # Thursday: 2 working days before Monday 2 February
    assert sweep_on(day) == 1
    assert sweep_on(day) == 0
    assert owed() == [("due_soon", DUE_ON)]
    assert Alert.objects.get().user == iapt_request.owner


def test_a_sweep_skipped_for_three_days_catches_up_without_duplicates(
    iapt_request: FoiRequest,
) -> None:
    sweep_on(dt.date(2026, 1, 27))  # Tue: 4 working days left, nothing owed
    assert owed() == []
    # Wed, Thu and Fri are missed: Saturday's run finds "due soon" still owed.
    sweep_on(dt.date(2026, 1, 31))
    assert owed() == [("due_soon", DUE_ON)]
    sweep_on(DUE_ON)
    # Tue, Wed and Thu are missed: Friday's run finds "overdue".
    sweep_on(dt.date(2026, 2, 6))
    sweep_on(dt.date(2026, 2, 6))
    assert owed() == [("due_soon", DUE_ON), ("due_today", DUE_ON), ("overdue", DUE_ON)]


def test_an_alert_whose_moment_passed_while_no_sweep_ran_gives_way_to_the_next(
    iapt_request: FoiRequest,
) -> None:
    sweep_on(DUE_ON + dt.timedelta(days=1))
    assert owed() == [("overdue", DUE_ON)]


def test_a_claimed_extension_cancels_pending_alerts_about_the_old_date(
    iapt_request: FoiRequest,
) -> None:
    make_profile(user=iapt_request.owner, alert_delivery=AlertDelivery.DIGEST)
    sweep_on(dt.date(2026, 1, 29))
    new_date = dt.date(2026, 3, 2)
    with on_day(dt.date(2026, 1, 30)):
        iapt_request.record_event(
            EventKind.EXTENSION_CLAIMED, on=dt.date(2026, 1, 30), new_due_on=new_date
        )
        result = sweep(today=dt.date(2026, 1, 30))
    assert result.cancelled == 1
    assert Alert.objects.get(kind="due_soon", deadline=DUE_ON).status == AlertStatus.CANCELLED
    sweep_on(dt.date(2026, 2, 26))
    assert owed(status=AlertStatus.PENDING) == [("due_soon", new_date)]


def test_a_response_cancels_what_is_still_pending(iapt_request: FoiRequest) -> None:
    make_profile(user=iapt_request.owner, alert_delivery=AlertDelivery.DIGEST)
    sweep_on(dt.date(2026, 2, 3))
    with on_day(dt.date(2026, 2, 4)):
        iapt_request.record_response(on=dt.date(2026, 2, 4), outcome="successful")
        assert sweep(today=dt.date(2026, 2, 4)).cancelled == 1
    assert Alert.objects.get().status == AlertStatus.CANCELLED


def test_an_alert_stuck_in_sending_is_taken_back_after_the_timeout(
    iapt_request: FoiRequest,
) -> None:
    sweep_on(dt.date(2026, 1, 29))
    alert = Alert.objects.get()
    with on_day(dt.date(2026, 1, 29), hour=10):
        assert alert.claim()
    with on_day(dt.date(2026, 1, 29), hour=10):
        assert sweep(today=dt.date(2026, 1, 29)).recovered == 0
    with on_day(dt.date(2026, 1, 29), hour=11):
        assert sweep(today=dt.date(2026, 1, 29)).recovered == 1
    alert.refresh_from_db()
    assert alert.status == AlertStatus.PENDING
    assert alert.attempts == 1


def test_campaign_members_get_alerts_by_role(
    make_request: Callable[..., FoiRequest], user: object
) -> None:
    campaign = CampaignFactory()
    editor = MembershipFactory(campaign=campaign, role=Role.EDITOR).user
    viewer = MembershipFactory(campaign=campaign, role=Role.VIEWER).user
    MembershipFactory(campaign=campaign, role=Role.OWNER, user=user)
    make_request(campaign=campaign, visibility=Visibility.CAMPAIGN)
    sweep_on(dt.date(2026, 1, 29))
    sweep_on(DUE_ON)
    sweep_on(DUE_ON + dt.timedelta(days=1))
    assert owed(user=editor) == [("due_soon", DUE_ON), ("due_today", DUE_ON), ("overdue", DUE_ON)]
    assert owed(user=viewer) == [("due_today", DUE_ON), ("overdue", DUE_ON)]
    assert len(owed(user=user)) == 3


def test_a_private_request_alerts_only_its_owner(make_request: Callable[..., FoiRequest]) -> None:
    campaign = CampaignFactory()
    MembershipFactory(campaign=campaign, role=Role.EDITOR)
    foi_request = make_request(campaign=campaign, visibility=Visibility.PRIVATE)
    sweep_on(DUE_ON)
    assert list(Alert.objects.values_list("user_id", flat=True)) == [foi_request.owner_id]


def test_muted_kinds_paused_users_and_inactive_members_get_nothing(
    make_request: Callable[..., FoiRequest], user: object
) -> None:
    campaign = CampaignFactory()
    paused = MembershipFactory(campaign=campaign).user
    make_profile(user=paused, alerts_paused=True)
    inactive = MembershipFactory(campaign=campaign, user=UserFactory(is_active=False)).user
    make_profile(user=user, muted_alert_kinds=["due_today"])
    make_request(campaign=campaign, visibility=Visibility.CAMPAIGN)
    sweep_on(DUE_ON)
    assert not Alert.objects.filter(user__in=[paused, inactive, user]).exists()


def test_the_owners_own_number_of_due_soon_days_is_used(iapt_request: FoiRequest) -> None:
    make_profile(user=iapt_request.owner, due_soon_working_days=10)
    sweep_on(dt.date(2026, 1, 19))  # Monday, 10 working days before
    assert owed() == [("due_soon", DUE_ON)]


def test_clarification_owed_by_us_after_five_working_days(iapt_request: FoiRequest) -> None:
    asked_on = dt.date(2026, 1, 9)
    with on_day(asked_on):
        iapt_request.record_event(EventKind.CLARIFICATION_REQUESTED, on=asked_on)
    sweep_on(dt.date(2026, 1, 15))
    assert owed() == []
    sweep_on(dt.date(2026, 1, 16))
    sweep_on(dt.date(2026, 1, 19))
    assert owed() == [("clarification_owed", asked_on)]


def test_the_number_of_queries_does_not_grow_with_the_number_of_requests(
    make_request: Callable[..., FoiRequest],
) -> None:
    def queries_for(count: int) -> int:
        Alert.objects.all().delete()
        while FoiRequest.objects.count() < count:
            make_request()
        with on_day(DUE_ON), CaptureQueriesContext(connection) as captured:
            assert sweep(today=DUE_ON).created == count
        return len(captured)

    assert queries_for(5) == queries_for(50)


def test_two_sweeps_at_once_make_each_alert_once(
    transactional_db: None, make_request: Callable[..., FoiRequest]
) -> None:
    needs_postgres()
    for _ in range(20):
        make_request(on=SENT_ON)
    results: list[int] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        try:
            barrier.wait()
            results.append(sweep(today=DUE_ON).created)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Alert.objects.count() == 20
    assert sorted(set(Alert.objects.values_list("kind", flat=True))) == ["due_today"]
    assert sum(results) >= 20  # both may count a row; the unique key keeps one


@pytest.mark.parametrize("status", ["draft", "withdrawn", "closed"])
def test_requests_not_waiting_owe_no_deadline_alerts(iapt_request: FoiRequest, status: str) -> None:
    FoiRequest.objects.filter(pk=iapt_request.pk).update(status=status)
    sweep_on(DUE_ON + dt.timedelta(days=1))
    assert owed() == []
