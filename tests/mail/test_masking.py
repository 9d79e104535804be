"""Masking personal data before text is shared."""

from __future__ import annotations

import pytest

from requests_app.mail.masking import mask_for_sharing
from tests.factories import UserFactory


@pytest.mark.parametrize(
    "number",
    [
        "020 7946 0958",
        "+44 (0)20 7946 0958",
        "07700 900123",
        "(01632) 960001",
        "+1 202-555-0147",
        "0113.496.0000",
    ],
)
def test_phone_numbers_are_masked(number: str) -> None:
    assert mask_for_sharing(f"Call {number} today.") == "Call [phone number] today."


@pytest.mark.parametrize(
    "kept",
    [
        "FOI-2026-0042",
        "2026-01-05",
        "£1,234,567.00",
        "12345678",
        "IC-123456-A1B2",
        "2025/01234567",
        "s.36(2)(b)(i)",
    ],
)
def test_references_dates_and_sums_are_not_mistaken_for_phone_numbers(kept: str) -> None:
    assert mask_for_sharing(f"See {kept}.") == f"See {kept}."


def test_email_addresses_keep_only_their_domain() -> None:
    text = "Write to jane.smith@dhsc.gov.uk or foi+foi-2026-0042-kmwf16j0@replies.example."
    assert mask_for_sharing(text) == "Write to [email]@dhsc.gov.uk or [email]@replies.example."


@pytest.mark.django_db
def test_the_requesters_name_is_masked_in_full_and_in_part() -> None:
    alice = UserFactory.create(username="alice2", first_name="Alice", last_name="Example")
    text = "Dear Alice Example,\nAs Ms Example asked, alice wrote to us. Alicia is someone else."
    assert mask_for_sharing(text, requester=alice) == (
        "Dear [name],\nAs Ms [name] asked, [name] wrote to us. Alicia is someone else."
    )
