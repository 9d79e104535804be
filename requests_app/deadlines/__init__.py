"""Statutory deadline engine: pure Python, no Django.

Frozen dataclasses in, dates and explanations out. The model layer calls
``compute_deadlines`` and stores the dates; the ``deadline`` command calls ``due_for_stage``.
"""

from __future__ import annotations

from .calendars import (
    CALENDAR_CODES,
    Calendar,
    ExtraNonWorkingDay,
    SkippedDay,
    calendar_for,
)
from .clock import (
    STAGES,
    ClockEvent,
    ClockEventKind,
    ClockInput,
    Deadline,
    Deadlines,
    Explanation,
    compute_deadlines,
    due_for_stage,
)
from .regimes import (
    REGIMES,
    Period,
    Regime,
    Unit,
    UnknownRegime,
    calendar_code_for,
    get_regime,
)

__all__ = [
    "CALENDAR_CODES",
    "REGIMES",
    "STAGES",
    "Calendar",
    "ClockEvent",
    "ClockEventKind",
    "ClockInput",
    "Deadline",
    "Deadlines",
    "Explanation",
    "ExtraNonWorkingDay",
    "Period",
    "Regime",
    "SkippedDay",
    "Unit",
    "UnknownRegime",
    "calendar_code_for",
    "calendar_for",
    "compute_deadlines",
    "due_for_stage",
    "get_regime",
]
