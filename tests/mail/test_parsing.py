"""Reading messages: limits, malformed structure and the cases the corpus does not cover."""

from __future__ import annotations

import base64
import sys

import pytest

from requests_app.mail.parsing import (
    ParseLimits,
    clean_text,
    html_to_text,
    parse_message,
)
from tests.mail.outlook import OutlookAttachment, OutlookMessage, outlook_msg_bytes

LIMITS = ParseLimits(max_attachments=100, max_depth=8)


def message(body: str, headers: str = "", content_type: str = "text/plain") -> bytes:
    head = (
        "From: FOI Team <foi@examples.gov.example>\r\n"
        "To: alice@example.org\r\n"
        "Subject: Test\r\n"
        "Date: Tue, 10 Feb 2026 10:00:00 +0000\r\n"
        "Message-ID: <test@examples.gov.example>\r\n"
        f"Content-Type: {content_type}\r\n"
    )
    return (head + headers + "\r\n" + body).encode("utf-8", "surrogateescape")


def with_attachments(count: int) -> bytes:
    parts = "".join(
        f"--b\r\nContent-Type: application/pdf\r\n"
        f'Content-Disposition: attachment; filename="part{number}.pdf"\r\n\r\n%PDF {number}\r\n'
        for number in range(count)
    )
    return message(
        f"--b\r\nContent-Type: text/plain\r\n\r\nHello\r\n{parts}--b--\r\n",
        content_type='multipart/mixed; boundary="b"',
    )


def nested_multiparts(depth: int) -> bytes:
    body = "Deepest text\r\n"
    for level in range(depth):
        body = (
            (
                f'--l{level}\r\nContent-Type: multipart/mixed; boundary="l{level - 1}"\r\n\r\n'
                if level
                else f"--l{level}\r\nContent-Type: text/plain\r\n\r\n"
            )
            + body
            + f"--l{level}--\r\n"
        )
    return message(body, content_type=f'multipart/mixed; boundary="l{depth - 1}"')


def test_an_empty_file_is_not_an_email() -> None:
    parsed = parse_message(b"", LIMITS)
    assert not parsed.readable
    assert "Not an email" in parsed.problems[0]


def test_text_that_has_no_mail_headers_is_not_an_email() -> None:
    assert not parse_message(b"Just some notes I typed\nand saved as .eml\n", LIMITS).readable


def test_attachments_beyond_the_limit_stay_in_the_raw_message_and_are_flagged() -> None:
    parsed = parse_message(with_attachments(5), ParseLimits(max_attachments=2, max_depth=8))
    assert [item.filename for item in parsed.attachments] == ["part0.pdf", "part1.pdf"]
    assert any("3 attachment(s) beyond the limit of 2" in text for text in parsed.problems)


def test_parts_nested_deeper_than_the_limit_are_not_read_and_are_flagged() -> None:
    shallow = parse_message(nested_multiparts(3), LIMITS)
    deep = parse_message(nested_multiparts(12), ParseLimits(max_attachments=100, max_depth=5))
    assert "Deepest text" in shallow.body_text
    assert "Deepest text" not in deep.body_text
    assert any("nested deeper than 5 levels" in text for text in deep.problems)


def test_nesting_beyond_what_python_can_follow_is_refused_with_a_reason() -> None:
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(250)  # the same failure as a thousand levels, in a fraction of the time
    try:
        parsed = parse_message(nested_multiparts(300), LIMITS)
    finally:
        sys.setrecursionlimit(limit)
    assert not parsed.readable
    assert parsed.problems == ["The message is nested too deeply to be read."]


def test_alternative_parts_keep_the_text_as_body_and_the_html_beside_it() -> None:
    raw = message(
        "--a\r\nContent-Type: text/plain\r\n\r\nPlain version\r\n"
        "--a\r\nContent-Type: text/html\r\n\r\n<p>HTML <b>version</b></p>\r\n"
        "--a\r\nContent-Type: text/plain\r\n\r\nA second plain version\r\n--a--\r\n",
        content_type='multipart/alternative; boundary="a"',
    )
    parsed = parse_message(raw, LIMITS)
    assert parsed.body_text == "Plain version"
    assert "<b>version</b>" in parsed.body_html


def test_an_html_only_message_gets_readable_text_without_its_scripts() -> None:
    raw = message(
        "<html><head><style>p{}</style><script>steal()</script></head>"
        "<body><p>First&nbsp;line</p><p>Second &amp; last</p></body></html>",
        content_type="text/html; charset=utf-8",
    )
    assert parse_message(raw, LIMITS).body_text == "First line\n\nSecond & last"


def test_without_a_date_header_the_delivery_time_is_used_and_noted() -> None:
    raw = (
        b"Received: from mx.example by mx2.example; Wed, 11 Feb 2026 08:30:00 +0000\r\n"
        b"From: foi@examples.gov.example\r\nSubject: Undated\r\n\r\nBody\r\n"
    )
    parsed = parse_message(raw, LIMITS)
    assert parsed.sent_at is not None and parsed.sent_at.isoformat() == "2026-02-11T08:30:00+00:00"
    assert any("used the delivery time" in text for text in parsed.problems)


def test_a_message_without_any_date_is_flagged() -> None:
    parsed = parse_message(b"From: foi@examples.gov.example\r\nSubject: x\r\n\r\nBody\r\n", LIMITS)
    assert parsed.sent_at is None
    assert any("No date could be read" in text for text in parsed.problems)


def test_a_uuencoded_block_without_its_end_line_is_decoded_as_far_as_it_goes() -> None:
    raw = message("Here:\r\nbegin 644 notes.txt\r\n+2&5L;&\\@=V]R;&0*\r\n")
    parsed = parse_message(raw, LIMITS)
    assert [item.filename for item in parsed.attachments] == ["notes.txt"]
    assert parsed.attachments[0].payload.startswith(b"Hello")
    assert any("has no end line" in text for text in parsed.problems)


def test_a_corrupt_winmail_dat_is_kept_whole_and_flagged() -> None:
    corrupt = base64.b64encode(b"\x78\x9f\x3e\x22\x01\x00garbage").decode()
    raw = message(
        "--w\r\nContent-Type: text/plain\r\n\r\nSee attached\r\n"
        "--w\r\nContent-Type: application/ms-tnef\r\nContent-Transfer-Encoding: base64\r\n"
        f'Content-Disposition: attachment; filename="winmail.dat"\r\n\r\n{corrupt}\r\n--w--\r\n',
        content_type='multipart/mixed; boundary="w"',
    )
    parsed = parse_message(raw, LIMITS)
    assert [item.filename for item in parsed.attachments] == ["winmail.dat"]
    assert parsed.attachments[0].payload.startswith(b"\x78\x9f\x3e\x22")


def test_an_encrypted_part_is_kept_as_a_file_and_flagged() -> None:
    raw = message(
        "MIAGCSqGSIb3DQEHA6CAMIACAQAxggFA\r\n",
        headers="Content-Transfer-Encoding: base64\r\n",
        content_type='application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"',
    )
    parsed = parse_message(raw, LIMITS)
    assert parsed.attachments[0].filename == "smime.p7m"
    assert any("encrypted" in text for text in parsed.problems)


def test_references_and_in_reply_to_are_read_as_message_ids() -> None:
    raw = message(
        "Body",
        headers=(
            "In-Reply-To: <b@x.example> (sent by Alice)\r\n"
            "References: <a@x.example>,\r\n <b@x.example>\r\n"
        ),
    )
    parsed = parse_message(raw, LIMITS)
    assert parsed.in_reply_to == "<b@x.example>"
    assert parsed.references == ["<a@x.example>", "<b@x.example>"]
    assert parsed.thread_ids() == ["<b@x.example>", "<a@x.example>"]


def test_an_outlook_msg_file_is_read_with_its_headers_and_attachments() -> None:
    raw = outlook_msg_bytes(
        OutlookMessage(
            subject="Re: FOI-2026-0042",
            body="Please find attached our response.\r\n",
            sender_name="FOI Team",
            sender_email="foi@examples.gov.example",
            to_email="alice@example.org",
            transport_headers=(
                "From: FOI Team <foi@examples.gov.example>\r\nTo: alice@example.org\r\n"
                "Subject: Re: FOI-2026-0042\r\nDate: Tue, 10 Feb 2026 10:00:00 +0000\r\n"
                "Message-ID: <outlook-1@examples.gov.example>\r\n\r\n"
            ),
            attachments=[OutlookAttachment("Réponse finale.pdf", b"%PDF-1.4 x", "application/pdf")],
        )
    )
    parsed = parse_message(raw, LIMITS)
    assert parsed.container == "msg"
    assert parsed.message_id == "<outlook-1@examples.gov.example>"
    assert parsed.body_text == "Please find attached our response."
    assert [(item.filename, item.content_type) for item in parsed.attachments] == [
        ("Réponse finale.pdf", "application/pdf")
    ]


def test_a_broken_outlook_file_is_refused_with_a_reason() -> None:
    parsed = parse_message(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, LIMITS)
    assert not parsed.readable
    assert parsed.problems[0].startswith("The message could not be read")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("a\x00b", "ab"), ("line\r\nnext\rlast", "line\nnext\nlast"), ("bad \udce9", "bad ?")],
)
def test_clean_text_is_safe_for_any_database(text: str, expected: str) -> None:
    assert clean_text(text) == expected


def test_html_to_text_survives_broken_markup() -> None:
    assert "text" in html_to_text("<p>text<div><<<</")
