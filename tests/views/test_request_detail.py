"""A request's page: deadlines with their reasoning, the merged timeline, the actions."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from requests_app import models
from tests.factories import FoiRequestFactory, MessageFactory, make_attachment
from tests.views.conftest import LONDON


def test_it_shows_the_deadline_the_working_days_left_and_how_it_is_worked_out(
    alice_client: Client, alice_request: models.FoiRequest
) -> None:
    html = alice_client.get(alice_request.get_absolute_url()).text
    assert "Spending on management consultants" in html
    assert "Awaiting response" in html
    assert "Response due" in html
    assert "Monday 2 February 2026" in html
    assert "12 working days left" in html  # 16 Jan … 2 Feb, weekends skipped
    assert html.count("How is this worked out?") == len(alice_request.deadline_explanations)
    summary = alice_request.deadline_explanations["due_on"]["summary"]
    assert summary
    assert str(summary).replace("'", "&#x27;") in html
    first_step = alice_request.deadline_explanations["due_on"]["steps"][0]
    assert str(first_step).replace("'", "&#x27;") in html


def test_an_overdue_request_says_by_how_many_working_days(
    alice_client: Client,
    user,
    body: models.PublicBody,  # type: ignore[no-untyped-def]
) -> None:
    late = FoiRequestFactory.sent(on=dt.date(2025, 12, 10), owner=user, public_body=body)
    html = alice_client.get(late.get_absolute_url()).text
    assert "overdue by 2 working days" in html
    assert "Tuesday 13 January 2026" in html


def test_it_shows_the_bodys_foi_email_as_a_mailto_link(
    alice_client: Client, alice_request: models.FoiRequest
) -> None:
    html = alice_client.get(alice_request.get_absolute_url()).text
    assert 'href="mailto:foi@examples.gov.example"' in html


def test_the_timeline_merges_messages_and_events_in_date_order(
    alice_client: Client,
    alice_request: models.FoiRequest,
    user,  # type: ignore[no-untyped-def]
) -> None:
    message = MessageFactory(
        request=alice_request,
        subject="Acknowledgement of your request",
        sent_at=dt.datetime(2026, 1, 6, 9, tzinfo=LONDON),
    )
    make_attachment(message, filename="letter.pdf")
    alice_request.record_event(
        models.EventKind.ACKNOWLEDGED, on=dt.date(2026, 1, 7), actor=user, note="By phone"
    )
    MessageFactory(
        request=alice_request,
        subject="Later reply",
        sent_at=dt.datetime(2026, 1, 12, 9, tzinfo=LONDON),
    )
    html = alice_client.get(alice_request.get_absolute_url()).text
    history = html.split("History", 1)[1]
    order = [
        history.index("Sent</h3>"),
        history.index("Acknowledgement of your request"),
        history.index("Acknowledged</h3>"),
        history.index("Later reply"),
    ]
    assert order == sorted(order)
    assert "By phone" in history
    assert "letter.pdf" in history
    assert "Waiting for extraction" in history
    download = reverse(
        "attachment_download",
        kwargs={"pk": message.attachments.get().pk, "filename": "letter.pdf"},
    )
    assert download in history


def test_the_owner_gets_the_action_forms(
    alice_client: Client, alice_request: models.FoiRequest
) -> None:
    html = alice_client.get(alice_request.get_absolute_url()).text
    assert reverse("message_create", kwargs={"reference": alice_request.reference}) in html
    assert 'enctype="multipart/form-data"' in html
    response_url = reverse(
        "event_create", kwargs={"reference": alice_request.reference, "kind": "response"}
    )
    assert response_url in html
    assert "Mark as sent" not in html  # already sent


def test_a_missing_reference_is_404(alice_client: Client) -> None:
    url = reverse("request_detail", kwargs={"reference": "FOI-2026-9999"})
    assert alice_client.get(url).status_code == 404


def test_the_page_leads_with_the_reply_due_date_and_the_working_days_left(
    alice_client: Client, alice_request: models.FoiRequest
) -> None:
    html = alice_client.get(alice_request.get_absolute_url()).text
    lead = html.split('id="next-heading"', 1)[1].split("</section>", 1)[0]
    assert "Reply due Mon 2 Feb — 12 working days left" in lead
    assert "Wait for the response, due by Mon 2 Feb 2026." in lead


def test_a_refusal_leads_with_the_review_to_ask_for_and_its_letter_one_click_away(
    alice_client: Client, alice_request: models.FoiRequest, user
) -> None:  # type: ignore[no-untyped-def]
    alice_request.record_response(
        on=dt.date(2026, 1, 14), outcome=models.Status.REFUSED, actor=user
    )
    html = alice_client.get(alice_request.get_absolute_url()).text
    lead = html.split('id="next-heading"', 1)[1].split("</section>", 1)[0]
    # 40 working days after Wed 14 Jan 2026 (FOIA s.45 Code of Practice).
    assert "Refused: ask for an internal review by Wed 11 Mar" in lead
    letter = reverse(
        "mail_letter", kwargs={"reference": alice_request.reference, "letter": "internal_review"}
    )
    assert f'href="{letter}">Write the internal review request</a>' in lead


def test_the_message_page_belongs_to_requests_in_the_navigation(
    alice_client: Client, alice_request: models.FoiRequest
) -> None:
    message = MessageFactory(request=alice_request, subject="Acknowledgement")
    html = alice_client.get(reverse("mail_message", kwargs={"pk": message.pk})).text
    assert '<a href="/requests/" aria-current="page">Requests</a>' in html
    assert 'aria-current="page">Unmatched mail' not in html


def test_the_filter_button_counts_the_active_filters(
    alice_client: Client, alice_request: models.FoiRequest
) -> None:
    assert '<span class="count">' not in alice_client.get(reverse("request_list")).text
    html = alice_client.get(reverse("request_list"), {"overdue": "on", "q": "consultants"}).text
    assert '<span class="count">2 active</span>' in html
