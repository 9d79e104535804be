"""Regimes: the statutory facts, and each country's worked example.

Expected dates were worked out by hand from the statute and the holiday lists.
"""

from __future__ import annotations

from datetime import date

import pytest

from requests_app.deadlines import (
    CALENDAR_CODES,
    REGIMES,
    Period,
    Unit,
    UnknownRegime,
    calendar_code_for,
    due_for_stage,
    get_regime,
)


def test_there_are_the_nine_regimes() -> None:
    assert set(REGIMES) == {
        "uk-foia",
        "uk-eir",
        "scot-foisa",
        "uk-sar",
        "us-foia",
        "ie-foi",
        "au-foi",
        "nz-oia",
        "ca-ati",
    }


def test_an_unknown_regime_raises_a_key_error_naming_it() -> None:
    with pytest.raises(UnknownRegime, match="fr-cada") as raised:
        get_regime("fr-cada")

    assert isinstance(raised.value, KeyError)


def test_every_regime_counts_on_a_known_calendar_except_subject_access() -> None:
    for code, regime in REGIMES.items():
        if code == "uk-sar":
            assert regime.calendar is None
        else:
            assert regime.calendar in CALENDAR_CODES, code


def test_every_extension_is_in_the_unit_of_its_response() -> None:
    for regime in REGIMES.values():
        if isinstance(regime.extension, Period):
            assert regime.extension.unit is regime.response.unit, regime.code


def test_the_uk_limits_match_the_statutes() -> None:
    foia, eir, foisa = get_regime("uk-foia"), get_regime("uk-eir"), get_regime("scot-foisa")

    assert foia.response == Period(20, Unit.WORKING_DAYS)
    assert foia.response.plus(foia.extension or Period(0, Unit.WORKING_DAYS)).amount == 40
    assert eir.review == Period(40, Unit.WORKING_DAYS)
    assert foisa.extension is None
    assert foisa.calendar == "gb-sct"
    assert foia.school_very_overdue == Period(60, Unit.WORKING_DAYS)
    assert foia.regulator_window == Period(6, Unit.WEEKS)
    assert foisa.regulator_window == Period(6, Unit.MONTHS)


def test_periods_cannot_add_different_units() -> None:
    with pytest.raises(ValueError, match="cannot add"):
        Period(1, Unit.MONTHS).plus(Period(20, Unit.WORKING_DAYS))


def test_periods_describe_themselves() -> None:
    assert Period(20, Unit.WORKING_DAYS).describe() == "20 working days"
    assert Period(1, Unit.MONTHS).describe() == "1 month"
    assert Period(6, Unit.WEEKS).describe() == "6 weeks"


def test_subject_access_counts_on_the_bodys_nation() -> None:
    sar = get_regime("uk-sar")

    assert calendar_code_for(sar, None) == "gb-eng"
    assert calendar_code_for(sar, "SCT") == "gb-sct"
    assert calendar_code_for(sar, "nir") == "gb-nir"
    assert calendar_code_for(get_regime("uk-foia"), "SCT") == "uk"
    with pytest.raises(ValueError, match="part of the UK"):
        calendar_code_for(sar, "US")


def test_a_subject_access_request_is_due_on_the_corresponding_date() -> None:
    assert due_for_stage("uk-sar", date(2025, 9, 3), "response").due == date(2025, 10, 3)


def test_a_subject_access_request_of_31_january_is_due_on_the_last_day_of_february() -> None:
    assert due_for_stage("uk-sar", date(2024, 1, 31), "response").due == date(2024, 2, 29)
    assert due_for_stage("uk-sar", date(2025, 1, 31), "response").due == date(2025, 2, 28)


def test_a_subject_access_request_due_on_a_saturday_rolls_to_monday() -> None:
    deadline = due_for_stage("uk-sar", date(2025, 9, 4), "response")

    assert deadline.due == date(2025, 10, 6)
    assert "Sat 4 Oct 2025" in deadline.explanation.summary


def test_a_subject_access_request_due_on_boxing_day_rolls_past_the_weekend() -> None:
    assert due_for_stage("uk-sar", date(2025, 11, 26), "response").due == date(2025, 12, 29)


def test_a_scottish_controller_rolls_past_st_andrews_day() -> None:
    received = date(2025, 11, 1)

    assert due_for_stage("uk-sar", received, "response", nation="ENG").due == date(2025, 12, 1)
    assert due_for_stage("uk-sar", received, "response", nation="SCT").due == date(2025, 12, 2)


def test_a_subject_access_extension_is_three_months_from_the_start() -> None:
    # Not 28 Feb + 2 months (28 Apr): three months from 31 Jan is 30 Apr.
    assert due_for_stage("uk-sar", date(2025, 1, 31), "extended").due == date(2025, 4, 30)


def test_us_foia_skips_juneteenth_and_the_observed_fourth_of_july() -> None:
    deadline = due_for_stage("us-foia", date(2026, 6, 15), "response")

    assert deadline.due == date(2026, 7, 15)
    assert "Juneteenth" in deadline.explanation.summary
    assert "Independence Day (observed)" in deadline.explanation.summary


def test_us_foia_unusual_circumstances_add_ten_working_days() -> None:
    assert due_for_stage("us-foia", date(2026, 6, 15), "extended").due == date(2026, 7, 29)


def test_new_zealand_skips_25_december_to_15_january() -> None:
    deadline = due_for_stage("nz-oia", date(2025, 12, 20), "response")

    # 22-24 Dec are days 1-3; 16 Jan is day 4; Waitangi Day, Fri 6 Feb, is skipped.
    assert deadline.due == date(2026, 2, 10)
    assert "25 Dec to 15 Jan" in deadline.explanation.summary


def test_ireland_counts_four_weeks_as_twenty_working_days() -> None:
    # s.2 "week": five weekdays excluding public holidays. 28 calendar days would give 30 Mar.
    assert due_for_stage("ie-foi", date(2026, 3, 2), "response").due == date(2026, 3, 31)


def test_australia_rolls_thirty_days_past_the_easter_weekend() -> None:
    # 30 days after Thu 5 Mar 2026 is Sat 4 Apr; Sun 5 and Easter Monday 6 Apr follow.
    deadline = due_for_stage("au-foi", date(2026, 3, 5), "response")

    assert deadline.due == date(2026, 4, 7)
    assert "Acts Interpretation Act 1901 s.36(2)" in deadline.explanation.summary


def test_australia_keeps_thirty_days_that_end_on_a_working_day() -> None:
    assert due_for_stage("au-foi", date(2026, 3, 2), "response").due == date(2026, 4, 1)


def test_canada_rolls_thirty_days_past_canada_day() -> None:
    deadline = due_for_stage("ca-ati", date(2026, 6, 1), "response")

    assert deadline.due == date(2026, 7, 2)
    assert "Interpretation Act" in deadline.explanation.summary


def test_canada_keeps_thirty_days_that_end_on_a_working_day() -> None:
    assert due_for_stage("ca-ati", date(2026, 3, 2), "response").due == date(2026, 4, 1)
