from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command

from requests_app.models import FoiRequest
from tests.reports.reading import flat, page_texts

pytestmark = pytest.mark.django_db


def test_case_summary_writes_the_pdf(
    refused_case: FoiRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "summary.pdf"
    call_command("case_summary", refused_case.reference, "-o", str(target), "--date", "2026-05-05")
    pages = page_texts(target.read_bytes())
    out = capsys.readouterr().out
    assert out.strip() == f"FOI-2026-0001: case summary, {len(pages)} pages, written to {target}"
    assert "Prepared on Tue 5 May 2026" in flat(pages[0])


def test_bundle_writes_the_pdf_and_lists_what_is_left_out(
    refused_case: FoiRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "bundle.pdf"
    call_command("bundle", refused_case.reference, "-o", str(target), "--date", "2026-05-05")
    pages = page_texts(target.read_bytes())
    assert f"Bundle page {len(pages)}" in pages[-1]
    assert capsys.readouterr().out.startswith(
        f"FOI-2026-0001: bundle of {len(pages)} pages, 9 items, written to {target}"
    )
    assert not list(tmp_path.glob(".*.part"))


@pytest.mark.parametrize("command", ["case_summary", "bundle"])
def test_an_unknown_reference_exits_2_with_one_line(
    command: str, db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.pdf"
    with pytest.raises(SystemExit) as exit_info:
        call_command(command, "FOI-1999-9999", "-o", str(target))
    assert exit_info.value.code == 2
    assert capsys.readouterr().err == f"{command}: no request with reference 'FOI-1999-9999'\n"
    assert not target.exists()


def test_a_bad_date_exits_2(
    refused_case: FoiRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "case_summary", refused_case.reference, "-o", str(tmp_path / "x.pdf"), "--date", "5/5"
        )
    assert exit_info.value.code == 2
    assert "not a date: '5/5'" in capsys.readouterr().err


def test_the_date_defaults_to_today(
    refused_case: FoiRequest, tmp_path: Path, time_machine: object
) -> None:
    time_machine.move_to(dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC))  # type: ignore[attr-defined]
    target = tmp_path / "summary.pdf"
    call_command("case_summary", refused_case.reference, "-o", str(target))
    assert "Prepared on Mon 1 Jun 2026" in flat(page_texts(target.read_bytes())[0])
