"""The letter's placeholders, answer values and suggestions read from replies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from requests_app.batches import placeholders
from requests_app.batches.answers import InvalidAnswer, SourceText, normalise, suggestions
from requests_app.models import AnswerField, AnswerKind, Message, PublicBody


def body(name: str = "NHS Example ICB", short: str = "NEICB") -> PublicBody:
    return PublicBody(name=name, short_name=short)


def test_placeholders_are_filled_with_the_bodys_values_and_the_reference() -> None:
    text = "{{ salutation }},\n{{body_name}} ({{ body_short_name }}) {{ our_reference }}"
    values = placeholders.values_for(body(), "FOI-2026-0042")
    filled = placeholders.fill(text, values)
    assert filled == "Dear NHS Example ICB,\nNHS Example ICB (NEICB) FOI-2026-0042"


def test_a_body_name_is_inserted_as_text_never_run_as_a_template() -> None:
    sly = body(name="{{ our_reference }} {% debug %} Trust", short="")
    filled = placeholders.fill(
        "To {{ body_name }} ({{ body_short_name }})", placeholders.values_for(sly)
    )
    assert (
        filled == "To {{ our_reference }} {% debug %} Trust ({{ our_reference }} {% debug %} Trust)"
    )


def test_unknown_placeholders_are_named_once_each() -> None:
    text = "{{ bodyname }} {{ salutation }} {{ x.y }} {{bodyname}}"
    assert placeholders.unknown_placeholders(text) == ["bodyname", "x.y"]
    assert placeholders.unknown_placeholders(placeholders.DEFAULT_TEXT) == []


@pytest.mark.parametrize(
    ("kind", "typed", "text", "typed_value"),
    [
        (AnswerKind.NUMBER, "1,234", "1234", Decimal("1234")),
        (AnswerKind.NUMBER, "£ 12.50", "12.5", Decimal("12.5")),
        (AnswerKind.NUMBER, "-3", "-3", Decimal("-3")),
        (AnswerKind.NUMBER, "45%", "45", Decimal("45")),
        (AnswerKind.DATE, "31/03/2026", "2026-03-31", dt.date(2026, 3, 31)),
        (AnswerKind.DATE, "1st April 2025", "2025-04-01", dt.date(2025, 4, 1)),
        (AnswerKind.DATE, "2025-12-01", "2025-12-01", dt.date(2025, 12, 1)),
        (AnswerKind.YES_NO, "Yes", "yes", True),
        (AnswerKind.YES_NO, "n", "no", False),
        (AnswerKind.TEXT, "  Kept monthly ", "Kept monthly", None),
    ],
)
def test_values_are_normalised_for_their_kind(
    kind: str, typed: str, text: str, typed_value: object
) -> None:
    value = normalise(kind, typed)
    assert value.text == text
    typed_values: dict[str, object] = {
        AnswerKind.NUMBER: value.number,
        AnswerKind.DATE: value.date,
    }
    found = typed_values.get(kind, value.boolean)
    assert found == typed_value


@pytest.mark.parametrize(
    ("kind", "typed"),
    [
        (AnswerKind.NUMBER, "about ten"),
        (AnswerKind.NUMBER, "1e400"),
        (AnswerKind.NUMBER, "NaN"),
        (AnswerKind.DATE, "31/02/2026"),
        (AnswerKind.DATE, "next week"),
        (AnswerKind.YES_NO, "maybe"),
        (AnswerKind.TEXT, "x" * 5001),
    ],
)
def test_a_value_that_is_not_of_the_kind_is_refused(kind: str, typed: str) -> None:
    with pytest.raises(InvalidAnswer):
        normalise(kind, typed)


def source(text: str, label: str = "the reply of 20 Jan 2026") -> SourceText:
    return SourceText(Message(pk=7), label, text)


def test_suggestions_are_the_values_next_to_the_keywords() -> None:
    field = AnswerField(name="Therapists", kind=AnswerKind.NUMBER, keywords="therapists, staff")
    texts = [
        source("Dear requester,\nWe employ 1,204 therapists? No: therapists employed: 1,204.\n"),
        source("Role\tHeadcount\tFTE\nTherapists\t87\t80.5\nAdmin\t12\t11", "staff.xlsx, page 1"),
    ]
    found = suggestions(field, texts)
    assert [s.value for s in found] == ["1204", "87"]
    assert found[1].label == "staff.xlsx, page 1"
    assert found[1].message_id == 7


def test_dates_and_yes_no_are_suggested_and_nothing_when_the_keyword_is_absent() -> None:
    since = AnswerField(name="Since", kind=AnswerKind.DATE, keywords="introduced")
    kept = AnswerField(name="Waiting list", kind=AnswerKind.YES_NO, keywords="waiting list")
    text = source("The policy was introduced on 3 March 2024.\nDo you keep a waiting list? Yes.")
    assert [s.value for s in suggestions(since, [text])] == ["2024-03-03"]
    assert [s.value for s in suggestions(kept, [text])] == ["yes"]
    budget = AnswerField(name="Budget", kind=AnswerKind.NUMBER)
    assert suggestions(budget, [text]) == []
