from __future__ import annotations

import datetime as dt

from requests_app.deadlines.calendars import calendar_for
from requests_app.models import FoiRequest, PublicBody, Status
from requests_app.reports.next_steps import CaseDates, next_steps

UK = calendar_for("uk")
TODAY = dt.date(2026, 5, 5)


def case(status: str, regime: str = "uk-foia", **dates: dt.date) -> FoiRequest:
    body = PublicBody(name="Home Office", nation="ENG")
    return FoiRequest(public_body=body, status=status, regime=regime, **dates)


def dates(**fields: object) -> CaseDates:
    values: dict[str, object] = {
        "today": TODAY,
        "responded_on": None,
        "review_decided_on": None,
        "decision_notice_on": None,
        "working_days_overdue": None,
        **fields,
    }
    return CaseDates(**values)  # type: ignore[arg-type]


def steps(foi_request: FoiRequest, **fields: object) -> list[str]:
    return next_steps(foi_request=foi_request, dates=dates(**fields), calendar=UK)


def test_a_response_not_yet_due_means_waiting_until_the_date() -> None:
    waiting = case(Status.AWAITING_RESPONSE, next_due_on=dt.date(2026, 5, 20))
    assert steps(waiting)[0] == "Wait for the response, due by Wed 20 May 2026."


def test_an_overdue_response_means_chasing_then_complaining() -> None:
    late = case(
        Status.AWAITING_RESPONSE,
        next_due_on=dt.date(2026, 4, 1),
        very_overdue_on=dt.date(2026, 4, 29),
    )
    advice = steps(late, working_days_overdue=22)
    assert advice[0].startswith(
        "The response was due on Wed 1 Apr 2026 and is 22 working days late."
    )
    assert "very overdue since Wed 29 Apr 2026" in advice[1]
    assert advice[1].endswith("complain to the Information Commissioner's Office about the delay.")


def test_a_refusal_means_asking_for_a_review_within_40_working_days() -> None:
    refused = case(Status.REFUSED, escalation_closes_on=dt.date(2026, 5, 25))
    advice = steps(refused, responded_on=dt.date(2026, 4, 13))
    # 40 UK working days after Mon 13 Apr 2026, skipping the 4 May and 25 May bank holidays.
    assert advice[0] == (
        "Ask Home Office for an internal review by Wed 10 Jun 2026 (FOIA s.45 Code of Practice: "
        "a body need not accept a review asked for more than 40 working days after its response)."
    )
    assert advice[1].startswith(
        "If the internal review does not help, complain to the Information Commissioner's Office "
        "by Mon 25 May 2026"
    )


def test_after_the_review_only_the_complaint_is_left() -> None:
    upheld = case(Status.REFUSED, escalation_closes_on=dt.date(2026, 6, 16))
    advice = steps(upheld, responded_on=dt.date(2026, 3, 2), review_decided_on=dt.date(2026, 5, 5))
    assert len(advice) == 1 and "by Tue 16 Jun 2026" in advice[0]


def test_a_closed_complaint_window_is_said_to_be_closed() -> None:
    refused = case(Status.REFUSED, escalation_closes_on=dt.date(2026, 4, 1))
    advice = steps(refused, responded_on=dt.date(2026, 1, 5))
    assert "The usual time to ask for an internal review ended on" in advice[0]
    assert "closed on Wed 1 Apr 2026" in advice[1]


def test_a_decision_notice_gives_the_tribunal_deadline() -> None:
    decided = case(Status.WITH_REGULATOR)
    advice = steps(decided, decision_notice_on=dt.date(2026, 5, 1))
    assert advice[0] == (
        "The Information Commissioner's Office issued a decision notice on Fri 1 May 2026."
    )
    assert "apply to the First-tier Tribunal (Information Rights) by Fri 29 May 2026" in advice[1]


def test_regimes_without_a_review_go_straight_to_the_regulator() -> None:
    refused = case(Status.REFUSED, regime="nz-oia")
    assert steps(refused, responded_on=dt.date(2026, 4, 1)) == [
        "If you disagree with the answer, complain to the Ombudsman "
        "(OIA s.28: no time limit for a complaint to the Ombudsman)."
    ]


def test_a_draft_and_a_closed_request() -> None:
    assert steps(case(Status.DRAFT))[0].startswith("Send the request")
    assert steps(case(Status.WITHDRAWN)) == ["Nothing is outstanding: the request is withdrawn."]
