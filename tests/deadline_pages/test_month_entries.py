"""A month's entries ranked in SQL are the same entries the whole-range reading gives,
capped per day (the list: those of the month's days, capped again), with every day's
count."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

import pytest

from requests_app.casework.deadline_dates import calendar_entries, month_entries
from requests_app.models import EventKind, FoiRequest
from tests.factories import FoiRequestFactory, PublicBodyFactory

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
