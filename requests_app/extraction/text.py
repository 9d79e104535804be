"""Plain text, CSV and HTML: decoded whatever their character set, HTML sanitised first."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import nh3

from requests_app.extraction.base import (
    Event,
    LimitReached,
    PageCount,
    PageText,
    Source,
    split_into_sections,
)
from requests_app.extraction.sniffing import HEAD_BYTES, UNICODE_BOMS, csv_delimiter

META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.I)


def read_all(source: Source) -> bytes:
    if source.size > source.limits.max_file_bytes:
        raise LimitReached("The file is larger than the limit for one file.")
    return source.path.read_bytes()


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Text from bytes: a byte order mark wins, then a declared charset, then UTF-8.

    Anything that is not valid UTF-8 is read as Windows-1252, the usual alternative in
    mail from British public bodies; it maps every byte, so nothing is lost silently.
    """
    for bom, codec in UNICODE_BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, "replace")
    if declared and _known_codec(declared):
        return data.decode(declared, "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def _known_codec(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def text_pages(text: str, source: Source, prefix: str = "") -> Iterator[Event]:
    sections = split_into_sections(text, source.limits.section_chars)
    yield PageCount(len(sections))
    for number, section in enumerate(sections, start=1):
        yield PageText(number, prefix + section)


def extract_plain_text(source: Source) -> Iterator[Event]:
    yield from text_pages(decode_text(read_all(source)), source)


def extract_csv(source: Source) -> Iterator[Event]:
    """Rows as tab-separated lines, so each cell reads as a word of its own."""
    text = decode_text(read_all(source))
    delimiter = csv_delimiter(text[:HEAD_BYTES]) or ","
    try:
        rows = [_csv_line(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error:
        rows = text.splitlines()  # a field too large or a stray NUL: keep the text as it is
    yield from text_pages("\n".join(row for row in rows if row), source)


def _csv_line(row: list[str]) -> str:
    return "\t".join(cell.strip() for cell in row).rstrip("\t")


def extract_html(source: Source) -> Iterator[Event]:
    data = read_all(source)
    declared = META_CHARSET.search(data[:HEAD_BYTES])
    html = decode_text(data, declared.group(1).decode("ascii", "ignore") if declared else None)
    yield from text_pages(html_to_text(html), source)


def html_to_text(html: str) -> str:
    """Sanitise with nh3 (no script, style or comment survives), then keep the words."""
    reader = HtmlTextReader()
    reader.feed(nh3.clean(html))
    reader.close()
    return reader.text()


# Paragraph-like blocks are set apart by a blank line; lines (list items, rows) by a break.
BLOCK_TAGS = frozenset(
    "address article aside blockquote div dl figcaption figure footer h1 h2 h3 h4 h5 h6 "
    "header hr main nav ol p pre section table ul".split()
)
LINE_TAGS = frozenset({"br", "dd", "dt", "li", "tr"})
CELL_TAGS = frozenset({"td", "th"})
BLANK_LINES = re.compile(r"\n[ \t]*(\n[ \t]*)+")
SPACES = re.compile(r"[ \t\r\f\v]+")


class HtmlTextReader(HTMLParser):
    """The text of sanitised HTML: blank lines between blocks, a tab between cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK_TAGS:
            self.parts.append("\n\n")
        elif tag in LINE_TAGS:
            self.parts.append("\n")
        elif tag in CELL_TAGS:
            self.parts.append("\t")

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(SPACES.sub(" ", data.replace("\n", " ")))

    def text(self) -> str:
        lines = (line.strip(" \t") for line in "".join(self.parts).split("\n"))
        return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
