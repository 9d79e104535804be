"""Office documents: Word with tables, every Excel sheet, OpenDocument, PowerPoint, RTF,
password-protected packages, and legacy binaries through LibreOffice."""

from __future__ import annotations

import stat
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from requests_app.models import Attachment, ExtractionStatus
from tests.extraction import files
from tests.extraction.factories import extracted, pages_of

pytestmark = pytest.mark.django_db

Attach = Callable[..., Attachment]


def test_a_word_document_keeps_its_table_rows_together(attach: Attach) -> None:
    attachment = extracted(attach(files.docx_with_table(), "response.docx"))
    assert attachment.status == ExtractionStatus.DONE
    [text] = pages_of(attachment)
    assert text.splitlines() == [
        "Response to your request FOI-2026-0042",
        "We hold the information you asked for. It is set out below.",
        "Year\tConsultants\tSpend",
        "2024\tMcKinsey\t£1,200,000",
        "2025\tDeloitte\t£950,000",
        "Yours sincerely, Information Rights Team",
    ]


def test_every_sheet_of_a_workbook_is_a_page(attach: Attach) -> None:
    attachment = extracted(attach(files.xlsx_two_sheets(), "spend.xlsx"))
    assert attachment.status == ExtractionStatus.DONE
    assert attachment.page_count == 2
    assert pages_of(attachment) == [
        "Sheet: Spend 2025\nSupplier\tAmount\nCapita\t125000\nSerco\t98000.5",
        "Sheet: Headcount\nDirectorate\tStaff\nEstates\t41",
    ]


def test_an_opendocument_text_keeps_spaces_tabs_and_tables(attach: Attach) -> None:
    attachment = extracted(attach(files.odt(), "review.odt"))
    assert pages_of(attachment) == [
        "Internal review\nWe have  reviewed the handling.\tUpheld.\nExemption\ts.43(2)"
    ]


def test_a_spreadsheet_does_not_expand_its_million_empty_cells(attach: Attach) -> None:
    attachment = extracted(attach(files.ods(), "waiting.ods"))
    assert attachment.status == ExtractionStatus.DONE
    assert pages_of(attachment) == [
        "Sheet: Waiting times\nTrust\tWeeks",
        "Sheet: Notes\nFigures are provisional",
    ]


def test_every_slide_of_a_presentation_is_a_page(attach: Attach) -> None:
    attachment = extracted(attach(_pptx(["Board paper", "Risks and issues"]), "board.pptx"))
    assert attachment.status == ExtractionStatus.DONE
    assert pages_of(attachment) == ["Board paper", "Risks and issues"]


def test_rtf_text_without_font_tables_pictures_or_metadata(attach: Attach) -> None:
    attachment = extracted(attach(files.RTF_LETTER.encode("ascii"), "letter.doc"))
    assert attachment.status == ExtractionStatus.DONE
    assert pages_of(attachment) == [
        "Dear Ms Smith,\nWe enclose the décision notice — as promised.\nTotal: £450\tpaid"
    ]


def test_a_password_protected_office_file_is_marked_encrypted(attach: Attach) -> None:
    package = files.compound_file({"EncryptionInfo": b"\x04\x00", "EncryptedPackage": b"x"})
    attachment = extracted(attach(package, "salaries.xlsx"))
    assert attachment.status == ExtractionStatus.ENCRYPTED
    assert attachment.status_detail == "The Office document is protected by a password."


def test_an_office_file_that_is_a_zip_bomb_is_refused(attach: Attach) -> None:
    bomb = files.zip_of(
        {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
         "xl/sharedStrings.xml": b" " * (8 * 1024 * 1024)}
    )  # fmt: skip
    attachment = extracted(attach(bomb, "figures.xlsx"))
    assert attachment.status == ExtractionStatus.FAILED
    assert "zip bomb protection" in attachment.status_detail


def test_a_legacy_word_file_without_libreoffice_is_unsupported_and_says_what_to_install(
    attach: Attach,
    settings: Settings,
    tmp_path: Path,
) -> None:
    settings.FOI_SOFFICE_COMMAND = "/nonexistent/soffice"
    settings.FOI_CATDOC_PATH = str(tmp_path)  # no catdoc either
    attachment = extracted(attach(files.compound_file({"WordDocument": b"\xec\xa5"}), "a.doc"))
    assert attachment.status == ExtractionStatus.UNSUPPORTED
    assert "libreoffice-writer-nogui" in attachment.status_detail
    assert "Debian package catdoc" in attachment.status_detail


def test_a_legacy_file_is_read_through_the_libreoffice_conversion(
    attach: Attach,
    settings: Settings,
    tmp_path: Path,
) -> None:
    """A stand-in for soffice that "converts" by copying a Word file where LibreOffice
    would write it, so the plumbing around the real converter is exercised."""
    converted = tmp_path / "converted.docx"
    converted.write_bytes(files.docx_with_table())
    settings.FOI_SOFFICE_COMMAND = str(_script(tmp_path, f'cp {converted} "$outdir/document.docx"'))
    attachment = extracted(attach(files.compound_file({"WordDocument": b"\xec\xa5"}), "a.doc"))
    assert attachment.status == ExtractionStatus.DONE
    assert "2024\tMcKinsey\t£1,200,000" in pages_of(attachment)[0]


def test_a_conversion_that_hangs_is_stopped_at_the_time_limit(
    attach: Attach,
    settings: Settings,
    tmp_path: Path,
) -> None:
    settings.FOI_SOFFICE_COMMAND = str(_script(tmp_path, "sleep 60"))
    settings.FOI_EXTRACTION_TIME_LIMIT = 1.0
    started = time.monotonic()
    attachment = extracted(attach(files.compound_file({"Workbook": b"\x09\x08"}), "a.xls"))
    assert time.monotonic() - started < 10
    assert attachment.status == ExtractionStatus.FAILED
    assert "time limit" in attachment.status_detail


def _script(folder: Path, action: str) -> Path:
    """A fake `soffice` that finds --outdir in its arguments, then runs `action`."""
    script = folder / "soffice"
    script.write_text(
        "#!/bin/sh\n"
        'while [ $# -gt 0 ]; do [ "$1" = --outdir ] && outdir="$2"; shift; done\n'
        'mkdir -p "$outdir"\n'
        f"{action}\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def _pptx(slides: list[str]) -> bytes:
    drawing = "http://schemas.openxmlformats.org/drawingml/2006/main"
    members = {"[Content_Types].xml": "<Types/>", "ppt/presentation.xml": "<presentation/>"}
    for number, text in enumerate(slides, start=1):
        members[f"ppt/slides/slide{number}.xml"] = (
            f'<p:sld xmlns:p="p" xmlns:a="{drawing}">'
            f"<a:p><a:r><a:t>{text}</a:t></a:r></a:p></p:sld>"
        )
    return files.zip_of(
        {name: body.encode() for name, body in members.items()}, zipfile.ZIP_DEFLATED
    )
