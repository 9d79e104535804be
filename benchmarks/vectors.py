"""Text vectors as PostgreSQL's to_tsvector gives them, for texts of known words.

Pure Python, without Django: the seed runs it in a process of its own (`start` and
`vectors_of`), beside the one that generates the archive. How each word reads is learnt
from PostgreSQL itself (bulk_load.Vectoriser).
"""

from __future__ import annotations

# token -> (positions it takes, ((offset, "'lexeme':"), ...))
Reading = tuple[int, tuple[tuple[int, str], ...]]
# (kind, object id, then head, body and attachment: texts in, their vectors out)
VectorRow = tuple[int, int, str | None, str | None, str | None]

# tsvector limits (PostgreSQL's MAXENTRYPOS and MAXNUMPOS): a text that reaches them is
# left to to_tsvector, which clamps and drops positions in its own way.
LAST_POSITION = 16_383
MOST_POSITIONS = 255
POSITIONS = tuple(str(n) for n in range(1, LAST_POSITION + 1))


class TextVectors:
    def __init__(self, indexed_chars: int) -> None:
        self.indexed_chars = indexed_chars  # to_tsvector reads only the first so many
        self.tokens: dict[str, Reading] = {}
        # The tokens that take one position: token -> its lexeme, or "" (a stop word).
        self.words: dict[str, str] = {}

    def add(self, readings: dict[str, Reading]) -> None:
        for token, (width, pairs) in readings.items():
            self.tokens[token] = (width, pairs)
            if width == 1 and len(pairs) <= 1:
                self.words[token] = pairs[0][1] if pairs else ""

    def vector(self, text: str | None) -> str | None:
        """The text's tsvector, or None if it holds a word not learnt (or is too long)."""
        if text is None:
            return None
        tokens = text.split()
        if len(text) >= self.indexed_chars or len(tokens) >= LAST_POSITION:
            return None
        lexemes: dict[str, list[str]] = {}
        words = list(map(self.words.get, tokens))
        if None not in words:  # one position a word: the usual case, made quick
            for at, lexeme in zip(POSITIONS, words, strict=False):  # fewer words, as checked
                if lexeme:
                    positions = lexemes.get(lexeme)
                    if positions is None:
                        lexemes[lexeme] = [at]
                    else:
                        positions.append(at)
        elif not self.read(tokens, lexemes):
            return None
        if max(map(len, lexemes.values()), default=0) > MOST_POSITIONS:
            return None
        return " ".join([lexeme + ",".join(p) for lexeme, p in lexemes.items()])

    def read(self, tokens: list[str], lexemes: dict[str, list[str]]) -> bool:
        """Tokens of any width into `lexemes`; False at one not learnt or past the limit."""
        at = 0
        for token in tokens:
            reading = self.tokens.get(token)
            if reading is None:
                return False
            width, pairs = reading
            for offset, lexeme in pairs:
                lexemes.setdefault(lexeme, []).append(str(at + offset))
            at += width
        return at < LAST_POSITION


# --- in a process of its own -----------------------------------------------------------

_vectors: TextVectors | None = None


def start(indexed_chars: int) -> None:
    global _vectors
    _vectors = TextVectors(indexed_chars)


def vectors_of(readings: dict[str, Reading], texts: list[VectorRow]) -> list[VectorRow]:
    """Learn the new readings, then each row's (kind, id, head, body, attachment) vectors."""
    assert _vectors is not None, "start() first"
    _vectors.add(readings)
    vector = _vectors.vector
    return [(kind, key, vector(a), vector(b), vector(c)) for kind, key, a, b, c in texts]
