"""The batch letter's placeholders, filled in by plain substitution.

The text is written by a campaigner and filled in with body names from the database, so it
is never run as a template: `{{ name }}` is replaced by a value from a fixed list and
nothing else in the text means anything (no tags, no filters, no attribute lookups).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from requests_app.models import PublicBody

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
ANYTHING_IN_BRACES = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
PLACEHOLDERS: dict[str, str] = {
    "body_name": "the body's name",
    "body_short_name": "the body's short name (its name when it has none)",
    "salutation": "“Dear …” with the body's name",
    "our_reference": "the member's own reference, e.g. FOI-2026-0042",
}
REFERENCE_TO_COME = "FOI-YYYY-NNNN"

DEFAULT_TEXT = """{{ salutation }},

Please treat this as a request for information under the Freedom of Information Act 2000.

[Your question, the same for every body.]

I would prefer to receive the information electronically, at this address. If any of it is \
exempt, please release the rest and tell me which exemption applies to what you withhold.

Our reference for this request is {{ our_reference }}; please keep it in the subject of your reply.

Yours faithfully,
"""


@dataclass(frozen=True)
class LetterValues:
    body_name: str
    body_short_name: str
    salutation: str
    our_reference: str

    def as_dict(self) -> dict[str, str]:
        return {
            "body_name": self.body_name,
            "body_short_name": self.body_short_name,
            "salutation": self.salutation,
            "our_reference": self.our_reference,
        }


def values_for(body: PublicBody, reference: str = REFERENCE_TO_COME) -> LetterValues:
    return LetterValues(
        body_name=body.name,
        body_short_name=body.short_name or body.name,
        salutation=f"Dear {body.name}",
        our_reference=reference,
    )


def unknown_placeholders(text: str) -> list[str]:
    """Names in `{{ … }}` that are not ours, in the order written, each once."""
    names = (match[1].strip() for match in ANYTHING_IN_BRACES.finditer(text))
    return list(dict.fromkeys(name for name in names if name not in PLACEHOLDERS))


def fill(text: str, values: LetterValues | Mapping[str, str]) -> str:
    """The text with each known placeholder replaced; the values are inserted as they are."""
    known = values.as_dict() if isinstance(values, LetterValues) else dict(values)
    return PLACEHOLDER.sub(lambda match: known.get(match[1], match[0]), text)
