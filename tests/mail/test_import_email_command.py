"""`manage.py import_email PATH… [--request REF]`."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from requests_app import models
from tests.mail.conftest import CORPUS, CorpusWorld

pytestmark = pytest.mark.django_db


def run(*args: str) -> list[str]:
    out, err = StringIO(), StringIO()
    call_command("import_email", *args, stdout=out, stderr=err)
    return out.getvalue().splitlines()


def test_it_prints_one_line_per_message(world: CorpusWorld) -> None:
    lines = run(str(CORPUS / "02_gmail_alternative.eml"), str(CORPUS / "40_client_export.mbox"))
    assert len(lines) == 4
    assert "02_gmail_alternative.eml: imported message" in lines[0]
    assert "→ FOI-2026-0042 (by reply address)" in lines[0]
    assert lines[3].endswith("→ unmatched: Another question")
    assert models.Message.objects.filter(source=models.MessageSource.COMMAND).count() == 4


def test_request_files_every_message_on_that_request(world: CorpusWorld) -> None:
    lines = run(str(CORPUS / "19_unmatched.eml"), "--request", "FOI-2026-0045")
    assert "→ FOI-2026-0045 (chosen)" in lines[0]


def test_a_folder_is_read_and_bad_files_are_reported_not_fatal(
    world: CorpusWorld, tmp_path: Path
) -> None:
    (tmp_path / "good.eml").write_bytes((CORPUS / "15_out_of_office.eml").read_bytes())
    (tmp_path / "junk.eml").write_bytes(b"\x00\x01 not mail")
    lines = run(str(tmp_path))
    assert any("good.eml: imported" in line for line in lines)
    assert any("junk.eml: quarantined" in line and "Not an email" in line for line in lines)


@pytest.mark.parametrize(
    "args",
    [["/no/such/file.eml"], [str(CORPUS / "19_unmatched.eml"), "--request", "FOI-1999-0001"]],
)
def test_usage_errors_stop_before_anything_is_imported(world: CorpusWorld, args: list[str]) -> None:
    with pytest.raises(CommandError):
        run(*args)
    assert not models.Message.objects.filter(source=models.MessageSource.COMMAND).exists()
