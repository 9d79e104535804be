"""Reply addresses: one per request, `<prefix>+<reference>-<signature>@FOI_INBOUND_DOMAIN`.

Plus-addressing reaches an ordinary mailbox, so no mail server of our own is needed. The
signature is an HMAC of the reference keyed by FOI_INBOUND_SECRET: nobody can make up an
address that files mail on someone else's request. It is written in Crockford's base 32,
which has no I, L, O or U, so a reply address copied by hand out of a printed letter still
matches when the case changes, 0 and O or 1 and l are mixed up, separators go missing, or
one character is mistyped or two are swapped.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from email.utils import getaddresses

from django.conf import settings

from requests_app.models import FoiRequest

CROCKFORD_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
# How people misread Crockford base 32 (https://www.crockford.com/base32.html).
CROCKFORD_SLIPS = str.maketrans({"o": "0", "i": "1", "l": "1", "u": "v"})
SIGNATURE_LENGTH = 8  # 40 bits: guessing an address takes a trillion tries
REFERENCE_PATTERN = re.compile(r"^foi(\d{4})(\d{1,6})$")


def inbound_domain() -> str:
    return str(settings.FOI_INBOUND_DOMAIN).strip().rstrip(".").lower()


def inbound_prefix() -> str:
    return str(getattr(settings, "FOI_INBOUND_PREFIX", "foi")).strip().lower()


def signature(reference: str) -> str:
    """The first 40 bits of HMAC-SHA256(secret, reference) in Crockford base 32."""
    key = str(settings.FOI_INBOUND_SECRET).encode()
    digest = hmac.new(key, reference.upper().encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:5], "big")
    return "".join(CROCKFORD_ALPHABET[(number >> shift) & 31] for shift in range(35, -5, -5))


def reply_address(foi_request: FoiRequest | str) -> str:
    reference = foi_request if isinstance(foi_request, str) else foi_request.reference
    local = f"{inbound_prefix()}+{reference.lower()}-{signature(reference)}"
    return f"{local}@{inbound_domain()}"


def reference_in_address(address: str) -> str | None:
    """The reference a reply address was made for, or None if it is not a valid one."""
    local, at, domain = address.strip().strip("<>").rpartition("@")
    if not at or domain.strip().rstrip(".").lower() != inbound_domain():
        return None
    # Plus-addressing: everything after the first "+" (some systems use "=").
    tag = re.split(r"[+=]", local, maxsplit=1)[-1]
    compact = re.sub(r"[^0-9a-z]", "", tag.lower())
    return _verified_reference(compact)


def _verified_reference(compact: str) -> str | None:
    # A slip may add or drop a character, so the signature may be 7 to 9 long.
    for length in (SIGNATURE_LENGTH, SIGNATURE_LENGTH - 1, SIGNATURE_LENGTH + 1):
        head, typed = compact[:-length], compact[-length:]
        found = REFERENCE_PATTERN.match(head)
        if not found or len(typed) != length:
            continue
        reference = f"FOI-{found[1]}-{int(found[2]):04d}"
        if _close_enough(typed.translate(CROCKFORD_SLIPS), signature(reference)):
            return reference
    return None


def _close_enough(typed: str, expected: str) -> bool:
    """Equal, or one substitution, insertion, deletion or swap of neighbours apart."""
    if hmac.compare_digest(typed, expected):
        return True
    return _one_edit_apart(typed, expected)


def _one_edit_apart(typed: str, expected: str) -> bool:
    if abs(len(typed) - len(expected)) > 1:
        return False
    if len(typed) == len(expected):
        differences = [i for i, (a, b) in enumerate(zip(typed, expected, strict=True)) if a != b]
        if len(differences) == 1:
            return True
        first, *rest = differences or [0]
        return (
            len(differences) == 2
            and rest == [first + 1]
            and typed[first] == expected[first + 1]
            and typed[first + 1] == expected[first]
        )
    shorter, longer = sorted((typed, expected), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def reference_in_addresses(addresses: Iterable[str]) -> str | None:
    """The first valid reply address among header values or bare addresses."""
    for _name, address in getaddresses(list(addresses)):
        reference = reference_in_address(address)
        if reference:
            return reference
    return None
