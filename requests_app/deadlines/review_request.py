"""The last day to ask for an internal review, counted with the deadline engine's calendars.

Pure Python like the engine it calls: a response date, the request's due date and a
calendar in, a dated `Deadline` with its reasoning out. Regimes with no review stage, or
whose appeal window is already the regulator window (US FOIA), have no such date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from requests_app.deadlines.calendars import Calendar
from requests_app.deadlines.clock import Deadline, Explanation
from requests_app.deadlines.counting import count_period, long_date
from requests_app.deadlines.regimes import Period, Regime, Unit


@dataclass(frozen=True)
class ReviewRequestRule:
    period: Period
    section: str
    # FOISA s.20(5): a timely response does not start the time; the end of the time
    # for compliance does. A late one starts it on the day it is received.
    from_expiry_of_time_for_compliance: bool = False


REVIEW_REQUEST_RULES: dict[str, ReviewRequestRule] = {
    "uk-foia": ReviewRequestRule(
        Period(40, Unit.WORKING_DAYS),
        "FOIA s.45 Code of Practice and ICO guidance: ask for an internal review within "
        "40 working days of the response; an authority may refuse a later request",
    ),
    "uk-eir": ReviewRequestRule(
        Period(40, Unit.WORKING_DAYS),
        "EIR reg 11(2): representations no later than 40 working days after the date the "
        "applicant believes the authority failed to comply",
    ),
    "scot-foisa": ReviewRequestRule(
        Period(40, Unit.WORKING_DAYS),
        "FOISA s.20(5): a requirement for review by the fortieth working day after the time "
        "for compliance expires or, where the response came late, after it was received",
        from_expiry_of_time_for_compliance=True,
    ),
    "ie-foi": ReviewRequestRule(
        # s.2: a week is five weekdays excluding public holidays, so 4 weeks is 20.
        Period(20, Unit.WORKING_DAYS),
        "FOI Act 2014 s.21(3): apply for internal review within 4 weeks of being notified "
        "of the decision",
    ),
    "au-foi": ReviewRequestRule(
        Period(30, Unit.CALENDAR_DAYS),
        "FOI Act 1982 s.54B(1): apply for internal review within 30 days after the day the "
        "decision is notified",
    ),
}


def review_request_closes(
    regime: Regime, calendar: Calendar, *, responded_on: date, due_on: date | None
) -> Deadline | None:
    """The last day to ask for an internal review of a response given on `responded_on`."""
    rule = REVIEW_REQUEST_RULES.get(regime.code)
    if rule is None:
        return None
    start, step = responded_on, f"Response received {long_date(responded_on)}"
    if rule.from_expiry_of_time_for_compliance and due_on is not None and due_on > responded_on:
        start = due_on
        step = (
            f"Response received {long_date(responded_on)}, within the time for compliance: "
            f"the period runs from its end, {long_date(due_on)}"
        )
    counted = count_period(calendar, start, rule.period, roll_forward_rule=regime.roll_forward_rule)
    steps = (step, regime.working_day_rule, *counted.steps)
    return Deadline(counted.due, Explanation(counted.summary, steps, counted.skipped, rule.section))
