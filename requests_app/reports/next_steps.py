"""What the requester can do next, worked out from the status and the stored dates.

The advice names the deadline and the law behind it, so a reader can check it; where the
law sets no date (a regulator with no complaint window) the step says so instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from requests_app.deadlines.calendars import Calendar
from requests_app.deadlines.counting import count_period, long_date
from requests_app.deadlines.regimes import Period, Regime, Unit
from requests_app.models import EventKind, FoiRequest, NonWorkingDay, RequestEvent, Status
from requests_app.models.requests import deadline_calendar


@dataclass(frozen=True)
class ReviewWindow:
    period: Period
    citation: str


# How long after a response the requester may still ask for an internal review.
REVIEW_REQUEST_WINDOWS = {
    "uk-foia": ReviewWindow(
        Period(40, Unit.WORKING_DAYS),
        "FOIA s.45 Code of Practice: a body need not accept a review asked for more than "
        "40 working days after its response",
    ),
    "uk-eir": ReviewWindow(
        Period(40, Unit.WORKING_DAYS),
        "EIR reg 11(2): representations within 40 working days",
    ),
    "scot-foisa": ReviewWindow(
        Period(40, Unit.WORKING_DAYS),
        "FOISA s.20(5): a requirement for review within 40 working days",
    ),
    "ie-foi": ReviewWindow(
        Period(4, Unit.WEEKS), "FOI Act 2014 s.21: internal review asked within 4 weeks"
    ),
}

# Regimes whose regulator's decision can be appealed to the First-tier Tribunal.
TRIBUNAL_APPEAL_DAYS = 28
TRIBUNAL_RULE = (
    "Tribunal Procedure (First-tier Tribunal) (General Regulatory Chamber) Rules 2009, r.22: "
    "appeal within 28 days of the date the decision notice was sent"
)
TRIBUNAL_REGIMES = ("uk-foia", "uk-eir")


@dataclass(frozen=True)
class CaseDates:
    """The dates the advice depends on, read once from the request and its events."""

    today: dt.date
    responded_on: dt.date | None  # the latest response
    review_decided_on: dt.date | None
    decision_notice_on: dt.date | None
    working_days_overdue: int | None


def review_request_deadline(
    regime: Regime, responded_on: dt.date, calendar: Calendar
) -> tuple[dt.date, str] | None:
    window = REVIEW_REQUEST_WINDOWS.get(regime.code)
    if window is None:
        return None
    counted = count_period(
        calendar, responded_on, window.period, roll_forward_rule=regime.roll_forward_rule
    )
    return counted.due, window.citation


def next_steps(*, foi_request: FoiRequest, dates: CaseDates, calendar: Calendar) -> list[str]:
    """Plain sentences, most urgent first."""
    advise = STEPS_BY_STATUS.get(foi_request.status, _nothing_outstanding)
    return advise(foi_request, dates, calendar)


def _draft(foi_request: FoiRequest, dates: CaseDates, calendar: Calendar) -> list[str]:
    return [
        "Send the request, then record the date it was sent: every deadline is counted "
        "from the day the body receives it."
    ]


def _awaiting_response(foi_request: FoiRequest, dates: CaseDates, calendar: Calendar) -> list[str]:
    due = foi_request.next_due_on
    body = foi_request.public_body.name
    if due is None:
        return ["Record when the request was sent so that the deadline can be worked out."]
    if due >= dates.today:
        return [
            f"Wait for the response, due by {long_date(due)}.",
            f"If nothing arrives by then, write to {body} to say the response is late and "
            "ask for an internal review of the delay.",
        ]
    late = dates.working_days_overdue or 0
    steps = [
        f"The response was due on {long_date(due)} and is {_working_days(late)} late. "
        f"Write to {body} asking for the response now and for an internal review of the delay."
    ]
    return steps + _regulator_for_delay(foi_request, dates)


def _regulator_for_delay(foi_request: FoiRequest, dates: CaseDates) -> list[str]:
    regime = foi_request.regime_info
    very_overdue_on = foi_request.very_overdue_on
    if very_overdue_on is not None and very_overdue_on <= dates.today:
        return [
            f"The request has been very overdue since {long_date(very_overdue_on)} "
            f"({regime.very_overdue_basis}): complain to {the(regime.regulator)} about the delay."
        ]
    return [f"If there is still no answer, complain to {the(regime.regulator)} about the delay."]


def _awaiting_clarification(
    foi_request: FoiRequest, dates: CaseDates, calendar: Calendar
) -> list[str]:
    section = foi_request.regime_info.clarification_section or "the law"
    return [
        f"The body has asked for clarification, and the time for answering runs again only "
        f"once it receives it ({section}). Reply to the body, then record the clarification "
        "as answered."
    ]


def _answered(foi_request: FoiRequest, dates: CaseDates, calendar: Calendar) -> list[str]:
    steps = []
    if foi_request.status == Status.SUCCESSFUL:
        steps.append("Check the information released against everything that was asked for.")
    if dates.review_decided_on is not None:
        return steps + _complaint_step(foi_request, dates, after="if the review did not help")
    if foi_request.regime_info.review is None:
        return steps + _complaint_step(foi_request, dates, after="if you disagree with the answer")
    steps += _review_step(foi_request, dates, calendar)
    steps += _complaint_step(foi_request, dates, after="if the internal review does not help")
    return steps


def _review_step(foi_request: FoiRequest, dates: CaseDates, calendar: Calendar) -> list[str]:
    regime = foi_request.regime_info
    if regime.review is None or dates.responded_on is None:
        return []
    deadline = review_request_deadline(regime, dates.responded_on, calendar)
    what = "anything is missing or withheld" if foi_request.status == Status.SUCCESSFUL else ""
    lead = f"If {what}, ask" if what else "Ask"
    if deadline is None:
        return [f"{lead} {foi_request.public_body.name} for an internal review promptly."]
    by, citation = deadline
    if by < dates.today:
        return [
            f"The usual time to ask for an internal review ended on {long_date(by)} "
            f"({citation}); the body may still agree to one."
        ]
    return [
        f"{lead} {foi_request.public_body.name} for an internal review by {long_date(by)} "
        f"({citation})."
    ]


def _complaint_step(foi_request: FoiRequest, dates: CaseDates, *, after: str) -> list[str]:
    regime = foi_request.regime_info
    closes = foi_request.escalation_closes_on
    if regime.regulator_window is None:
        return [
            f"{after.capitalize()}, complain to {the(regime.regulator)} "
            f"({regime.regulator_window_section})."
        ]
    if closes is None:
        return []
    if closes < dates.today:
        return [
            f"The usual window to complain to {the(regime.regulator)} closed on "
            f"{long_date(closes)} ({regime.regulator_window_section}); the regulator may "
            "still accept a late complaint with good reason."
        ]
    return [
        f"{after.capitalize()}, complain to {the(regime.regulator)} by {long_date(closes)} "
        f"({regime.regulator_window_section})."
    ]


def _awaiting_review(foi_request: FoiRequest, dates: CaseDates, calendar: Calendar) -> list[str]:
    due = foi_request.review_due_on
    regulator = foi_request.regime_info.regulator
    if due is None:
        return _complaint_step(foi_request, dates, after="if the review does not help")
    if due >= dates.today:
        steps = [f"Wait for the internal review, due by {long_date(due)}."]
        return steps + _complaint_step(foi_request, dates, after="if it upholds the decision")
    steps = [
        f"The internal review was due on {long_date(due)} and is late: complain to "
        f"{the(regulator)}."
    ]
    return steps + _complaint_step(foi_request, dates, after="in any case")


def _with_regulator(foi_request: FoiRequest, dates: CaseDates, calendar: Calendar) -> list[str]:
    regulator = foi_request.regime_info.regulator
    decided = dates.decision_notice_on
    if decided is None:
        return [
            f"The complaint is with {the(regulator)}: send it anything received since, and "
            "wait for its decision."
        ]
    steps = [f"{_capitalised(the(regulator))} issued a decision notice on {long_date(decided)}."]
    if foi_request.regime in TRIBUNAL_REGIMES:
        last_day = decided + dt.timedelta(days=TRIBUNAL_APPEAL_DAYS)
        steps.append(
            f"To appeal, apply to the First-tier Tribunal (Information Rights) by "
            f"{long_date(last_day)} ({TRIBUNAL_RULE})."
        )
    return steps


def _at_tribunal(foi_request: FoiRequest, dates: CaseDates, calendar: Calendar) -> list[str]:
    return ["Follow the tribunal's directions and keep the bundle up to date with every letter."]


def _nothing_outstanding(
    foi_request: FoiRequest, dates: CaseDates, calendar: Calendar
) -> list[str]:
    return [f"Nothing is outstanding: the request is {foi_request.get_status_display().lower()}."]


def the(name: str) -> str:
    """ "the Ombudsman", but not "the the agency's appeal authority"."""
    return name if name.startswith("the ") else f"the {name}"


def _working_days(count: int) -> str:
    return f"{count} working day" if count == 1 else f"{count} working days"


Advice = Callable[[FoiRequest, CaseDates, Calendar], list[str]]

STEPS_BY_STATUS: dict[str, Advice] = {
    Status.DRAFT: _draft,
    Status.AWAITING_RESPONSE: _awaiting_response,
    Status.EXTENDED: _awaiting_response,
    Status.AWAITING_CLARIFICATION: _awaiting_clarification,
    Status.SUCCESSFUL: _answered,
    Status.PARTIALLY_SUCCESSFUL: _answered,
    Status.REFUSED: _answered,
    Status.NOT_HELD: _answered,
    Status.AWAITING_REVIEW: _awaiting_review,
    Status.WITH_REGULATOR: _with_regulator,
    Status.AT_TRIBUNAL: _at_tribunal,
}


def _capitalised(text: str) -> str:
    """Upper-case the first letter only ("The Information Commissioner's Office")."""
    return text[:1].upper() + text[1:]


# --- the request page's lead: one headline, the letter that does it, then the steps -------


@dataclass(frozen=True)
class NextAction:
    """What the request page leads with: "Reply due Thu 10 Dec — 3 working days left"."""

    headline: str
    tone: str  # "waiting", "soon", "overdue", "act" or "quiet": how loudly it is shown
    letter: str  # the slug of the letter that takes the step, or ""
    steps: list[str]


def next_action(
    *,
    foi_request: FoiRequest,
    events: Sequence[RequestEvent],
    today: dt.date,
    days_left: int | None,
) -> NextAction:
    """The headline and steps for a request, from the events the page already loaded."""
    body = foi_request.public_body
    calendar = deadline_calendar(
        foi_request.regime, body.nation, NonWorkingDay.engine_days(), body.subdivision
    )
    dates = CaseDates(
        today=today,
        responded_on=_last_event(events, EventKind.RESPONSE),
        review_decided_on=_last_event(events, EventKind.REVIEW_DECIDED),
        decision_notice_on=_last_event(events, EventKind.DECISION_NOTICE),
        working_days_overdue=-days_left if days_left is not None and days_left < 0 else None,
    )
    headline, tone, letter = _headline(foi_request, dates, calendar, days_left)
    steps = next_steps(foi_request=foi_request, dates=dates, calendar=calendar)
    return NextAction(headline=headline, tone=tone, letter=letter, steps=steps)


def _last_event(events: Sequence[RequestEvent], kind: str) -> dt.date | None:
    days = [event.on for event in events if event.kind == kind]
    return max(days) if days else None


def short_date(day: dt.date, today: dt.date) -> str:
    """ "Thu 10 Dec", with the year only when it is not this year's."""
    text = f"{day:%a} {day.day} {day:%b}"
    return text if day.year == today.year else f"{text} {day.year}"


def _headline(
    foi_request: FoiRequest, dates: CaseDates, calendar: Calendar, days_left: int | None
) -> tuple[str, str, str]:
    status = foi_request.status
    if status == Status.DRAFT:
        return "Not sent yet: send it, then record the day it went", "act", "request"
    if status in (Status.AWAITING_RESPONSE, Status.EXTENDED):
        return _countdown("Reply", foi_request.next_due_on, dates.today, days_left, "chaser")
    if status == Status.AWAITING_CLARIFICATION:
        return (
            "The body asked for clarification: answer it to restart the clock",
            "act",
            ("follow_up"),
        )
    if status == Status.AWAITING_REVIEW:
        return _countdown(
            "Internal review", foi_request.review_due_on, dates.today, days_left, "complaint"
        )
    if status in (Status.REFUSED, Status.PARTIALLY_SUCCESSFUL, Status.NOT_HELD):
        return _after_answer(foi_request, dates, calendar)
    if status == Status.WITH_REGULATOR:
        return (
            f"With {the(foi_request.regime_info.regulator)}: wait for its decision",
            "waiting",
            "",
        )
    label = foi_request.get_status_display()
    return f"{label}: nothing is outstanding", "quiet", ""


def _countdown(
    what: str, due: dt.date | None, today: dt.date, days_left: int | None, letter: str
) -> tuple[str, str, str]:
    if due is None:
        return f"{what} due: no date yet", "waiting", ""
    on = short_date(due, today)
    if days_left is None:
        days_left = 0 if due == today else (1 if due > today else -1)
    if days_left < 0:
        return f"{what} overdue: was due {on} — {_working_days(-days_left)} late", "overdue", letter
    if days_left == 0:
        return f"{what} due today, {on}", "soon", ""
    tone = "soon" if days_left <= 5 else "waiting"
    return f"{what} due {on} — {_working_days(days_left)} left", tone, ""


def _after_answer(
    foi_request: FoiRequest, dates: CaseDates, calendar: Calendar
) -> tuple[str, str, str]:
    label = foi_request.get_status_display()
    regime = foi_request.regime_info
    if dates.review_decided_on is None and regime.review is not None and dates.responded_on:
        deadline = review_request_deadline(regime, dates.responded_on, calendar)
        if deadline is not None and deadline[0] >= dates.today:
            by = short_date(deadline[0], dates.today)
            return f"{label}: ask for an internal review by {by}", "act", "internal_review"
    closes = foi_request.escalation_closes_on
    if closes is not None and closes >= dates.today:
        regulator = the(regime.regulator)
        by = short_date(closes, dates.today)
        return f"{label}: complain to {regulator} by {by}", "act", "complaint"
    return f"{label}: see the steps below", "quiet", ""
