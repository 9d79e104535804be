from __future__ import annotations

import datetime as dt
import io
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, NumberObject

from requests_app.models import FoiRequest
from requests_app.reports.bundle import BundleItem, render_index, write_bundle
from requests_app.reports.case_summary import load_case
from tests.reports.conftest import at
from tests.reports.factories import (
    encrypted_pdf,
    image_bytes,
    make_attachment,
    message_on,
    simple_pdf,
)
from tests.reports.reading import bookmarks, build_bundle, flat, page_texts

pytestmark = pytest.mark.django_db

INDEX_ROW = re.compile(
    r"^\s*(?P<number>\d+)\s+(?P<date>\d{1,2} \w{3} \d{4})\s+(?P<title>.+?)\s+"
    r"(?P<first>\d+|—)(?:–(?P<last>\d+))?\s*$"
)


@dataclass(frozen=True)
class IndexRow:
    number: int
    title: str
    first: int | None
    last: int | None


def index_rows(pages: list[str]) -> list[IndexRow]:
    """The numbered rows of the index, read back from the bundle's first pages."""
    rows = []
    for text in pages:
        if "Complaint bundle · index" not in text:
            break
        for line in text.splitlines():
            match = INDEX_ROW.match(line)
            if match:
                first = None if match["first"] == "—" else int(match["first"])
                last = int(match["last"]) if match["last"] else first
                rows.append(IndexRow(int(match["number"]), match["title"], first, last))
    return rows


def stamped_number(text: str) -> int:
    found = re.findall(r"Bundle page (\d+)", text)
    assert len(found) == 1, text[:300]
    return int(found[0])


@pytest.fixture
def bundle(refused_case: FoiRequest, today: dt.date) -> bytes:
    return build_bundle(foi_request=refused_case, today=today)


def test_stamps_bookmarks_and_index_agree_on_where_each_item_starts(bundle: bytes) -> None:
    pages = page_texts(bundle)
    # Every page carries its own bundle page number.
    assert [stamped_number(text) for text in pages] == list(range(1, len(pages) + 1))
    rows = index_rows(pages)
    marks = {mark.title.split(".", 1)[0]: mark.page for mark in bookmarks(bundle)}
    assert [row.number for row in rows] == list(range(1, 10))
    for row in rows:
        assert row.first is not None, row
        assert marks[str(row.number)] == row.first
        assert stamped_number(pages[row.first - 1]) == row.first
    # Ranges are contiguous and the last one ends on the last page.
    for before, after in itertools.pairwise(rows):
        assert after.first == (before.last or 0) + 1
    assert rows[-1].last == len(pages)


def test_the_index_describes_the_bundle_and_its_items_in_date_order(bundle: bytes) -> None:
    pages = page_texts(bundle)
    index = flat(pages[0])
    assert "Our reference FOI-2026-0001" in index
    assert "Their reference FOI-DFT-77812" in index
    assert "Prepared on Tue 5 May 2026" in index
    assert f"Length {len(pages)} pages, 9 items" in index
    assert [mark.title for mark in bookmarks(bundle)][:2] == ["Index", "1. 5 May 2026 Case summary"]
    rows = {row.number: row for row in index_rows(pages)}
    assert rows[1].title == "Case summary"
    assert "FREEDOM OF INFORMATION · CASE SUMMARY" in pages[(rows[1].first or 0) - 1]
    assert rows[2].title.startswith("Email from us: Freedom of Information request")
    assert rows[5].title == "Attachment: refusal-letter.pdf"
    refusal = rows[5]
    assert refusal.first is not None and refusal.last == refusal.first + 1
    assert "Refusal notice page one" in pages[refusal.first - 1]
    assert "Refusal notice page two" in pages[refusal.first]
    csv_page = pages[(rows[6].first or 0) - 1]
    assert "1350000" in csv_page and "Converted from a CSV table" in csv_page
    assert "Annex A: costs to date" in pages[(rows[8].first or 0) - 1]
    assert rows[9].title.startswith("Email from us: Internal review request")


def test_files_that_cannot_become_pages_are_listed_with_the_reason(
    refused_case: FoiRequest, today: dt.date
) -> None:
    letter = message_on(refused_case, at(dt.date(2026, 4, 1)), subject="Further documents")
    files = [
        ("locked.pdf", encrypted_pdf(), "application/pdf"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage", "application/pdf"),
        ("archive.zip", b"PK\x05\x06" + b"\x00" * 18, "application/zip"),
        ("empty.txt", b"", "text/plain"),
    ]
    for name, content, content_type in files:
        make_attachment(letter, filename=name, content=content, content_type=content_type)
    data = build_bundle(foi_request=refused_case, today=today)
    pages = page_texts(data)
    index = flat(" ".join(text for text in pages if "Complaint bundle · index" in text))
    assert "locked.pdf — Not included: the PDF is encrypted with a password." in index
    assert "broken.pdf — Not included: the PDF is damaged and cannot be read" in index
    assert "archive.zip — Not included: it is a zip archive." in index
    assert "empty.txt — Not included: the file is empty." in index
    assert "(4 not included)" in index
    excluded = [row for row in index_rows(pages) if row.first is None]
    assert [row.title for row in excluded] == [
        "Attachment: locked.pdf",
        "Attachment: broken.pdf",
        "Attachment: archive.zip",
        "Attachment: empty.txt",
    ]
    assert [stamped_number(text) for text in pages] == list(range(1, len(pages) + 1))


def test_an_owner_password_only_pdf_goes_in_as_it_is(
    refused_case: FoiRequest, today: dt.date
) -> None:
    letter = message_on(refused_case, at(dt.date(2026, 4, 2)), subject="Printing restricted")
    make_attachment(
        letter,
        filename="restricted.pdf",
        content=encrypted_pdf(password=""),
        content_type="application/pdf",
    )
    pages = page_texts(build_bundle(foi_request=refused_case, today=today))
    row = next(row for row in index_rows(pages) if row.title == "Attachment: restricted.pdf")
    assert row.first is not None
    assert "Secret page" in pages[row.first - 1]


def test_images_become_one_page_per_frame_and_rotated_pages_are_stamped_upright(
    refused_case: FoiRequest, today: dt.date
) -> None:
    letter = message_on(refused_case, at(dt.date(2026, 4, 3)), subject="Scans")
    make_attachment(
        letter,
        filename="scan.tiff",
        content=image_bytes("TIFF", frames=3),
        content_type="image/tiff",
    )
    rotated = PdfWriter(clone_from=PdfReader(io.BytesIO(simple_pdf(["Landscape table"]))))
    rotated.pages[0][NameObject("/Rotate")] = NumberObject(90)
    out = io.BytesIO()
    rotated.write(out)
    make_attachment(
        letter, filename="landscape.pdf", content=out.getvalue(), content_type="application/pdf"
    )
    data = build_bundle(foi_request=refused_case, today=today)
    pages = page_texts(data)
    rows = {row.title: row for row in index_rows(pages)}
    scan = rows["Attachment: scan.tiff"]
    assert scan.first is not None and scan.last == scan.first + 2
    assert "image 3 of 3" in pages[scan.first + 1]
    landscape = rows["Attachment: landscape.pdf"]
    assert landscape.first is not None
    assert stamped_number(pages[landscape.first - 1]) == landscape.first
    page = PdfReader(io.BytesIO(data)).pages[landscape.first - 1]
    assert page.rotation == 0  # the rotation moved into the content, so the stamp reads upright


def test_an_index_longer_than_a_page_gives_the_final_page_ranges(
    refused_case: FoiRequest, today: dt.date, tmp_path: Path
) -> None:
    record = load_case(refused_case)
    items = [
        BundleItem(number, today, f"Letter {number}", source=tmp_path, page_count=number % 3 + 1)
        for number in range(1, 90)
    ]
    path, index_pages = render_index(record, items, today, tmp_path)
    assert index_pages >= 2
    pages = page_texts(path.read_bytes())
    assert len(pages) == index_pages
    rows = index_rows(pages)
    assert len(rows) == len(items)
    page = index_pages + 1
    for row, item in zip(rows, items, strict=True):
        assert (row.first, row.last) == (page, page + item.page_count - 1)
        page += item.page_count


def test_the_query_count_does_not_grow_with_the_attachments(
    refused_case: FoiRequest, today: dt.date
) -> None:
    with CaptureQueriesContext(connection) as few:
        write_bundle(foi_request=refused_case, today=today, output=io.BytesIO())
    letter = message_on(refused_case, at(dt.date(2026, 4, 4)), subject="More")
    for number in range(5):
        make_attachment(
            letter,
            filename=f"note-{number}.txt",
            content=f"Note {number}".encode(),
            content_type="text/plain",
            page_texts=[f"Note {number}"],
        )
    with CaptureQueriesContext(connection) as many:
        write_bundle(foi_request=refused_case, today=today, output=io.BytesIO())
    assert len(many) == len(few)


def test_progress_is_reported_up_to_one_hundred(refused_case: FoiRequest, today: dt.date) -> None:
    seen: list[int] = []
    result = write_bundle(
        foi_request=refused_case, today=today, output=io.BytesIO(), progress=seen.append
    )
    assert seen == sorted(seen)
    assert seen[-1] == 100
    assert result.page_count == sum(item.page_count for item in result.items) + result.index_pages
