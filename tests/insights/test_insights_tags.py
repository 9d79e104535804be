"""The headline figures a body's or a campaign's page shows, and the number formats."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.template import Context, Template
from django.test import RequestFactory

from requests_app.insights.templatetags import as_number, as_percent
from requests_app.models import Campaign, PublicBody
from tests.insights.factories import KnownRequests

pytestmark = pytest.mark.django_db


def headline(subject: PublicBody | Campaign, user: User) -> dict[str, str]:
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load insights_tags %}{% headline_figures subject %}")
    html = template.render(Context({"request": request, "subject": subject}))
    page = BeautifulSoup(html, "html.parser")
    figures = {
        " ".join(item.get_text().split()): " ".join(value.get_text().split())
        for item, value in zip(page.select("dl div dt"), page.select("dl div dd"), strict=True)
    }
    link = page.select_one("a")
    figures["link"] = str(link["href"]) if link else ""
    return figures


def test_a_bodys_headline_counts_the_users_requests_to_it(known: KnownRequests) -> None:
    figures = headline(known.doe, known.alice)
    # From test_statistics.py: DoE, 11 sent; 5 of 9 due on time; median 19.5; A4 overdue;
    # refused A1, A5, A9 of 8 answered.
    assert figures == {
        "Requests sent": "11",
        "Answered on time": "5 of 9 (56%)",
        "Median working days to answer": "19.5",
        "Overdue now": "1",
        "Refused": "3 of 8 (38%)",
        "link": "/bodies/department-of-examples/insights/",
    }


def test_another_user_sees_only_their_own_requests_to_the_body(known: KnownRequests) -> None:
    figures = headline(known.doe, known.mallory)
    assert figures["Requests sent"] == "2"
    assert figures["Refused"] == "1 of 1 (100%)"


def test_a_campaigns_headline_links_to_its_dashboard(known: KnownRequests) -> None:
    figures = headline(known.campaign, known.alice)
    assert figures["Requests sent"] == "22"
    assert figures["Answered on time"] == "8 of 18 (44%)"
    assert figures["link"] == "/campaigns/open-hospitals/insights/"


def test_with_nothing_sent_it_says_so(known: KnownRequests) -> None:
    request = RequestFactory().get("/")
    request.user = known.mallory  # she has no requests to the council
    template = Template("{% load insights_tags %}{% headline_figures subject %}")
    html = template.render(Context({"request": request, "subject": known.gec}))
    assert "No sent requests you can see yet" in html


@pytest.mark.parametrize(
    ("rate", "shown"), [(None, "—"), (0.0, "0%"), (8 / 18, "44%"), (1.0, "100%")]
)
def test_rates_are_shown_as_whole_percentages(rate: float | None, shown: str) -> None:
    assert as_percent(rate) == shown


@pytest.mark.parametrize(("value", "shown"), [(None, "—"), (20.0, "20"), (19.5, "19.5"), (3, "3")])
def test_numbers_drop_a_trailing_zero(value: float | None, shown: str) -> None:
    assert as_number(value) == shown


def test_the_figures_are_counted_again_once_a_request_changes(known: KnownRequests) -> None:
    # The headline is kept between views; recording an answer must still show at once.
    before = headline(known.doe, known.alice)
    assert headline(known.doe, known.alice) == before
    known.requests["A4"].record_response(on=known.requests["A4"].sent_on, outcome="refused")
    after = headline(known.doe, known.alice)
    assert after["Overdue now"] == "0"
    assert after["Refused"] == "4 of 9 (44%)"
