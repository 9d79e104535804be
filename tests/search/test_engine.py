"""search(user, query, **filters): what it finds, how it ranks, filters and counts.

The same tests run on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from requests_app import models
from requests_app.search import SearchResults, search
from requests_app.search.engine import load_hits
from requests_app.search.plan import RawHit
from tests.factories import FoiRequestFactory, MessageFactory
from tests.search.conftest import SENT
from tests.search.factories import AttachmentFactory, DocumentPageFactory


def found(results: SearchResults) -> list[tuple[str, int]]:
    return [(hit.kind, hit.object.pk) for hit in results.hits]


@pytest.fixture
def own_request(user: User, body: models.PublicBody) -> models.FoiRequest:
    return FoiRequestFactory.create(
        owner=user,
        public_body=body,
        title="Spending on management consultants",
        text="Please send the contracts you hold with consultancies since 2020.",
    )


# --- what is indexed -----------------------------------------------------------------


def test_a_word_only_on_an_attachment_page_finds_that_page_and_links_to_it(
    user: User, own_request: models.FoiRequest
) -> None:
    message = MessageFactory.create(
        request=own_request, body_text="Please see the attached letter."
    )
    attachment = AttachmentFactory.create(message=message, filename="Final response.pdf")
    DocumentPageFactory.create(attachment=attachment, number=1, text="Cover sheet.")
    page = DocumentPageFactory.create(
        attachment=attachment, number=3, text="The quillwort survey cost £12,000."
    )
    results = search(user, "quillwort")
    assert found(results) == [("page", page.pk)]
    hit = results.hits[0]
    assert hit.page_number == 3
    assert hit.request == own_request
    assert hit.url.endswith(f"/attachments/{attachment.pk}/pages/#page-3")
    assert "<mark>quillwort</mark>" in hit.snippet
    assert str(hit.title) == "Final response.pdf, page 3"


def test_a_scanned_page_is_found_once_ocr_has_written_its_text(
    user: User, own_request: models.FoiRequest
) -> None:
    attachment = AttachmentFactory.create(message=MessageFactory.create(request=own_request))
    page = DocumentPageFactory.create(attachment=attachment, number=1, text="")
    assert search(user, "bathymetry").total == 0
    page.text = "Bathymetry of the reservoir, surveyed in 2019."
    page.save()
    assert found(search(user, "bathymetry")) == [("page", page.pk)]


def test_requests_are_found_by_title_text_references_and_notes(
    user: User, body: models.PublicBody
) -> None:
    by_title = FoiRequestFactory.create(owner=user, public_body=body, title="Asbestos in schools")
    by_text = FoiRequestFactory.create(owner=user, public_body=body, text="Reports about asbestos.")
    by_notes = FoiRequestFactory.create(
        owner=user, public_body=body, notes="Ask about asbestos again"
    )
    by_theirs = FoiRequestFactory.create(owner=user, public_body=body, their_reference="ASB-77")
    assert set(found(search(user, "asbestos"))) == {
        ("request", by_title.pk),
        ("request", by_text.pk),
        ("request", by_notes.pk),
    }
    assert found(search(user, by_theirs.reference)) == [("request", by_theirs.pk)]
    assert found(search(user, "ASB-77")) == [("request", by_theirs.pk)]


def test_messages_are_found_by_subject_and_body_and_link_to_the_message(
    user: User, own_request: models.FoiRequest
) -> None:
    by_subject = MessageFactory.create(request=own_request, subject="Palimpsest review")
    by_body = MessageFactory.create(request=own_request, body_text="The palimpsest was restored.")
    results = search(user, "palimpsest")
    assert set(found(results)) == {("message", by_subject.pk), ("message", by_body.pk)}
    urls = {hit.url for hit in results.hits}
    assert f"/requests/{own_request.reference}/#message-{by_body.pk}" in urls


def test_each_hit_links_where_reverse_would_even_for_a_reference_that_needs_quoting(
    user: User, body: models.PublicBody
) -> None:
    # The hits' URLs are filled in from one reverse() a page: the reference must come out
    # quoted exactly as reverse() quotes it.
    odd = FoiRequestFactory.create(
        owner=user, public_body=body, reference="Réf 7&8", title="Bathymetry of the lake"
    )
    message = MessageFactory.create(request=odd, body_text="The bathymetry survey.")
    attachment = AttachmentFactory.create(message=message)
    page = DocumentPageFactory.create(attachment=attachment, number=2, text="Bathymetry data.")
    request_url = reverse("request_detail", kwargs={"reference": "Réf 7&8"})
    pages_url = reverse("attachment_pages", kwargs={"pk": attachment.pk})
    urls = {(hit.kind, hit.object.pk): hit.url for hit in search(user, "bathymetry").hits}
    assert urls == {
        ("request", odd.pk): request_url,
        ("message", message.pk): f"{request_url}#message-{message.pk}",
        ("page", page.pk): f"{pages_url}#page-2",
    }
    assert request_url == odd.get_absolute_url() == "/requests/R%C3%A9f%207&8/"


def test_a_huge_letter_is_saved_and_found(user: User, own_request: models.FoiRequest) -> None:
    # Far beyond what a PostgreSQL tsvector may hold: the beginning is indexed, and the
    # letter is saved whatever it contains.
    tokens = " ".join(f"x{number:x}q" for number in range(100_000))
    message = MessageFactory.create(request=own_request, body_text=f"Lighthouse {tokens}")
    assert found(search(user, "lighthouse")) == [("message", message.pk)]


def test_a_deleted_message_leaves_the_index(user: User, own_request: models.FoiRequest) -> None:
    message = MessageFactory.create(request=own_request, body_text="Ombudsperson decision.")
    DocumentPageFactory.create(
        attachment=AttachmentFactory.create(message=message), text="Ombudsperson"
    )
    assert search(user, "ombudsperson").total == 2
    message.delete()
    assert search(user, "ombudsperson").total == 0


def test_an_unmatched_message_is_found_once_it_is_matched_to_a_request(
    user: User, own_request: models.FoiRequest
) -> None:
    message = MessageFactory.create(
        request=None, imported_by=user, body_text="Zanthoxylum figures."
    )
    page = DocumentPageFactory.create(
        attachment=AttachmentFactory.create(message=message), text="Zanthoxylum"
    )
    assert search(user, "zanthoxylum").total == 0
    message.request = own_request
    message.save()
    assert set(found(search(user, "zanthoxylum"))) == {
        ("message", message.pk),
        ("page", page.pk),
    }


# --- the query syntax ----------------------------------------------------------------


@pytest.fixture
def letters(own_request: models.FoiRequest) -> dict[str, models.Message]:
    texts = {
        "review": "You may ask for an internal review of this decision.",
        "reversed": "We will review the internal guidance next year.",
        "appeal": "You may appeal to the Information Commissioner.",
        "both": "An internal review precedes any appeal.",
    }
    return {
        name: MessageFactory.create(request=own_request, subject="Reply", body_text=text)
        for name, text in texts.items()
    }


def test_a_phrase_finds_the_words_together_and_in_order(
    user: User, letters: dict[str, models.Message]
) -> None:
    results = search(user, '"internal review"')
    assert set(found(results)) == {
        ("message", letters["review"].pk),
        ("message", letters["both"].pk),
    }


def test_or_finds_either_word(user: User, letters: dict[str, models.Message]) -> None:
    results = search(user, '"internal review" or appeal')
    assert set(found(results)) == {
        ("message", letters["review"].pk),
        ("message", letters["appeal"].pk),
        ("message", letters["both"].pk),
    }


def test_a_minus_sign_leaves_out_what_contains_the_word(
    user: User, letters: dict[str, models.Message]
) -> None:
    results = search(user, '"internal review" -appeal')
    assert found(results) == [("message", letters["review"].pk)]


def test_english_words_are_found_in_their_other_forms(
    user: User, own_request: models.FoiRequest
) -> None:
    # Stemming on both databases: "contracts" and "contracting" are the same word.
    message = MessageFactory.create(request=own_request, body_text="Contracting was paused in May.")
    results = search(user, "contracts")
    assert ("message", message.pk) in found(results)
    assert ("request", own_request.pk) in found(results)


def test_titles_rank_above_bodies_and_bodies_above_attachments(
    user: User, body: models.PublicBody
) -> None:
    in_title = FoiRequestFactory.create(
        owner=user, public_body=body, title="Ferry timetable", text=""
    )
    other = FoiRequestFactory.create(owner=user, public_body=body, title="Harbour dues", text="")
    in_body = MessageFactory.create(
        request=other, subject="Reply", body_text="The ferry timetable."
    )
    on_page = DocumentPageFactory.create(
        attachment=AttachmentFactory.create(
            message=MessageFactory.create(request=other, body_text="Enclosed")
        ),
        text="The ferry timetable.",
    )
    results = search(user, "ferry")
    assert found(results) == [
        ("request", in_title.pk),
        ("message", in_body.pk),
        ("page", on_page.pk),
    ]
    assert results.hits[0].rank > results.hits[1].rank > results.hits[2].rank


# --- bad input -------------------------------------------------------------------------

BAD_INPUT = [
    "",
    "   ",
    "x" * 10_000,
    "budget " * 2_000,
    '"unbalanced quote',
    'one "two',
    '"',
    "'; DROP TABLE requests_app_foirequest; --",
    "1' OR '1'='1",
    "NEAR(budget consultants, 2)",
    "title:budget",
    "budget*",
    "^budget",
    "(budget OR) AND NOT",
    "budget & !consultants | <-> :*",
    "'budget':* & !x",
    "%_%",
    "\\",
    "$$ @@ ::",
    "😀🎉",
    "budget 😀",
    "مرحبا بالعالم",
    "שלום עולם",
    "\u202ebudget\u202c",
    "-",
    "-budget",
    "or",
    "a\x00b",
    "\ue000budget\ue001",
]


def test_bad_input_gives_results_or_a_friendly_message(
    user: User, own_request: models.FoiRequest
) -> None:
    for raw in BAD_INPUT:
        results = search(user, raw)
        assert results.hits or results.notes or results.query.is_searchable, raw
        assert not any("could not be run" in note for note in results.notes), raw
    assert search(user, 'budget 😀 "').total == 0
    assert search(user, '"consultants 😀').total == 1


def test_unknown_filter_codes_are_left_out(user: User, own_request: models.FoiRequest) -> None:
    results = search(user, "consultants", kind="everything", status="nonsense", file_type="exe")
    assert found(results) == [("request", own_request.pk)]


def test_right_to_left_words_are_found(user: User, body: models.PublicBody) -> None:
    arabic = FoiRequestFactory.create(
        owner=user, public_body=body, title="طلب معلومات عن الميزانية"
    )
    hebrew = FoiRequestFactory.create(owner=user, public_body=body, title="בקשה לחופש מידע")
    assert found(search(user, "الميزانية")) == [("request", arabic.pk)]
    assert found(search(user, "מידע")) == [("request", hebrew.pk)]


def test_sql_in_the_box_is_searched_for_as_words(user: User, body: models.PublicBody) -> None:
    request = FoiRequestFactory.create(
        owner=user, public_body=body, title="Why did they drop the table?"
    )
    results = search(user, "'; DROP TABLE --")
    assert found(results) == [("request", request.pk)]
    assert models.FoiRequest.objects.filter(pk=request.pk).exists()


def test_snippets_escape_the_stored_text(user: User, own_request: models.FoiRequest) -> None:
    MessageFactory.create(
        request=own_request,
        subject="<b>Kelp</b> & co",
        body_text='Kelp & <script>alert("x")</script> farming licences.',
    )
    hit = search(user, "kelp").hits[0]
    # PostgreSQL's headline leaves markup out of a snippet; SQLite's keeps it, escaped.
    assert "<script" not in hit.snippet and "&amp;" in hit.snippet
    assert "<mark>Kelp</mark>" in hit.snippet
    assert "<b>" not in hit.title and "&lt;b&gt;" in hit.title


def test_a_match_deep_in_a_long_letter_is_shown_in_the_snippet(
    user: User, own_request: models.FoiRequest
) -> None:
    MessageFactory.create(
        request=own_request, body_text="Nothing to see here. " * 2000 + "The kelp harvests doubled."
    )
    for query in ("kelp", "harvest"):
        snippet = search(user, query).hits[0].snippet
        assert "<mark>" in snippet and "doubled" in snippet, query


# --- filters, facets, order, pages ---------------------------------------------------


@dataclass
class Archive:
    refused: models.FoiRequest
    open: models.FoiRequest
    letter: models.Message
    page: models.DocumentPage
    exemption: models.Exemption


@pytest.fixture
def archive(
    user: User,
    body: models.PublicBody,
    other_body: models.PublicBody,
    campaign: models.Campaign,
) -> Archive:
    """Four things about lighthouses, told apart by every filter."""
    refused = FoiRequestFactory.create(
        owner=user,
        public_body=body,
        campaign=campaign,
        status=models.Status.REFUSED,
        regime="uk-eir",
        title="Lighthouse maintenance",
    )
    exemption, _ = models.Exemption.objects.get_or_create(
        law="uk-foia", section="43", defaults={"title": "Commercial interests"}
    )
    refused.exemptions.add(exemption)
    open_request = FoiRequestFactory.create(
        owner=user,
        public_body=other_body,
        status=models.Status.AWAITING_RESPONSE,
        title="Harbour spending",
    )
    letter = MessageFactory.create(
        request=open_request,
        sent_at=dt.datetime(2025, 6, 1, 9, tzinfo=dt.UTC),
        body_text="The lighthouse budget is attached.",
    )
    sheet = AttachmentFactory.create(
        message=MessageFactory.create(
            request=open_request,
            sent_at=dt.datetime(2026, 2, 1, 9, tzinfo=dt.UTC),
            body_text="Enclosed.",
        ),
        filename="budget.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    page = DocumentPageFactory.create(attachment=sheet, number=1, text="Lighthouse: £40,000")
    return Archive(refused, open_request, letter, page, exemption)


def test_each_filter_narrows_the_results(
    user: User, archive: Archive, campaign: models.Campaign
) -> None:
    refused, open_request = archive.refused, archive.open
    letter, page = archive.letter, archive.page
    everything = {("request", refused.pk), ("message", letter.pk), ("page", page.pk)}
    assert set(found(search(user, "lighthouse"))) == everything
    cases: dict[str, tuple[dict[str, Any], set[tuple[str, int]]]] = {
        "kind": ({"kind": "message"}, {("message", letter.pk)}),
        "kinds": ({"kind": ["message", "page"]}, everything - {("request", refused.pk)}),
        "body": ({"public_body": open_request.public_body}, everything - {("request", refused.pk)}),
        "campaign": ({"campaign": campaign}, {("request", refused.pk)}),
        "status": ({"status": "refused"}, {("request", refused.pk)}),
        "regime": ({"regime": "uk-eir"}, {("request", refused.pk)}),
        "file type": ({"file_type": "spreadsheet"}, {("page", page.pk)}),
        "exemption": ({"exemption": archive.exemption}, {("request", refused.pk)}),
        "request": ({"request": open_request}, {("message", letter.pk), ("page", page.pk)}),
        "dates": (
            {"date_from": dt.date(2025, 5, 1), "date_to": dt.date(2025, 6, 1)},
            {("message", letter.pk)},
        ),
    }
    for name, (filters, expected) in cases.items():
        assert set(found(search(user, "lighthouse", **filters))) == expected, name


def test_a_status_change_reaches_the_index(user: User, archive: Archive) -> None:
    open_request = archive.open
    assert search(user, "lighthouse", status="successful").total == 0
    open_request.status = models.Status.SUCCESSFUL
    open_request.save()
    assert search(user, "lighthouse", status="successful").total == 2


def test_a_status_change_moves_pages_between_kind_and_status_filters(
    user: User, archive: Archive
) -> None:
    # PostgreSQL reads one kind and one status on an index of the entries' copied status.
    def pages(status: str) -> set[tuple[str, int]]:
        return set(found(search(user, "lighthouse", kind="page", status=status)))

    page = ("page", archive.page.pk)
    assert (pages("awaiting_response"), pages("successful")) == ({page}, set())
    archive.open.status = models.Status.SUCCESSFUL
    archive.open.save()
    assert (pages("awaiting_response"), pages("successful")) == (set(), {page})


def test_one_kind_and_one_status_are_equalities_the_planner_can_walk_newest_first(
    user: User, archive: Archive
) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite searches through FTS5")
    from requests_app.search.engine import filters_from, plan_for
    from requests_app.search.postgres import search_conditions
    from requests_app.search.query import parse_query

    def conditions(**filters: Any) -> str:
        plan = plan_for(user, parse_query("lighthouse"), filters_from(**filters))
        return search_conditions(plan).sql()

    one = conditions(kind="page", status="refused")
    assert "e.kind = %(kinds)s" in one and "e.status = %(statuses)s" in one
    assert "e.kind = ANY(%(kinds)s)" in conditions(kind=["message", "page"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'search_entry_kind_status'"
        )
        assert cursor.fetchone()[0].endswith("(kind, status, id)")


def test_facets_count_what_was_found(user: User, archive: Archive) -> None:
    facets = search(user, "lighthouse").facets
    assert {item.value: item.count for item in facets["kind"]} == {
        "request": 1,
        "message": 1,
        "page": 1,
    }
    assert {item.label: item.count for item in facets["body"]} == {
        "Ministry of Secrets": 2,
        "Department of Examples": 1,
    }
    assert {item.value: item.count for item in facets["status"]} == {
        "awaiting_response": 2,
        "refused": 1,
    }
    assert [(item.label, item.count) for item in facets["campaign"]] == [("Open Hospitals", 1)]
    assert [(item.value, item.count) for item in facets["file_type"]] == [("spreadsheet", 1)]


def test_sorting_by_date_puts_the_newest_first(user: User, archive: Archive) -> None:
    results = search(user, "lighthouse", sort="date", kind=["message", "page"])
    assert found(results) == [
        ("page", archive.page.pk),
        ("message", archive.letter.pk),
    ]


def test_results_come_in_pages(user: User, own_request: models.FoiRequest) -> None:
    for number in range(25):
        MessageFactory.create(request=own_request, subject=f"Seaweed {number}", body_text="seaweed")
    first = search(user, "seaweed", per_page=10)
    third = search(user, "seaweed", per_page=10, page=3)
    assert (first.total, first.num_pages, len(first.hits)) == (25, 3, 10)
    assert len(third.hits) == 5 and not third.has_next and third.has_previous
    past_the_end = search(user, "seaweed", per_page=10, page=99)
    assert past_the_end.page == 3 and len(past_the_end.hits) == 5
    all_found = set(found(first)) | set(found(search(user, "seaweed", per_page=10, page=2)))
    assert len(all_found | set(found(third))) == 25


def test_more_matches_than_the_window_are_counted_as_more_than(
    user: User, own_request: models.FoiRequest, settings: Any
) -> None:
    settings.FOI_SEARCH_WINDOW = 5
    messages = [
        MessageFactory.create(request=own_request, subject="Kelp", body_text="kelp")
        for _ in range(8)
    ]
    results = search(user, "kelp", kind="message")
    assert results.total == 5 and results.more_than_total
    assert any("More than 5 matches" in note for note in results.notes)
    # The window holds the most recently added matches.
    assert set(found(results)) == {("message", message.pk) for message in messages[-5:]}


def test_a_letter_gone_or_moved_since_its_entry_was_read_is_left_off_the_page() -> None:
    # The statement gives a letter's date only while the letter is still its request's:
    # without it the hit is dropped, not built from the letter's empty values.
    request_values = ("FOI-2026-0001", "Kelp", None, SENT, 1, "Department of Examples")
    gone = RawHit(1, "message", 5, 9, 1.0, "", "kelp", (*request_values, *[None] * 8))
    here = replace(gone, entry_id=2, shown=(*request_values, "Kelp", "email", SENT, *[None] * 5))
    assert [hit.object.pk for hit in load_hits([gone, here])] == [5]
