"""Plain text in any common character set, CSV as rows of cells, HTML sanitised first."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytest_django.fixtures import Settings

from requests_app.extraction.base import clean_text, split_into_sections
from requests_app.extraction.text import decode_text, html_to_text
from requests_app.models import Attachment, ExtractionStatus
from tests.extraction.factories import extracted, pages_of

pytestmark = pytest.mark.django_db

Attach = Callable[..., Attachment]


def test_a_csv_becomes_rows_of_tab_separated_cells(attach: Attach) -> None:
    content = b'Trust;Weeks waiting\n"Leeds; St James";18\nBarts;22\n'
    attachment = extracted(attach(content, "waiting.txt"))
    assert attachment.status == ExtractionStatus.DONE
    assert pages_of(attachment) == ["Trust\tWeeks waiting\nLeeds; St James\t18\nBarts\t22"]


def test_html_is_sanitised_before_its_words_are_kept(attach: Attach) -> None:
    content = (
        b"<!DOCTYPE html><html><head><title>Reply</title><style>p{color:red}</style>"
        b"<script>document.cookie</script></head><body><h1>Our reply</h1>"
        b"<p>Costs &amp; fees</p><!-- internal note --><table><tr><td>2024</td>"
        b"<td>&pound;12</td></tr></table></body></html>"
    )
    attachment = extracted(attach(content, "reply.htm"))
    [text] = pages_of(attachment)
    assert "document.cookie" not in text
    assert "internal note" not in text
    assert "color:red" not in text
    assert "Our reply" in text
    assert "Costs & fees" in text
    assert "\n2024\t£12" in text


def test_windows_1252_text_is_decoded(attach: Attach) -> None:
    attachment = extracted(attach("Café costs € 45\n".encode("cp1252"), "costs.txt"))
    assert pages_of(attachment) == ["Café costs € 45"]


def test_utf16_text_with_a_byte_order_mark_is_decoded(attach: Attach) -> None:
    attachment = extracted(attach("Ysgol Gymraeg – ffigurau\n".encode("utf-16"), "a.txt"))
    assert pages_of(attachment) == ["Ysgol Gymraeg – ffigurau"]


def test_long_text_is_cut_into_sections_at_line_ends(attach: Attach, settings: Settings) -> None:
    settings.FOI_EXTRACTION_SECTION_CHARS = 100
    lines = [f"Line {number} of the disclosure log with some words" for number in range(10)]
    attachment = extracted(attach("\n".join(lines).encode(), "log.txt"))
    pages = pages_of(attachment)
    assert len(pages) == attachment.page_count
    assert len(pages) > 3
    assert all(len(page) <= 100 for page in pages)
    assert "\n".join(pages).splitlines() == lines


def test_an_empty_file_is_done_with_no_pages(attach: Attach) -> None:
    attachment = extracted(attach(b"", "empty.txt"))
    assert attachment.status == ExtractionStatus.DONE
    assert attachment.page_count == 0


def test_a_declared_charset_is_used_when_the_bytes_are_not_utf8() -> None:
    assert decode_text("Gr\xfc\xdfe".encode("latin-1"), "iso-8859-1") == "Grüße"
    assert decode_text("Grüße".encode(), "no-such-charset") == "Grüße"


def test_html_paragraphs_are_set_apart_and_list_items_are_lines() -> None:
    html = "<ul><li>One</li><li>Two</li></ul><p>Three<br>Four</p><p>Five</p>"
    assert html_to_text(html) == "One\nTwo\n\nThree\nFour\n\nFive"


def test_stored_text_has_no_nul_or_control_characters() -> None:
    assert clean_text("a\x00b\x07c\r\nd\x0ce\ud800f") == "abc\nd\ne?f"


def test_a_line_longer_than_a_section_is_still_cut() -> None:
    assert split_into_sections("x" * 250, 100) == ["x" * 100, "x" * 100, "x" * 50]
