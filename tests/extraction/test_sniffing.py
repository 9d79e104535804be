"""The registry judges a file by its content and never raises, whatever the bytes."""

from __future__ import annotations

import io
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from requests_app.extraction.base import Outcome, PageText, Source
from requests_app.extraction.limits import current_limits, current_ocr_settings
from requests_app.extraction.registry import EXTRACTORS, run_extraction
from requests_app.extraction.sniffing import FileKind, sniff
from requests_app.models import ExtractionStatus
from tests.extraction import files

CSV = b"Year,Spend\n2024,1200000\n2025,950000\n"
MAIL = b"From: foi@body.example.gov.uk\r\nSubject: Reply\r\n\r\nHello"

KNOWN = {
    FileKind.PDF: files.text_pdf(["A letter"]),
    FileKind.PNG: files.image_bytes("x", "PNG"),
    FileKind.JPEG: files.image_bytes("x", "JPEG"),
    FileKind.TIFF: files.multipage_tiff(["x", "y"]),
    FileKind.DOCX: files.docx_with_table(),
    FileKind.XLSX: files.xlsx_two_sheets(),
    FileKind.ODT: files.odt(),
    FileKind.ODS: files.ods(),
    FileKind.RTF: files.RTF_LETTER.encode(),
    FileKind.DOC: files.compound_file({"WordDocument": b"x", "1Table": b"y"}),
    FileKind.XLS: files.compound_file({"Workbook": b"x"}),
    FileKind.PPT: files.compound_file({"PowerPoint Document": b"x"}),
    FileKind.MSG: files.compound_file({"__substg1.0_0037001F": b"x"}),
    FileKind.OOXML_ENCRYPTED: files.compound_file({"EncryptionInfo": b"", "EncryptedPackage": b""}),
    FileKind.ZIP: files.zip_of({"a.csv": CSV}),
    FileKind.EML: MAIL,
    FileKind.HTML: b"<!-- saved -->\n<!DOCTYPE html><html><body>Hi</body></html>",
    FileKind.CSV: CSV,
    FileKind.TEXT: b"Just a note, nothing more.\n",
    FileKind.EMPTY: b"",
    FileKind.SEVEN_ZIP: b"7z\xbc\xaf\x27\x1c\x00\x04",
    FileKind.UNKNOWN: bytes(range(256)),
}


@pytest.mark.parametrize("kind", list(KNOWN))
def test_each_kind_is_recognised_by_its_content(kind: FileKind) -> None:
    assert sniff(io.BytesIO(KNOWN[kind])) == kind


def test_a_pdf_with_junk_before_its_header_is_still_a_pdf() -> None:
    assert sniff(io.BytesIO(b"\r\n\r\n" + KNOWN[FileKind.PDF])) == FileKind.PDF


def test_a_zip_without_office_parts_is_an_archive_whatever_it_is_called() -> None:
    assert sniff(io.BytesIO(files.zip_of({"word/notes.txt": b"x"}))) == FileKind.ZIP


def test_every_kind_has_an_extractor() -> None:
    assert set(EXTRACTORS) == set(FileKind)


# --- fuzzing ------------------------------------------------------------------------

MAGIC_PREFIXES = [
    b"",
    b"%PDF-1.7\n",
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    b"{\\rtf1 ",
    b"\x89PNG\r\n\x1a\n",
    b"II*\x00",
    b"\xff\xd8\xff",
    b"GIF89a",
    b"From: a@b\r\nTo: c@d\r\n\r\n",
    b"<html><body>",
    b"a,b,c\n1,2,3\n",
]
random_files = st.builds(
    lambda prefix, tail: prefix + tail,
    st.sampled_from(MAGIC_PREFIXES),
    st.binary(max_size=4096),
)


@given(content=st.binary(max_size=20_000))
@settings(max_examples=300, deadline=None)
def test_sniffing_never_raises_on_random_bytes(content: bytes) -> None:
    assert sniff(io.BytesIO(content)) in set(FileKind)


@given(content=random_files)
@settings(max_examples=300, deadline=None)
def test_sniffing_never_raises_on_broken_files_that_start_like_real_ones(content: bytes) -> None:
    assert sniff(io.BytesIO(content)) in set(FileKind)


@pytest.mark.django_db
@pytest.mark.filterwarnings("ignore:Corrupt EXIF data:UserWarning")  # Pillow on broken TIFFs
@given(content=random_files)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_reading_any_bytes_ends_in_one_outcome_and_never_raises(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "file"
        path.write_bytes(content)
        limits = current_limits()
        source = Source(
            path=path,
            workdir=Path(folder),
            limits=limits,
            ocr=current_ocr_settings(),
            deadline=time.monotonic() + 20,
            time_limit=20,
            unpack_budget=limits.max_unpacked_bytes,
        )
        events = list(run_extraction(source))
    outcomes = [event for event in events if isinstance(event, Outcome)]
    assert len(outcomes) == 1
    assert events[-1] is outcomes[0]
    assert outcomes[0].status in ExtractionStatus.values
    if outcomes[0].status != ExtractionStatus.DONE:
        assert outcomes[0].detail
    assert all(isinstance(event.text, str) for event in events if isinstance(event, PageText))
