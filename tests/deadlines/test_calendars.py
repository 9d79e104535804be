"""Calendars: which days are working days, and counting them.

Every expected date here was worked out by hand from the published holiday lists.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest

from requests_app.deadlines import ExtraNonWorkingDay, SkippedDay, UnknownPlace, calendar_for


def test_it_skips_st_andrews_day_for_an_english_body() -> None:
    uk = calendar_for("uk")

    due, _ = uk.add_working_days(date(2025, 11, 28), 20)

    assert due == date(2025, 12, 31)
    assert not uk.is_working_day(date(2025, 12, 1))
    assert calendar_for("gb-eng").is_working_day(date(2025, 12, 1))


def test_the_uk_reason_names_the_part_of_the_uk_and_the_section() -> None:
    reason = calendar_for("uk").non_working_reason(date(2025, 12, 1))

    assert reason == (
        "St Andrew's Day substitute — bank holiday in Scotland; "
        "FOIA s.10(6) counts a bank holiday in any part of the UK"
    )


def test_the_uk_calendar_is_the_union_of_the_four_nations() -> None:
    uk = calendar_for("uk")
    st_patricks_day = date(2026, 3, 17)
    second_of_january = date(2026, 1, 2)
    boyne_substitute = date(2026, 7, 13)

    assert not uk.is_working_day(st_patricks_day)
    assert not uk.is_working_day(second_of_january)
    assert not uk.is_working_day(boyne_substitute)
    assert calendar_for("gb-eng").is_working_day(st_patricks_day)
    assert calendar_for("gb-eng").is_working_day(second_of_january)
    assert not calendar_for("gb-nir").is_working_day(boyne_substitute)
    assert calendar_for("gb-wls").is_working_day(boyne_substitute)


def test_a_bank_holiday_in_three_nations_lists_them() -> None:
    reason = calendar_for("uk").non_working_reason(date(2026, 4, 6))

    assert reason is not None
    assert reason.startswith("Easter Monday — bank holiday in England, Wales and Northern Ireland")


def test_a_bank_holiday_everywhere_says_all_parts_of_the_uk() -> None:
    reason = calendar_for("uk").non_working_reason(date(2025, 12, 26))

    assert reason == "Boxing Day — bank holiday in all parts of the UK"


def test_christmas_day_and_good_friday_are_named_as_in_the_act() -> None:
    uk = calendar_for("uk")

    assert uk.non_working_reason(date(2025, 12, 25)) == "Christmas Day"
    assert uk.non_working_reason(date(2026, 4, 3)) == "Good Friday"


def test_a_nation_calendar_names_the_nation() -> None:
    scotland = calendar_for("gb-sct")

    assert scotland.non_working_reason(date(2025, 12, 1)) == "St Andrew's Day substitute (Scotland)"
    assert scotland.non_working_reason(date(2026, 1, 2)) == "New Year Holiday (Scotland)"


def test_scotland_works_on_easter_monday_but_not_on_2_january() -> None:
    scotland = calendar_for("gb-sct")

    assert scotland.is_working_day(date(2026, 4, 6))
    assert not scotland.is_working_day(date(2026, 1, 2))
    assert not scotland.is_working_day(date(2026, 11, 30))


def test_christmas_on_a_saturday_gives_substitute_days_on_27_and_28_december() -> None:
    uk = calendar_for("uk")

    assert uk.non_working_reason(date(2021, 12, 25)) == "Saturday, also Christmas Day"
    assert uk.non_working_reason(date(2021, 12, 27)) == (
        "Christmas Day substitute — bank holiday in all parts of the UK"
    )
    assert uk.non_working_reason(date(2021, 12, 28)) == (
        "Boxing Day substitute — bank holiday in all parts of the UK"
    )
    assert uk.is_working_day(date(2021, 12, 29))


def test_the_one_off_scottish_holiday_of_15_june_2026_stops_the_uk_clock() -> None:
    uk = calendar_for("uk")

    reason = uk.non_working_reason(date(2026, 6, 15))

    assert reason is not None
    assert "bank holiday in Scotland" in reason
    assert calendar_for("gb-eng").is_working_day(date(2026, 6, 15))


def test_the_start_is_day_0_even_on_a_weekend() -> None:
    uk = calendar_for("uk")

    due, skipped = uk.add_working_days(date(2025, 11, 29), 1)

    # Sun 30 Nov is St Andrew's Day, Mon 1 Dec its substitute.
    assert due == date(2025, 12, 2)
    assert [day.on for day in skipped] == [date(2025, 11, 30), date(2025, 12, 1)]


def test_adding_no_working_days_returns_the_start() -> None:
    saturday = date(2025, 11, 29)

    assert calendar_for("uk").add_working_days(saturday, 0) == (saturday, [])


def test_adding_negative_working_days_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        calendar_for("uk").add_working_days(date(2026, 1, 5), -1)


def test_skipped_days_are_every_non_working_day_after_the_start_up_to_the_due_date() -> None:
    due, skipped = calendar_for("gb-eng").add_working_days(date(2025, 12, 23), 3)

    # Wed 24 (1), Thu 25 Christmas, Fri 26 Boxing Day, weekend, Mon 29 (2), Tue 30 (3).
    assert due == date(2025, 12, 30)
    assert skipped == [
        SkippedDay(date(2025, 12, 25), "Christmas Day"),
        SkippedDay(date(2025, 12, 26), "Boxing Day (England)"),
        SkippedDay(date(2025, 12, 27), "Saturday"),
        SkippedDay(date(2025, 12, 28), "Sunday"),
    ]


def test_working_days_between_counts_after_the_start_up_to_and_including_the_end() -> None:
    uk = calendar_for("uk")

    assert uk.working_days_between(date(2025, 11, 28), date(2025, 12, 31)) == 20
    assert uk.working_days_between(date(2025, 12, 31), date(2025, 11, 28)) == -20
    assert uk.working_days_between(date(2025, 12, 24), date(2025, 12, 28)) == 0


def test_next_working_day_is_the_day_itself_when_it_is_a_working_day() -> None:
    uk = calendar_for("uk")

    assert uk.next_working_day(date(2025, 12, 24)) == date(2025, 12, 24)
    assert uk.next_working_day(date(2025, 12, 25)) == date(2025, 12, 29)
    assert uk.next_working_day(date(2025, 12, 31)) == date(2025, 12, 31)
    assert uk.next_working_day(date(2026, 1, 1)) == date(2026, 1, 5)


def test_a_us_saturday_holiday_is_observed_on_the_friday() -> None:
    us = calendar_for("us")

    assert us.non_working_reason(date(2026, 7, 3)) == "Independence Day (observed)"
    assert us.non_working_reason(date(2026, 6, 19)) == "Juneteenth National Independence Day"
    # New Year's Day 2022 was a Saturday: observed on Friday 31 December 2021.
    assert not us.is_working_day(date(2021, 12, 31))


def test_the_us_calendar_ignores_executive_order_closures() -> None:
    # Christmas Eve 2024 was closed by executive order; it is not a legal public holiday.
    assert calendar_for("us").is_working_day(date(2024, 12, 24))


def test_new_zealand_stops_from_25_december_to_15_january() -> None:
    nz = calendar_for("nz")

    assert nz.is_working_day(date(2025, 12, 24))
    assert not nz.is_working_day(date(2025, 12, 29))
    assert not nz.is_working_day(date(2026, 1, 15))
    assert nz.is_working_day(date(2026, 1, 16))
    assert nz.non_working_reason(date(2026, 1, 7)) == (
        "Christmas break, 25 December to 15 January (OIA s.2)"
    )


def test_new_zealand_anniversary_days_are_working_days() -> None:
    nz = calendar_for("nz")

    assert nz.is_working_day(date(2026, 1, 19))  # Wellington Anniversary Day
    assert nz.is_working_day(date(2026, 1, 26))  # Auckland Anniversary Day
    assert not nz.is_working_day(date(2026, 2, 6))  # Waitangi Day


def test_australia_counts_the_holidays_of_the_bodys_state() -> None:
    # Acts Interpretation Act 1901 s.36(2): a holiday "in the place concerned".
    act, qld = calendar_for("au"), calendar_for("au", subdivision="QLD")

    assert not act.is_working_day(date(2026, 1, 26))  # Australia Day
    assert not act.is_working_day(date(2026, 4, 6))  # Easter Monday
    assert not act.is_working_day(date(2026, 3, 9))  # Canberra Day, ACT (the default)
    assert qld.is_working_day(date(2026, 3, 9))
    assert qld.is_working_day(date(2026, 6, 8))  # King's Birthday is in October in Queensland
    assert not qld.is_working_day(date(2026, 10, 5))


def test_australian_substitute_days_are_holidays() -> None:
    nsw = calendar_for("au", subdivision="NSW")

    assert nsw.non_working_reason(date(2026, 12, 28)) == "Boxing Day (observed) (New South Wales)"
    assert not nsw.is_working_day(date(2022, 1, 3))  # New Year's Day 2022 was a Saturday


def test_canada_counts_easter_monday_and_the_bodys_province() -> None:
    federal, ontario = calendar_for("ca"), calendar_for("ca", subdivision="ON")

    assert federal.non_working_reason(date(2026, 4, 6)) == "Easter Monday"  # s.35(1)
    assert federal.is_working_day(date(2026, 2, 16))  # Family Day is Ontario's, not federal
    assert ontario.non_working_reason(date(2026, 2, 16)) == "Family Day (Ontario)"
    assert federal.is_working_day(date(2026, 12, 28))  # no Boxing Day in s.35


def test_an_unknown_state_is_refused() -> None:
    with pytest.raises(UnknownPlace, match="expected one of ACT"):
        calendar_for("au", subdivision="ON")


def test_canada_counts_the_federal_holidays() -> None:
    ca = calendar_for("ca")

    assert not ca.is_working_day(date(2026, 7, 1))  # Canada Day
    assert not ca.is_working_day(date(2026, 5, 18))  # Victoria Day
    assert not ca.is_working_day(date(2026, 11, 11))  # Remembrance Day


def test_ireland_counts_st_brigids_day() -> None:
    assert not calendar_for("ie").is_working_day(date(2026, 2, 2))


def test_an_extra_scottish_day_applies_to_the_uk_and_scotland_only() -> None:
    extra = (ExtraNonWorkingDay(date(2026, 6, 10), "Proclaimed holiday", "gb-sct"),)

    assert not calendar_for("uk", extra).is_working_day(date(2026, 6, 10))
    assert not calendar_for("gb-sct", extra).is_working_day(date(2026, 6, 10))
    assert calendar_for("gb-eng", extra).is_working_day(date(2026, 6, 10))
    assert calendar_for("us", extra).is_working_day(date(2026, 6, 10))


def test_an_extra_uk_day_applies_to_every_nation() -> None:
    extra = (ExtraNonWorkingDay(date(2026, 6, 10), "Proclaimed holiday", "uk"),)

    for code in ("uk", "gb-eng", "gb-wls", "gb-sct", "gb-nir"):
        assert not calendar_for(code, extra).is_working_day(date(2026, 6, 10)), code
    assert calendar_for("ie", extra).is_working_day(date(2026, 6, 10))


def test_an_extra_day_gives_its_name_as_the_reason() -> None:
    extra = (ExtraNonWorkingDay(date(2026, 6, 10), "Proclaimed holiday", "gb-wls"),)

    assert calendar_for("uk", extra).non_working_reason(date(2026, 6, 10)) == (
        "Proclaimed holiday — bank holiday in Wales; "
        "FOIA s.10(6) counts a bank holiday in any part of the UK"
    )
    assert calendar_for("gb-wls", extra).non_working_reason(date(2026, 6, 10)) == (
        "Proclaimed holiday (Wales)"
    )


def test_an_extra_day_does_not_change_the_shared_calendar() -> None:
    extra = (ExtraNonWorkingDay(date(2026, 6, 10), "Proclaimed holiday", "uk"),)
    calendar_for("uk", extra).add_working_days(date(2026, 6, 1), 20)

    assert calendar_for("uk").is_working_day(date(2026, 6, 10))


def test_calendars_are_shared_between_calls() -> None:
    assert calendar_for("uk") is calendar_for("uk")
    assert calendar_for("uk") is not calendar_for("gb-eng")


def test_an_unknown_calendar_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown calendar"):
        calendar_for("fr")
    with pytest.raises(ValueError, match="unknown calendar"):
        calendar_for("uk", [ExtraNonWorkingDay(date(2026, 6, 10), "Fête", "fr")])


def test_a_year_far_outside_the_supported_range_is_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        calendar_for("uk").is_working_day(date(1900, 1, 2))


def test_a_long_count_crosses_years() -> None:
    uk = calendar_for("uk")
    start = date(2030, 6, 3)

    due, _ = uk.add_working_days(start, 1000)

    assert uk.working_days_between(start, due) == 1000
    assert due.year == 2034


def test_100000_counts_of_20_working_days_take_well_under_5_seconds() -> None:
    uk = calendar_for("uk")
    starts = [date(2000, 1, 1) + timedelta(days=offset % 13000) for offset in range(100_000)]
    uk.add_working_days(starts[0], 20)

    began = time.perf_counter()
    for start in starts:
        uk.add_working_days(start, 20)
    elapsed = time.perf_counter() - began

    assert elapsed < 2.5
