"""Working-day calendars behind the statutory time limits.

Holidays come from the ``holidays`` package. The only rule typed here by hand is New
Zealand's 25 December to 15 January break, because the Official Information Act itself
says so (OIA s.2, "working day").

A ``Calendar`` answers in O(log n): each year's working days are computed once and the
years in use are kept as sorted lists of ordinals, so counting 20 working days is a
couple of binary searches.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

CALENDAR_CODES = ("uk", "gb-eng", "gb-wls", "gb-sct", "gb-nir", "us", "nz", "ie", "au", "ca")

# Years outside this range are refused rather than silently building huge tables.
FIRST_SUPPORTED_YEAR = 1950
LAST_SUPPORTED_YEAR = 2200

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# calendar code -> (holidays package subdivision, name of the nation)
UK_NATIONS: Mapping[str, tuple[str, str]] = {
    "gb-eng": ("ENG", "England"),
    "gb-wls": ("WLS", "Wales"),
    "gb-sct": ("SCT", "Scotland"),
    "gb-nir": ("NIR", "Northern Ireland"),
}
_ALL_NATIONS = frozenset(nation for _, nation in UK_NATIONS.values())

# FOIA s.10(6) and FOISA s.73 name these days themselves, whether or not they are
# bank holidays in a given part of the UK.
_NAMED_IN_THE_ACTS = frozenset({"Christmas Day", "Good Friday"})
ANY_PART_OF_THE_UK = "FOIA s.10(6) counts a bank holiday in any part of the UK"

# calendar code -> (country, categories) for the calendars read straight from the package.
_COUNTRY_SOURCES: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "us": ("US", ("public",)),  # 5 U.S.C. 6103 legal public holidays, observed dates
    "nz": ("NZ", ("public",)),  # national holidays only: no regional anniversary days
    "ie": ("IE", ("public",)),
    "au": ("AU", ("public",)),  # Commonwealth-wide days, no state holidays
    # Interpretation Act (Canada) s.35 "holiday" covers the federal general holidays
    # (Victoria Day, Thanksgiving, Remembrance Day, Boxing Day ...), which the package
    # files under "government"; "public" alone has only the five nationwide days.
    "ca": ("CA", ("public", "government")),
}

# OIA s.2: no day from 25 December to 15 January is a working day.
_NZ_BREAK = "Christmas break, 25 December to 15 January (OIA s.2)"


@dataclass(frozen=True)
class ExtraNonWorkingDay:
    """A non-working day added by an administrator, e.g. a newly proclaimed holiday."""

    on: date
    name: str
    calendar: str


@dataclass(frozen=True)
class SkippedDay:
    on: date
    reason: str


@dataclass(frozen=True)
class _Year:
    reasons: Mapping[int, str]  # ordinal -> why that day is not a working day
    working: tuple[int, ...]  # ordinals of the working days, ascending
    closed: tuple[int, ...]  # ordinals of the non-working days, ascending
    skipped: tuple[SkippedDay, ...]  # one per entry of `closed`


@dataclass(frozen=True)
class _Span:
    """Consecutive years joined into single sorted lists for binary search."""

    first_year: int
    last_year: int
    working: list[int]
    closed: list[int]
    skipped: list[SkippedDay]

    def covers(self, first_year: int, last_year: int) -> bool:
        return self.first_year <= first_year and last_year <= self.last_year


class Calendar:
    """The working days of one calendar code. Built and shared by ``calendar_for``."""

    def __init__(self, code: str, extra: Iterable[ExtraNonWorkingDay] = ()) -> None:
        if code not in CALENDAR_CODES:
            raise ValueError(f"unknown calendar {code!r}; expected one of {CALENDAR_CODES}")
        self.code = code
        self._extra = tuple(sorted(extra, key=lambda day: (day.on, day.name, day.calendar)))
        self._years: dict[int, _Year] = {}
        self._span = _Span(0, -1, [], [], [])
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<Calendar {self.code} with {len(self._extra)} extra non-working days>"

    def non_working_reason(self, day: date) -> str | None:
        return self._year(day.year).reasons.get(day.toordinal())

    def is_working_day(self, day: date) -> bool:
        return self.non_working_reason(day) is None

    def add_working_days(self, start: date, n: int) -> tuple[date, list[SkippedDay]]:
        """The n-th working day after ``start`` (day 0, whatever it is) and the days skipped."""
        if n < 0:
            raise ValueError("n must not be negative; use working_days_between to count back")
        if n == 0:
            return start, []
        origin = start.toordinal()
        span, due = self._nth_working_day(origin, start.year, n)
        first = bisect_right(span.closed, origin)
        last = bisect_right(span.closed, due)
        return date.fromordinal(due), span.skipped[first:last]

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        span = self._span_covering(min(start.year, end.year), max(start.year, end.year))
        after_end = bisect_right(span.working, end.toordinal())
        return after_end - bisect_right(span.working, start.toordinal())

    def next_working_day(self, day: date) -> date:
        """``day`` itself if it is a working day, else the first working day after it."""
        if self.is_working_day(day):
            return day
        return self.add_working_days(day, 1)[0]

    def _nth_working_day(self, origin: int, year: int, n: int) -> tuple[_Span, int]:
        span = self._span_covering(year, year + 1)
        while True:
            index = bisect_right(span.working, origin) + n - 1
            if index < len(span.working):
                return span, span.working[index]
            span = self._span_covering(year, span.last_year + 1 + n // 200)

    def _span_covering(self, first_year: int, last_year: int) -> _Span:
        span = self._span
        if span.covers(first_year, last_year):
            return span
        with self._lock:
            if not self._span.covers(first_year, last_year):
                self._span = self._join_years(first_year, last_year)
            return self._span

    def _join_years(self, first_year: int, last_year: int) -> _Span:
        if self._span.last_year >= self._span.first_year:
            first_year = min(first_year, self._span.first_year)
            last_year = max(last_year, self._span.last_year)
        years = [self._year(year) for year in range(first_year, last_year + 1)]
        return _Span(
            first_year,
            last_year,
            [ordinal for year in years for ordinal in year.working],
            [ordinal for year in years for ordinal in year.closed],
            [day for year in years for day in year.skipped],
        )

    def _year(self, year: int) -> _Year:
        found = self._years.get(year)
        if found is None:
            found = self._years[year] = _build_year(self.code, year, self._extra)
        return found


def calendar_for(code: str, extra: Iterable[ExtraNonWorkingDay] = ()) -> Calendar:
    """The shared calendar for ``code`` with the extra days that apply to it."""
    if code not in CALENDAR_CODES:
        raise ValueError(f"unknown calendar {code!r}; expected one of {CALENDAR_CODES}")
    relevant = frozenset(day for day in extra if _applies_to(day, code))
    return _shared_calendar(code, relevant)


@lru_cache(maxsize=256)
def _shared_calendar(code: str, extra: frozenset[ExtraNonWorkingDay]) -> Calendar:
    return Calendar(code, extra)


def _applies_to(day: ExtraNonWorkingDay, code: str) -> bool:
    if day.calendar not in CALENDAR_CODES:
        raise ValueError(
            f"extra non-working day {day.name!r} has unknown calendar {day.calendar!r}"
        )
    if code == "uk":
        # FOIA s.10(6): a bank holiday in any part of the UK is a non-working day.
        return day.calendar == "uk" or day.calendar in UK_NATIONS
    if code in UK_NATIONS:
        return day.calendar in ("uk", code)
    return day.calendar == code


# --- building one year ---------------------------------------------------------------


def _build_year(code: str, year: int, extra: tuple[ExtraNonWorkingDay, ...]) -> _Year:
    if not FIRST_SUPPORTED_YEAR <= year <= LAST_SUPPORTED_YEAR:
        raise ValueError(
            f"year {year} is outside {FIRST_SUPPORTED_YEAR}-{LAST_SUPPORTED_YEAR}, "
            "the years the deadline engine supports"
        )
    holiday_reasons = _holiday_reasons(code, year, extra)
    reasons: dict[int, str] = {}
    working: list[int] = []
    day = date(year, 1, 1)
    while day.year == year:
        reason = _day_reason(day, holiday_reasons.get(day))
        if reason is None:
            working.append(day.toordinal())
        else:
            reasons[day.toordinal()] = reason
        day += timedelta(days=1)
    closed = tuple(reasons)
    skipped = tuple(SkippedDay(date.fromordinal(o), reasons[o]) for o in closed)
    return _Year(reasons, tuple(working), closed, skipped)


def _day_reason(day: date, holiday: str | None) -> str | None:
    weekday = day.weekday()
    if weekday < 5:
        return holiday
    if holiday is None:
        return WEEKDAY_NAMES[weekday]
    return f"{WEEKDAY_NAMES[weekday]}, also {holiday}"


def _holiday_reasons(
    code: str, year: int, extra: tuple[ExtraNonWorkingDay, ...]
) -> dict[date, str]:
    """Why each non-weekend-only holiday of ``year`` is not a working day."""
    named = _holiday_names(code, year)
    for day in extra:
        if day.on.year == year:
            named.setdefault(day.on, {}).setdefault(day.name, set()).update(
                _nations_of(day.calendar, code)
            )
    if code == "uk":
        return {day: _uk_reason(names) for day, names in named.items()}
    if code in UK_NATIONS:
        return {day: _nation_reason(names) for day, names in named.items()}
    if code == "nz":
        _add_nz_break(named, year)
    return {day: "; ".join(names) for day, names in named.items()}


# date -> holiday name -> the parts of the UK where it is a bank holiday (empty elsewhere)
_Named = dict[date, dict[str, set[str]]]


def _holiday_names(code: str, year: int) -> _Named:
    named: _Named = {}
    if code == "uk":
        sources = [(subdiv, nation) for subdiv, nation in UK_NATIONS.values()]
    elif code in UK_NATIONS:
        sources = [UK_NATIONS[code]]
    else:
        country, categories = _COUNTRY_SOURCES[code]
        for day, names in _package_holidays(country, None, categories, year).items():
            named[day] = {name: set() for name in names}
        return named
    for subdiv, nation in sources:
        for day, names in _package_holidays("GB", subdiv, ("public",), year).items():
            for name in names:
                named.setdefault(day, {}).setdefault(_uk_name(name), set()).add(nation)
    return named


@lru_cache(maxsize=4096)
def _package_holidays(
    country: str, subdiv: str | None, categories: tuple[str, ...], year: int
) -> Mapping[date, tuple[str, ...]]:
    # Ask for the neighbouring years too: a substitute day can cross the new year
    # (New Year's Day 2022, a Saturday, was observed in the US on Fri 31 Dec 2021).
    found = holidays.country_holidays(
        country, subdiv=subdiv, years=(year - 1, year, year + 1), categories=categories
    )
    return {day: tuple(found.get_list(day)) for day in sorted(found) if day.year == year}


def _uk_name(name: str) -> str:
    # The package says "Saint Andrew's Day (observed)"; gov.uk says "substitute day".
    return name.replace("Saint ", "St ").replace(" (observed)", " substitute")


def _nations_of(extra_calendar: str, code: str) -> set[str]:
    if code == "uk":
        if extra_calendar == "uk":
            return set(_ALL_NATIONS)
        return {UK_NATIONS[extra_calendar][1]}
    if code in UK_NATIONS:
        return {UK_NATIONS[code][1]}
    return set()


def _uk_reason(names: Mapping[str, set[str]]) -> str:
    phrases = [_uk_phrase(name, nations) for name, nations in names.items()]
    partial = any(
        name not in _NAMED_IN_THE_ACTS and nations != _ALL_NATIONS
        for name, nations in names.items()
    )
    return "; ".join([*phrases, ANY_PART_OF_THE_UK] if partial else phrases)


def _uk_phrase(name: str, nations: set[str]) -> str:
    if name in _NAMED_IN_THE_ACTS:
        return name
    if nations == _ALL_NATIONS:
        return f"{name} — bank holiday in all parts of the UK"
    return f"{name} — bank holiday in {_join_nations(nations)}"


def _join_nations(nations: set[str]) -> str:
    ordered = [nation for _, nation in UK_NATIONS.values() if nation in nations]
    if len(ordered) == 1:
        return ordered[0]
    return ", ".join(ordered[:-1]) + " and " + ordered[-1]


def _nation_reason(names: Mapping[str, set[str]]) -> str:
    return "; ".join(
        name if name in _NAMED_IN_THE_ACTS else f"{name} ({_join_nations(nations)})"
        for name, nations in names.items()
    )


def _add_nz_break(named: _Named, year: int) -> None:
    # OIA s.2: the break replaces the holiday names inside it; it is the operative rule.
    for day in _nz_break_days(year):
        named[day] = {_NZ_BREAK: set()}


def _nz_break_days(year: int) -> list[date]:
    start_of_year = [date(year, 1, day) for day in range(1, 16)]
    end_of_year = [date(year, 12, day) for day in range(25, 32)]
    return start_of_year + end_of_year
