"""Answer values: what a person types, checked and normalised for the field's kind, and
suggestions read from a member's replies and their attachments' text.

Values are normalised so that the exported table is one data set: numbers without
thousands separators or currency signs, dates as ISO dates (typed the UK way round,
day first), yes/no as "yes"/"no", text as typed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from requests_app.models import AnswerField, AnswerKind, Direction, DocumentPage, Message

MAX_TEXT = 5000
MAX_DIGITS = 16  # before the point: DecimalField(max_digits=20, decimal_places=4)
MAX_SUGGESTIONS = 5
WINDOW = 160  # characters after a keyword in which its value is looked for

YES_WORDS = {"yes", "y", "true", "1"}
NO_WORDS = {"no", "n", "false", "0"}
MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y")
NUMBER = re.compile(r"(?<![\w.])[-−]?[£$€]?\d[\d,]*(?:\.\d+)?%?(?![\w/])")
DATE = re.compile(
    rf"\b(?:\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})[a-z]*\.?\s+\d{{4}})\b",
    re.IGNORECASE,
)
YES_NO = re.compile(r"\b(yes|no)\b", re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<=[.!?])\s|\n")


class InvalidAnswer(ValueError):
    """The text is not a value of the field's kind; the message says what would be."""


@dataclass(frozen=True)
class NormalisedValue:
    text: str
    number: Decimal | None = None
    date: dt.date | None = None
    boolean: bool | None = None


def normalise(kind: str, raw: str) -> NormalisedValue:
    text = raw.strip()
    if kind == AnswerKind.NUMBER:
        return _number(text)
    if kind == AnswerKind.DATE:
        return _date(text)
    if kind == AnswerKind.YES_NO:
        return _yes_no(text)
    if len(text) > MAX_TEXT:
        raise InvalidAnswer(f"Keep it under {MAX_TEXT} characters.")
    return NormalisedValue(text)


def _number(text: str) -> NormalisedValue:
    cleaned = re.sub(r"[\s,£$€]", "", text).replace("−", "-").removesuffix("%")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidAnswer(f"“{text}” is not a number; write it like 1234 or 1,234.5.") from None
    if not number.is_finite() or abs(number) >= Decimal(10) ** MAX_DIGITS:
        raise InvalidAnswer(f"“{text}” is not a number this table can hold.")
    number = number.quantize(Decimal("0.0001"))
    plain = format(number.normalize(), "f")
    return NormalisedValue(plain, number=number)


def parse_date(text: str) -> dt.date | None:
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.strip(), flags=re.IGNORECASE)
    cleaned = re.sub(r"\s+", " ", cleaned.replace("Sept", "Sep")).rstrip(".")
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    return None


def _date(text: str) -> NormalisedValue:
    found = parse_date(text)
    if found is None:
        raise InvalidAnswer(f"“{text}” is not a date; write it like 31/03/2026 or 2026-03-31.")
    return NormalisedValue(found.isoformat(), date=found)


def _yes_no(text: str) -> NormalisedValue:
    word = text.lower().rstrip(".")
    if word in YES_WORDS:
        return NormalisedValue("yes", boolean=True)
    if word in NO_WORDS:
        return NormalisedValue("no", boolean=False)
    raise InvalidAnswer(f"“{text}” is neither yes nor no.")


# --- suggestions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceText:
    """A piece of a member's correspondence that answers may be read from."""

    message: Message
    label: str  # "the reply of 12 Jan 2026", "figures.xlsx, page 2"
    text: str


@dataclass(frozen=True)
class Suggestion:
    value: str  # as the form accepts it
    context: str  # the words around it, for the person to judge
    label: str
    message_id: int


def source_texts(messages: Iterable[Message], pages: Iterable[DocumentPage]) -> list[SourceText]:
    """Reply bodies then attachment pages (prefetched with their attachment and message)."""
    found = []
    for message in messages:
        if message.direction == Direction.INCOMING and message.body_text.strip():
            day = timezone.localtime(message.sent_at).strftime("%-d %b %Y")
            found.append(SourceText(message, f"the reply of {day}", message.body_text))
    for page in pages:
        attachment = page.attachment
        label = f"{attachment.filename}, page {page.number}"
        found.append(SourceText(attachment.message, label, page.text))
    return found


def suggestions(field: AnswerField, texts: Iterable[SourceText]) -> list[Suggestion]:
    """Values next to the field's keywords: the cell beside a label, or the words after it."""
    found: dict[str, Suggestion] = {}
    for source in texts:
        for value, context in _values_near_keywords(field, source.text):
            found.setdefault(value, Suggestion(value, context, source.label, source.message.pk))
            if len(found) >= MAX_SUGGESTIONS:
                return list(found.values())
    return list(found.values())


def _values_near_keywords(field: AnswerField, text: str) -> Iterator[tuple[str, str]]:
    keywords = [word.lower() for word in field.keyword_list]
    for line in text.splitlines():
        lowered = line.lower()
        if not any(word in lowered for word in keywords):
            continue
        if "\t" in line:
            yield from _cells_beside(field.kind, line.split("\t"), keywords)
        else:
            yield from _words_after(field.kind, line, lowered, keywords)


def _cells_beside(kind: str, cells: list[str], keywords: list[str]) -> Iterator[tuple[str, str]]:
    """A spreadsheet row (extracted as tab-separated cells): the first value after the label."""
    for index, cell in enumerate(cells):
        if any(word in cell.lower() for word in keywords):
            for later in cells[index + 1 :]:
                value = _accepted(kind, later)
                if value is not None:
                    yield value, " | ".join(cell.strip() for cell in cells if cell.strip())
                    break


def _words_after(
    kind: str, line: str, lowered: str, keywords: list[str]
) -> Iterator[tuple[str, str]]:
    for word in keywords:
        start = lowered.find(word)
        while start >= 0:
            window = line[start + len(word) : start + len(word) + WINDOW]
            value = _first_in(kind, window, line, start)
            if value is not None:
                yield value, _context(line, start)
            start = lowered.find(word, start + 1)


def _first_in(kind: str, window: str, line: str, start: int) -> str | None:
    if kind == AnswerKind.NUMBER:
        match = NUMBER.search(window)
        return _accepted(kind, match[0].rstrip(",")) if match else None
    if kind == AnswerKind.DATE:
        match = DATE.search(window)
        return _accepted(kind, match[0]) if match else None
    if kind == AnswerKind.YES_NO:
        match = YES_NO.search(window)
        return match[1].lower() if match else None
    sentence = _sentence(line, start)
    return sentence or None


def _accepted(kind: str, raw: str) -> str | None:
    try:
        return normalise(kind, raw).text if raw.strip() else None
    except InvalidAnswer:
        return None


def _sentence(line: str, start: int) -> str:
    before = [m.end() for m in SENTENCE_END.finditer(line, 0, start)]
    after = SENTENCE_END.search(line, start)
    return line[before[-1] if before else 0 : after.start() if after else len(line)].strip()[:300]


def _context(line: str, start: int) -> str:
    begin = max(0, start - 40)
    snippet = line[begin : start + WINDOW].strip()
    return ("…" if begin else "") + snippet
