"""Properties that must hold for any date from 2000 to 2035, for every regime."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from requests_app.deadlines import (
    CALENDAR_CODES,
    REGIMES,
    ClockEvent,
    ClockEventKind,
    ClockInput,
    ExtraNonWorkingDay,
    Unit,
    calendar_code_for,
    calendar_for,
    compute_deadlines,
)

Kind = ClockEventKind

DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 12, 31))
ALL_REGIMES = st.sampled_from(sorted(REGIMES))
WORKING_DAY_REGIMES = st.sampled_from(
    sorted(code for code, regime in REGIMES.items() if regime.response.unit is Unit.WORKING_DAYS)
)
NATIONS = st.sampled_from([None, "ENG", "WLS", "SCT", "NIR"])

# No example database: these tests write nothing into the working tree.
no_database = settings(database=None)


def _due(clock: ClockInput) -> date:
    deadline = compute_deadlines(clock).due_on
    assert deadline is not None
    return deadline.due


@no_database
@given(regime=ALL_REGIMES, received=DAYS, nation=NATIONS)
def test_a_due_date_is_always_a_working_day_of_its_calendar(
    regime: str, received: date, nation: str | None
) -> None:
    calendar = calendar_for(calendar_code_for(REGIMES[regime], nation))

    due = _due(ClockInput(regime, received, nation=nation))

    assert calendar.is_working_day(due)
    assert due > received


@no_database
@given(regime=WORKING_DAY_REGIMES, received=DAYS)
def test_exactly_the_limit_in_working_days_lies_after_receipt_up_to_the_due_date(
    regime: str, received: date
) -> None:
    calendar = calendar_for(calendar_code_for(REGIMES[regime]))

    due = _due(ClockInput(regime, received))

    assert calendar.working_days_between(received, due) == REGIMES[regime].response.amount
    assert calendar.working_days_between(received, due - timedelta(days=1)) < (
        REGIMES[regime].response.amount
    )


@no_database
@given(regime=ALL_REGIMES, first=DAYS, later_by=st.integers(min_value=0, max_value=400))
def test_the_due_date_never_goes_back_when_receipt_is_later(
    regime: str, first: date, later_by: int
) -> None:
    second = first + timedelta(days=later_by)

    assert _due(ClockInput(regime, first)) <= _due(ClockInput(regime, second))


@no_database
@given(
    regime=ALL_REGIMES,
    received=DAYS,
    offset=st.integers(min_value=0, max_value=120),
    calendar=st.sampled_from(CALENDAR_CODES),
)
def test_an_extra_non_working_day_never_brings_a_due_date_forward(
    regime: str, received: date, offset: int, calendar: str
) -> None:
    extra = (ExtraNonWorkingDay(received + timedelta(days=offset), "Proclaimed", calendar),)

    without = _due(ClockInput(regime, received))
    with_extra = _due(ClockInput(regime, received, extra_non_working_days=extra))

    assert with_extra >= without


@no_database
@given(
    regime=ALL_REGIMES,
    received=DAYS,
    stops_after=st.integers(min_value=0, max_value=60),
    lasts=st.integers(min_value=0, max_value=60),
    kind=st.sampled_from(["clarification", "fee"]),
)
def test_a_clarification_or_fee_stop_only_moves_dates_later(
    regime: str, received: date, stops_after: int, lasts: int, kind: str
) -> None:
    stopped_on = received + timedelta(days=stops_after)
    resumed_on = stopped_on + timedelta(days=lasts)
    stop, resume = (
        (Kind.CLARIFICATION_REQUESTED, Kind.CLARIFICATION_ANSWERED)
        if kind == "clarification"
        else (Kind.FEE_NOTICE, Kind.FEE_PAID)
    )
    events = (ClockEvent(stop, stopped_on), ClockEvent(resume, resumed_on))
    plain = compute_deadlines(ClockInput(regime, received))
    paused = compute_deadlines(ClockInput(regime, received, events))

    assert plain.due_on is not None and paused.due_on is not None
    assert paused.due_on.due >= plain.due_on.due
    assert plain.very_overdue_on is not None and paused.very_overdue_on is not None
    assert paused.very_overdue_on.due >= plain.very_overdue_on.due


@no_database
@given(code=st.sampled_from(CALENDAR_CODES), start=DAYS, n=st.integers(min_value=0, max_value=60))
def test_adding_working_days_agrees_with_counting_day_by_day(
    code: str, start: date, n: int
) -> None:
    calendar = calendar_for(code)
    expected, counted, day = start, 0, start
    while counted < n:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            counted, expected = counted + 1, day

    due, skipped = calendar.add_working_days(start, n)

    assert due == expected
    assert [s.on for s in skipped] == [
        start + timedelta(days=offset)
        for offset in range(1, (due - start).days + 1)
        if not calendar.is_working_day(start + timedelta(days=offset))
    ]
    assert calendar.working_days_between(start, due) == n
    assert calendar.working_days_between(due, start) == -n
