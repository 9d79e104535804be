"""Masking text before it is shown through a share link or on a public page.

Replies name officials and carry direct lines; requests carry the requester's name. What
is shared publicly keeps the substance and loses the personal data (UK GDPR Article 5(1)(c),
data minimisation): email addresses keep their domain (it says which body wrote), phone
numbers and the requester's own name go entirely.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

EMAIL_MASK = "[email]"
PHONE_MASK = "[phone number]"
NAME_MASK = "[name]"

EMAIL_ADDRESS = re.compile(
    r"(?<![\w.+-])[\w.!#$%&'*+/=?^`{|}~-]+@((?:[\w-]+\.)+[\w-]{2,})(?![\w-])", re.UNICODE
)
# An optional country code or (0), then groups of digits with spaces, dots or hyphens.
PHONE_CANDIDATE = re.compile(
    r"(?<![\w/£$€.-])(?:\+\d{1,3}[\s.-]?)?(?:\(0\)\s?)?(?:\(\d{2,5}\)[\s.-]?)?"
    r"\d[\d\s.-]{4,16}\d(?![\w/%-])"
)
# UK numbers have 10 or 11 digits, others up to 15 (ITU-T E.164); fewer is a reference or
# a sum of money, not a phone number.
MIN_PHONE_DIGITS = 10
MAX_PHONE_DIGITS = 15
MIN_NAME_PART = 3


def mask_for_sharing(
    text: str, *, requester: AbstractBaseUser | None = None, names: Iterable[str] = ()
) -> str:
    """`text` without email addresses, phone numbers or the requester's name."""
    text = mask_emails(text)
    text = mask_phone_numbers(text)
    return mask_names(text, [*requester_names(requester), *names])


def mask_emails(text: str) -> str:
    return EMAIL_ADDRESS.sub(lambda found: f"{EMAIL_MASK}@{found.group(1)}", text)


def mask_phone_numbers(text: str) -> str:
    def replace(found: re.Match[str]) -> str:
        digits = sum(char.isdigit() for char in found.group(0))
        in_range = MIN_PHONE_DIGITS <= digits <= MAX_PHONE_DIGITS
        return PHONE_MASK if in_range and not _looks_like_date(found.group(0)) else found.group(0)

    return PHONE_CANDIDATE.sub(replace, text)


def _looks_like_date(value: str) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:\s\d{2})?", value.strip()))


def requester_names(requester: AbstractBaseUser | None) -> list[str]:
    """The full name first, then each part, so "Alice Example" never leaves "Alice" behind."""
    if requester is None:
        return []
    full_name = str(getattr(requester, "get_full_name", lambda: "")() or "").strip()
    parts = [
        str(getattr(requester, "first_name", "") or ""),
        str(getattr(requester, "last_name", "") or ""),
    ]
    return [name for name in [full_name, *parts] if name.strip()]


def mask_names(text: str, names: Iterable[str]) -> str:
    wanted = sorted({name.strip() for name in names if len(name.strip()) >= MIN_NAME_PART}, key=len)
    for name in reversed(wanted):  # longest first
        pattern = r"(?<!\w)" + r"\s+".join(re.escape(part) for part in name.split()) + r"(?!\w)"
        text = re.sub(pattern, NAME_MASK, text, flags=re.IGNORECASE)
    return text
