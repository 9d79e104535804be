"""The public deadline calculator: places, the body's own date, and bad input."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _ask(client: Client, **params: str) -> str:
    response = client.get(reverse("deadline_calculator"), {"stage": "response", **params})
    assert response.status_code == 200
    return response.text


def test_it_counts_the_holidays_of_the_bodys_state(client: Client) -> None:
    # 30 days after Sun 4 Oct 2026 is Tue 3 Nov: Melbourne Cup Day in Victoria only.
    victoria = _ask(client, regime="au-foi", received="2026-10-04", subdivision="VIC")
    new_south_wales = _ask(client, regime="au-foi", received="2026-10-04", subdivision="NSW")

    assert "Wednesday 4 November 2026" in victoria
    assert "Melbourne Cup Day (Victoria)" in victoria
    assert "Tuesday 3 November 2026" in new_south_wales


def test_a_reasonable_extension_is_the_bodys_date(client: Client) -> None:
    text = _ask(client, regime="ca-ati", received="2026-03-02", stage="extended")

    assert "The body's date: the law sets none" in text
    assert "for a reasonable period of time, having regard to the circumstances" in text
    assert "Due <time" not in text


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"regime": "uk-foia", "received": "0437-04-03"}, "received", "outside the dates"),
        ({"regime": "uk-foia", "received": "9999-12-31"}, "received", "outside the dates"),
        ({"regime": "uk-foia", "received": "2200-12-20"}, "received", "outside the dates"),
        ({"regime": "nz-oia", "received": "2026-01-05", "stage": "review"}, "stage", "OIA"),
        ({"regime": "au-foi", "received": "2026-01-05", "subdivision": "ON"}, "subdivision", "ACT"),
        ({"regime": "au-foi", "received": "2026-01-05", "subdivision": "XX"}, "subdivision", ""),
        ({"regime": "uk-sar", "received": "2026-01-05", "nation": "XX"}, "nation", ""),
    ],
)
def test_bad_input_is_a_message_next_to_its_field(
    client: Client, params: dict[str, str], field: str, message: str
) -> None:
    response = client.get(reverse("deadline_calculator"), {"stage": "response", **params})

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in errors[field][0]
    assert "How is this worked out" not in response.text


def test_it_says_whose_holidays_it_counted(client: Client) -> None:
    text = _ask(client, regime="au-foi", received="2026-11-28")

    # Acts Interpretation Act 1901 s.36(2): Boxing Day (observed), Mon 28 Dec, is skipped.
    assert "Tuesday 29 December 2026" in text
    assert "those of Australian Capital Territory (no state or territory set for the body)" in text
    assert "substitute days count" in text
