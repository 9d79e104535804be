"""Working-day calendars behind the statutory time limits.

Each calendar code has a ``CalendarRule``: which holidays count (the ``holidays``
package's subdivisions and categories plus any list the statute writes itself), whose
holidays (the body's state, territory or province where the law looks at the place), and
whether substitute ("observed") days count. Rules written in a statute are applied here
as rules, never as a typed table of dates: New Zealand's 25 December to 15 January break
(OIA s.2, "working day"), and Canada's Interpretation Act s.35 list (Easter Monday, and
the Monday after New Year's Day, Canada Day or Remembrance Day on a Sunday).

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

from .errors import (
    FIRST_SUPPORTED_DATE,
    LAST_SUPPORTED_DATE,
    DateOutOfRange,
    UnknownPlace,
)

CALENDAR_CODES = ("uk", "gb-eng", "gb-wls", "gb-sct", "gb-nir", "us", "nz", "ie", "au", "ca")

# Years outside this range are refused rather than silently building huge tables.
FIRST_SUPPORTED_YEAR = FIRST_SUPPORTED_DATE.year
LAST_SUPPORTED_YEAR = LAST_SUPPORTED_DATE.year

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


@dataclass(frozen=True)
class CalendarRule:
    """Which days a calendar does not count, whose they are, and the law that says so."""

    holidays: str  # which holidays, citing the statute (shown to users)
    place: str  # whose holidays: a fixed place, or the body's own where the law looks at it
    substitutes: bool  # whether substitute ("observed") days count as holidays
    subdivisions: tuple[str, ...] = ()  # the places a body may name (holidays package codes)
    default_subdivision: str | None = None  # the place assumed when the body names none
    national_place: str = ""  # where the body's place adds to the nation's days: the nation


_UK_BANK_HOLIDAYS = (
    "bank holidays under the Banking and Financial Dealings Act 1971 (holidays package, "
    "GB subdivisions, category public), plus Christmas Day and Good Friday"
)
# Banking and Financial Dealings Act 1971 Sch 1: when 25 or 26 December or 1 January is
# a Saturday or Sunday, a substitute day is the bank holiday. The package lists these as
# "(observed)"; they count.
CALENDAR_RULES: Mapping[str, CalendarRule] = {
    "uk": CalendarRule(_UK_BANK_HOLIDAYS, "any part of the UK (FOIA s.10(6))", True),
    "gb-eng": CalendarRule(_UK_BANK_HOLIDAYS, "England", True),
    "gb-wls": CalendarRule(_UK_BANK_HOLIDAYS, "Wales", True),
    "gb-sct": CalendarRule(_UK_BANK_HOLIDAYS, "Scotland (FOISA s.73)", True),
    "gb-nir": CalendarRule(_UK_BANK_HOLIDAYS, "Northern Ireland", True),
    # 5 U.S.C. 6103(a) legal public holidays; 6103(b): one on a Saturday is observed on the
    # Friday before, one on a Sunday on the Monday after, and the observed day is the
    # holiday for federal employees.
    "us": CalendarRule(
        "legal public holidays, 5 U.S.C. 6103 (holidays package, US, category public)",
        "the United States (federal)",
        True,
    ),
    # OIA s.2 "working day": Waitangi Day and Anzac Day falling on a weekend are
    # "Mondayised"; the other substitute days fall inside the 25 Dec-15 Jan break.
    "nz": CalendarRule(
        'OIA s.2 "working day": Waitangi Day, Good Friday, Easter Monday, Anzac Day, the '
        "Sovereign's birthday, Matariki, Labour Day (holidays package, NZ, category public, "
        "no regional anniversary days) and every day from 25 December to 15 January",
        "New Zealand",
        True,
    ),
    # FOI Act 2014 s.2 "week": public holidays as in the Organisation of Working Time Act
    # 1997 Sch 2. Irish law has no substitute public holiday for one on a weekend (the
    # employee gets a day off in lieu instead), and the package lists none.
    "ie": CalendarRule(
        "public holidays, Organisation of Working Time Act 1997 Sch 2 (holidays package, IE, "
        "category public)",
        "Ireland",
        False,
    ),
    # Acts Interpretation Act 1901 s.36(2): a last day on "a Saturday, a Sunday or a
    # holiday" moves to the next day that is none of these; the 1948 text it replaced spoke
    # of "a public holiday or a bank holiday in the place in which the thing is to be or may
    # be done". Public holidays are made by each state and territory, and their Holidays
    # Acts make substitute days (Boxing Day on the Monday, Christmas on the Tuesday, New
    # Year's Day on the Monday) public holidays in their own right: they count. Bank-only
    # days (the NSW Bank Holiday) are not public holidays and do not.
    "au": CalendarRule(
        "public holidays of the state or territory (holidays package, AU subdivision, "
        "category public), substitute days included; Acts Interpretation Act 1901 s.36(2)",
        "the body's state or territory, the Australian Capital Territory if none is set",
        True,
        subdivisions=("ACT", "NSW", "NT", "QLD", "SA", "TAS", "VIC", "WA"),
        default_subdivision="ACT",
    ),
    # Interpretation Act (R.S.C. 1985, c. I-21) s.35(1) "holiday": Sunday, New Year's Day,
    # Good Friday, Easter Monday, Christmas Day, the Sovereign's birthday (Victoria Day),
    # Canada Day, Labour Day, the National Day for Truth and Reconciliation (since 2021),
    # Remembrance Day, a proclaimed day of thanksgiving (Thanksgiving), and "in any
    # province" the days that are holidays there. s.35(2): New Year's Day, Canada Day or
    # Remembrance Day on a Sunday makes the Monday a holiday too. Boxing Day is not on the
    # federal list; substitute days other than s.35(2)'s do not count.
    "ca": CalendarRule(
        'Interpretation Act s.35 "holiday": New Year\'s Day, Good Friday, Easter Monday, '
        "Victoria Day, Canada Day, Labour Day, National Day for Truth and Reconciliation, "
        "Thanksgiving, Remembrance Day, Christmas Day (holidays package, CA, categories "
        "public and government, by name) and the Monday after New Year's Day, Canada Day or "
        "Remembrance Day on a Sunday (s.35(2)); in a province, its public holidays too "
        "(holidays package, CA subdivision, category public)",
        "Canada (federal) and the body's province or territory, if set",
        False,
        subdivisions=tuple(holidays.CA.subdivisions),
        national_place="Canada (federal)",
    ),
}

# calendar code -> (country, categories) for the calendars read straight from the package.
_COUNTRY_SOURCES: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "us": ("US", ("public",)),
    "nz": ("NZ", ("public",)),
    "ie": ("IE", ("public",)),
    "au": ("AU", ("public",)),
}

# Interpretation Act (Canada) s.35(1): the federal days, by the package's names for them.
_CA_FEDERAL = frozenset(
    {
        "New Year's Day",
        "Good Friday",
        "Victoria Day",
        "Canada Day",
        "Labor Day",
        "National Day for Truth and Reconciliation",
        "Thanksgiving Day",
        "Remembrance Day",
        "Christmas Day",
    }
)
# s.35(2): these on a Sunday make the Monday a holiday as well.
_CA_SUNDAY_RULE = frozenset({"New Year's Day", "Canada Day", "Remembrance Day"})
_OBSERVED = " (observed)"

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

    def __init__(
        self,
        code: str,
        extra: Iterable[ExtraNonWorkingDay] = (),
        subdivision: str | None = None,
    ) -> None:
        self.code = code
        self.subdivision = place_for(code, subdivision)
        self._extra = tuple(sorted(extra, key=lambda day: (day.on, day.name, day.calendar)))
        self._years: dict[int, _Year] = {}
        self._span = _Span(0, -1, [], [], [])
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        where = f" {self.subdivision}" if self.subdivision else ""
        return f"<Calendar {self.code}{where} with {len(self._extra)} extra non-working days>"

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
            found = self._years[year] = _build_year(self.code, self.subdivision, year, self._extra)
        return found


def calendar_for(
    code: str, extra: Iterable[ExtraNonWorkingDay] = (), subdivision: str | None = None
) -> Calendar:
    """The shared calendar for ``code`` (in ``subdivision``) with the extra days for it."""
    place = place_for(code, subdivision)
    relevant = frozenset(day for day in extra if _applies_to(day, code))
    return _shared_calendar(code, relevant, place)


def place_for(code: str, subdivision: str | None) -> str | None:
    """The subdivision whose holidays count: the body's, the default, or None."""
    if code not in CALENDAR_CODES:
        raise ValueError(f"unknown calendar {code!r}; expected one of {CALENDAR_CODES}")
    rule = CALENDAR_RULES[code]
    if not subdivision:
        return rule.default_subdivision
    key = subdivision.strip().upper()
    if key not in rule.subdivisions:
        where = f"one of {', '.join(rule.subdivisions)}" if rule.subdivisions else "none"
        raise UnknownPlace(
            f"unknown state, territory or province {subdivision!r} for the {code} calendar; "
            f"expected {where}"
        )
    return key


def subdivision_name(code: str, subdivision: str) -> str:
    """'NSW' -> 'New South Wales', from the holidays package's own names."""
    country = {"au": holidays.AU, "ca": holidays.CA}.get(code)
    aliases = getattr(country, "subdivisions_aliases", {}) if country else {}
    return next((name for name, sub in aliases.items() if sub == subdivision), subdivision)


@lru_cache(maxsize=256)
def _shared_calendar(
    code: str, extra: frozenset[ExtraNonWorkingDay], subdivision: str | None
) -> Calendar:
    return Calendar(code, extra, subdivision)


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


def _build_year(
    code: str, subdivision: str | None, year: int, extra: tuple[ExtraNonWorkingDay, ...]
) -> _Year:
    if not FIRST_SUPPORTED_YEAR <= year <= LAST_SUPPORTED_YEAR:
        raise DateOutOfRange(year)
    holiday_reasons = _holiday_reasons(code, subdivision, year, extra)
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
    code: str, subdivision: str | None, year: int, extra: tuple[ExtraNonWorkingDay, ...]
) -> dict[date, str]:
    """Why each non-weekend-only holiday of ``year`` is not a working day."""
    named = _holiday_names(code, subdivision, year)
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
    return {day: _place_reason(names) for day, names in named.items()}


def _place_reason(names: Mapping[str, set[str]]) -> str:
    # A state or provincial day carries its place: "Boxing Day substitute day (New South
    # Wales)"; a national one does not.
    return "; ".join(
        f"{name} ({', '.join(sorted(where))})" if where else name for name, where in names.items()
    )


# date -> holiday name -> the parts of the UK where it is a bank holiday (empty elsewhere)
_Named = dict[date, dict[str, set[str]]]


def _holiday_names(code: str, subdivision: str | None, year: int) -> _Named:
    named: _Named = {}
    if code == "ca":
        return _canada_names(subdivision, year)
    if code == "uk":
        sources = [(subdiv, nation) for subdiv, nation in UK_NATIONS.values()]
    elif code in UK_NATIONS:
        sources = [UK_NATIONS[code]]
    else:
        country, categories = _COUNTRY_SOURCES[code]
        where = {subdivision_name(code, subdivision)} if subdivision else set()
        for day, names in _counted(code, country, subdivision, categories, year).items():
            named[day] = {name: set(where) for name in names}
        return named
    for subdiv, nation in sources:
        for day, names in _counted(code, "GB", subdiv, ("public",), year).items():
            for name in names:
                named.setdefault(day, {}).setdefault(_uk_name(name), set()).add(nation)
    return named


def _counted(
    code: str, country: str, subdiv: str | None, categories: tuple[str, ...], year: int
) -> dict[date, tuple[str, ...]]:
    """The package's holidays, without substitute days where the calendar's law ignores them."""
    found = _package_holidays(country, subdiv, categories, year)
    if CALENDAR_RULES[code].substitutes:
        return dict(found)
    kept = {day: tuple(n for n in names if _OBSERVED not in n) for day, names in found.items()}
    return {day: names for day, names in kept.items() if names}


def _canada_names(province: str | None, year: int) -> _Named:
    """Interpretation Act s.35: the federal list, Easter Monday, s.35(2), the province's days."""
    federal = _counted("ca", "CA", None, ("public", "government"), year)
    named: _Named = {}
    for day, names in federal.items():
        for name in names:
            if name in _CA_FEDERAL:
                named.setdefault(day, {})[_ca_name(name)] = set()
                if name in _CA_SUNDAY_RULE and day.weekday() == 6:
                    monday = named.setdefault(day + timedelta(days=1), {})
                    monday[f"{_ca_name(name)} on a Sunday: the Monday too (s.35(2))"] = set()
            if name == "Good Friday":  # s.35(1) names Easter Monday; the package does not
                named.setdefault(day + timedelta(days=3), {})["Easter Monday"] = set()
    if province is not None:
        where = {subdivision_name("ca", province)}
        for day, names in _counted("ca", "CA", province, ("public",), year).items():
            for name in names:
                named.setdefault(day, {}).setdefault(_ca_name(name), set(where))
    return {day: named[day] for day in sorted(named)}


def _ca_name(name: str) -> str:
    return name.replace("Labor Day", "Labour Day")


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
