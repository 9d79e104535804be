"""The headline figures a body's or a campaign's page shows, and the number formats."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from requests_app import models
from requests_app.insights.templatetags import as_number, as_percent
from requests_app.models import Campaign, EventKind, PublicBody, Status
from tests.factories import CampaignFactory
from tests.insights.factories import D, KnownRequests

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


# --- kept figures follow every write they read -------------------------------------------


def add_an_answer(known: KnownRequests) -> None:
    models.RequestEvent.objects.create(
        request=known.requests["A4"], kind=EventKind.RESPONSE, on=D(2026, 2, 2),
        details={"outcome": Status.REFUSED},
    )  # fmt: skip


def change_an_answers_outcome(known: KnownRequests) -> None:
    answers = models.RequestEvent.objects.filter(kind=EventKind.RESPONSE)
    answers.filter(request=known.requests["A2"]).update(details={"outcome": Status.REFUSED})


def move_an_answers_date(known: KnownRequests) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            'UPDATE requests_app_requestevent SET "on" = %s WHERE request_id = %s AND kind = %s',
            [D(2026, 2, 10), known.requests["A11"].pk, EventKind.RESPONSE],
        )


def remove_an_answer(known: KnownRequests) -> None:
    known.requests["A1"].events.filter(kind=EventKind.RESPONSE).delete()


def move_a_request_to_another_campaign(known: KnownRequests) -> None:
    other = CampaignFactory.create(slug="elsewhere")
    models.FoiRequest.objects.filter(pk=known.requests["A1"].pk).update(campaign=other)


def file_a_request_to_another_body(known: KnownRequests) -> None:
    foi_request = known.requests["A1"]
    foi_request.public_body = known.nht
    foi_request.save()


def delete_a_request(known: KnownRequests) -> None:
    known.requests["A9"].delete()


def send_a_draft(known: KnownRequests) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE requests_app_foirequest SET sent_on = %s WHERE id = %s",
            [D(2026, 4, 1), known.requests["A7"].pk],
        )


def put_a_due_date_back(known: KnownRequests) -> None:
    # A11, answered on 3 March, was late.
    answered = models.FoiRequest.objects.filter(pk=known.requests["A11"].pk)
    answered.update(due_on=D(2026, 3, 31))


def close_an_overdue_request(known: KnownRequests) -> None:
    models.FoiRequest.objects.filter(pk=known.requests["A4"].pk).update(status=Status.REFUSED)


def make_a_request_private(known: KnownRequests) -> None:
    models.FoiRequest.objects.filter(pk=known.requests["A1"].pk).update(
        visibility=models.Visibility.PRIVATE
    )


def leave_the_campaign(known: KnownRequests) -> None:
    models.Membership.objects.filter(campaign=known.campaign, user=known.victor).delete()


def close_the_office_for_a_day(known: KnownRequests) -> None:
    models.NonWorkingDay.objects.create(on=D(2025, 12, 2), name="Closed", calendar="uk")


@pytest.mark.parametrize(
    ("subject", "user", "write"),
    [
        ("campaign", "alice", add_an_answer),
        ("campaign", "alice", change_an_answers_outcome),
        ("doe", "alice", move_an_answers_date),
        ("campaign", "alice", remove_an_answer),
        ("campaign", "alice", move_a_request_to_another_campaign),
        ("doe", "alice", file_a_request_to_another_body),
        ("campaign", "alice", delete_a_request),
        ("doe", "alice", send_a_draft),
        ("doe", "alice", put_a_due_date_back),
        ("campaign", "alice", close_an_overdue_request),
        ("campaign", "victor", make_a_request_private),
        ("campaign", "victor", leave_the_campaign),
        ("doe", "alice", close_the_office_for_a_day),
    ],
)
def test_kept_figures_follow_a_write_to_anything_they_count(
    known: KnownRequests, subject: str, user: str, write: Callable[[KnownRequests], None]
) -> None:
    viewer: User = getattr(known, user)
    before = headline(getattr(known, subject), viewer)
    write(known)
    after = headline(getattr(known, subject), viewer)
    assert after != before
    cache.clear()
    assert headline(getattr(known, subject), viewer) == after  # as counted afresh


def test_kept_figures_follow_the_calendar_of_the_bodys_nation(known: KnownRequests) -> None:
    # UK SAR counts working days in the body's own part of the UK: Northern Ireland has
    # St Patrick's Day and Easter Monday, not Scotland's St Andrew's Day (C1, C2).
    models.FoiRequest.objects.filter(public_body=known.gec).update(regime="uk-sar")
    before = headline(known.gec, known.alice)
    models.PublicBody.objects.filter(pk=known.gec.pk).update(nation=models.Nation.NORTHERN_IRELAND)
    after = headline(known.gec, known.alice)
    assert after["Median working days to answer"] != before["Median working days to answer"]
    cache.clear()
    assert headline(known.gec, known.alice) == after


def test_kept_figures_are_not_counted_again_for_a_write_they_do_not_read(
    known: KnownRequests,
) -> None:
    headline(known.campaign, known.alice)
    models.FoiRequest.objects.filter(campaign=known.campaign).update(title="Renamed")
    models.RequestEvent.objects.update(note="Looked at again")
    with CaptureQueriesContext(connection) as queries:
        headline(known.campaign, known.alice)
    assert not [query for query in queries if "requests_app_requestevent" in query["sql"]]
