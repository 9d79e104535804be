"""Counting a period forward from day 0, with the words that explain the count."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from .calendars import ANY_PART_OF_THE_UK, Calendar, SkippedDay
from .regimes import Period, Unit

# Fixed English names: strftime would follow the process locale.
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def long_date(day: date) -> str:
    """'Fri 28 Nov 2025'."""
    return f"{_DAY_NAMES[day.weekday()]} {day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"


def short_date(day: date) -> str:
    """'28 Nov'."""
    return f"{day.day} {_MONTH_NAMES[day.month - 1]}"


def add_months(start: date, months: int) -> date:
    """The same day-number ``months`` later, or the last day of that month if it has none."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, monthrange(year, month)[1]))


def end_of_period(start: date, period: Period, extra_days: int = 0) -> date:
    """The last day of a calendar-day, week or month period, before any roll-forward."""
    if period.unit is Unit.MONTHS:
        return add_months(start, period.amount) + timedelta(days=extra_days)
    if period.unit is Unit.WEEKS:
        return start + timedelta(days=7 * period.amount + extra_days)
    if period.unit is Unit.CALENDAR_DAYS:
        return start + timedelta(days=period.amount + extra_days)
    raise ValueError(f"{period.describe()} are counted on a calendar, not by date arithmetic")


@dataclass(frozen=True)
class Counted:
    due: date
    skipped: tuple[SkippedDay, ...]
    summary: str
    steps: tuple[str, ...]


def count_period(
    calendar: Calendar,
    start: date,
    period: Period,
    *,
    roll_forward_rule: str | None,
    extra_days: int = 0,
    start_note: str = "",
    extra_note: str = "",
) -> Counted:
    """Count ``period`` from ``start`` (day 0), plus ``extra_days`` of the same kind of day."""
    lead = f"{period.describe()} after {long_date(start)}"
    if start_note:
        lead += f" ({start_note})"
    if extra_note:
        lead += f" plus {extra_note}"
    if period.unit is Unit.WORKING_DAYS:
        return _count_working_days(calendar, start, period.amount + extra_days, lead)
    end = end_of_period(start, period, extra_days)
    if period.unit is Unit.MONTHS and end.day != start.day and not extra_days:
        lead += f" (no day {start.day} that month, so its last day)"
    return _roll_forward(calendar, end, f"{lead} is {long_date(end)}", roll_forward_rule)


def _count_working_days(calendar: Calendar, start: date, amount: int, lead: str) -> Counted:
    due, skipped = calendar.add_working_days(start, amount)
    holidays = describe_holidays(skipped)
    counted = f"{lead}, skipping {holidays}" if holidays else f"{lead}, weekends excluded"
    summary = f"{counted} → due {long_date(due)}"
    return Counted(due, tuple(skipped), summary, (summary,))


def _roll_forward(calendar: Calendar, end: date, text: str, rule: str | None) -> Counted:
    reason = calendar.non_working_reason(end)
    if rule is None or reason is None:
        summary = f"{text} → due {long_date(end)}"
        return Counted(end, (), summary, (summary,))
    due = calendar.next_working_day(end)
    skipped = tuple(
        SkippedDay(
            end + timedelta(days=offset),
            calendar.non_working_reason(end + timedelta(days=offset)) or "",
        )
        for offset in range((due - end).days)
    )
    moved = (
        f"{long_date(end)} is not a working day ({reason}), so the time runs to the next "
        f"working day ({rule})"
    )
    summary = f"{text}, not a working day, so it moves forward ({rule}) → due {long_date(due)}"
    return Counted(due, skipped, summary, (text, moved))


def describe_holidays(skipped: Sequence[SkippedDay]) -> str:
    """Skipped days other than weekends; a run with one reason reads '25 Dec to 15 Jan (...)'."""
    runs: list[tuple[date, date, str]] = []
    joined = False
    previous: date | None = None
    for day in skipped:
        joined = joined and previous is not None and (day.on - previous).days == 1
        previous = day.on
        if day.on.weekday() >= 5:
            continue
        if joined and runs[-1][2] == day.reason:
            runs[-1] = (runs[-1][0], day.on, day.reason)
        else:
            runs.append((day.on, day.on, day.reason))
            joined = True
    return ", ".join(_without_repeated_notes([_describe_run(*run) for run in runs]))


def _without_repeated_notes(texts: list[str]) -> list[str]:
    """Say "FOIA s.10(6) counts a bank holiday in any part of the UK" once, not per day."""
    note = f"; {ANY_PART_OF_THE_UK}"
    first = next((index for index, text in enumerate(texts) if note in text), None)
    return [text if index == first else text.replace(note, "") for index, text in enumerate(texts)]


def _describe_run(first: date, last: date, reason: str) -> str:
    if first == last:
        return f"{short_date(first)} ({reason})"
    return f"{short_date(first)} to {short_date(last)} ({reason})"
