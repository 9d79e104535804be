"""The one family of errors the deadline engine raises for input it cannot work with.

Every message is one line a person can act on; the command, the calculator page and the
API show it as it is. All are ``ValueError`` so that older callers that catch
``ValueError`` keep working.
"""

from __future__ import annotations

from datetime import date

# The years the engine builds calendars for. The `holidays` package's rules are not meant
# for the distant past or future, and a year outside this range is almost always a typing
# slip (0437 for 2026-04-03, 9999 for "never").
FIRST_SUPPORTED_DATE = date(1950, 1, 1)
LAST_SUPPORTED_DATE = date(2200, 12, 31)


class DeadlineInputError(ValueError):
    """Input the engine cannot work with; ``str()`` is a one-line message for users."""


class DateOutOfRange(DeadlineInputError):
    """A date (given, or reached by counting) outside the supported range."""

    def __init__(self, day: date | int) -> None:
        what = str(day) if isinstance(day, int) else day.isoformat()
        super().__init__(
            f"{what} is outside the dates the deadline engine supports "
            f"({FIRST_SUPPORTED_DATE.isoformat()} to {LAST_SUPPORTED_DATE.isoformat()})"
        )


class UnknownStage(DeadlineInputError):
    """A stage name that no regime has."""


class StageNotInRegime(DeadlineInputError):
    """A stage the regime has no time limit for (e.g. an internal review under the OIA)."""


class UnknownPlace(DeadlineInputError):
    """A nation, state, territory or province the engine does not know."""


def check_supported(day: date) -> date:
    if not FIRST_SUPPORTED_DATE <= day <= LAST_SUPPORTED_DATE:
        raise DateOutOfRange(day)
    return day
