"""The request table's dates read as the `date` filter writes them, in any language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import dateformat, translation

from requests_app.templatetags.foi_tags import day_month_year

DAYS = [dt.date(2026, 1, 1) + dt.timedelta(days=n * 17) for n in range(30)]


@pytest.mark.parametrize("language", ["en-gb", "cy", "fr"])
def test_row_dates_match_the_date_filter(language: str) -> None:
    with translation.override(language):
        for day in DAYS:
            assert day_month_year(day) == dateformat.format(day, "j M Y")
            assert day_month_year(day, weekday=True) == dateformat.format(day, "D j M Y")


def test_a_missing_date_is_empty() -> None:
    assert day_month_year(None) == ""
