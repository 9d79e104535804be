"""Reply addresses: one per request, signed, and forgiving of the slips people make."""

from __future__ import annotations

import pytest

from requests_app.mail.addresses import (
    reference_in_address,
    reference_in_addresses,
    reply_address,
    signature,
)

ADDRESS = "foi+foi-2026-0042-kmwf16j0@replies.foi-tracker.example"


def test_the_reply_address_carries_the_reference_and_its_signature() -> None:
    assert reply_address("FOI-2026-0042") == ADDRESS


def test_the_signature_depends_on_the_secret(settings) -> None:
    before = signature("FOI-2026-0042")
    settings.FOI_INBOUND_SECRET = "another secret"
    assert signature("FOI-2026-0042") != before


@pytest.mark.parametrize(
    "typed",
    [
        ADDRESS,
        ADDRESS.upper(),
        "FOI+FOI-2026-0042-KMWFl6JO@Replies.FOI-Tracker.example",  # l for 1, O for 0
        "foi+foi20260042kmwf16j0@replies.foi-tracker.example",  # separators left out
        "foi+foi-2026-42-kmwf16j0@replies.foi-tracker.example",  # no leading zeros
        "foi+foi-2026-0042-kmfw16j0@replies.foi-tracker.example",  # two letters swapped
        "foi+foi-2026-0042-kmwf16j@replies.foi-tracker.example",  # one letter dropped
        "foi+foi-2026-0042-kmwf16jj0@replies.foi-tracker.example",  # one letter doubled
        "foi+foi-2026-0042-kmwf16j8@replies.foi-tracker.example",  # one letter mistyped
        "foi-2026-0042-kmwf16j0@replies.foi-tracker.example",  # the "foi+" dropped
        "Alice Example <foi+foi-2026-0042-kmwf16j0@replies.foi-tracker.example.>",
    ],
)
def test_common_retyping_slips_still_reach_the_request(typed: str) -> None:
    assert reference_in_addresses([typed]) == "FOI-2026-0042"


@pytest.mark.parametrize(
    "typed",
    [
        "foi+foi-2026-0043-kmwf16j0@replies.foi-tracker.example",  # another request's number
        "foi+foi-2026-0042-kmwf17j1@replies.foi-tracker.example",  # two slips: a guess
        "foi+foi-2026-0042-kmwf16j0@elsewhere.example",  # not our domain
        "foi@replies.foi-tracker.example",
        "not an address",
    ],
)
def test_a_forged_or_foreign_address_matches_nothing(typed: str) -> None:
    assert reference_in_address(typed) is None
