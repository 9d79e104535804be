"""Statutory deadline engine: pure Python, no Django.

Frozen dataclasses in, dates and explanations out. The model layer calls
``compute_deadlines`` and stores the dates; the ``deadline`` command calls ``due_for_stage``.
"""

from __future__ import annotations

from .calendars import (
    CALENDAR_CODES,
    CALENDAR_RULES,
    Calendar,
    CalendarRule,
    ExtraNonWorkingDay,
    SkippedDay,
    calendar_for,
)
from .clock import (
    STAGES,
    BodySetsDate,
    ClockEvent,
    ClockEventKind,
    ClockInput,
    Deadline,
    Deadlines,
    Explanation,
    StageDeadline,
    compute_deadlines,
    due_for_stage,
)
from .errors import (
    FIRST_SUPPORTED_DATE,
    LAST_SUPPORTED_DATE,
    DateOutOfRange,
    DeadlineInputError,
    StageNotInRegime,
    UnknownPlace,
    UnknownStage,
)
from .regimes import (
    REGIMES,
    Period,
    ReasonablePeriod,
    Regime,
    Unit,
    UnknownRegime,
    calendar_code_for,
    get_regime,
)

__all__ = [
    "CALENDAR_CODES",
    "CALENDAR_RULES",
    "FIRST_SUPPORTED_DATE",
    "LAST_SUPPORTED_DATE",
    "REGIMES",
    "STAGES",
    "BodySetsDate",
    "Calendar",
    "CalendarRule",
    "ClockEvent",
    "ClockEventKind",
    "ClockInput",
    "DateOutOfRange",
    "Deadline",
    "DeadlineInputError",
    "Deadlines",
    "Explanation",
    "ExtraNonWorkingDay",
    "Period",
    "ReasonablePeriod",
    "Regime",
    "SkippedDay",
    "StageDeadline",
    "StageNotInRegime",
    "Unit",
    "UnknownPlace",
    "UnknownRegime",
    "UnknownStage",
    "calendar_code_for",
    "calendar_for",
    "compute_deadlines",
    "due_for_stage",
    "get_regime",
]
