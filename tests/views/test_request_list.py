"""The request list: filters, sorting, pagination and the CSV download."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from requests_app import models
from requests_app.views import listing
from tests.factories import (
    CampaignFactory,
    FoiRequestFactory,
    MembershipFactory,
    PublicBodyFactory,
    TagFactory,
    UserFactory,
)


def references(response: HttpResponse) -> list[str]:
    return [row.foi_request.reference for row in response.context["rows"]]


def csv_rows(response: HttpResponse) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(content)))


@pytest.fixture
def three_requests(user: AbstractBaseUser, body: models.PublicBody) -> dict[str, models.FoiRequest]:
    other_body = PublicBodyFactory(name="Borough of Sampleton", short_name="", slug="sampleton")
    return {
        "late": FoiRequestFactory.sent(
            on=dt.date(2025, 12, 10), owner=user, public_body=body, title="Bed occupancy"
        ),
        "recent": FoiRequestFactory.sent(
            on=dt.date(2026, 1, 12),
            owner=user,
            public_body=other_body,
            title="Pothole repairs",
            their_reference="SAMP/77",
        ),
        "draft": FoiRequestFactory(owner=user, public_body=body, title="Draft on libraries"),
    }


def test_it_lists_my_requests_soonest_deadline_first(
    alice_client: Client, three_requests: dict[str, models.FoiRequest], other_user: AbstractBaseUser
) -> None:
    FoiRequestFactory(owner=other_user, title="Not alice's")
    response = alice_client.get(reverse("request_list"))
    late, recent, draft = (three_requests[k].reference for k in ("late", "recent", "draft"))
    assert references(response) == [late, recent, draft]
    assert "3 requests." in response.text
    assert "overdue by 2 working days" in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "draft"}, ["draft"]),
        ({"status": ["draft", "awaiting_response"]}, ["late", "recent", "draft"]),
        ({"overdue": "on"}, ["late"]),
        ({"q": "samp/77"}, ["recent"]),
        ({"q": "OCCUPANCY"}, ["late"]),
        ({"public_body": "sampleton"}, ["recent"]),
        ({"sent_after": "2026-01-01"}, ["recent"]),
        ({"sent_before": "2025-12-31"}, ["late"]),
        ({"sent_after": "2025-12-01", "sent_before": "2026-01-31"}, ["late", "recent"]),
    ],
)
def test_filters_narrow_the_list(
    query: dict[str, object],
    expected: list[str],
    alice_client: Client,
    three_requests: dict[str, models.FoiRequest],
) -> None:
    response = alice_client.get(reverse("request_list"), query)
    assert references(response) == [three_requests[key].reference for key in expected]


def test_it_filters_by_campaign_and_tag(
    alice_client: Client, campaign_request: models.FoiRequest, alice_request: models.FoiRequest
) -> None:
    tag = TagFactory(name="Health", slug="health")
    alice_request.tags.add(tag)
    by_campaign = alice_client.get(reverse("request_list"), {"campaign": "open-hospitals"})
    assert references(by_campaign) == [campaign_request.reference]
    by_tag = alice_client.get(reverse("request_list"), {"tag": "health"})
    assert references(by_tag) == [alice_request.reference]


def test_the_campaign_and_body_choices_only_offer_what_i_can_see(
    alice_client: Client, alice_request: models.FoiRequest, other_user: AbstractBaseUser
) -> None:
    secret = CampaignFactory(name="Mallory's Secret Campaign")
    MembershipFactory(campaign=secret, user=other_user, role=models.Role.OWNER)
    hidden_body = PublicBodyFactory(name="Office of Hidden Things")
    FoiRequestFactory(owner=other_user, public_body=hidden_body, campaign=secret)
    response = alice_client.get(reverse("request_list"))
    assert "Secret Campaign" not in response.text
    assert "Office of Hidden Things" not in response.text
    asked = alice_client.get(reverse("request_list"), {"campaign": secret.slug})
    assert asked.status_code == 200
    assert "Select a valid choice" in asked.text
    assert references(asked) == []
    for hidden in (hidden_body.slug, hidden_body.name):
        asked = alice_client.get(reverse("request_list"), {"public_body": hidden})
        assert "None of the bodies you have requests to is called" in asked.text
        assert references(asked) == []


def test_the_body_box_takes_a_bodys_slug_name_or_short_name(
    alice_client: Client, alice_request: models.FoiRequest
) -> None:
    body = alice_request.public_body
    for typed in (body.slug, body.name.upper(), body.short_name):
        asked = alice_client.get(reverse("request_list"), {"public_body": typed})
        assert references(asked) == [alice_request.reference], typed
    page = alice_client.get(reverse("request_list"))
    assert "<option" not in page.text.split('name="public_body"')[1].split(">")[0]
    assert page.text.count("<option") < 60  # statuses, campaigns, laws: no list of bodies


@pytest.mark.parametrize("bad", ["2026-13-45", "yesterday", "15/01/2026x"])
def test_a_malformed_date_shows_an_error_not_a_500(
    bad: str, alice_client: Client, alice_request: models.FoiRequest
) -> None:
    response = alice_client.get(reverse("request_list"), {"sent_after": bad, "q": "spending"})
    assert response.status_code == 200
    assert "Enter a valid date." in response.text
    assert 'id="id_sent_after_error"' in response.text
    assert f'value="{bad}"' in response.text  # what was typed is kept
    assert references(response) == []


@pytest.mark.parametrize("page_number", ["abc", "9999", "-1", "0", ""])
def test_bad_page_numbers_do_not_fail(
    page_number: str, alice_client: Client, user: AbstractBaseUser
) -> None:
    FoiRequestFactory.create_batch(55, owner=user)
    response = alice_client.get(reverse("request_list"), {"page": page_number})
    assert response.status_code == 200
    assert len(response.context["rows"]) in (50, 5)


def test_it_paginates_by_50(alice_client: Client, user: AbstractBaseUser) -> None:
    FoiRequestFactory.create_batch(55, owner=user)
    first = alice_client.get(reverse("request_list"))
    second = alice_client.get(reverse("request_list"), {"page": 2})
    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 5
    assert not set(references(first)) & set(references(second))
    assert "Page 1 of 2" in first.text


def test_a_very_long_list_says_more_than_and_still_shows_its_last_counted_page(
    alice_client: Client, user: AbstractBaseUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Counting stops at the cap (10,000 by default): here 60, with 110 requests.
    monkeypatch.setattr(listing, "COUNT_CAP", 60)
    FoiRequestFactory.create_batch(110, owner=user)
    first = alice_client.get(reverse("request_list"))
    assert "More than 60 requests." in first.text
    assert "Page 1 of 2+" in first.text
    second = alice_client.get(reverse("request_list"), {"page": 2})
    assert len(second.context["rows"]) == 50
    beyond = alice_client.get(reverse("request_list"), {"page": 9})
    assert references(beyond) == references(second)
    small = alice_client.get(reverse("request_list"), {"q": "no such title"})
    assert "0 requests." in small.text


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("due", ["late", "recent", "draft"]),
        ("-due", ["recent", "late", "draft"]),
        ("sent", ["late", "recent", "draft"]),
        ("-sent", ["recent", "late", "draft"]),
        # Ties fall back to the newest first.
        ("body", ["recent", "draft", "late"]),
        ("status", ["recent", "late", "draft"]),
        ("-status", ["draft", "recent", "late"]),
        ("not-a-column", ["late", "recent", "draft"]),
    ],
)
def test_columns_sort_from_a_whitelist(
    sort: str,
    expected: list[str],
    alice_client: Client,
    three_requests: dict[str, models.FoiRequest],
) -> None:
    response = alice_client.get(reverse("request_list"), {"sort": sort})
    assert response.status_code == 200
    assert references(response) == [three_requests[key].reference for key in expected]


def test_sorting_by_reference_both_ways(
    alice_client: Client, three_requests: dict[str, models.FoiRequest]
) -> None:
    ascending = references(alice_client.get(reverse("request_list"), {"sort": "reference"}))
    descending = references(alice_client.get(reverse("request_list"), {"sort": "-reference"}))
    assert ascending == sorted(ascending)
    assert descending == ascending[::-1]


def test_a_sort_link_keeps_the_filters_and_flips_the_direction(
    alice_client: Client, three_requests: dict[str, models.FoiRequest]
) -> None:
    html = alice_client.get(reverse("request_list"), {"q": "a", "sort": "sent"}).text
    assert 'href="?q=a&amp;sort=-sent"' in html
    assert 'aria-sort="ascending"' in html


# --- CSV -----------------------------------------------------------------------------


def test_the_csv_has_exactly_the_filtered_rows(
    alice_client: Client, three_requests: dict[str, models.FoiRequest]
) -> None:
    response = alice_client.get(reverse("request_export_csv"), {"status": "awaiting_response"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="foi-requests-2026-01-15.csv"'
    header, *rows = csv_rows(response)
    assert header[0] == "reference"
    assert [row[0] for row in rows] == [
        three_requests["late"].reference,
        three_requests["recent"].reference,
    ]
    late = dict(zip(header, rows[0], strict=True))
    assert late["public_body"] == "Department of Examples"
    assert late["due_on"] == "2026-01-13"
    assert late["overdue"] == "yes"


def test_the_csv_has_every_row_not_just_one_page(
    alice_client: Client, user: AbstractBaseUser
) -> None:
    FoiRequestFactory.create_batch(120, owner=user)
    _header, *rows = csv_rows(alice_client.get(reverse("request_export_csv")))
    assert len(rows) == 120


def test_the_csv_neutralises_spreadsheet_formulas(
    alice_client: Client, user: AbstractBaseUser, body: models.PublicBody
) -> None:
    FoiRequestFactory(
        owner=user, public_body=body, title="=cmd|' /C calc'!A0", their_reference="+1"
    )
    FoiRequestFactory(owner=user, public_body=body, title="@SUM(A1)", their_reference="-2")
    _header, *rows = csv_rows(
        alice_client.get(reverse("request_export_csv"), {"sort": "reference"})
    )
    cells = {(row[1], row[2]) for row in rows}
    assert cells == {("'=cmd|' /C calc'!A0", "'+1"), ("'@SUM(A1)", "'-2")}


def test_the_csv_with_a_malformed_filter_shows_the_error_instead(
    alice_client: Client, alice_request: models.FoiRequest
) -> None:
    response = alice_client.get(reverse("request_export_csv"), {"sent_before": "31/02/2026"})
    assert response.status_code == 400
    assert "Enter a valid date." in response.text


def count_line(response: HttpResponse) -> str:
    return response.text.split('<p class="list-meta">')[1].split(".")[0].strip()


def test_the_count_kept_under_the_counts_version_follows_every_change_it_counts(
    alice_client: Client, user: AbstractBaseUser, body: models.PublicBody, campaign: models.Campaign
) -> None:
    FoiRequestFactory.create_batch(2, owner=user, public_body=body)
    assert count_line(alice_client.get(reverse("request_list"))) == "2 requests"
    shared = FoiRequestFactory(owner=UserFactory(), campaign=campaign, public_body=body)
    assert count_line(alice_client.get(reverse("request_list"))) == "3 requests"
    # A change made without save(): the database's own version still moves.
    models.FoiRequest.objects.filter(pk=shared.pk).update(visibility=models.Visibility.PRIVATE)
    assert count_line(alice_client.get(reverse("request_list"))) == "2 requests"
    models.FoiRequest.objects.filter(pk=shared.pk).update(visibility=models.Visibility.CAMPAIGN)
    campaign_url = reverse("request_list") + f"?campaign={campaign.slug}"
    assert count_line(alice_client.get(campaign_url)) == "1 request"
    models.Membership.objects.filter(user_id=user.pk, campaign=campaign).delete()
    assert count_line(alice_client.get(reverse("request_list"))) == "2 requests"


def test_a_count_narrowed_by_a_body_follows_a_request_moved_without_save(
    alice_client: Client, user: AbstractBaseUser, body: models.PublicBody
) -> None:
    moved, _ = FoiRequestFactory.create_batch(2, owner=user, public_body=body)
    url = reverse("request_list") + f"?public_body={body.slug}"
    assert count_line(alice_client.get(url)) == "2 requests"
    other = PublicBodyFactory()
    models.FoiRequest.objects.filter(pk=moved.pk).update(public_body=other)
    assert count_line(alice_client.get(url)) == "1 request"


def test_the_body_pages_count_follows_a_request_moved_without_save(
    alice_client: Client, user: AbstractBaseUser, body: models.PublicBody
) -> None:
    moved, *_ = FoiRequestFactory.create_batch(listing.PAGE_SIZE + 1, owner=user, public_body=body)
    assert "Page 1 of 2" in alice_client.get(body.get_absolute_url()).text
    models.FoiRequest.objects.filter(pk=moved.pk).update(public_body=PublicBodyFactory())
    assert "Page 1 of 2" not in alice_client.get(body.get_absolute_url()).text


def test_a_count_narrowed_by_what_the_version_does_not_watch_is_counted_afresh(
    alice_client: Client, user: AbstractBaseUser, body: models.PublicBody
) -> None:
    tagged, untagged = FoiRequestFactory.create_batch(2, owner=user, public_body=body)
    tag = TagFactory(name="Kelp", slug="kelp")
    tagged.tags.add(tag)
    url = reverse("request_list") + "?tag=kelp"
    assert count_line(alice_client.get(url)) == "1 request"
    untagged.tags.add(tag)  # a request's tags are no part of the version
    assert count_line(alice_client.get(url)) == "2 requests"
