"""Areas on a page, in PDF points (1/72 inch) measured from the page's top-left corner.

That is the one unit of every box: what the browser draws, what `manage.py redact --box`
takes, what the log prints. Pages are taken as they are shown (after any /Rotate).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    x0: float
    y0: float
    x1: float
    y1: float

    @classmethod
    def normalised(cls, x0: float, y0: float, x1: float, y1: float) -> Area:
        return cls(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def overlaps(self, other: Area) -> bool:
        """True when the two share any point, edges included: a touch counts as covered."""
        return (
            self.x0 <= other.x1
            and other.x0 <= self.x1
            and self.y0 <= other.y1
            and other.y0 <= self.y1
        )

    def union(self, other: Area) -> Area:
        return Area(
            min(self.x0, other.x0),
            min(self.y0, other.y0),
            max(self.x1, other.x1),
            max(self.y1, other.y1),
        )

    def padded(self, by: float) -> Area:
        return Area(self.x0 - by, self.y0 - by, self.x1 + by, self.y1 + by)

    def clipped(self, width: float, height: float) -> Area:
        return Area(max(0.0, self.x0), max(0.0, self.y0), min(width, self.x1), min(height, self.y1))

    def label(self) -> str:
        return f"{self.x0:.0f},{self.y0:.0f}–{self.x1:.0f},{self.y1:.0f} pt"


@dataclass(frozen=True)
class Reason:
    """Why something was withheld: personal data, an exemption (by id) or free text."""

    kind: str  # a ReasonKind value
    text: str = ""
    exemption_id: int | None = None
    label: str = ""  # as the log prints it, e.g. "FOIA s.40(2): a junior official"


@dataclass(frozen=True)
class Mark:
    """An area to black out on a page (1-based), and why."""

    page: int
    area: Area
    source: str  # a MarkSource value
    reason: Reason
