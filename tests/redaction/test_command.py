"""`manage.py redact`: real PDFs in, a redacted version out that really lost the words.

The redacted pages are read back the way an outsider would: pdftotext for the text layer
and tesseract on the rendered pixels. What no box covered must still be found by the
app's own search in the redacted version.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from pypdf import PdfReader
from pytest_django import DjangoCaptureOnCommitCallbacks

from requests_app import models
from requests_app.fixity.services import check_fixity
from requests_app.search import search
from tests.factories import FoiRequestFactory, MessageFactory
from tests.redaction.documents import (
    attach,
    pdf_without_log,
    pdftotext,
    scanned_pdf,
    tesseract_text,
    text_pdf,
)

pytestmark = pytest.mark.django_db

REDACTED = ["Quigley", "Bartholomew", "7946", "example.gov.uk", "Thistlewood", "Zebedee"]
# The fourth line, "His colleague Zebedee Thistlewood …", drawn at 220-234 pt from the top.
FOURTH_LINE_BOX = "1:60,212,560,242"


@pytest.fixture
def message(user: User) -> models.Message:
    return MessageFactory.create(request=FoiRequestFactory.create(owner=user))


def redact(
    capture: DjangoCaptureOnCommitCallbacks, attachment: models.Attachment, *args: str
) -> models.RedactedVersion:
    """Run the command and the extraction it queues."""
    with capture(execute=True):
        call_command("redact", str(attachment.pk), *args)
    return models.RedactedVersion.objects.get(original=attachment)


def redact_all(
    capture: DjangoCaptureOnCommitCallbacks, attachment: models.Attachment, folder: Path
) -> tuple[models.RedactedVersion, Path]:
    words = folder / "words.txt"
    words.write_text("Bartholomew Quigley\n", encoding="utf-8")
    output = folder / "out.pdf"
    version = redact(
        capture,
        attachment,
        "--pattern",
        r"\d{3} \d{4} \d{4}",
        r"\S+@\S+",
        "--words",
        str(words),
        "--box",
        FOURTH_LINE_BOX,
        "--reason",
        "personal data",
        "--output",
        str(output),
    )
    return version, output


@pytest.mark.parametrize("make", [text_pdf, scanned_pdf], ids=["text-layer", "scanned"])
def test_redacted_words_are_gone_from_text_and_pixels_and_the_rest_is_searchable(
    make, user: User, message: models.Message, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    original = attach(message, make(), "reply.pdf")
    version, output = redact_all(django_capture_on_commit_callbacks, original, tmp_path)

    pages = pdf_without_log(output, tmp_path)
    text_layer = pdftotext(pages)
    pixels = tesseract_text(pages, tmp_path)
    for word in REDACTED:
        assert word not in text_layer
        assert word not in pixels
    assert "pineapple" in text_layer
    assert "pineapple" in pixels
    assert "Dear Campaigner" in text_layer

    redacted = version.attachment
    redacted.refresh_from_db()
    assert redacted.status == models.ExtractionStatus.DONE
    hits = [hit.object for hit in search(user, "pineapple").hits if hit.kind == "page"]
    assert redacted.pages.get(number=1) in hits
    assert not [
        hit
        for hit in search(user, "Thistlewood").hits
        if hit.kind == "page" and hit.object.attachment_id == redacted.pk
    ]


def test_the_original_is_untouched_and_keeps_its_fixity_hash(
    message: models.Message, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    content = text_pdf()
    original = attach(message, content, "reply.pdf")
    version, _output = redact_all(django_capture_on_commit_callbacks, original, tmp_path)

    original.refresh_from_db()
    with original.file.open("rb") as stored:
        assert stored.read() == content
    assert original.sha256 == hashlib.sha256(content).hexdigest()
    assert version.attachment.parent == original
    assert version.attachment.sha256 != original.sha256
    assert check_fixity(notify=False).problem_count == 0


def test_metadata_annotations_embedded_files_and_javascript_are_dropped(
    message: models.Message, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    source = text_pdf()
    before = PdfReader(io.BytesIO(source))
    assert "/Names" in before.root_object and "/OpenAction" in before.root_object
    assert "/Annots" in before.pages[0]
    original = attach(message, source, "reply.pdf")
    _version, output = redact_all(django_capture_on_commit_callbacks, original, tmp_path)

    reader = PdfReader(output)
    root = reader.root_object
    assert "/Names" not in root
    assert "/OpenAction" not in root and "/AA" not in root and "/AcroForm" not in root
    assert all("/Annots" not in page for page in reader.pages)
    assert "Quigley" not in str(reader.metadata)
    assert b"Quigley" not in output.read_bytes()


def test_the_log_is_the_last_page_with_page_area_and_reason_of_each_box(
    message: models.Message, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    original = attach(message, text_pdf(), "reply.pdf")
    version, output = redact_all(django_capture_on_commit_callbacks, original, tmp_path)

    reader = PdfReader(output)
    assert len(reader.pages) == 2
    log = reader.pages[-1].extract_text()
    assert "redaction log" in log.lower()
    assert log.count("Personal data") == version.redactions.count() == 4
    assert "Box drawn on the page" in log and "Word list" in log and "Pattern" in log
    assert "59,211–561,243 pt" in log  # the drawn box, padded by a point
    for word in REDACTED:
        assert word not in log
    rows = list(version.redactions.values_list("page", "source", "reason_kind"))
    assert ("1", "box", "personal_data") in [(str(p), s, r) for p, s, r in rows]


def test_an_exemption_cited_as_the_reason_is_printed_in_the_log(
    message: models.Message, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    models.Exemption.objects.get_or_create(
        law="uk-foia", section="40(2)", defaults={"title": "Personal information"}
    )
    original = attach(message, text_pdf(), "reply.pdf")
    output = tmp_path / "out.pdf"
    version = redact(
        django_capture_on_commit_callbacks,
        original,
        "--box",
        FOURTH_LINE_BOX,
        "--reason",
        "FOIA s.40(2)",
        "-o",
        str(output),
    )
    assert version.redactions.get().exemption.section == "40(2)"
    assert "FOIA s.40(2)" in PdfReader(output).pages[-1].extract_text()


@pytest.mark.parametrize(
    ("arguments", "message_part"),
    [
        (["--box", "1:10,10"], "A box is PAGE:X0,Y0,X1,Y1"),
        (["--box", "3:10,10,50,50"], "there is no page 3"),
        (["--box", "1:10,10,10,50"], "has no area"),
        (["--pattern", "(unclosed"], "not a valid regular expression"),
        (["--pattern", "x*"], "matches empty text"),
        ([], "Draw a box, or give a pattern"),
    ],
)
def test_bad_input_is_a_clear_error_and_no_version(
    message: models.Message, arguments: list[str], message_part: str
) -> None:
    original = attach(message, text_pdf(), "reply.pdf")
    with pytest.raises(CommandError, match=message_part):
        call_command("redact", str(original.pk), *arguments, "--reason", "personal data")
    assert not models.RedactedVersion.objects.exists()


def test_an_unknown_attachment_is_a_clear_error(db: None) -> None:
    with pytest.raises(CommandError, match="There is no attachment 999"):
        call_command("redact", "999", "--pattern", "x", "--reason", "personal data")


def test_help_says_the_unit_and_origin_of_box_coordinates(capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit):
        call_command("redact", "--help")
    text = capsys.readouterr().out
    assert "points" in text and "TOP-LEFT" in text and "PAGE:X0,Y0,X1,Y1" in text
