from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils.text import Truncator
from icalendar import Calendar as ICalendar

from requests_app.models import EventKind, Profile, Role
from requests_app.templatetags import foi_tags
from requests_app.views import deadlines as deadline_views
from tests.factories import CampaignFactory, FoiRequestFactory, MembershipFactory

pytestmark = pytest.mark.django_db

FROZEN = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)


def test_the_calculator_needs_no_login_and_shows_the_reasoning(client: Client):
    response = client.get(
        reverse("deadline_calculator"),
        {"regime": "uk-foia", "received": "2025-11-28", "stage": "response"},
    )
    assert response.status_code == 200
    assert "Wednesday 31 December 2025" in response.text
    assert "St Andrew" in response.text
    assert "FOIA s.10(1)" in response.text


def test_the_calculator_uses_the_bodys_nation_for_a_subject_access_request(client: Client):
    params = {"regime": "uk-sar", "received": "2026-10-31", "stage": "response"}
    # 30 Nov 2026 is St Andrew's Day: a bank holiday in Scotland only.
    scotland = client.get(reverse("deadline_calculator"), {**params, "nation": "SCT"})
    england = client.get(reverse("deadline_calculator"), {**params, "nation": "ENG"})
    assert "Tuesday 1 December 2026" in scotland.text
    assert "Monday 30 November 2026" in england.text


@pytest.mark.parametrize(
    "params",
    [
        {"regime": "uk-foia", "received": "31/02/2026", "stage": "response"},
        {"regime": "nonsense", "received": "2026-01-05", "stage": "response"},
        {"regime": "uk-foia", "received": "2026-01-05", "stage": "'; drop table"},
    ],
)
def test_bad_calculator_input_is_a_form_error(client: Client, params):
    response = client.get(reverse("deadline_calculator"), params)
    assert response.status_code == 200
    assert "errorlist" in response.text
    assert "How is this worked out" not in response.text


@time_machine.travel(FROZEN, tick=False)
def test_the_month_calendar_shows_each_deadline_and_marks_overdue(alice_client, user):
    overdue = FoiRequestFactory.sent(dt.date(2025, 12, 8), owner=user, title="Overdue one")
    review = FoiRequestFactory.sent(dt.date(2025, 11, 3), owner=user, title="Reviewed one")
    review.record_event(EventKind.RESPONSE, on=dt.date(2025, 12, 1), status="refused")
    review.record_event(EventKind.REVIEW_REQUESTED, on=dt.date(2026, 1, 5))
    response = alice_client.get(reverse("deadline_calendar"))
    assert response.status_code == 200
    text = response.text
    assert "Deadlines in January 2026" in text
    assert overdue.due_on == dt.date(2026, 1, 9)
    assert "cal-entry--due cal-entry--overdue" in text
    assert "Overdue: " in text
    assert review.review_due_on == dt.date(2026, 2, 2)
    assert 'cal-entry--review" href' not in text  # February is another month
    february = alice_client.get(reverse("deadline_calendar"), {"month": "2026-02"})
    assert 'cal-entry--review" href' in february.text
    assert "Reviewed one" in february.text


@time_machine.travel(FROZEN, tick=False)
def test_a_busy_day_shows_its_first_entries_in_the_grid_and_the_list_and_says_how_many_more(
    alice_client, user, monkeypatch
):
    monkeypatch.setattr(deadline_views, "CALENDAR_DAY_LIMIT", 3)
    monkeypatch.setattr(deadline_views, "CALENDAR_LIST_LIMIT", 5)
    for number in range(7):
        FoiRequestFactory.sent(dt.date(2025, 12, 8), owner=user, title=f"Busy {number}")
    text = alice_client.get(reverse("deadline_calendar")).text
    grid, listed = text.split("<h2>In a list</h2>")
    assert grid.count("Busy ") == 3 * 2  # each entry's title attribute and its text
    assert "and 4 more" in grid
    assert listed.count("Busy ") == 3  # the list shows what the grid shows
    assert "and 4 more on <time" in listed
    assert "and 4 more this month" in listed


@time_machine.travel(FROZEN, tick=False)
def test_a_busy_day_counts_only_the_requests_the_user_may_see(
    alice_client, user, other_user, monkeypatch
):
    monkeypatch.setattr(deadline_views, "CALENDAR_DAY_LIMIT", 3)
    for number in range(4):  # sent first: their references come first on the day
        FoiRequestFactory.sent(dt.date(2025, 12, 8), owner=other_user, title=f"Hidden {number}")
    for number in range(5):
        FoiRequestFactory.sent(dt.date(2025, 12, 8), owner=user, title=f"Busy {number}")
    text = alice_client.get(reverse("deadline_calendar")).text
    grid, listed = text.split("<h2>In a list</h2>")
    assert "Hidden" not in text
    assert [f"Busy {n}" in grid for n in range(5)] == [True, True, True, False, False]
    assert "and 2 more" in grid
    assert "and 2 more on <time" in listed
    assert "and 6 more" not in text


@time_machine.travel(FROZEN, tick=False)
def test_the_calendar_shows_nothing_of_other_peoples_requests(alice_client, other_user):
    FoiRequestFactory.sent(dt.date(2026, 1, 5), owner=other_user, title="Mallory's secret")
    response = alice_client.get(reverse("deadline_calendar"), {"month": "2026-02"})
    assert "Mallory" not in response.text


@time_machine.travel(FROZEN, tick=False)
def test_the_calendar_filters_by_campaign(alice_client, user):
    campaign = CampaignFactory(name="Hospitals")
    MembershipFactory(campaign=campaign, user=user, role=Role.OWNER)
    FoiRequestFactory.sent(dt.date(2026, 1, 5), owner=user, campaign=campaign, title="In it")
    FoiRequestFactory.sent(dt.date(2026, 1, 5), owner=user, title="Not in it")
    response = alice_client.get(
        reverse("deadline_calendar"), {"month": "2026-02", "campaign": campaign.slug}
    )
    assert "In it" in response.text
    assert "Not in it" not in response.text


@pytest.mark.parametrize("query", [{"month": "2026-13"}, {"month": "x"}, {"campaign": "nope"}])
def test_a_bad_month_or_campaign_is_404(alice_client, query):
    assert alice_client.get(reverse("deadline_calendar"), query).status_code == 404


@time_machine.travel(FROZEN, tick=False)
def test_the_secret_feed_lists_upcoming_dates_of_visible_requests(client: Client, user, other_user):
    mine = FoiRequestFactory.sent(dt.date(2026, 1, 5), owner=user, title="Mine")
    FoiRequestFactory.sent(dt.date(2026, 1, 5), owner=other_user, title="Theirs")
    token = Profile.for_user(user).calendar_token
    response = client.get(reverse("calendar_feed", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    feed = ICalendar.from_ical(response.content)
    events = list(feed.walk("VEVENT"))
    assert [str(event["summary"]) for event in events] == [
        f"Response due: {mine.public_body.short_name} — Mine ({mine.reference})"
    ]
    assert events[0].decoded("dtstart") == dt.date(2026, 2, 2)


def test_a_reset_token_stops_the_old_feed(alice_client, client: Client, user):
    old = Profile.for_user(user).calendar_token
    alice_client.post(reverse("calendar_token_reset"))
    assert client.get(reverse("calendar_feed", args=[old])).status_code == 404
    new = Profile.for_user(user).calendar_token
    assert new != old
    assert client.get(reverse("calendar_feed", args=[new])).status_code == 200


@time_machine.travel(FROZEN, tick=False)
def test_a_campaign_has_its_own_feed_and_only_its_owner_resets_it(client_for, user, other_user):
    campaign = CampaignFactory()
    MembershipFactory(campaign=campaign, user=user, role=Role.OWNER)
    MembershipFactory(campaign=campaign, user=other_user, role=Role.EDITOR)
    FoiRequestFactory.sent(dt.date(2026, 1, 5), owner=user, campaign=campaign, title="Shared")
    response = Client().get(reverse("campaign_calendar_feed", args=[campaign.calendar_token]))
    assert b"Shared" in response.content
    url = reverse("campaign_calendar_token_reset", args=[campaign.slug])
    assert client_for(other_user).post(url).status_code == 403
    client_for(user).post(url)
    old = campaign.calendar_token
    campaign.refresh_from_db()
    assert campaign.calendar_token != old


@pytest.mark.parametrize(
    "title",
    [
        "Short title",
        "A title of exactly forty characters long!",
        "Bed occupancy & waiting times <2025> in every hospital trust",
        "Cafe\u0301s licensed in the borough, with their opening hours",
        "Ещё один очень длинный заголовок запроса о больницах и очередях",
        "x" * 39 + "\u0301" * 5 + "y" * 3,
    ],
)
def test_a_calendar_title_is_shortened_as_truncator_shortens_it(title: str) -> None:
    ellipsis = foi_tags._truncation_text()
    expected = Truncator(title).chars(foi_tags.CALENDAR_TITLE_CHARS, truncate=ellipsis)
    assert foi_tags._shortened(title, foi_tags.CALENDAR_TITLE_CHARS, ellipsis) == expected
