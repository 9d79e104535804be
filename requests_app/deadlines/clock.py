"""From a request's clock events to its deadlines, each with an explanation.

The day of receipt is day 0. Clarification restarts the clock (FOIA s.1(3) and its
equivalents) or, under the US FOIA, tolls it; a fees notice stops it until the fee is paid
(FOIA s.10(2)). Every date comes with the steps that produced it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from .calendars import (
    CALENDAR_RULES,
    Calendar,
    ExtraNonWorkingDay,
    SkippedDay,
    calendar_for,
    subdivision_name,
)
from .counting import Counted, add_months, count_period, long_date
from .errors import StageNotInRegime, UnknownStage, check_supported
from .regimes import (
    REVIEW_DECIDED,
    Period,
    ReasonablePeriod,
    Regime,
    Unit,
    calendar_code_for,
    get_regime,
)


class ClockEventKind(StrEnum):
    SENT = "sent"
    CLARIFICATION_REQUESTED = "clarification_requested"
    CLARIFICATION_ANSWERED = "clarification_answered"
    FEE_NOTICE = "fee_notice"
    FEE_PAID = "fee_paid"
    EXTENSION_CLAIMED = "extension_claimed"
    RESPONSE = "response"
    REVIEW_REQUESTED = "review_requested"
    REVIEW_DECIDED = "review_decided"
    COMPLAINT_LODGED = "complaint_lodged"
    DECISION_NOTICE = "decision_notice"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class ClockEvent:
    kind: ClockEventKind
    on: date
    new_due_on: date | None = None  # a date the body gave with an extension


@dataclass(frozen=True)
class ClockInput:
    regime: str
    received_on: date
    events: tuple[ClockEvent, ...] = ()
    nation: str | None = None  # "ENG", "WLS", "SCT", "NIR" (uk-sar) or a country code
    # The body's state, territory or province where the regime looks at the place
    # (au-foi: "NSW", "VIC" ...; ca-ati: "ON", "QC" ...); ignored by the other regimes.
    subdivision: str | None = None
    is_school: bool = False
    extra_non_working_days: tuple[ExtraNonWorkingDay, ...] = ()


@dataclass(frozen=True)
class Explanation:
    summary: str
    steps: tuple[str, ...]
    skipped: tuple[SkippedDay, ...]
    rule: str

    def as_dict(self) -> dict[str, object]:
        return {
            "summary": self.summary,
            "steps": list(self.steps),
            "skipped": [{"on": day.on.isoformat(), "reason": day.reason} for day in self.skipped],
            "rule": self.rule,
        }


@dataclass(frozen=True)
class Deadline:
    due: date
    explanation: Explanation
    set_by_body: bool = False  # True: the date is the one the body gave, not the statute's

    def as_dict(self) -> dict[str, object]:
        return {"due": self.due.isoformat(), "explanation": self.explanation.as_dict()}


@dataclass(frozen=True)
class BodySetsDate:
    """A stage the statute gives no date for: "a reasonable period" the body must state.

    ``due`` is always None, so code that reads ``result.due`` stores or shows nothing; the
    explanation quotes the statute's words. The body's own date, once recorded (an
    extension event with ``new_due_on``), comes back as a ``Deadline`` with
    ``set_by_body=True``.
    """

    explanation: Explanation
    due: None = None
    set_by_body: bool = True


# What the engine says about one stage: a date, or "the body sets it".
StageDeadline = Deadline | BodySetsDate


@dataclass(frozen=True)
class Deadlines:
    due_on: Deadline | None
    extended_due_on: StageDeadline | None
    very_overdue_on: Deadline | None
    review_due_on: Deadline | None
    escalation_closes_on: Deadline | None
    # Why the response clock is not running (awaiting clarification or a fee, withdrawn).
    clock_stopped: str | None = None


STAGES = ("response", "extended", "review")


def compute_deadlines(clock: ClockInput) -> Deadlines:
    """Every stored deadline of a request; raises a ``DeadlineInputError`` on bad input."""
    context = _Context.of(clock)
    withdrawn = context.last(ClockEventKind.WITHDRAWN)
    if withdrawn is not None:
        stopped = f"request withdrawn on {long_date(withdrawn.on)}"
        return Deadlines(None, None, None, None, None, clock_stopped=stopped)
    state = _run_clock(context)
    due_on = _due_on(context, state)
    review_due_on = _review_due_on(context)
    return Deadlines(
        due_on=due_on,
        extended_due_on=_extended_due_on(context, state, due_on),
        very_overdue_on=_very_overdue_on(context, state),
        review_due_on=review_due_on,
        escalation_closes_on=_escalation_closes_on(context, review_due_on),
        clock_stopped=state.stopped,
    )


def due_for_stage(
    regime: str,
    received: date,
    stage: str,
    *,
    nation: str | None = None,
    subdivision: str | None = None,
    extra: tuple[ExtraNonWorkingDay, ...] = (),
) -> StageDeadline:
    """One stage's deadline, for the command, the calculator and the API.

    For the "review" stage ``received`` is the day the review request was received. A
    stage the statute leaves to the body (a "reasonable period") is a ``BodySetsDate``.
    Bad input raises a ``DeadlineInputError`` whose message is one line for users.
    """
    if stage not in STAGES:
        raise UnknownStage(f"unknown stage {stage!r}; expected one of {', '.join(STAGES)}")
    clock = ClockInput(
        regime, received, nation=nation, subdivision=subdivision, extra_non_working_days=extra
    )
    context = _Context.of(clock)
    found: StageDeadline | None
    if stage == "review":
        found = _review_from(context, received)
    else:
        state = _run_clock(context)
        found = (
            _due_on(context, state)
            if stage == "response"
            else _standard_extension(context, state, ())
        )
    if found is None:
        raise StageNotInRegime(_no_stage(context.regime, stage))
    return found


def _no_stage(regime: Regime, stage: str) -> str:
    why = regime.extension_section if stage == "extended" else regime.review_section
    return f"{regime.short_name} has no standard {stage} time limit ({why})"


# --- context --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    clock: ClockInput
    regime: Regime
    calendar: Calendar
    events: tuple[ClockEvent, ...]  # in date order; same-day events keep their given order

    @classmethod
    def of(cls, clock: ClockInput) -> _Context:
        regime = get_regime(clock.regime)
        for day in (clock.received_on, *(event.on for event in clock.events)):
            check_supported(day)
        code = calendar_code_for(regime, clock.nation)
        # Only regimes whose law looks at the place (au-foi, ca-ati) read the subdivision.
        where = clock.subdivision if regime.calendar_rule.subdivisions else None
        calendar = calendar_for(code, clock.extra_non_working_days, where)
        events = tuple(sorted(clock.events, key=lambda event: event.on))
        return cls(clock, regime, calendar, events)

    def calendar_note(self) -> str:
        """Which holidays count and whose, as the explanation tells the user."""
        rule = CALENDAR_RULES[self.calendar.code]
        place = rule.place
        if self.calendar.subdivision is not None:
            place = subdivision_name(self.calendar.code, self.calendar.subdivision)
            if rule.default_subdivision is None:  # the nation's days and the province's
                place = f"{rule.national_place} and {place}"
            elif not self.clock.subdivision:
                place += " (no state or territory set for the body)"
        substitutes = "count" if rule.substitutes else "do not count"
        return f"Holidays counted: {rule.holidays}; those of {place}; substitute days {substitutes}"

    def last(self, *kinds: ClockEventKind) -> ClockEvent | None:
        return next((event for event in reversed(self.events) if event.kind in kinds), None)

    def count(
        self,
        start: date,
        period: Period,
        *,
        extra_days: int = 0,
        start_note: str = "",
        extra_note: str = "",
    ) -> Counted:
        return count_period(
            self.calendar,
            start,
            period,
            roll_forward_rule=self.regime.roll_forward_rule,
            extra_days=extra_days,
            start_note=start_note,
            extra_note=extra_note,
        )


def _deadline(counted: Counted, steps: Sequence[str], rule: str) -> Deadline:
    explanation = Explanation(counted.summary, (*steps, *counted.steps), counted.skipped, rule)
    return Deadline(counted.due, explanation)


# --- the response clock ---------------------------------------------------------------


@dataclass
class _ClockState:
    """The response clock as the events are replayed in date order."""

    context: _Context
    start: date
    steps: list[str] = field(default_factory=list)
    start_note: str = ""
    extra_days: int = 0  # days disregarded while the clock was paused
    awaiting_clarification: date | None = None
    awaiting_fee: date | None = None

    @property
    def stopped(self) -> str | None:
        regime = self.context.regime
        if self.awaiting_clarification is not None:
            since = long_date(self.awaiting_clarification)
            section = regime.clarification_section
            return f"clock stopped awaiting clarification since {since} ({section})"
        if self.awaiting_fee is not None:
            since = long_date(self.awaiting_fee)
            return f"clock stopped awaiting the fee since {since}{self._lapse_note()}"
        return None

    def _lapse_note(self) -> str:
        regime = self.context.regime
        if self.awaiting_fee is None or regime.fee_lapse is None:
            return f" ({regime.fee_section})"
        lapses_on = add_months(self.awaiting_fee, regime.fee_lapse.amount)
        return (
            f"; lapses after {regime.fee_lapse.describe()} on {long_date(lapses_on)} if unpaid "
            f"({regime.fee_lapse_section})"
        )

    def clarification_requested(self, event: ClockEvent) -> None:
        self.awaiting_clarification = self.awaiting_clarification or event.on
        section = self.context.regime.clarification_section
        self.steps.append(
            f"Clarification requested on {long_date(event.on)}: the clock stops ({section})"
        )

    def clarification_answered(self, event: ClockEvent) -> None:
        asked_on = self.awaiting_clarification
        section = self.context.regime.clarification_section
        if asked_on is None:
            self.steps.append(
                f"Clarification sent on {long_date(event.on)} unasked: no effect on the clock"
            )
            return
        self.awaiting_clarification = None
        if self.context.regime.clarification_restarts:
            self._restart(event.on, "clarification received")
            self.steps.append(
                f"Clarification received on {long_date(event.on)}: the clock restarts "
                f"with that day as day 0 ({section})"
            )
        else:
            paused = self._pause(asked_on, event.on)
            self.steps.append(
                f"Clarification received on {long_date(event.on)}: {paused} tolled ({section})"
            )

    def fee_notice(self, event: ClockEvent) -> None:
        section = self.context.regime.fee_section
        if section is None:
            self.steps.append(
                f"Fee notice on {long_date(event.on)}: it does not stop the clock under "
                f"{self.context.regime.short_name}"
            )
            return
        self.awaiting_fee = self.awaiting_fee or event.on
        self.steps.append(
            f"Fees notice given on {long_date(event.on)}: the clock stops ({section})"
        )

    def fee_paid(self, event: ClockEvent) -> None:
        noticed_on = self.awaiting_fee
        section = self.context.regime.fee_section
        if noticed_on is None or section is None:
            return
        self.awaiting_fee = None
        if self.context.regime.response.unit is Unit.MONTHS:
            # UK GDPR Art 12A: the one month runs from receipt of the fee.
            self._restart(event.on, "fee received")
            self.steps.append(
                f"Fee received on {long_date(event.on)}: the time runs from that day ({section})"
            )
            return
        paused = self._pause(noticed_on, event.on)
        self.steps.append(
            f"Fee received on {long_date(event.on)}: {paused} from the fees notice to payment "
            f"disregarded ({section})"
        )

    def _restart(self, day: date, note: str) -> None:
        self.start, self.start_note, self.extra_days = day, note, 0

    def _pause(self, stopped_on: date, resumed_on: date) -> str:
        """Disregard the days from ``stopped_on`` to ``resumed_on``, both included."""
        # FOIA s.10(2): the working days "beginning with the day on which the fees notice is
        # given ... and ending with the day on which the fee is received" are disregarded.
        # Day 0 is never counted anyway, so the pause cannot reach back before it.
        before_pause = max(stopped_on - timedelta(days=1), self.start)
        unit = self.context.regime.response.unit
        if unit is Unit.WORKING_DAYS:
            days = max(self.context.calendar.working_days_between(before_pause, resumed_on), 0)
            word = "working day" if days == 1 else "working days"
        else:
            days = max((resumed_on - before_pause).days, 0)
            word = "day" if days == 1 else "days"
        self.extra_days += days
        return f"{days} {word}"

    def pause_note(self) -> str:
        if not self.extra_days:
            return ""
        kind = "working day" if self.context.regime.response.unit is Unit.WORKING_DAYS else "day"
        plural = "" if self.extra_days == 1 else "s"
        return f"{self.extra_days} {kind}{plural} disregarded while the clock was stopped"


_HANDLERS: dict[ClockEventKind, Callable[[_ClockState, ClockEvent], None]] = {
    ClockEventKind.CLARIFICATION_REQUESTED: _ClockState.clarification_requested,
    ClockEventKind.CLARIFICATION_ANSWERED: _ClockState.clarification_answered,
    ClockEventKind.FEE_NOTICE: _ClockState.fee_notice,
    ClockEventKind.FEE_PAID: _ClockState.fee_paid,
}


def _run_clock(context: _Context) -> _ClockState:
    received = context.clock.received_on
    state = _ClockState(context, received)
    state.steps.append(
        f"Received {long_date(received)}: that day is day 0 ({context.regime.response_section})"
    )
    for event in context.events:
        handler = _HANDLERS.get(event.kind)
        if handler is not None:
            handler(state, event)
    return state


def _count_response_clock(context: _Context, state: _ClockState, period: Period) -> Counted:
    return context.count(
        state.start,
        period,
        extra_days=state.extra_days,
        start_note=state.start_note,
        extra_note=state.pause_note(),
    )


def _due_on(context: _Context, state: _ClockState) -> Deadline | None:
    if state.stopped is not None:
        return None
    counted = _count_response_clock(context, state, context.regime.response)
    steps = [*state.steps, context.regime.working_day_rule, context.calendar_note()]
    return _deadline(counted, steps, context.regime.response_section)


# --- extension, very overdue, review, regulator ---------------------------------------


def _extended_due_on(
    context: _Context, state: _ClockState, due_on: Deadline | None
) -> StageDeadline | None:
    claim = context.last(ClockEventKind.EXTENSION_CLAIMED)
    if claim is None:
        return None
    steps = [f"Extension claimed on {long_date(claim.on)} ({context.regime.extension_section})"]
    if due_on is not None and claim.on > due_on.due:
        steps.append(
            f"The extension was claimed after the original deadline, {long_date(due_on.due)}; "
            "it should be notified within the original time limit"
        )
    if claim.new_due_on is not None:
        return _date_given_by_body(context, claim.new_due_on, steps)
    return _standard_extension(context, state, steps)


def _date_given_by_body(context: _Context, due: date, steps: list[str]) -> Deadline:
    summary = f"The authority gave {long_date(due)} as its new date → due {long_date(due)}"
    explanation = Explanation(summary, (*steps, summary), (), context.regime.extension_section)
    return Deadline(due, explanation, set_by_body=True)


def _body_sets_date(
    context: _Context, state: _ClockState, steps: Sequence[str], period: ReasonablePeriod
) -> BodySetsDate:
    summary = (
        f'{period.section} allows "{period.words}": the law gives no date, so the due date '
        "is the one the body states in its extension notice"
    )
    all_steps = (*state.steps, *steps, summary)
    return BodySetsDate(Explanation(summary, all_steps, (), context.regime.extension_section))


def _standard_extension(
    context: _Context, state: _ClockState, steps: Sequence[str]
) -> StageDeadline | None:
    regime = context.regime
    if regime.extension is None or state.stopped is not None:
        return None
    if isinstance(regime.extension, ReasonablePeriod):
        return _body_sets_date(context, state, steps, regime.extension)
    total = regime.response.plus(regime.extension)
    counted = _count_response_clock(context, state, total)
    all_steps = [
        *state.steps,
        *steps,
        f"{total.describe()} in all from day 0",
        regime.working_day_rule,
        context.calendar_note(),
    ]
    return _deadline(counted, all_steps, regime.extension_section)


def _very_overdue_on(context: _Context, state: _ClockState) -> Deadline | None:
    if state.stopped is not None:
        return None
    regime = context.regime
    period, basis = regime.very_overdue, regime.very_overdue_basis
    if context.clock.is_school and regime.school_very_overdue is not None:
        period, basis = regime.school_very_overdue, regime.school_section
    counted = _count_response_clock(context, state, period)
    return _deadline(counted, [*state.steps, f"Very overdue after {basis}"], basis)


def _review_due_on(context: _Context) -> Deadline | None:
    requested = context.last(ClockEventKind.REVIEW_REQUESTED)
    return None if requested is None else _review_from(context, requested.on)


def _review_from(context: _Context, requested_on: date) -> Deadline | None:
    regime = context.regime
    if regime.review is None:
        return None
    counted = context.count(requested_on, regime.review, start_note="review requested")
    steps = [
        f"Review requested on {long_date(requested_on)}: that day is day 0 "
        f"({regime.review_section})",
        regime.working_day_rule,
        context.calendar_note(),
    ]
    return _deadline(counted, steps, regime.review_section)


def _escalation_closes_on(context: _Context, review_due_on: Deadline | None) -> Deadline | None:
    regime = context.regime
    if regime.regulator_window is None:
        return None
    anchor = _escalation_anchor(context, review_due_on)
    if anchor is None:
        return None
    day, step = anchor
    counted = context.count(day, regime.regulator_window)
    steps = [step, f"Complaint to the {regime.regulator}: {regime.regulator_window_section}"]
    return _deadline(counted, steps, regime.regulator_window_section)


def _escalation_anchor(
    context: _Context, review_due_on: Deadline | None
) -> tuple[date, str] | None:
    kinds = tuple(ClockEventKind(kind) for kind in context.regime.regulator_window_from)
    latest = context.last(*kinds)
    review = context.last(ClockEventKind.REVIEW_REQUESTED)
    pending = review is not None and (latest is None or review.on > latest.on)
    if pending and REVIEW_DECIDED in kinds and review_due_on is not None:
        # An undecided review counts as refused when its time runs out (FOISA s.47(4)(b));
        # the window to go to the regulator runs from then.
        due = review_due_on.due
        return due, f"Review not decided: the window runs from its due date, {long_date(due)}"
    if latest is None:
        return None
    what = "review decision" if latest.kind is ClockEventKind.REVIEW_DECIDED else "response"
    return latest.on, f"Final {what} on {long_date(latest.on)}"
