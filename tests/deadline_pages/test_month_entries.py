"""A month's entries ranked in SQL are the same entries the whole-range reading gives,
capped per day (the list: those of the month's days, capped again), with every day's
count."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

import pytest

from requests_app.casework.deadline_dates import calendar_entries, month_entries
from requests_app.models import EventKind, FoiRequest, Role, Status, Visibility
from tests.factories import (
    CampaignFactory,
    FoiRequestFactory,
    MembershipFactory,
    PublicBodyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

GRID = (dt.date(2025, 12, 29), dt.date(2026, 2, 1))  # January 2026's weeks
JANUARY = (dt.date(2026, 1, 1), dt.date(2026, 1, 31))
TODAY = dt.date(2026, 1, 15)


@pytest.fixture
def busy_month(user) -> None:  # type: ignore[no-untyped-def]
    """Requests whose dates fall in January in every way a date can apply or not."""
    body = PublicBodyFactory(slug="busy-body")
    for day in range(1, 20):
        for _ in range(day % 4 + 1):  # up to four sent on the same day: due on the same day
            FoiRequestFactory.sent(dt.date(2025, 12, day), owner=user, public_body=body)
    extended = FoiRequestFactory.sent(dt.date(2025, 11, 17), owner=user)
    extended.record_event(EventKind.EXTENSION_CLAIMED, on=dt.date(2025, 12, 1))  # due_on gone
    assert extended.extended_due_on and GRID[0] <= extended.extended_due_on <= GRID[1]
    replaced = FoiRequestFactory.sent(dt.date(2025, 12, 1), owner=user)
    replaced.record_event(EventKind.EXTENSION_CLAIMED, on=dt.date(2025, 12, 10))
    assert replaced.due_on and GRID[0] <= replaced.due_on <= GRID[1]  # and not shown
    refused = FoiRequestFactory.sent(dt.date(2025, 11, 24), owner=user)
    refused.record_event(EventKind.RESPONSE, on=dt.date(2025, 12, 19), status="refused")
    reviewed = FoiRequestFactory.sent(dt.date(2025, 11, 3), owner=user)
    reviewed.record_event(EventKind.RESPONSE, on=dt.date(2025, 12, 1), status="refused")
    reviewed.record_event(EventKind.REVIEW_REQUESTED, on=dt.date(2025, 12, 15))
    withdrawn = FoiRequestFactory.sent(dt.date(2025, 12, 10), owner=user)
    withdrawn.record_event(EventKind.WITHDRAWN, on=dt.date(2025, 12, 12), status="withdrawn")


def summaries(entries) -> list[tuple[dt.date, str, str, bool]]:  # type: ignore[no-untyped-def]
    return [(e.on, e.kind, e.foi_request.reference, e.is_overdue) for e in entries]


@pytest.mark.parametrize("per_day, listed", [(2, 7), (6, 300)])
def test_the_ranked_month_is_the_whole_month_capped(
    user, busy_month: None, per_day: int, listed: int
) -> None:  # type: ignore[no-untyped-def]
    requests = FoiRequest.objects.visible_to(user)
    every = calendar_entries(requests, first=GRID[0], last=GRID[1], today=TODAY)
    shown = month_entries(
        requests, grid=GRID, month=JANUARY, today=TODAY, per_day=per_day, listed=listed
    )
    days = {on: list(entries) for on, entries in groupby(every, key=lambda e: e.on)}
    assert shown.day_counts == {on: len(entries) for on, entries in days.items()}
    assert {on: summaries(e) for on, e in shown.by_day.items()} == {
        on: summaries(entries[:per_day]) for on, entries in days.items()
    }
    in_january = [e for e in every if JANUARY[0] <= e.on <= JANUARY[1]]
    shown_in_january = [
        e for on, entries in days.items() if on.month == 1 for e in entries[:per_day]
    ]
    assert summaries(shown.listed) == summaries(shown_in_january[:listed])
    assert shown.month_count == len(in_january)
    assert max(shown.day_counts.values()) > per_day  # the cap was tested
    assert any(e.kind == "extended" for e in every)
    assert any(e.is_overdue for e in shown.listed)


def test_a_filter_through_another_table_is_kept(user, busy_month: None) -> None:  # type: ignore[no-untyped-def]
    requests = FoiRequest.objects.visible_to(user).filter(public_body__slug="busy-body")
    shown = month_entries(requests, grid=GRID, month=JANUARY, today=TODAY, per_day=6, listed=300)
    assert shown.month_count == requests.filter(due_on__range=JANUARY).count() > 0


def test_nothing_to_see_is_an_empty_month(user, busy_month: None) -> None:  # type: ignore[no-untyped-def]
    shown = month_entries(
        FoiRequest.objects.none(), grid=GRID, month=JANUARY, today=TODAY, per_day=6, listed=300
    )
    assert (shown.by_day, shown.day_counts, shown.listed, shown.month_count) == ({}, {}, [], 0)


CROWDED_DAY = dt.date(2026, 1, 14)
# Each kind of date, with a status in which it applies; a refused request's two windows
# close on the same day, as two entries of one request.
DATED_STATUSES = (
    ({"due_on": CROWDED_DAY}, Status.AWAITING_RESPONSE),
    ({"extended_due_on": CROWDED_DAY}, Status.EXTENDED),
    ({"review_due_on": CROWDED_DAY}, Status.AWAITING_REVIEW),
    (
        {"review_request_closes_on": CROWDED_DAY, "escalation_closes_on": CROWDED_DAY},
        Status.REFUSED,
    ),
)


@pytest.fixture
def crowded_day(user, other_user) -> None:  # type: ignore[no-untyped-def]
    """Of every kind of date, more on one day than a day shows: the user's own, a fellow
    campaigner's shared and private ones, and a stranger's, in rounds of references (each
    round's stranger's first), so that the first few of the day by reference are of
    every kind, and the stranger's would come first if they were not left out."""
    campaign = CampaignFactory()
    colleague = UserFactory(username="carol")
    MembershipFactory(campaign=campaign, user=user, role=Role.EDITOR)
    MembershipFactory(campaign=campaign, user=colleague, role=Role.OWNER)
    owners = (
        {"owner": other_user},
        {"owner": user},
        {"owner": colleague, "campaign": campaign, "visibility": Visibility.CAMPAIGN},
        {"owner": colleague, "campaign": campaign, "visibility": Visibility.PRIVATE},
    )
    for _ in range(3):
        for owner in owners:
            for dates, status in DATED_STATUSES:
                foi_request = FoiRequestFactory(**owner)
                # The stored dates, as the deadline engine would have left them.
                FoiRequest.objects.filter(pk=foi_request.pk).update(status=status, **dates)


def test_a_crowded_day_shows_its_first_of_every_kind_together(user, crowded_day: None) -> None:  # type: ignore[no-untyped-def]
    requests = FoiRequest.objects.visible_to(user)
    every = calendar_entries(requests, first=GRID[0], last=GRID[1], today=TODAY)
    shown = month_entries(requests, grid=GRID, month=JANUARY, today=TODAY, per_day=4, listed=300)
    assert len(every) == 3 * 5 * 2  # 3 rounds of 5 dates of the 2 owners the user may see
    assert shown.day_counts == {CROWDED_DAY: len(every)}
    assert summaries(shown.by_day[CROWDED_DAY]) == summaries(every[:4])
    # The user's first four requests, one of each kind; the fourth's second date is cut.
    assert [entry.kind for entry in shown.by_day[CROWDED_DAY]] == [
        "due",
        "extended",
        "review",
        "review-request",
    ]


def test_requests_the_user_may_not_see_are_neither_shown_nor_counted(
    user, other_user, crowded_day: None
) -> None:  # type: ignore[no-untyped-def]
    shown = month_entries(
        FoiRequest.objects.visible_to(user),
        grid=GRID,
        month=JANUARY,
        today=TODAY,
        per_day=4,
        listed=300,
    )
    visible = set(FoiRequest.objects.visible_to(user).values_list("reference", flat=True))
    assert {e.foi_request.reference for e in shown.by_day[CROWDED_DAY]} <= visible
    assert shown.day_counts[CROWDED_DAY] == shown.month_count == 30
    strangers = month_entries(
        FoiRequest.objects.visible_to(other_user),
        grid=GRID,
        month=JANUARY,
        today=TODAY,
        per_day=4,
        listed=300,
    )
    assert strangers.day_counts == {CROWDED_DAY: 15}  # the stranger's own, nobody else's


def test_a_month_with_nothing_the_user_may_see_is_empty(other_user, busy_month: None) -> None:  # type: ignore[no-untyped-def]
    shown = month_entries(
        FoiRequest.objects.visible_to(other_user),
        grid=GRID,
        month=JANUARY,
        today=TODAY,
        per_day=6,
        listed=300,
    )
    assert (shown.by_day, shown.day_counts, shown.listed, shown.month_count) == ({}, {}, [], 0)
