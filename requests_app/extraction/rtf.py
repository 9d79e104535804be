"""A small RTF reader: the visible text of a Rich Text Format document (RTF 1.9.1).

It knows groups, control words, hex escapes in the document's code page, Unicode
escapes with their fallbacks, binary runs, and which destinations are not text (font
tables, pictures, field instructions). Everything else is ignored, which is what a
reader without layout needs.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

TOKEN = re.compile(
    r"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?"  # control word, optional parameter, its delimiter
    r"|\\'([0-9a-fA-F]{2})"  # a byte in the document's code page
    r"|\\(.)"  # control symbol
    r"|([{}])"
    r"|[\r\n]+"  # line breaks in the file are not text
    r"|([^\\{}\r\n]+)",
    re.S,
)

# Destinations whose content is not part of the document's text.
SKIPPED_DESTINATIONS = frozenset(
    "fonttbl colortbl stylesheet info pict object objdata themedata colorschememapping "
    "datastore latentstyles listtable listoverridetable rsidtbl generator xmlnstbl mmathPr "
    "fldinst filetbl revtbl pgdsctbl bkmkstart bkmkend nonshppict shppict blipuid "
    "header headerl headerr headerf footer footerl footerr footerf private".split()
)
WORD_TEXT = {
    "par": "\n",
    "line": "\n",
    "sect": "\n",
    "page": "\n",
    "row": "\n",
    "tab": "\t",
    "cell": "\t",
    "emdash": "\u2014",
    "endash": "\u2013",
    "bullet": "\u2022",
    "lquote": "\u2018",
    "rquote": "\u2019",
    "ldblquote": "\u201c",
    "rdblquote": "\u201d",
    "emspace": " ",
    "enspace": " ",
}
SYMBOL_TEXT = {"\\": "\\", "{": "{", "}": "}", "~": "\u00a0", "_": "-", "-": ""}
CHARSET_CODE_PAGES = {"ansi": "cp1252", "mac": "mac_roman", "pc": "cp437", "pca": "cp850"}


@dataclass(frozen=True)
class GroupState:
    skipping: bool = False
    unicode_skip: int = 1  # \ucN: how many fallback characters follow a \uN


class RtfReader:
    def __init__(self, check_time: Callable[[], None] = lambda: None) -> None:
        self.check_time = check_time
        self.code_page = "cp1252"
        self.state = GroupState()
        self.stack: list[GroupState] = []
        self.out: list[str] = []
        self.pending = bytearray()  # hex bytes, decoded together for multi-byte code pages
        self.fallback_left = 0
        self.group_start = False

    def read(self, document: str) -> str:
        position, tokens = 0, 0
        while position < len(document):
            match = TOKEN.match(document, position)
            if match is None:  # a lone backslash at the very end
                break
            position = match.end()
            position += self._token(match)
            tokens += 1
            if tokens % 50_000 == 0:
                self.check_time()
        self._flush()
        return "".join(self.out)

    def _token(self, match: re.Match[str]) -> int:
        """Handle one token; returns how many extra characters to skip (for \\bin)."""
        word, parameter, hex_byte, symbol, brace, text = match.groups()
        starts_group = self.group_start
        self.group_start = False
        if brace:
            self._brace(brace)
        elif word:
            return self._word(word, parameter, starts_group)
        elif hex_byte:
            self._byte(int(hex_byte, 16))
        elif symbol:
            self._symbol(symbol, starts_group)
        elif text:
            self._text(text)
        return 0

    def _brace(self, brace: str) -> None:
        self._flush()
        if brace == "{":
            self.stack.append(self.state)
            self.group_start = True
        elif self.stack:
            self.state = self.stack.pop()

    def _word(self, word: str, parameter: str | None, starts_group: bool) -> int:
        if word == "bin" and parameter:
            return max(0, int(parameter))  # raw binary data follows: skip it
        if starts_group and word in SKIPPED_DESTINATIONS:
            self.state = replace(self.state, skipping=True)
        elif word == "ansicpg" and parameter:
            self._set_code_page(f"cp{parameter}")
        elif word in CHARSET_CODE_PAGES:
            self._set_code_page(CHARSET_CODE_PAGES[word])
        elif word == "uc" and parameter:
            self.state = replace(self.state, unicode_skip=max(0, int(parameter)))
        elif word == "u" and parameter:
            self._unicode(int(parameter))
        elif word in WORD_TEXT:
            self._emit(WORD_TEXT[word])
        return 0

    def _symbol(self, symbol: str, starts_group: bool) -> None:
        if symbol == "*" and starts_group:
            self.state = replace(self.state, skipping=True)  # an optional destination
        elif symbol in SYMBOL_TEXT:
            self._emit(SYMBOL_TEXT[symbol])

    def _set_code_page(self, name: str) -> None:
        try:
            codecs.lookup(name)
        except LookupError:
            return
        self.code_page = name

    def _unicode(self, value: int) -> None:
        self._emit(
            chr(value + 65536 if value < 0 else value) if -32768 <= value <= 0x10FFFF else ""
        )
        self.fallback_left = self.state.unicode_skip

    def _byte(self, value: int) -> None:
        if self.fallback_left:
            self.fallback_left -= 1
        elif not self.state.skipping:
            self.pending.append(value)

    def _text(self, text: str) -> None:
        if self.fallback_left:
            skipped = min(self.fallback_left, len(text))
            self.fallback_left -= skipped
            text = text[skipped:]
        self._emit(text)

    def _emit(self, text: str) -> None:
        if self.state.skipping or not text:
            return
        self._flush()
        self.fallback_left = 0
        self.out.append(text)

    def _flush(self) -> None:
        if self.pending:
            self.out.append(bytes(self.pending).decode(self.code_page, "replace"))
            self.pending.clear()


def rtf_to_text(document: str, check_time: Callable[[], None] = lambda: None) -> str:
    return RtfReader(check_time).read(document)
