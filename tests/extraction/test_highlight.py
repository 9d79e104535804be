"""Search terms from a query, and text with the terms marked but nothing else unescaped."""

from __future__ import annotations

from requests_app.extraction.highlight import highlight, search_terms


def test_words_and_quoted_phrases_are_terms_but_operators_and_negations_are_not() -> None:
    query = 'consultants "internal review" or -refusal and "" x'
    assert search_terms(query) == ["internal review", "consultants"]


def test_repeated_terms_count_once_whatever_their_case() -> None:
    assert search_terms("NHS nhs Nhs") == ["NHS"]


def test_marks_are_the_only_markup_in_highlighted_text() -> None:
    text = "<script>alert('NHS')</script> & the NHS"
    assert highlight(text, ["nhs"]) == (
        "&lt;script&gt;alert(&#x27;<mark>NHS</mark>&#x27;)&lt;/script&gt;"
        " &amp; the <mark>NHS</mark>"
    )


def test_a_phrase_is_found_across_a_line_break() -> None:
    assert highlight("internal\nreview", ["internal review"]) == "<mark>internal\nreview</mark>"


def test_without_terms_the_text_is_only_escaped() -> None:
    assert highlight("a < b", []) == "a &lt; b"
