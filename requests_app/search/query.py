"""What the user typed into the search box, parsed once and written out for each backend.

The syntax is PostgreSQL's `websearch_to_tsquery`: words are all required, "quoted words"
must appear together in that order, `or` between two words accepts either, and `-word`
leaves out what contains it. Anything else a user types — a stray quote, `*`, `:`,
brackets, NEAR, emoji, right-to-left text, a pasted page of text — is read as ordinary
text and can never become query syntax: every word goes to the backend quoted, and a word
without a letter or digit in it is dropped, since neither backend could index it.

A trailing `*` does not make a prefix search: both backends stem English words instead
(PostgreSQL's snowball stemmer, SQLite's porter tokenizer), so "contracts" finds
"contract" and "contracting".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 500
MAX_WORDS = 24

# The highlighting markers travel through the database inside snippets; a query may not
# carry them in.
START_MARK = "\ue000"
STOP_MARK = "\ue001"

_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Operand:
    """One word, or several that must appear together ("a phrase")."""

    text: str

    @property
    def words(self) -> list[str]:
        return self.text.split(" ")

    def websearch(self) -> str:
        return f'"{self.text}"'

    def fts5(self) -> str:
        # Inside an FTS5 string only the double quote is special; the parser removed them.
        return '"' + self.text.replace('"', '""') + '"'


@dataclass(frozen=True)
class ParsedQuery:
    """All of `required` (each one of its alternatives), none of `excluded`."""

    text: str
    required: tuple[tuple[Operand, ...], ...] = ()
    excluded: tuple[Operand, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def is_searchable(self) -> bool:
        return bool(self.required)

    def websearch(self) -> str:
        """The query in `websearch_to_tsquery` syntax, every word quoted."""
        groups = [" or ".join(operand.websearch() for operand in group) for group in self.required]
        excluded = [f"-{operand.websearch()}" for operand in self.excluded]
        return " ".join(groups + excluded)

    def fts5(self) -> str:
        """The query as an FTS5 MATCH expression, bracketed so precedence never matters."""
        groups = [
            "(" + " OR ".join(operand.fts5() for operand in group) + ")" for group in self.required
        ]
        expression = "(" + " AND ".join(groups) + ")"
        for operand in self.excluded:
            expression = f"({expression} NOT {operand.fts5()})"
        return expression


# --- reading the box -----------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    text: str
    quoted: bool = False
    negated: bool = False
    is_or: bool = False


def parse_query(raw: str | None) -> ParsedQuery:
    notes: list[str] = []
    text = clean(raw or "")
    if len(text) > MAX_QUERY_CHARS:
        text = shorten(text)
        notes.append(
            f"Your search was longer than {MAX_QUERY_CHARS} characters, so only its "
            "beginning was used."
        )
    required, excluded, dropped = _group(_tokens(text))
    if dropped:
        notes.append(f"Only the first {MAX_WORDS} words or phrases of your search were used.")
    return ParsedQuery(text, tuple(required), tuple(excluded), tuple(notes))


def clean(raw: str) -> str:
    """Control characters, our highlight markers and unpaired surrogates become spaces."""
    kept = []
    for char in raw:
        category = unicodedata.category(char)
        if char in (START_MARK, STOP_MARK) or category in ("Cc", "Cs", "Co"):
            kept.append(" ")
        else:
            kept.append(char)
    return _WHITESPACE.sub(" ", "".join(kept)).strip()


def shorten(text: str) -> str:
    cut = text[:MAX_QUERY_CHARS]
    space = cut.rfind(" ")
    return cut[:space] if space > MAX_QUERY_CHARS // 2 else cut


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        if text[position] == " ":
            position += 1
            continue
        negated = text[position] == "-" and position + 1 < len(text) and text[position + 1] != " "
        if negated:
            position += 1
        token, position = _read(text, position, negated)
        tokens.append(token)
    return tokens


def _read(text: str, position: int, negated: bool) -> tuple[_Token, int]:
    if text[position] == '"':
        # An unbalanced quote runs to the end, as in websearch_to_tsquery.
        end = text.find('"', position + 1)
        end = len(text) if end == -1 else end
        return _Token(text[position + 1 : end], quoted=True, negated=negated), end + 1
    end = position
    while end < len(text) and text[end] not in ' "':
        end += 1
    word = text[position:end]
    is_or = not negated and word.lower() == "or"
    return _Token(word, negated=negated, is_or=is_or), end


def _group(tokens: list[_Token]) -> tuple[list[tuple[Operand, ...]], list[Operand], bool]:
    """Required groups of alternatives, and the excluded operands."""
    required: list[list[Operand]] = []
    excluded: list[Operand] = []
    after_word = False  # the previous token was a word we kept as required
    joins_previous = False
    count = 0
    dropped = False
    for token in tokens:
        if token.is_or:
            joins_previous = after_word
            continue
        operand = _operand(token.text)
        if operand is not None and count >= MAX_WORDS:
            dropped, operand = True, None
        if operand is None:
            after_word = joins_previous = False
            continue
        count += 1
        if token.negated:
            # "-word" only ever leaves things out; it does not take part in an "or".
            excluded.append(operand)
        elif joins_previous:
            required[-1].append(operand)
        else:
            required.append([operand])
        after_word = not token.negated
        joins_previous = False
    return [tuple(group) for group in required], excluded, dropped


def _operand(text: str) -> Operand | None:
    words = _WHITESPACE.sub(" ", text.replace('"', " ")).strip()
    if not any(unicodedata.category(char)[0] in "LN" for char in words):
        return None
    return Operand(words)
