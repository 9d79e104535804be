"""What every extractor is given and what it gives back.

An extractor is a generator: it takes a `Source` and yields `PageCount`, `PageText` and
`EmbeddedFile` events as it goes, so pages reach the database (and the progress bar)
while a long document is still being read. A problem it cannot get past is raised as an
`ExtractionProblem`, whose status and reason end up on the attachment.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from requests_app.extraction.limits import ExtractionLimits, OcrSettings
from requests_app.models.documents import ExtractionStatus


@dataclass(frozen=True)
class PageCount:
    total: int


@dataclass(frozen=True)
class PageText:
    number: int
    text: str
    needs_ocr: bool = False


@dataclass(frozen=True)
class PageSkipped:
    """A page OCR could not read; the other pages go on."""

    number: int
    reason: str


@dataclass(frozen=True)
class EmbeddedFile:
    """A file found inside an archive or an email, written to `path` in the work folder."""

    filename: str
    path: str
    size: int


@dataclass(frozen=True)
class Outcome:
    """The last event of every run: how it ended and why."""

    status: str
    detail: str = ""
    kind: str = ""


Event = PageCount | PageText | PageSkipped | EmbeddedFile | Outcome


class ExtractionProblem(Exception):
    status: str = ExtractionStatus.FAILED

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class Damaged(ExtractionProblem):
    """The file is broken or truncated."""


class LimitReached(ExtractionProblem):
    """A safety limit stopped the work; what was read so far is kept."""


class Encrypted(ExtractionProblem):
    status = ExtractionStatus.ENCRYPTED


class Unsupported(ExtractionProblem):
    status = ExtractionStatus.UNSUPPORTED


@dataclass(frozen=True)
class Source:
    """One file to read, with the limits that apply to it."""

    path: Path
    workdir: Path
    limits: ExtractionLimits
    ocr: OcrSettings
    deadline: float  # time.monotonic() when the run must stop
    time_limit: float  # the limit the deadline came from, for the message
    depth: int = 0
    unpack_budget: int = 0

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    def seconds_left(self) -> float:
        return self.deadline - time.monotonic()

    def check_time(self, progress: str) -> None:
        """The page-loop deadline: stop between two pages, keeping what was read."""
        if self.seconds_left() <= 0:
            raise LimitReached(f"Stopped at the time limit of {self.time_limit:g} s {progress}.")


Extractor = Callable[[Source], Iterator[Event]]

# PostgreSQL refuses NUL in text; other C0 controls are debris from PDF text layers.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """Text safe to store: newlines normalised, controls and lone surrogates removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n")
    text = CONTROL_CHARACTERS.sub("", text)
    return text.encode("utf-8", "replace").decode("utf-8").strip()


def split_into_sections(text: str, max_chars: int) -> list[str]:
    """Text without pages cut into sections of at most `max_chars`, at line ends when possible."""
    sections: list[str] = []
    while len(text) > max_chars:
        cut = text.rfind("\n", max_chars // 2, max_chars)
        if cut == -1:
            cut = max_chars
        sections.append(text[:cut].strip())
        text = text[cut:]
    if text.strip() or not sections:
        sections.append(text.strip())
    return sections
