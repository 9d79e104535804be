"""Fuzzing what comes in from outside: mail, attachments, search queries and spreadsheets.

Whatever the bytes or text, nothing raises out to the user as a 500, and no original is
lost: an imported or quarantined message keeps its bytes exactly. CI runs the short `ci`
profile; `FOI_FUZZ_PROFILE=fuzz` (with FOI_FUZZ_EXAMPLES) runs as long as you like.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import os
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from requests_app import models
from tests.trust.conftest import World, stored_attachment

COMMON = {
    "deadline": None,
    "derandomize": False,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
settings.register_profile("ci", max_examples=50, **COMMON)  # type: ignore[arg-type]
settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("FOI_FUZZ_EXAMPLES", "2000")),
    **COMMON,  # type: ignore[arg-type]
)
# Applied test by test, so that the other areas' property tests keep their own settings.
FUZZ = settings(settings.get_profile(os.environ.get("FOI_FUZZ_PROFILE", "ci")))


def needs_module(name: str) -> None:
    if importlib.util.find_spec(name) is None:
        pytest.skip(f"{name} is not in the tree yet")


# --- strategies ------------------------------------------------------------------------------

HEADER_NAMES = [
    "From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
    "Content-Type", "Content-Transfer-Encoding", "Content-Disposition", "MIME-Version",
    "Auto-Submitted", "X-Autoreply", "Return-Path",
]  # fmt: skip
NASTY_VALUES = st.sampled_from([
    "", "=?utf-8?b?////?=", "=?x-unknown?q?=FF?=", "multipart/mixed; boundary=",
    'multipart/mixed; boundary="b"', "text/plain; charset=utf-7", "text/html; charset=bogus",
    "base64", "quoted-printable", "x-uuencode", "attachment; filename*=utf-8''%FF%FE",
    "message/rfc822", "application/ms-tnef", "<@>", "Mon, 99 Foo 99999", "a" * 2000, "\udcff",
    "foi@body.example.gov.uk", "Re: Re: FOI-2026-0001",
])  # fmt: skip
LINE = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=120)


@st.composite
def mail_bytes(draw: st.DrawFn) -> bytes:
    """Mostly-mail: real headers with hostile values, nested parts, and random damage."""
    lines = []
    for _ in range(draw(st.integers(0, 12))):
        name = draw(st.sampled_from(HEADER_NAMES) | st.text(min_size=1, max_size=20))
        value = draw(NASTY_VALUES | LINE)
        lines.append(f"{name}: {value}")
    body = draw(st.lists(NASTY_VALUES | LINE | st.just("--b") | st.just("--b--"), max_size=15))
    text = "\r\n".join([*lines, "", *body]).encode("utf-8", "surrogateescape")
    damage = draw(st.binary(max_size=64))
    where = draw(st.integers(0, len(text)))
    return text[:where] + damage + text[where:]


ANY_MAIL = mail_bytes() | st.binary(max_size=2048)


# --- the mail parser and importer -------------------------------------------------------------


@FUZZ
@given(raw=ANY_MAIL)
def test_the_mail_parser_never_raises(raw: bytes) -> None:
    needs_module("requests_app.mail.parsing")
    from requests_app.mail.parsing import parse_message

    parsed = parse_message(raw)
    assert isinstance(parsed.all_text(), str)


def stored_bytes(field: Any) -> bytes:
    with field.open("rb") as stored:
        return bytes(stored.read())


@FUZZ
@given(raw=ANY_MAIL)
def test_an_imported_message_keeps_its_original_byte_for_byte(raw: bytes, world: World) -> None:
    needs_module("requests_app.mail.importer")
    from requests_app.mail.importer import ImportStatus, import_message

    result = import_message(raw=raw, source=models.MessageSource.UPLOAD, imported_by=world.owner)
    digest = hashlib.sha256(raw).hexdigest()
    if result.status == ImportStatus.QUARANTINED:
        assert result.quarantine is not None
        assert stored_bytes(result.quarantine.raw) == raw
    elif result.status == ImportStatus.IMPORTED:
        assert result.message is not None
        assert stored_bytes(result.message.raw_email) == raw
    else:  # a duplicate: the same bytes, or the same Message-ID, are already kept
        assert result.message is not None
        assert result.message.raw_sha256 == digest or result.message.message_id


@FUZZ
@given(raw=ANY_MAIL)
def test_uploading_any_file_as_mail_is_never_a_server_error(
    raw: bytes, world: World, owner_client: Client
) -> None:
    upload = SimpleUploadedFile("reply.eml", raw, content_type="message/rfc822")
    response = owner_client.post(reverse("mail_import"), {"emails": [upload]})
    assert response.status_code < 500


# --- the extraction registry -------------------------------------------------------------------

MAGIC = st.sampled_from([
    b"%PDF-1.7\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"{\\rtf1",
    b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF89a", b"II*\x00", b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07", b"\x1f\x8b", b"<html>", b"From: a@b\r\n\r\n", b"a,b,c\r\n1,2,3\r\n", b"",
])  # fmt: skip
ANY_FILE = st.builds(lambda magic, rest: magic + rest, MAGIC, st.binary(max_size=1024))


@FUZZ
@given(head=ANY_FILE)
def test_sniffing_any_bytes_names_a_kind(head: bytes) -> None:
    needs_module("requests_app.extraction.sniffing")
    from requests_app.extraction.sniffing import FileKind, sniff, sniff_head

    assert sniff_head(head) in set(FileKind)
    assert sniff(io.BytesIO(head)) in set(FileKind)


@FUZZ
@given(content=ANY_FILE)
def test_extracting_any_file_ends_in_a_status_and_leaves_the_original_alone(
    content: bytes, world: World
) -> None:
    needs_module("requests_app.extraction.registry")
    from requests_app.extraction.services import extract_attachment

    attachment = stored_attachment(world.message, content, "attachment.bin")
    extract_attachment(attachment_id=attachment.pk)
    attachment.refresh_from_db()
    assert attachment.status in set(models.ExtractionStatus) - {"pending", "extracting"}
    assert hashlib.sha256(stored_bytes(attachment.file)).hexdigest() == attachment.sha256


# --- the search query translator -------------------------------------------------------------

QUERY_PIECES = [
    '"', "-", "OR", "AND", "NEAR(", ")", "*", "^", ":", "title:", "'", "\\", "\x00", "foi",
    "NOT", "(", "{", "}", "+", "~", "“", "”", "\u202e", " ",
]  # fmt: skip
QUERY_TEXT = st.text(max_size=300) | st.lists(st.sampled_from(QUERY_PIECES), max_size=30).map(
    "".join
)


@FUZZ
@given(raw=QUERY_TEXT)
def test_any_query_translates_for_both_databases(raw: str) -> None:
    needs_module("requests_app.search.query")
    from requests_app.search.query import parse_query

    parsed = parse_query(raw)
    assert isinstance(parsed.websearch(), str) and isinstance(parsed.fts5(), str)


@FUZZ
@given(raw=QUERY_TEXT)
def test_any_search_is_answered_not_a_server_error(
    raw: str, world: World, owner_client: Client
) -> None:
    assume("\x00" not in raw)  # a NUL cannot be sent in a URL query by a browser either
    assert owner_client.get(reverse("search"), {"q": raw}).status_code == 200


@FUZZ
@given(params=st.dictionaries(
    st.sampled_from(["status", "sort", "page", "body", "campaign", "regime", "tag", "q", "due"]),
    st.text(max_size=40).filter(lambda value: "\x00" not in value), max_size=5,
))  # fmt: skip
def test_any_filter_on_the_request_list_is_answered(
    params: dict[str, str], world: World, owner_client: Client
) -> None:
    assert owner_client.get(reverse("request_list"), params).status_code in (200, 400)


# --- the spreadsheet importer -----------------------------------------------------------------

CELL = st.text(max_size=30) | st.sampled_from([
    "2026-01-05", "05/01/2026", "31/02/2026", '=HYPERLINK("x")', "uk-foia", "NHS Example Trust",
    "Open Hospitals", "private", "refused", "", "\ufeff", "\r\n", '"', ";",
])  # fmt: skip
HEADER_WORDS = [
    "Title", "Public body", "Sent", "Law", "Campaign", "Status", "Tags", "Their reference",
    "Visibility", "Received", "Text", "",
]  # fmt: skip
HEADERS = st.lists(st.sampled_from(HEADER_WORDS) | st.text(max_size=12), min_size=1, max_size=8)


@st.composite
def csv_bytes(draw: st.DrawFn) -> bytes:
    headers = draw(HEADERS)
    rows = draw(st.lists(st.lists(CELL, min_size=0, max_size=len(headers) + 2), max_size=8))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))

    def line(cells: list[str]) -> str:
        return delimiter.join('"' + cell.replace('"', '""') + '"' for cell in cells)

    text = "\r\n".join(line(cells) for cells in [headers, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    return text.encode(encoding, "replace")


@FUZZ
@given(content=csv_bytes() | st.binary(max_size=512))
def test_any_spreadsheet_is_planned_or_refused_clearly(content: bytes, world: World) -> None:
    needs_module("requests_app.dataio.spreadsheet_import")
    from requests_app.dataio import spreadsheet_import
    from requests_app.dataio.tables import TableError, read_table

    try:
        table = read_table(content, "requests.csv")
    except TableError as error:
        assert str(error)
        return
    mapping = spreadsheet_import.guess_mapping(table.headers)
    plan = spreadsheet_import.plan_import(table, mapping, user=world.owner)
    for row in plan.invalid_rows:
        assert row.errors and all(isinstance(error, str) and error for error in row.errors)


@FUZZ
@given(content=csv_bytes() | st.binary(max_size=512))
def test_uploading_any_spreadsheet_is_never_a_server_error(
    content: bytes, world: World, owner_client: Client
) -> None:
    upload = SimpleUploadedFile("requests.csv", content, content_type="text/csv")
    response = owner_client.post(reverse("spreadsheet_import"), {"file": upload}, follow=True)
    assert response.status_code < 500


def test_the_ci_profile_is_short() -> None:
    assert settings.get_profile("ci").max_examples == 50
