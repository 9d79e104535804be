"""Zips and forwarded mail: unpacked into child attachments, recursively, within limits."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks, Settings

from requests_app.extraction.services import extract_attachment
from requests_app.models import Attachment, ExtractionStatus, Message
from tests.extraction import files
from tests.extraction.factories import extracted, pages_of

pytestmark = pytest.mark.django_db

Attach = Callable[..., Attachment]

LETTER = "Dear Ms Smith,\nPlease find the figures you asked for attached."
CSV = b"Year,Spend\n2024,1200000\n2025,950000\n"


def extract_everything(
    attachment: Attachment, capture: DjangoCaptureOnCommitCallbacks
) -> Attachment:
    """Extract, then run the tasks it queues (children, grandchildren) inline."""
    with capture(execute=True):
        extract_attachment(attachment_id=attachment.pk)
    attachment.refresh_from_db()
    return attachment


def children_of(attachment: Attachment) -> dict[str, Attachment]:
    return {child.filename: child for child in attachment.children.all()}


def test_a_zip_holding_a_pdf_and_a_csv_becomes_two_read_children(
    attach: Attach,
    message: Message,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    archive = files.zip_of({"reply/letter.pdf": files.text_pdf([LETTER]), "figures.csv": CSV})
    attachment = extract_everything(
        attach(archive, "reply.zip"), django_capture_on_commit_callbacks
    )
    assert attachment.status == ExtractionStatus.DONE
    assert pages_of(attachment) == [
        "Files in this archive:\nreply/letter.pdf\t"
        f"{len(files.text_pdf([LETTER])):,} bytes\nfigures.csv\t{len(CSV)} bytes"
    ]
    children = children_of(attachment)
    assert set(children) == {"letter.pdf", "figures.csv"}
    for child in children.values():
        assert child.message_id == message.pk
        assert child.status == ExtractionStatus.DONE
    assert pages_of(children["letter.pdf"]) == [LETTER]
    assert pages_of(children["figures.csv"]) == ["Year\tSpend\n2024\t1200000\n2025\t950000"]
    assert children["figures.csv"].content_type == "text/csv"


def test_a_zip_inside_a_zip_is_unpacked_in_turn(
    attach: Attach, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    inner = files.zip_of({"annex.csv": CSV})
    outer = files.zip_of({"annexes.zip": inner, "letter.pdf": files.text_pdf([LETTER])})
    attachment = extract_everything(attach(outer, "reply.zip"), django_capture_on_commit_callbacks)
    nested = children_of(attachment)["annexes.zip"]
    assert nested.status == ExtractionStatus.DONE
    [annex] = nested.children.all()
    assert annex.parent_id == nested.pk
    assert annex.message_id == attachment.message_id
    assert pages_of(annex) == ["Year\tSpend\n2024\t1200000\n2025\t950000"]


def test_a_forwarded_email_inside_a_zip_gives_its_text_and_its_attachments(
    attach: Attach, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    forwarded = files.email_with_attachments(
        "Fw: spending figures", "See the figures below.", {"spend.csv": CSV}
    )
    archive = files.zip_of({"forwarded.eml": forwarded})
    attachment = extract_everything(attach(archive, "mail.zip"), django_capture_on_commit_callbacks)
    mail = children_of(attachment)["forwarded.eml"]
    assert mail.status == ExtractionStatus.DONE
    [text] = pages_of(mail)
    assert text.startswith("From: FOI Team <foi@body.example.gov.uk>\n")
    assert "Subject: Fw: spending figures" in text
    assert text.endswith("See the figures below.")
    spend = children_of(mail)["spend.csv"]
    assert spend.status == ExtractionStatus.DONE
    assert pages_of(spend) == ["Year\tSpend\n2024\t1200000\n2025\t950000"]


def test_a_zip_bomb_is_refused_before_anything_is_inflated(attach: Attach) -> None:
    bomb = files.zip_bomb(8 * 1024 * 1024)
    assert len(bomb) < 20_000
    attachment = extracted(attach(bomb, "reply.zip"))
    assert attachment.status == ExtractionStatus.FAILED
    assert "'report.txt' is compressed" in attachment.status_detail
    assert "(zip bomb protection); nothing was unpacked." in attachment.status_detail
    assert not attachment.children.exists()
    with attachment.file.open("rb") as stored:
        assert stored.read() == bomb  # the original is kept as it came


def test_an_archive_larger_than_the_unpacked_limit_is_refused(
    attach: Attach, settings: Settings
) -> None:
    settings.FOI_ARCHIVE_MAX_UNPACKED_BYTES = 1024 * 1024
    archive = files.zip_of({"scan.bin": os.urandom(1536 * 1024)})
    attachment = extracted(attach(archive, "big.zip"))
    assert attachment.status == ExtractionStatus.FAILED
    assert attachment.status_detail.startswith("The archive would unpack to 1.5 MB, more than")


def test_the_unpacking_budget_is_shared_by_all_archives_of_a_message(
    attach: Attach,
    settings: Settings,
) -> None:
    settings.FOI_ARCHIVE_MAX_UNPACKED_BYTES = 1536 * 1024
    first = extracted(attach(files.zip_of({"a.bin": os.urandom(1024 * 1024)}), "a.zip"))
    second = extracted(attach(files.zip_of({"b.bin": os.urandom(1024 * 1024)}), "b.zip"))
    assert first.status == ExtractionStatus.DONE
    assert second.status == ExtractionStatus.FAILED
    assert "would unpack to 1.0 MB, more than the 0.5 MB allowed" in second.status_detail


def test_archives_nested_deeper_than_the_limit_are_not_unpacked(
    attach: Attach,
    settings: Settings,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    settings.FOI_ARCHIVE_MAX_DEPTH = 1
    outer = files.zip_of({"inner.zip": files.zip_of({"deep.csv": CSV})})
    attachment = extract_everything(attach(outer, "outer.zip"), django_capture_on_commit_callbacks)
    inner = children_of(attachment)["inner.zip"]
    assert inner.status == ExtractionStatus.FAILED
    assert "nested 1 levels deep" in inner.status_detail
    assert not inner.children.exists()


def test_an_archive_with_too_many_files_is_refused(attach: Attach, settings: Settings) -> None:
    settings.FOI_ARCHIVE_MAX_MEMBERS = 3
    archive = files.zip_of({f"page-{number}.txt": b"text" for number in range(5)})
    attachment = extracted(attach(archive, "many.zip"))
    assert attachment.status == ExtractionStatus.FAILED
    assert "holds 5 files, more than the limit of 3" in attachment.status_detail


def test_reading_an_archive_again_keeps_its_children(attach: Attach) -> None:
    archive = attach(files.zip_of({"figures.csv": CSV, "copy/figures.csv": CSV}), "a.zip")
    first = [child.pk for child in extracted(archive).children.all()]
    Attachment.objects.filter(pk=archive.pk).update(status=ExtractionStatus.PENDING)
    second = [child.pk for child in extracted(archive).children.all()]
    assert len(first) == 1  # the same name and content twice in one archive is stored once
    assert first == second


def test_a_damaged_zip_fails_with_the_reason(attach: Attach) -> None:
    attachment = extracted(attach(b"PK\x03\x04" + b"\x00" * 100, "broken.zip"))
    assert attachment.status == ExtractionStatus.FAILED
    assert attachment.status_detail.startswith("The zip archive could not be opened")


def test_an_outlook_message_that_cannot_be_parsed_fails_with_the_reason(attach: Attach) -> None:
    broken = files.compound_file({"__substg1.0_0037001F": "Subject".encode("utf-16-le")})
    attachment = extracted(attach(broken, "forwarded.msg"))
    assert attachment.status == ExtractionStatus.FAILED
    assert attachment.status_detail.startswith("The Outlook message could not be read")


def test_an_email_gives_its_headers_and_body_and_unpacks_its_attachments(attach: Attach) -> None:
    mail = files.email_with_attachments(
        "Your FOI request", "Please see attached.", {"a.pdf": b"%PDF-1.4"}
    )
    attachment = extracted(attach(mail, "reply.eml"))
    assert attachment.status == ExtractionStatus.DONE
    assert "Subject: Your FOI request" in pages_of(attachment)[0]
    [child] = attachment.children.all()
    assert (child.filename, child.status) == ("a.pdf", ExtractionStatus.PENDING)
