"""Property tests for the parser: whatever arrives, it never raises and never loses bytes."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.storage import default_storage
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from requests_app import models
from requests_app.mail.importer import ImportStatus, import_message
from requests_app.mail.parsing import ParsedMessage, ParseLimits, parse_message
from requests_app.models.documents import blob_name

LIMITS = ParseLimits(max_attachments=20, max_depth=6)
CHARSETS = ["utf-8", "iso-8859-1", "windows-1252", "x-nonsense", "", "utf-7", "shift_jis", "gb2312"]
ENCODINGS = ["7bit", "8bit", "base64", "quoted-printable", "x-uuencode", "binary", "bogus"]
TYPES = [
    "text/plain",
    "text/html",
    "multipart/mixed",
    "multipart/alternative",
    "message/rfc822",
    "application/ms-tnef",
    "multipart/report; report-type=delivery-status",
    "message/delivery-status",
    "application/pdf",
]


@st.composite
def mime_parts(draw: st.DrawFn, depth: int = 0) -> bytes:
    content_type = draw(st.sampled_from(TYPES if depth < 3 else TYPES[:2]))
    charset = draw(st.sampled_from(CHARSETS))
    encoding = draw(st.sampled_from(ENCODINGS))
    name = draw(st.text(max_size=20))
    head = (
        f'Content-Type: {content_type}; charset="{charset}"; boundary="B{depth}"\r\n'
        f"Content-Transfer-Encoding: {encoding}\r\n"
        f"Content-Disposition: {draw(st.sampled_from(['attachment', 'inline', '']))};"
        f" filename*=UTF-8''{name}\r\n\r\n"
    ).encode("utf-8", "surrogatepass")
    if content_type.startswith("multipart") and depth < 3:
        children = draw(st.lists(mime_parts(depth + 1), max_size=3))
        body = b"".join(b"--B%d\r\n" % depth + child + b"\r\n" for child in children)
        if draw(st.booleans()):
            body += b"--B%d--\r\n" % depth
    elif content_type == "message/rfc822" and depth < 3:
        body = b"Subject: inner\r\n" + draw(mime_parts(depth + 1))
    else:
        body = draw(st.binary(max_size=300))
    return head + body


@st.composite
def emails(draw: st.DrawFn) -> bytes:
    headers = draw(
        st.lists(
            st.tuples(
                st.sampled_from(
                    [
                        "From",
                        "To",
                        "Subject",
                        "Date",
                        "Message-ID",
                        "References",
                        "In-Reply-To",
                        "Auto-Submitted",
                        "Received",
                        "Cc",
                        "X-Original-To",
                    ]
                ),
                st.binary(max_size=80).filter(lambda value: b"\n" not in value),
            ),
            max_size=8,
        )
    )
    raw = b"".join(name.encode() + b": " + value + b"\r\n" for name, value in headers)
    raw += draw(mime_parts())
    cut = draw(st.integers(min_value=0, max_value=len(raw)))
    return raw[:cut] if draw(st.booleans()) else raw


def assert_storable(parsed: ParsedMessage) -> None:
    texts = [parsed.subject, parsed.sender, parsed.to, parsed.body_text, parsed.message_id]
    texts += [item.filename for item in parsed.iter_attachments()] + parsed.problems
    for text in texts:
        assert "\x00" not in text
        text.encode("utf-8")  # no lone surrogates: PostgreSQL would refuse them


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_parsing_arbitrary_bytes_never_raises(raw: bytes) -> None:
    assert_storable(parse_message(raw, LIMITS))


@settings(max_examples=150, deadline=None)
@given(emails())
def test_parsing_mangled_mime_never_raises(raw: bytes) -> None:
    parsed = parse_message(raw, LIMITS)
    assert_storable(parsed)
    assert len(parsed.iter_attachments()) <= LIMITS.max_attachments


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.one_of(emails(), st.binary(max_size=500)))
def test_importing_never_raises_and_keeps_the_raw_bytes(raw: bytes) -> None:
    result = import_message(raw=raw, source=models.MessageSource.UPLOAD)
    stored = blob_name(hashlib.sha256(raw).hexdigest())
    with default_storage.open(stored, "rb") as kept:
        assert kept.read() == raw
    if result.status == ImportStatus.QUARANTINED:
        assert result.quarantine is not None and result.quarantine.raw.name == stored
    else:
        assert result.message is not None
    if result.status == ImportStatus.IMPORTED:
        assert result.message is not None and result.message.raw_email.name == stored
