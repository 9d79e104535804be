"""The insights pages and their CSV files: figures, charts beside tables, permissions."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Protocol

import pytest
from bs4 import BeautifulSoup, Tag
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from requests_app.models import Status
from tests.factories import PublicBodyFactory, UserFactory
from tests.insights.factories import KnownRequests, answer, send

pytestmark = pytest.mark.django_db

CAMPAIGN_URL = "/campaigns/open-hospitals/insights/"
LEAGUE_URL = "/campaigns/open-hospitals/league/"
DOE_URL = "/bodies/department-of-examples/insights/"

ClientFor = Callable[[User], Client]


class Response(Protocol):
    content: bytes


@pytest.fixture
def alice(known: KnownRequests, client_for: ClientFor) -> Client:
    return client_for(known.alice)


@pytest.fixture
def mallory(known: KnownRequests, client_for: ClientFor) -> Client:
    return client_for(known.mallory)


@pytest.fixture
def victor(known: KnownRequests, client_for: ClientFor) -> Client:
    return client_for(known.victor)


def soup(response: Response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def csv_rows(response: Response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def csv_values(response: Response) -> dict[str, str]:
    """A two-column CSV (figure, value) as a dict; the header row left out."""
    return {row[0]: row[1] for row in csv_rows(response)[1:]}


def text(element: Tag | None) -> str:
    assert element is not None
    return element.get_text(strip=True)


def table_with_caption(page: BeautifulSoup, caption: str) -> Tag:
    found = [table for table in page.select("table") if text(table.caption) == caption]
    assert len(found) == 1, caption
    return found[0]


def row_headings(table: Tag) -> list[str]:
    return [text(row.th) for row in table.select("tbody tr")]


def figure_rows(page: BeautifulSoup, caption: str) -> dict[str, str]:
    rows = table_with_caption(page, caption).select("tbody tr")
    return {text(row.th): text(row.td) for row in rows}


def href(link: Tag | None) -> str:
    assert link is not None
    return str(link["href"])


# --- the pages --------------------------------------------------------------------------


def test_the_campaign_dashboard_shows_the_campaigns_figures(alice: Client) -> None:
    response = alice.get(CAMPAIGN_URL)
    assert response.status_code == 200
    figures = figure_rows(soup(response), "Headline figures")
    # Hand-computed in test_statistics.py: the campaign without A8, A10 and C5.
    assert figures["Requests sent"] == "22"
    assert figures["Answered on time (by the statutory due date)"] == "8"
    assert figures["Due so far (answered, or past the due date)"] == "18"
    assert figures["On time (%)"] == "44%"  # 8 of 18
    assert figures["Median working days to answer"] == "20.5"
    assert figures["Overdue now"] == "2"


def test_each_chart_has_a_data_table_beside_it(alice: Client) -> None:
    page = soup(alice.get(CAMPAIGN_URL))
    charts = page.select('svg[role="img"]')
    assert len(charts) == 4  # on time by body, response times, exemptions, months
    for chart in charts:
        assert text(chart.title)
        assert text(chart.select_one("desc"))
        figure = chart.find_parent("figure")
        assert figure is not None and figure.select_one("table") is not None


def test_the_exemptions_table_beside_its_chart_lists_them_all(alice: Client) -> None:
    table = table_with_caption(soup(alice.get(CAMPAIGN_URL)), "Exemptions cited")
    citations = row_headings(table)
    # Campaign only: A8, A10, C5 cite nothing, so all of alice's 7 remain.
    assert citations[:2] == ["FOIA s.36", "FOIA s.40"]
    assert len(citations) == 7


def test_a_bodys_page_has_no_chart_of_bodies(alice: Client) -> None:
    response = alice.get(DOE_URL)
    assert response.status_code == 200
    page = soup(response)
    assert len(page.select('svg[role="img"]')) == 3
    assert figure_rows(page, "Headline figures")["Requests sent"] == "11"


def test_the_filtered_page_counts_the_filter_result(alice: Client) -> None:
    response = alice.get("/insights/", {"status": [Status.REFUSED, Status.WITH_REGULATOR]})
    assert response.status_code == 200
    figures = figure_rows(soup(response), "Headline figures")
    # Refused now: A1 and A9 (not V1: victor's); with the regulator: A5 and B8.
    assert figures["Requests sent"] == "4"
    assert figures["Refused"] == "4"


def test_the_filtered_page_links_each_body_to_its_figures_within_the_filter(
    alice: Client,
) -> None:
    page = soup(alice.get("/insights/", {"campaign": "open-hospitals"}))
    table = table_with_caption(page, "On time, by public body")
    link = table.find("a", string="DoE")
    assert href(link) == "/insights/?campaign=open-hospitals&public_body=department-of-examples"


def test_filters_with_errors_show_no_figures(alice: Client) -> None:
    response = alice.get("/insights/", {"sent_after": "not a date"})
    assert response.status_code == 400
    assert b"No figures are shown until the filters are corrected" in response.content
    assert not soup(response).select("svg")


def test_the_league_table_sorts_by_any_column(alice: Client) -> None:
    def bodies(sort: str) -> list[str]:
        page = soup(alice.get(LEAGUE_URL, {"sort": sort}))
        return row_headings(table_with_caption(page, "Public bodies"))

    # Campaign on-time rates: NHT 4/8 = 50%, DoE 3/7 = 43%, GEC 1/3 = 33%.
    assert bodies("-on_time") == [
        "Northern Health Trust",
        "Department of Examples",
        "Glasgow Example Council",
    ]
    assert bodies("on_time") == [
        "Glasgow Example Council",
        "Department of Examples",
        "Northern Health Trust",
    ]
    # Refusal rates: GEC 2/3, DoE 3/6, NHT 2/7.
    assert bodies("-refusal")[0] == "Glasgow Example Council"
    assert bodies("nonsense") == bodies("-on_time")  # an unknown column: the default


def test_the_league_table_marks_the_sorted_column_for_screen_readers(alice: Client) -> None:
    page = soup(alice.get(LEAGUE_URL, {"sort": "median"}))
    sorted_headers = page.select('th[aria-sort="ascending"]')
    assert [text(th) for th in sorted_headers] == ["Median working days"]
    assert href(sorted_headers[0].a) == "?sort=-median"


# --- CSV --------------------------------------------------------------------------------

DASHBOARD_TABLES = [
    "figures",
    "reviews",
    "complaints",
    "on_time",
    "exemptions",
    "months",
    "response_times",
]


@pytest.mark.parametrize("table", DASHBOARD_TABLES)
def test_every_table_of_the_dashboard_links_to_its_csv(alice: Client, table: str) -> None:
    page = soup(alice.get(CAMPAIGN_URL))
    url = reverse("campaign_insights_csv", kwargs={"slug": "open-hospitals", "table": table})
    assert page.find("a", href=url) is not None
    response = alice.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="open-hospitals-')
    assert len(csv_rows(response)) >= 2


def test_the_whole_table_of_bodies_downloads_too(alice: Client) -> None:
    rows = csv_rows(alice.get("/campaigns/open-hospitals/insights/bodies.csv"))
    assert rows[0][0] == "Public body"
    assert [row[0] for row in rows[1:]] == [
        "Department of Examples",
        "Glasgow Example Council",
        "Northern Health Trust",
    ]


def test_the_csv_keeps_exact_figures(alice: Client) -> None:
    response = alice.get("/campaigns/open-hospitals/insights/figures.csv")
    assert csv_rows(response)[0] == ["Figure", "Value"]
    values = csv_values(response)
    assert values["On time (%)"] == "44.4"  # 8 of 18
    assert values["Median working days to answer"] == "20.5"


def test_the_league_table_downloads_in_its_sort_order(alice: Client) -> None:
    rows = csv_rows(alice.get("/campaigns/open-hospitals/league.csv", {"sort": "-sent"}))
    assert rows[0][:3] == ["Public body", "Sent", "Answered"]
    # Campaign: DoE 9 sent, NHT 9, GEC 4; ties by name.
    assert [row[:2] for row in rows[1:]] == [
        ["Department of Examples", "9"],
        ["Northern Health Trust", "9"],
        ["Glasgow Example Council", "4"],
    ]


def test_the_filtered_csv_counts_the_same_filter_result(alice: Client) -> None:
    page = soup(alice.get("/insights/", {"public_body": "northern-health-trust"}))
    link = href(page.find("a", string=lambda words: bool(words and "Headline figures" in words)))
    assert link == "/insights/figures.csv?public_body=northern-health-trust"
    assert csv_values(alice.get(link))["Requests sent"] == "9"


def test_spreadsheet_formulas_in_names_are_neutralised(known: KnownRequests, alice: Client) -> None:
    body = PublicBodyFactory.create(name='=HYPERLINK("http://evil.example")', slug="evil")
    foi_request = send(body, dt.date(2026, 1, 12), owner=known.alice, campaign=known.campaign)
    answer(foi_request, dt.date(2026, 1, 26), Status.SUCCESSFUL)
    rows = csv_rows(alice.get("/campaigns/open-hospitals/league.csv", {"sort": "body"}))
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example")'


def test_an_unknown_table_is_not_found(alice: Client) -> None:
    assert alice.get("/campaigns/open-hospitals/insights/secrets.csv").status_code == 404
    # A body's page has no table of bodies.
    assert alice.get(f"{DOE_URL}bodies.csv").status_code == 404


# --- permissions ------------------------------------------------------------------------


def test_two_people_see_different_figures_for_the_same_body(alice: Client, mallory: Client) -> None:
    alices = figure_rows(soup(alice.get(DOE_URL)), "Headline figures")
    mallorys = figure_rows(soup(mallory.get(DOE_URL)), "Headline figures")
    assert (alices["Requests sent"], alices["Refused"]) == ("11", "3")
    assert (mallorys["Requests sent"], mallorys["Refused"]) == ("2", "1")
    exemptions = csv_rows(mallory.get(f"{DOE_URL}exemptions.csv"))
    assert exemptions[1:] == [
        ["FOIA s.36", "Prejudice to effective conduct of public affairs", "1"]
    ]


def test_a_body_nobody_shared_shows_only_zeros(known: KnownRequests, client_for: ClientFor) -> None:
    stranger = client_for(UserFactory.create(username="stranger"))
    figures = figure_rows(soup(stranger.get(DOE_URL)), "Headline figures")
    assert figures["Requests sent"] == "0"
    assert figures["Refused"] == "0"
    assert figures["On time (%)"] == "—"


def test_a_campaign_member_never_counts_another_members_private_request(
    alice: Client, victor: Client
) -> None:
    alices = figure_rows(soup(alice.get(CAMPAIGN_URL)), "Headline figures")
    victors = figure_rows(soup(victor.get(CAMPAIGN_URL)), "Headline figures")
    assert alices["Requests sent"] == "22"  # not victor's private V1
    assert victors["Requests sent"] == "23"  # the 22 shared, and his own V1


@pytest.mark.parametrize(
    "url",
    [
        CAMPAIGN_URL,
        LEAGUE_URL,
        "/campaigns/open-hospitals/insights/figures.csv",
        "/campaigns/open-hospitals/league.csv",
    ],
)
def test_outsiders_cannot_see_a_campaigns_figures(mallory: Client, url: str) -> None:
    assert mallory.get(url).status_code == 404


def test_a_filter_on_a_body_you_have_no_requests_to_is_refused(mallory: Client) -> None:
    response = mallory.get("/insights/figures.csv", {"public_body": "northern-health-trust"})
    assert response.status_code == 400


@pytest.mark.parametrize("url", ["/insights/", DOE_URL, CAMPAIGN_URL, LEAGUE_URL])
def test_signed_out_visitors_are_sent_to_log_in(known: KnownRequests, url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_unknown_body_is_not_found(alice: Client) -> None:
    assert alice.get("/bodies/no-such-body/insights/").status_code == 404
