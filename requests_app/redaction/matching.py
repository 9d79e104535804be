"""Finding what to redact in a page's words: patterns (regular expressions) and word lists.

A match covers whole words: a pattern that matches part of a word ("jane@" in
"jane@example.org") blacks out the whole word, never leaves half of it readable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from requests_app.redaction.geometry import Area
from requests_app.redaction.layout import PageLayout, Word

MAX_PATTERN_LENGTH = 300


class BadPattern(ValueError):
    """A pattern that does not compile, or would match everything."""


@dataclass(frozen=True)
class Occurrence:
    """One match on a page: the text found and the area of each line it spans."""

    page: int
    text: str
    areas: tuple[Area, ...]


def compile_patterns(patterns: list[str], words: list[str]) -> list[re.Pattern[str]]:
    """Patterns as given (add (?i) for case), and listed words/phrases case-insensitively."""
    compiled = [_compile(pattern) for pattern in patterns if pattern.strip()]
    for phrase in words:
        parts = phrase.split()
        if parts:
            body = r"\s+".join(re.escape(part) for part in parts)
            compiled.append(re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE))
    return compiled


def _compile(pattern: str) -> re.Pattern[str]:
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise BadPattern(f"A pattern may be at most {MAX_PATTERN_LENGTH} characters long.")
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        raise BadPattern(
            f"The pattern {pattern!r} is not a valid regular expression: {error}."
        ) from error
    if compiled.search(""):
        raise BadPattern(f"The pattern {pattern!r} matches empty text, so it would match anywhere.")
    return compiled


def page_text(layout: PageLayout) -> tuple[str, list[tuple[int, int, Word]]]:
    """The page as text (words by spaces, lines by newlines) and where each word sits in it."""
    parts: list[str] = []
    spans: list[tuple[int, int, Word]] = []
    offset, line = 0, None
    for word in layout.words:
        if line is not None:
            parts.append("\n" if word.line != line else " ")
            offset += 1
        spans.append((offset, offset + len(word.text), word))
        parts.append(word.text)
        offset += len(word.text)
        line = word.line
    return "".join(parts), spans


def find_occurrences(layout: PageLayout, patterns: list[re.Pattern[str]]) -> list[Occurrence]:
    if not patterns or not layout.words:
        return []
    text, spans = page_text(layout)
    found = []
    for pattern in patterns:
        for match in pattern.finditer(text):
            covered = [
                word for start, end, word in spans if start < match.end() and end > match.start()
            ]
            if covered:
                found.append(Occurrence(layout.number, match.group(0), _line_areas(covered)))
    return found


def _line_areas(words: list[Word]) -> tuple[Area, ...]:
    """One area per line the match spans."""
    by_line: dict[int, Area] = {}
    for word in words:
        by_line[word.line] = (
            by_line[word.line].union(word.area) if word.line in by_line else word.area
        )
    return tuple(by_line.values())
