"""The FOI regimes we track: their time limits, calendars and the law behind each.

Where a statute says "a reasonable period" and leaves the length to the body (NZ OIA
s.15A, Canada ATIA s.9(1)), the extension is a ``ReasonablePeriod``: the engine gives no
date for it and the body's own date, from its extension notice, is the one that counts.
"Very overdue" is not a statutory idea: throughout it means "later than the longest
standard extension would allow" (for FOISA, which has no extension, 20 working days late).

Lines of LAW.md marked "check", as confirmed against the sources (stored copies of the
public pages, read December 2026):
- ICO complaint window: "within six weeks of receiving your final response or last
  substantive contact with the public authority"; and "if you've not been given the
  outcome of the internal review after 40 working days - you can complain to us"
  (ico.org.uk, Make a complaint > FOI and EIR complaints).
- Asking for an internal review: "a public authority could refuse to deal with it if you
  wait longer than 40 working days"; the review "usually ... within another 20 working
  days" (ico.org.uk, For the public > What to do if you are dissatisfied with the
  response). For authorities: "no longer than 20 working days in most cases, or 40 in
  exceptional circumstances" (ico.org.uk, Guide to managing an FOI request > Complaints
  and internal reviews).
- FOIA s.10(3) public interest extension: the Act says only "such time as is reasonable in
  the circumstances"; the ICO's guidance that this should normally be no more than a
  further 20 working days (40 in all) could not be retrieved in this check, so the
  explanation quotes the Act and calls the 40 working days the ICO's expectation.
- EIR working day: reg 2(1) takes "working day" from FOIA s.10(6) (the stored copy of
  reg 2 on legislation.gov.uk was cut short before the definition; the EIR guidance of
  authorities that was reached says "a public holiday anywhere in the UK").
- UK GDPR Art 12A (time limits, "stop the clock" for clarification): in force on
  5 February 2026, SI 2026/82 reg 2 (Data (Use and Access) Act 2025 s.76).
- NZ OIA s.15A(2): "Any extension under subsection (1) shall be for a reasonable period of
  time having regard to the circumstances"; s.15A(4)(a): the notice must "specify the
  period of the extension" (legislation.govt.nz).
- Canada ATIA s.9(1): the head "may extend the time limit ... for a reasonable period of
  time, having regard to the circumstances", giving notice "within thirty days after the
  request is received" (laws-lois.justice.gc.ca).
- Australia FOI Act s.15(6)/(8) (consultation) and s.15AA (with agreement): 30 more days
  each, fixed by the Act (OAIC, Extension of time for processing requests; ATO copy of
  s.15AA). Ireland FOI Act 2014 s.14(1): "such period as he or she considers necessary
  but not exceeding a period of 4 weeks" (irishstatutebook.ie): the outer limit is the
  Act's, so the engine gives it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .calendars import CALENDAR_RULES, UK_NATIONS, CalendarRule
from .errors import DeadlineInputError, UnknownPlace


class Unit(StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    MONTHS = "months"
    WEEKS = "weeks"


_UNIT_WORDS = {
    Unit.WORKING_DAYS: ("working day", "working days"),
    Unit.CALENDAR_DAYS: ("day", "days"),
    Unit.MONTHS: ("month", "months"),
    Unit.WEEKS: ("week", "weeks"),
}


@dataclass(frozen=True)
class Period:
    amount: int
    unit: Unit

    def describe(self) -> str:
        singular, plural = _UNIT_WORDS[self.unit]
        return f"{self.amount} {singular if self.amount == 1 else plural}"

    def plus(self, other: Period) -> Period:
        if other.unit != self.unit:
            raise ValueError(f"cannot add {other.describe()} to {self.describe()}")
        return Period(self.amount + other.amount, self.unit)


@dataclass(frozen=True)
class ReasonablePeriod:
    """A stage whose length the statute leaves to the body: the engine gives no date."""

    words: str  # the statute's own words, quoted to users
    section: str

    def describe(self) -> str:
        return f'{self.section}: "{self.words}"; the date is the one the body gives'


# Event kinds (ClockEventKind values) that can start the regulator window.
RESPONSE = "response"
REVIEW_DECIDED = "review_decided"


@dataclass(frozen=True)
class Regime:
    code: str
    name: str
    short_name: str
    calendar: str | None  # None: the body's own part of the UK (uk-sar)
    working_day_rule: str
    response: Period
    response_section: str
    # Added to `response`, counted from the same start; a ReasonablePeriod has no date.
    extension: Period | ReasonablePeriod | None
    extension_section: str
    review: Period | None  # counted from the day the review request is received
    review_section: str
    very_overdue: Period  # counted from receipt, like `response`
    very_overdue_basis: str
    regulator: str
    regulator_window: Period | None
    regulator_window_section: str
    regulator_window_from: tuple[str, ...] = (RESPONSE, REVIEW_DECIDED)
    clarification_section: str = ""
    clarification_restarts: bool = True  # False: the clock is only paused (tolled)
    fee_section: str | None = None  # None: a fee notice does not stop the clock
    fee_lapse: Period | None = None
    fee_lapse_section: str = ""
    roll_forward_rule: str | None = None  # moves a date on a non-working day forward
    school_very_overdue: Period | None = None
    school_section: str = ""

    @property
    def calendar_rule(self) -> CalendarRule:
        """Which holidays, whose, and whether substitute days count (uk-sar: England's)."""
        return CALENDAR_RULES[self.calendar or "gb-eng"]


class UnknownRegime(KeyError, DeadlineInputError):
    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown regime"


def _working(days: int) -> Period:
    return Period(days, Unit.WORKING_DAYS)


def _days(days: int) -> Period:
    return Period(days, Unit.CALENDAR_DAYS)


def _months(months: int) -> Period:
    return Period(months, Unit.MONTHS)


_UK_WORKING_DAY = (
    "FOIA s.10(6): a working day is any day other than a Saturday, a Sunday, Christmas Day, "
    "Good Friday or a bank holiday in any part of the UK"
)
_ICO = "Information Commissioner's Office"

UK_FOIA = Regime(
    code="uk-foia",
    name="Freedom of Information Act 2000",
    short_name="FOIA",
    calendar="uk",
    working_day_rule=_UK_WORKING_DAY,
    response=_working(20),
    response_section="FOIA s.10(1)",
    extension=_working(20),
    # s.10(3): "such time as is reasonable in the circumstances"; the ICO expects no more
    # than 20 further working days, and a date beyond it is one the ICO treats as late.
    extension_section=(
        'FOIA s.10(3) public interest extension: "such time as is reasonable in the '
        'circumstances"; the ICO expects no more than 20 further working days (40 in all)'
    ),
    review=_working(20),
    review_section=(
        "FOIA s.45 Code of Practice; ICO guidance: internal review within 20 working days "
        "in most cases, 40 in exceptional circumstances"
    ),
    very_overdue=_working(40),
    very_overdue_basis=(
        "40 working days: beyond even the ICO's limit for a public interest extension"
    ),
    regulator=_ICO,
    regulator_window=Period(6, Unit.WEEKS),
    regulator_window_section=(
        "FOIA s.50; ICO: complain within six weeks of the final response or last "
        "substantive contact"
    ),
    clarification_section="FOIA s.1(3)",
    fee_section="FOIA s.10(2)",
    fee_lapse=_months(3),
    fee_lapse_section="FOIA s.9(2)",
    school_very_overdue=_working(60),
    school_section=(
        "FOI (Time for Compliance with Request) Regulations 2004 (SI 2004/3364) reg 3 and "
        "SI 2010/2768: a school has until the 60th working day at the latest"
    ),
)

UK_EIR = Regime(
    code="uk-eir",
    name="Environmental Information Regulations 2004",
    short_name="EIR",
    calendar="uk",
    working_day_rule="EIR reg 2(1): working days as in " + _UK_WORKING_DAY,
    response=_working(20),
    response_section="EIR reg 5(2)",
    extension=_working(20),
    extension_section="EIR reg 7(1): 40 working days in all for a complex and voluminous request",
    review=_working(40),
    review_section="EIR reg 11(4): reconsideration within 40 working days",
    very_overdue=_working(40),
    very_overdue_basis="40 working days: the EIR reg 7(1) outer limit",
    regulator=_ICO,
    regulator_window=Period(6, Unit.WEEKS),
    regulator_window_section=(
        "EIR reg 18 (FOIA s.50); ICO: complain within six weeks of the final response or "
        "last substantive contact"
    ),
    clarification_section="EIR reg 9(4)",
    fee_section="EIR reg 8 (advance payment)",
)

SCOT_FOISA = Regime(
    code="scot-foisa",
    name="Freedom of Information (Scotland) Act 2002",
    short_name="FOISA",
    calendar="gb-sct",
    working_day_rule=(
        "FOISA s.73: a working day is any day other than a Saturday, a Sunday, Christmas Day "
        "or a bank holiday in Scotland"
    ),
    response=_working(20),
    response_section="FOISA s.10(1)",
    extension=None,
    extension_section="FOISA allows no extension of the 20 working days",
    review=_working(20),
    review_section="FOISA s.21(1)",
    very_overdue=_working(40),
    very_overdue_basis="40 working days: 20 working days past the FOISA s.10(1) limit",
    regulator="Scottish Information Commissioner",
    regulator_window=_months(6),
    regulator_window_section=(
        "FOISA s.47(4): apply within six months of the review outcome, or of the end of the "
        "time allowed for the review"
    ),
    # FOISA s.47(1): an application follows a requirement for review.
    regulator_window_from=(REVIEW_DECIDED,),
    clarification_section="FOISA s.1(3)",
    fee_section="FOISA s.10(2)",
    fee_lapse=_months(3),
    fee_lapse_section="FOISA s.9(4)",
)

UK_SAR = Regime(
    code="uk-sar",
    name="UK GDPR Article 15 and the Data Protection Act 2018 (subject access)",
    short_name="SAR",
    calendar=None,
    working_day_rule=(
        "ICO guidance: a date on a weekend or bank holiday (of the controller's part of the "
        "UK) moves to the next working day"
    ),
    response=_months(1),
    response_section="UK GDPR Art 12(3)",
    extension=_months(2),
    extension_section="UK GDPR Art 12(3): up to two further months, three in all",
    review=None,
    review_section="UK GDPR has no internal review stage",
    very_overdue=_months(3),
    very_overdue_basis="three months: the UK GDPR Art 12(3) outer limit with an extension",
    regulator=_ICO,
    regulator_window=_months(3),
    regulator_window_section=(
        "UK GDPR Art 77; ICO guidance: raise a concern within 3 months of the last "
        "meaningful contact"
    ),
    clarification_section="UK GDPR Art 12A (in force 5 Feb 2026, SI 2026/82)",
    fee_section="UK GDPR Art 12A: the time runs from receipt of the fee",
    roll_forward_rule="ICO guidance on subject access time limits",
)

US_FOIA = Regime(
    code="us-foia",
    name="Freedom of Information Act, 5 U.S.C. § 552",
    short_name="US FOIA",
    calendar="us",
    working_day_rule=(
        "5 U.S.C. 552(a)(6)(A)(i): 20 days excepting Saturdays, Sundays and legal public "
        "holidays (5 U.S.C. 6103, observed dates)"
    ),
    response=_working(20),
    response_section="5 U.S.C. 552(a)(6)(A)(i)",
    extension=_working(10),
    extension_section="5 U.S.C. 552(a)(6)(B)(i): unusual circumstances, up to 10 more working days",
    review=_working(20),
    review_section="5 U.S.C. 552(a)(6)(A)(ii): appeal decided within 20 working days",
    very_overdue=_working(30),
    very_overdue_basis="30 working days: beyond the longest extension of 552(a)(6)(B)(i)",
    regulator="the agency's FOIA appeal authority (administrative appeal)",
    regulator_window=_days(90),
    regulator_window_section=(
        "5 U.S.C. 552(a)(6)(A)(i)(III)(aa): at least 90 days to appeal an adverse determination"
    ),
    regulator_window_from=(RESPONSE,),
    clarification_section="5 U.S.C. 552(a)(6)(A)(ii)(I): the 20 days are tolled once",
    clarification_restarts=False,
    fee_section="5 U.S.C. 552(a)(6)(A)(ii)(II): tolled while fee assessment is clarified",
)

# FOI Act 2014 s.2 defines a week as five consecutive weekdays excluding public holidays,
# so "4 weeks" is 20 working days, not 28 calendar days (foi.gov.ie model letters and OIC
# decisions count it so). With working days no roll-forward rule is needed.
IE_FOI = Regime(
    code="ie-foi",
    name="Freedom of Information Act 2014",
    short_name="FOI Act 2014 (Ireland)",
    calendar="ie",
    working_day_rule=(
        "FOI Act 2014 s.2: a week is five consecutive weekdays, excluding public holidays"
    ),
    response=_working(20),
    response_section="FOI Act 2014 s.13(1): 4 weeks",
    extension=_working(20),
    extension_section="FOI Act 2014 s.14(1): up to 4 further weeks",
    review=_working(15),
    review_section="FOI Act 2014 s.21: internal review decided within 3 weeks",
    very_overdue=_working(40),
    very_overdue_basis="8 weeks: beyond the longest FOI Act 2014 s.14 extension",
    regulator="Office of the Information Commissioner",
    regulator_window=_months(6),
    regulator_window_section="FOI Act 2014 s.22: apply within 6 months of the review decision",
    # s.22 reviews follow an internal review (or its deemed refusal).
    regulator_window_from=(REVIEW_DECIDED,),
    clarification_section="FOI Act 2014 s.15(4): time runs from the amended request",
    fee_section="FOI Act 2014: time is suspended until a deposit is paid",
)

AU_FOI = Regime(
    code="au-foi",
    name="Freedom of Information Act 1982 (Cth)",
    short_name="FOI Act (Cth)",
    calendar="au",
    working_day_rule=(
        "Acts Interpretation Act 1901 s.36(2): a last day on a Saturday, a Sunday or a "
        "public holiday in the place concerned (the body's state or territory, substitute "
        "days included) moves to the next day that is none of these"
    ),
    response=_days(30),
    response_section="FOI Act 1982 s.15(5)(b)",
    extension=_days(30),
    extension_section=(
        "FOI Act 1982 s.15(6) (third-party consultation) or s.15AA (agreed): 30 more days"
    ),
    review=_days(30),
    review_section="FOI Act 1982 s.54C(3): internal review decided within 30 days",
    very_overdue=_days(60),
    very_overdue_basis="60 days: beyond a 30-day extension",
    regulator="Office of the Australian Information Commissioner",
    regulator_window=_days(60),
    regulator_window_section="FOI Act 1982 s.54S(1): IC review within 60 days of the decision",
    clarification_section="FOI Act 1982 s.15(2)-(3): time runs from a request that complies",
    fee_section="FOI Act 1982 s.31: days awaiting payment of a charge are not counted",
    roll_forward_rule=(
        "Acts Interpretation Act 1901 s.36(2): the next day that is not a Saturday, a "
        "Sunday or a holiday in the place concerned"
    ),
)

NZ_OIA = Regime(
    code="nz-oia",
    name="Official Information Act 1982",
    short_name="OIA",
    calendar="nz",
    working_day_rule=(
        "OIA s.2: no weekend, Waitangi Day, Good Friday, Easter Monday, Anzac Day, Sovereign's "
        "birthday, Matariki, Labour Day or day from 25 December to 15 January"
    ),
    response=_working(20),
    response_section="OIA s.15(1)",
    extension=ReasonablePeriod(
        "a reasonable period of time having regard to the circumstances", "OIA s.15A(2)"
    ),
    extension_section=(
        'OIA s.15A(2): "a reasonable period of time having regard to the circumstances", '
        "specified in a notice given within 20 working days (s.15A(3)-(4))"
    ),
    review=None,
    review_section="the OIA has no internal review stage",
    very_overdue=_working(40),
    very_overdue_basis="40 working days: 20 working days past the OIA s.15(1) limit",
    regulator="Ombudsman",
    regulator_window=None,
    regulator_window_section="OIA s.28: no time limit for a complaint to the Ombudsman",
    clarification_section="OIA s.15(1AA): a clarified request is treated as a new request",
)

CA_ATI = Regime(
    code="ca-ati",
    name="Access to Information Act (R.S.C. 1985, c. A-1)",
    short_name="ATIA",
    calendar="ca",
    working_day_rule=(
        "Interpretation Act s.26: a time limit ending on a holiday runs to the next day that "
        "is not one; s.35 holidays include Easter Monday and, in a province, its holidays; "
        "TBS Access to Information Manual 7.1.1 treats Saturdays alike"
    ),
    response=_days(30),
    response_section="ATIA s.7",
    extension=ReasonablePeriod(
        "for a reasonable period of time, having regard to the circumstances", "ATIA s.9(1)"
    ),
    extension_section=(
        'ATIA s.9(1): "for a reasonable period of time, having regard to the circumstances", '
        "notified within thirty days after the request is received"
    ),
    review=None,
    review_section="the ATIA has no internal review stage",
    very_overdue=_days(60),
    very_overdue_basis="60 days: beyond a 30-day extension",
    regulator="Information Commissioner of Canada",
    regulator_window=_days(60),
    regulator_window_section="ATIA s.31: complaint within 60 days of the response",
    regulator_window_from=(RESPONSE,),
    clarification_section="TBS Access to Information Manual: time runs from a clarified request",
    roll_forward_rule=(
        "Interpretation Act (R.S.C. 1985, c. I-21) s.26 and s.35; TBS manual 7.1.1 for Saturdays"
    ),
)

REGIMES: dict[str, Regime] = {
    regime.code: regime
    for regime in (
        UK_FOIA,
        UK_EIR,
        SCOT_FOISA,
        UK_SAR,
        US_FOIA,
        IE_FOI,
        AU_FOI,
        NZ_OIA,
        CA_ATI,
    )
}


def get_regime(code: str) -> Regime:
    try:
        return REGIMES[code]
    except KeyError:
        raise UnknownRegime(
            f"unknown regime {code!r}; expected one of {', '.join(REGIMES)}"
        ) from None


_SUBDIVISION_CALENDARS = {subdiv: code for code, (subdiv, _) in UK_NATIONS.items()}
# A UK-wide body has no single nation; England's calendar is the default.
_UK_WIDE = frozenset({"GB", "UK"})


# Every nation a body may have: the four parts of the UK (and the UK as a whole) and the
# countries whose FOI law we track.
NATIONS = frozenset({"ENG", "WLS", "SCT", "NIR", "GB", "UK", "US", "IE", "AU", "NZ", "CA"})


def check_nation(nation: str | None) -> str | None:
    if nation and nation.strip().upper() not in NATIONS:
        raise UnknownPlace(
            f"unknown nation {nation!r}; expected one of {', '.join(sorted(NATIONS))}"
        )
    return nation.strip().upper() if nation else None


def calendar_code_for(regime: Regime, nation: str | None = None) -> str:
    """The calendar the regime counts on; uk-sar uses the body's part of the UK."""
    nation = check_nation(nation)
    if regime.calendar is not None:
        return regime.calendar
    key = (nation or "GB").upper()
    if key in _UK_WIDE:
        return "gb-eng"
    if key in _SUBDIVISION_CALENDARS:
        return _SUBDIVISION_CALENDARS[key]
    if key.lower() in UK_NATIONS:
        return key.lower()
    raise UnknownPlace(
        f"{regime.short_name} needs a part of the UK (ENG, WLS, SCT or NIR), not {nation!r}"
    )
