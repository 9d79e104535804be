"""The clock: events in, deadlines and explanations out.

Expected dates were worked out by hand (LAW.md's worked examples, gov.uk holiday lists).
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from requests_app.deadlines import (
    ClockEvent,
    ClockEventKind,
    ClockInput,
    ExtraNonWorkingDay,
    UnknownRegime,
    compute_deadlines,
    due_for_stage,
)

Kind = ClockEventKind


def _due(
    regime: str,
    received: date,
    *events: ClockEvent,
    extra_non_working_days: tuple[ExtraNonWorkingDay, ...] = (),
) -> date | None:
    clock = ClockInput(
        regime, received, tuple(events), extra_non_working_days=extra_non_working_days
    )
    deadline = compute_deadlines(clock).due_on
    return None if deadline is None else deadline.due


# --- LAW.md worked examples and UK holidays -------------------------------------------


def test_a_request_of_28_november_2025_is_due_on_31_december() -> None:
    assert _due("uk-foia", date(2025, 11, 28)) == date(2025, 12, 31)


def test_the_one_off_scottish_holiday_delays_an_english_request_to_30_june_2026() -> None:
    assert _due("uk-foia", date(2026, 6, 1)) == date(2026, 6, 30)


def test_2_january_is_skipped_for_every_uk_body() -> None:
    # Without 2 Jan (Scotland) the 20th working day would be Thu 15 Jan.
    assert _due("uk-foia", date(2025, 12, 15)) == date(2026, 1, 16)


def test_st_patricks_day_is_skipped_for_every_uk_body() -> None:
    assert _due("uk-foia", date(2026, 3, 2)) == date(2026, 3, 31)


def test_the_boyne_substitute_day_is_skipped_for_every_uk_body() -> None:
    assert _due("uk-foia", date(2026, 6, 29)) == date(2026, 7, 28)


def test_christmas_on_a_weekend_skips_the_substitute_days() -> None:
    # 27-28 Dec 2021, 3 Jan 2022 (all of the UK) and 4 Jan 2022 (Scotland) are skipped.
    assert _due("uk-foia", date(2021, 12, 13)) == date(2022, 1, 14)


def test_eir_counts_on_the_same_uk_calendar() -> None:
    assert _due("uk-eir", date(2025, 11, 28)) == date(2025, 12, 31)


def test_foisa_skips_st_andrews_day() -> None:
    assert _due("scot-foisa", date(2026, 11, 16)) == date(2026, 12, 15)


def test_foisa_counts_easter_monday_as_a_working_day() -> None:
    assert _due("scot-foisa", date(2026, 3, 30)) == date(2026, 4, 28)
    assert _due("uk-foia", date(2026, 3, 30)) == date(2026, 4, 29)


def test_an_extra_non_working_day_moves_the_due_date_by_a_day() -> None:
    extra = (ExtraNonWorkingDay(date(2026, 6, 10), "Proclaimed holiday", "gb-eng"),)

    assert _due("uk-foia", date(2026, 6, 1), extra_non_working_days=extra) == date(2026, 7, 1)


# --- explanations ---------------------------------------------------------------------


def test_the_explanation_names_the_skipped_holidays_and_the_section() -> None:
    deadline = compute_deadlines(ClockInput("uk-foia", date(2025, 11, 28))).due_on
    assert deadline is not None
    explanation = deadline.explanation

    assert explanation.rule == "FOIA s.10(1)"
    assert explanation.summary.startswith("20 working days after Fri 28 Nov 2025, skipping 1 Dec")
    assert "St Andrew's Day substitute — bank holiday in Scotland" in explanation.summary
    assert "FOIA s.10(6)" in explanation.summary
    assert "25 Dec (Christmas Day)" in explanation.summary
    assert "26 Dec (Boxing Day" in explanation.summary
    assert explanation.summary.endswith("→ due Wed 31 Dec 2025")
    assert explanation.steps[0] == "Received Fri 28 Nov 2025: that day is day 0 (FOIA s.10(1))"
    assert date(2025, 12, 1) in [day.on for day in explanation.skipped]


def test_the_explanation_is_json_ready() -> None:
    deadline = compute_deadlines(ClockInput("uk-foia", date(2025, 11, 28))).due_on
    assert deadline is not None

    data = json.loads(json.dumps(deadline.as_dict()))

    assert data["due"] == "2025-12-31"
    assert data["explanation"]["rule"] == "FOIA s.10(1)"
    assert {"on": "2025-12-25", "reason": "Christmas Day"} in data["explanation"]["skipped"]


# --- clarification --------------------------------------------------------------------


def test_a_clarification_restarts_the_clock_from_its_receipt() -> None:
    due = _due(
        "uk-foia",
        date(2026, 3, 2),
        ClockEvent(Kind.CLARIFICATION_REQUESTED, date(2026, 3, 4)),
        ClockEvent(Kind.CLARIFICATION_ANSWERED, date(2026, 3, 9)),
    )

    # 20 working days after Mon 9 Mar, skipping St Patrick's Day and Easter.
    assert due == date(2026, 4, 9)


def test_the_latest_answered_clarification_wins() -> None:
    events = (
        ClockEvent(Kind.CLARIFICATION_ANSWERED, date(2026, 3, 9)),
        ClockEvent(Kind.CLARIFICATION_REQUESTED, date(2026, 3, 4)),
        ClockEvent(Kind.CLARIFICATION_REQUESTED, date(2026, 5, 25)),
        ClockEvent(Kind.CLARIFICATION_ANSWERED, date(2026, 6, 1)),
    )

    assert _due("uk-foia", date(2026, 3, 2), *events) == date(2026, 6, 30)


def test_an_unanswered_clarification_stops_the_clock() -> None:
    clock = ClockInput(
        "uk-foia",
        date(2026, 3, 2),
        (ClockEvent(Kind.CLARIFICATION_REQUESTED, date(2026, 3, 4)),),
    )

    deadlines = compute_deadlines(clock)

    assert deadlines.due_on is None
    assert deadlines.very_overdue_on is None
    assert deadlines.clock_stopped == (
        "clock stopped awaiting clarification since Wed 4 Mar 2026 (FOIA s.1(3))"
    )


def test_a_clarification_nobody_asked_for_does_not_restart_the_clock() -> None:
    answered = ClockEvent(Kind.CLARIFICATION_ANSWERED, date(2026, 3, 9))

    assert _due("uk-foia", date(2026, 3, 2), answered) == date(2026, 3, 31)


def test_us_foia_tolls_the_clock_for_clarification_instead_of_restarting_it() -> None:
    due = _due(
        "us-foia",
        date(2026, 6, 15),
        ClockEvent(Kind.CLARIFICATION_REQUESTED, date(2026, 6, 17)),
        ClockEvent(Kind.CLARIFICATION_ANSWERED, date(2026, 6, 22)),
    )

    # 17, 18 and 22 Jun tolled (19 Jun is Juneteenth): 23 working days after 15 Jun.
    # A restart on 22 Jun would give Tue 21 Jul.
    assert due == date(2026, 7, 20)


# --- fees -----------------------------------------------------------------------------


def test_the_working_days_from_fees_notice_to_payment_are_disregarded() -> None:
    deadlines = compute_deadlines(
        ClockInput(
            "uk-foia",
            date(2026, 6, 1),
            (
                ClockEvent(Kind.FEE_NOTICE, date(2026, 6, 3)),
                ClockEvent(Kind.FEE_PAID, date(2026, 6, 9)),
            ),
        )
    )

    # FOIA s.10(2): 3, 4, 5, 8 and 9 June are disregarded, so 30 Jun moves 5 working days.
    assert deadlines.due_on is not None
    assert deadlines.due_on.due == date(2026, 7, 7)
    assert any("5 working days" in step for step in deadlines.due_on.explanation.steps)


def test_an_unpaid_fee_stops_the_clock_and_says_when_the_request_lapses() -> None:
    clock = ClockInput(
        "uk-foia", date(2026, 6, 1), (ClockEvent(Kind.FEE_NOTICE, date(2026, 6, 3)),)
    )

    deadlines = compute_deadlines(clock)

    assert deadlines.due_on is None
    assert deadlines.clock_stopped is not None
    assert deadlines.clock_stopped.startswith("clock stopped awaiting the fee since Wed 3 Jun 2026")
    assert "lapses after 3 months on Thu 3 Sep 2026" in deadlines.clock_stopped


def test_a_subject_access_fee_restarts_the_month() -> None:
    due = _due(
        "uk-sar",
        date(2025, 9, 3),
        ClockEvent(Kind.FEE_NOTICE, date(2025, 9, 5)),
        ClockEvent(Kind.FEE_PAID, date(2025, 9, 15)),
    )

    assert due == date(2025, 10, 15)


def test_a_fee_does_not_stop_the_new_zealand_clock() -> None:
    notice = ClockEvent(Kind.FEE_NOTICE, date(2025, 12, 22))

    assert _due("nz-oia", date(2025, 12, 20), notice) == date(2026, 2, 10)


# --- extension ------------------------------------------------------------------------


def test_a_public_interest_extension_gives_40_working_days_in_all() -> None:
    clock = ClockInput(
        "uk-foia", date(2026, 6, 1), (ClockEvent(Kind.EXTENSION_CLAIMED, date(2026, 6, 25)),)
    )

    extended = compute_deadlines(clock).extended_due_on

    # The 40th working day skips 15 Jun (Scotland) and 13 Jul (Northern Ireland).
    assert extended is not None
    assert extended.due == date(2026, 7, 29)
    assert "FOIA s.10(3)" in extended.explanation.rule


def test_an_extension_uses_the_date_the_body_gave() -> None:
    clock = ClockInput(
        "uk-foia",
        date(2026, 6, 1),
        (ClockEvent(Kind.EXTENSION_CLAIMED, date(2026, 6, 25), new_due_on=date(2026, 7, 20)),),
    )

    extended = compute_deadlines(clock).extended_due_on

    assert extended is not None
    assert extended.due == date(2026, 7, 20)


def test_no_extended_date_before_an_extension_is_claimed() -> None:
    assert compute_deadlines(ClockInput("uk-foia", date(2026, 6, 1))).extended_due_on is None


def test_an_extension_claimed_after_the_deadline_is_flagged() -> None:
    clock = ClockInput(
        "uk-foia", date(2026, 6, 1), (ClockEvent(Kind.EXTENSION_CLAIMED, date(2026, 7, 2)),)
    )

    extended = compute_deadlines(clock).extended_due_on

    assert extended is not None
    assert any("after the original deadline" in step for step in extended.explanation.steps)


def test_foisa_has_no_standard_extension() -> None:
    clock = ClockInput(
        "scot-foisa", date(2026, 6, 1), (ClockEvent(Kind.EXTENSION_CLAIMED, date(2026, 6, 5)),)
    )

    assert compute_deadlines(clock).extended_due_on is None


# --- very overdue, review, regulator --------------------------------------------------


def test_a_request_is_very_overdue_after_40_working_days() -> None:
    very_overdue = compute_deadlines(ClockInput("uk-foia", date(2026, 6, 1))).very_overdue_on

    assert very_overdue is not None
    assert very_overdue.due == date(2026, 7, 29)


def test_a_school_is_very_overdue_only_after_60_working_days() -> None:
    clock = ClockInput("uk-foia", date(2026, 6, 1), is_school=True)

    very_overdue = compute_deadlines(clock).very_overdue_on

    # Past 29 Jul: 30-31 Jul, 3 Aug skipped (Scotland), then 4-27 Aug.
    assert very_overdue is not None
    assert very_overdue.due == date(2026, 8, 27)
    assert "SI 2010/2768" in very_overdue.explanation.rule


def test_a_foia_review_is_due_20_working_days_after_the_request_for_it() -> None:
    clock = ClockInput(
        "uk-foia",
        date(2026, 6, 1),
        (
            ClockEvent(Kind.RESPONSE, date(2026, 6, 30)),
            ClockEvent(Kind.REVIEW_REQUESTED, date(2026, 8, 3)),
        ),
    )

    review = compute_deadlines(clock).review_due_on

    # 31 Aug is a bank holiday in England, Wales and Northern Ireland.
    assert review is not None
    assert review.due == date(2026, 9, 1)


def test_a_foisa_review_counts_31_august_as_a_working_day() -> None:
    review = due_for_stage("scot-foisa", date(2026, 8, 3), "review")

    assert review.due == date(2026, 8, 31)
    assert review.explanation.rule == "FOISA s.21(1)"


def test_an_eir_reconsideration_has_40_working_days() -> None:
    assert due_for_stage("uk-eir", date(2026, 6, 1), "review").due == date(2026, 7, 29)


def test_the_ico_window_is_six_weeks_from_the_final_response() -> None:
    clock = ClockInput("uk-foia", date(2026, 6, 1), (ClockEvent(Kind.RESPONSE, date(2026, 6, 30)),))

    escalation = compute_deadlines(clock).escalation_closes_on

    assert escalation is not None
    assert escalation.due == date(2026, 8, 11)


def test_the_ico_window_runs_from_the_review_decision_when_there_is_one() -> None:
    clock = ClockInput(
        "uk-foia",
        date(2026, 6, 1),
        (
            ClockEvent(Kind.RESPONSE, date(2026, 6, 30)),
            ClockEvent(Kind.REVIEW_REQUESTED, date(2026, 7, 1)),
            ClockEvent(Kind.REVIEW_DECIDED, date(2026, 7, 20)),
        ),
    )

    escalation = compute_deadlines(clock).escalation_closes_on

    assert escalation is not None
    assert escalation.due == date(2026, 8, 31)


def test_no_regulator_window_before_any_response() -> None:
    assert compute_deadlines(ClockInput("uk-foia", date(2026, 6, 1))).escalation_closes_on is None


def test_the_scottish_commissioner_window_is_six_months_from_the_review_outcome() -> None:
    clock = ClockInput(
        "scot-foisa",
        date(2026, 6, 1),
        (
            ClockEvent(Kind.RESPONSE, date(2026, 6, 30)),
            ClockEvent(Kind.REVIEW_REQUESTED, date(2026, 7, 10)),
            ClockEvent(Kind.REVIEW_DECIDED, date(2026, 8, 31)),
        ),
    )

    escalation = compute_deadlines(clock).escalation_closes_on

    # No 31 February: the last day of the month, a Sunday; FOISA has no roll-forward.
    assert escalation is not None
    assert escalation.due == date(2027, 2, 28)


def test_foisa_needs_a_review_before_the_commissioner() -> None:
    clock = ClockInput(
        "scot-foisa", date(2026, 6, 1), (ClockEvent(Kind.RESPONSE, date(2026, 6, 30)),)
    )

    assert compute_deadlines(clock).escalation_closes_on is None


def test_an_undecided_foisa_review_opens_the_window_when_its_time_runs_out() -> None:
    clock = ClockInput(
        "scot-foisa",
        date(2026, 6, 1),
        (
            ClockEvent(Kind.RESPONSE, date(2026, 6, 30)),
            ClockEvent(Kind.REVIEW_REQUESTED, date(2026, 8, 3)),
        ),
    )

    escalation = compute_deadlines(clock).escalation_closes_on

    # FOISA s.47(4)(b): six months after the review fell due on Mon 31 Aug 2026.
    assert escalation is not None
    assert escalation.due == date(2027, 2, 28)


def test_a_us_appeal_window_is_90_days_from_the_response() -> None:
    clock = ClockInput("us-foia", date(2026, 6, 1), (ClockEvent(Kind.RESPONSE, date(2026, 7, 1)),))

    escalation = compute_deadlines(clock).escalation_closes_on

    assert escalation is not None
    assert escalation.due == date(2026, 9, 29)


def test_new_zealand_has_no_complaint_window() -> None:
    clock = ClockInput("nz-oia", date(2026, 6, 1), (ClockEvent(Kind.RESPONSE, date(2026, 7, 1)),))

    assert compute_deadlines(clock).escalation_closes_on is None


def test_a_withdrawn_request_has_no_deadlines() -> None:
    clock = ClockInput("uk-foia", date(2026, 6, 1), (ClockEvent(Kind.WITHDRAWN, date(2026, 6, 5)),))

    deadlines = compute_deadlines(clock)

    assert deadlines.due_on is None
    assert deadlines.very_overdue_on is None
    assert deadlines.clock_stopped == "request withdrawn on Fri 5 Jun 2026"


# --- due_for_stage --------------------------------------------------------------------


def test_due_for_stage_gives_each_stage() -> None:
    received = date(2026, 6, 1)

    assert due_for_stage("uk-foia", received, "response").due == date(2026, 6, 30)
    assert due_for_stage("uk-foia", received, "extended").due == date(2026, 7, 29)
    assert due_for_stage("uk-foia", received, "review").due == date(2026, 6, 30)


def test_due_for_stage_refuses_bad_input() -> None:
    with pytest.raises(UnknownRegime):
        due_for_stage("xx-foi", date(2026, 6, 1), "response")
    with pytest.raises(ValueError, match="unknown stage"):
        due_for_stage("uk-foia", date(2026, 6, 1), "appeal")
    with pytest.raises(ValueError, match="no standard extended"):
        due_for_stage("scot-foisa", date(2026, 6, 1), "extended")
    with pytest.raises(ValueError, match="no standard review"):
        due_for_stage("nz-oia", date(2026, 6, 1), "review")
