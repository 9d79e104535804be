"""Reading the search box: websearch syntax in, safe queries for both backends out."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from requests_app.search.query import (
    MAX_QUERY_CHARS,
    MAX_WORDS,
    START_MARK,
    STOP_MARK,
    parse_query,
)


def words(query: str) -> list[list[str]]:
    return [[operand.text for operand in group] for group in parse_query(query).required]


def test_every_word_is_required() -> None:
    assert words("consultants spending") == [["consultants"], ["spending"]]


def test_quoted_words_stay_together_as_a_phrase() -> None:
    assert words('"internal review" refused') == [["internal review"], ["refused"]]


def test_or_between_two_words_accepts_either() -> None:
    assert words("asbestos or lead paint") == [["asbestos", "lead"], ["paint"]]


def test_a_minus_sign_leaves_a_word_out() -> None:
    parsed = parse_query("contracts -register")
    assert [operand.text for operand in parsed.excluded] == ["register"]
    assert parsed.websearch() == '"contracts" -"register"'


def test_or_never_joins_a_left_out_word() -> None:
    parsed = parse_query("a -b or c")
    assert words("a -b or c") == [["a"], ["c"]]
    assert [operand.text for operand in parsed.excluded] == ["b"]


def test_or_at_either_end_is_ignored() -> None:
    assert words("or budget or") == [["budget"]]


def test_an_unbalanced_quote_runs_to_the_end() -> None:
    assert words('"unbalanced quote') == [["unbalanced quote"]]


def test_only_left_out_words_is_not_a_search() -> None:
    assert not parse_query("-refused").is_searchable


@pytest.mark.parametrize("raw", ["", "   ", "😀🎉", "***", '""', "- -", ":()"])
def test_input_without_letters_or_digits_is_not_a_search(raw: str) -> None:
    assert not parse_query(raw).is_searchable


def test_operators_are_quoted_as_plain_words_for_fts5() -> None:
    parsed = parse_query("NEAR(a b) col:x a* ^start")
    assert parsed.fts5() == '(("NEAR(a") AND ("b)") AND ("col:x") AND ("a*") AND ("^start"))'


def test_left_out_words_are_bracketed_for_fts5() -> None:
    assert parse_query('x or y -z -"w v"').fts5() == '(((("x" OR "y")) NOT "z") NOT "w v")'


def test_right_to_left_words_are_kept() -> None:
    assert words("مرحبا שלום") == [["مرحبا"], ["שלום"]]


def test_a_long_query_is_shortened_with_a_note() -> None:
    parsed = parse_query("budget " * 2000)
    assert len(parsed.text) <= MAX_QUERY_CHARS
    assert any("longer than" in note for note in parsed.notes)
    assert len([op for group in parsed.required for op in group]) == MAX_WORDS
    assert any(f"first {MAX_WORDS}" in note for note in parsed.notes)


def test_control_characters_and_highlight_markers_are_removed() -> None:
    parsed = parse_query(f"foo\x00bar {START_MARK}baz{STOP_MARK}")
    assert words(parsed.text) == [["foo"], ["bar"], ["baz"]]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_a_valid_fts5_expression(raw: str) -> None:
    parsed = parse_query(raw)
    if not parsed.is_searchable:
        return
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE t USING fts5(a, tokenize='porter unicode61')")
    connection.execute("SELECT * FROM t WHERE t MATCH ?", (parsed.fts5(),)).fetchall()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_the_websearch_text_quotes_every_word(raw: str) -> None:
    parsed = parse_query(raw)
    for group in parsed.required:
        for operand in group:
            assert '"' not in operand.text
            assert START_MARK not in operand.text and STOP_MARK not in operand.text
