"""Suggesting what a reply is and which exemptions it cites."""

from __future__ import annotations

import pytest

from requests_app.mail.classify import cited_exemptions, exemptions_for, suggest
from requests_app.models import MessageKind, Status


@pytest.mark.parametrize(
    ("text", "kind", "outcome"),
    [
        (
            "We acknowledge receipt of your request and will respond within 20 working days.",
            MessageKind.ACKNOWLEDGEMENT,
            "",
        ),
        ("Could you please clarify which years you mean?", MessageKind.CLARIFICATION_REQUEST, ""),
        (
            "We need additional time to consider the public interest.",
            MessageKind.EXTENSION_NOTICE,
            "",
        ),
        (
            "I am writing to refuse your request under section 12.",
            MessageKind.REFUSAL,
            Status.REFUSED,
        ),
        (
            "Please find attached the information you requested.",
            MessageKind.RESPONSE,
            Status.SUCCESSFUL,
        ),
        (
            "Please find attached our response; some names are redacted under section 40(2).",
            MessageKind.RESPONSE,
            Status.PARTIALLY_SUCCESSFUL,
        ),
        (
            "The Department does not hold the information you asked for.",
            MessageKind.RESPONSE,
            Status.NOT_HELD,
        ),
        (
            "I have now completed the internal review of your request.",
            MessageKind.REVIEW_OUTCOME,
            "",
        ),
        (
            "This decision notice concerns a request made to the Department.",
            MessageKind.REGULATOR_DECISION,
            "",
        ),
        ("Lovely weather today.", MessageKind.OTHER, ""),
    ],
)
def test_it_suggests_the_kind_of_reply(text: str, kind: str, outcome: str) -> None:
    suggestion = suggest(subject="Your request", text=text)
    assert (suggestion.kind, suggestion.outcome) == (kind, outcome)


def test_boilerplate_about_reviews_and_the_commissioner_decides_nothing() -> None:
    text = (
        "Please find attached the information you requested.\n"
        "If you are unhappy you may ask for an internal review, and then complain to the "
        "Information Commissioner, who may issue a decision notice."
    )
    assert suggest(subject="", text=text).kind == MessageKind.RESPONSE


def test_an_automatic_reply_is_never_a_response() -> None:
    text = "Out of office. Please find attached nothing."
    assert (
        suggest(subject="Automatic reply", text=text, is_auto_reply=True).kind == MessageKind.OTHER
    )


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        ("exempt under section 36(2)(b)(i) and s.43(2)", ["s.36(2)(b)(i)", "s.43(2)"]),
        ("sections 31, 38 and 40(2) apply", ["s.31", "s.38", "s.40(2)"]),
        ("regulation 12(4)(b) and reg 13", ["EIR reg 12(4)(b)", "EIR reg 13"]),
        ("s 22A (research)", ["s.22A"]),
        ("section 1(3), section 10(3), section 16 and section 17", []),
    ],
)
def test_it_finds_the_exemptions_cited(text: str, labels: list[str]) -> None:
    assert [citation.label for citation in cited_exemptions(text)] == labels


def test_scottish_requests_cite_foisa() -> None:
    assert {c.law for c in cited_exemptions("section 30(b)(i)", "scot-foisa")} == {"scot-foisa"}


@pytest.mark.django_db
def test_citations_are_found_in_the_catalogue_at_the_level_it_lists() -> None:
    citations = cited_exemptions("s.43(2), regulation 12(4)(b) and section 99")
    found = exemptions_for(citations)
    assert [exemption.citation for exemption in found] == ["FOIA s.43", "EIR reg 12(4)(b)"]
