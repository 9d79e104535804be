"""Search terms from a query string, and page text with those terms marked.

The page text comes from outside (a public body's PDF), so it is escaped piece by piece
and only our own <mark> tags are added around the escaped matches.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

TERM = re.compile(r'(-?)"([^"]*)"|(\S+)')
OPERATORS = frozenset({"or", "and", "not"})
MAX_TERMS = 10
MIN_TERM_LENGTH = 2


def search_terms(query: str) -> list[str]:
    """The words and "quoted phrases" of a web-search style query, without operators or
    -negated terms, longest first so a phrase wins over a word inside it."""
    terms: list[str] = []
    for match in TERM.finditer(query[:500]):
        negated, phrase, word = match.groups()
        term = phrase if phrase is not None else word
        if negated or term.startswith("-") or term.lower() in OPERATORS:
            continue
        term = " ".join(term.strip('"').split())
        if len(term) >= MIN_TERM_LENGTH and term.lower() not in (t.lower() for t in terms):
            terms.append(term)
    return sorted(terms[:MAX_TERMS], key=len, reverse=True)


def term_pattern(terms: list[str]) -> re.Pattern[str] | None:
    if not terms:
        return None
    # Words of a phrase may be split across lines in the page text.
    alternatives = (r"\s+".join(re.escape(word) for word in term.split()) for term in terms)
    return re.compile("|".join(alternatives), re.IGNORECASE)


def highlight(text: str, terms: list[str]) -> SafeString:
    """`text` escaped, with each occurrence of a term in <mark>."""
    pattern = term_pattern(terms)
    if pattern is None:
        return escape(text)
    parts: list[str] = []
    position = 0
    for match in pattern.finditer(text):
        parts.append(escape(text[position : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped
