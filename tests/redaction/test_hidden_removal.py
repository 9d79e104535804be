"""One click on the disclosure check removes what an Office file hides: the version has no
hidden sheets, rows or columns, comments, tracked changes or speaker notes, the finding
resolves, and what a reader sees is still there."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks

from requests_app import models
from requests_app.redaction.disclosure import check_requests
from requests_app.redaction.hidden import HIDDEN_KINDS
from tests.extraction import files
from tests.factories import FoiRequestFactory, MessageFactory
from tests.redaction.documents import pdftotext
from tests.redaction.test_disclosure import (
    docx_with_comment_and_tracked_change,
    file_attachment,
    read,
    xlsx_with_hidden_parts,
)

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


@pytest.fixture
def foi_request(user: User) -> models.FoiRequest:
    return FoiRequestFactory.create(owner=user)


@pytest.fixture
def message(foi_request: models.FoiRequest) -> models.Message:
    return MessageFactory.create(request=foi_request)


def pptx_with_notes() -> bytes:
    drawing = "http://schemas.openxmlformats.org/drawingml/2006/main"

    def part(text: str, root: str) -> bytes:
        return (
            f'<p:{root} xmlns:p="p" xmlns:a="{drawing}"><a:p><a:r><a:t>{text}</a:t></a:r></a:p>'
            f"</p:{root}>"
        ).encode()

    return files.zip_of(
        {
            "[Content_Types].xml": b"<Types/>",
            "ppt/presentation.xml": b"<presentation/>",
            "ppt/slides/slide1.xml": part("Waiting times fell in spring", "sld"),
            "ppt/notesSlides/notesSlide1.xml": part("Do not mention Quigley's leak", "notes"),
        },
        zipfile.ZIP_DEFLATED,
    )


def hidden_findings(foi_request: models.FoiRequest) -> list:  # type: ignore[type-arg]
    found = check_requests(models.FoiRequest.objects.filter(pk=foi_request.pk))
    return [f for f in found if f.kind in HIDDEN_KINDS]


def remove_hidden(
    client: Client,
    foi_request: models.FoiRequest,
    on_commit: DjangoCaptureOnCommitCallbacks,
) -> models.RedactedVersion:
    [first, *_] = hidden_findings(foi_request)
    assert first.cleaned_by_a_copy
    page = client.get(reverse("request_disclosure", args=[foi_request.reference])).content
    assert "Remove hidden content" in page.decode()
    with on_commit(execute=True):
        response = client.post(
            reverse("request_disclosure", args=[foi_request.reference]),
            {"attachment": first.attachment.pk, "key": first.key, "action": "redact"},
        )
    assert response.status_code == 302
    return models.RedactedVersion.objects.get()


def version_text(version: models.RedactedVersion, folder: Path) -> str:
    path = folder / "version.pdf"
    with version.attachment.file.open("rb") as stream:
        path.write_bytes(stream.read())
    return " ".join(pdftotext(path).split())


@pytest.mark.parametrize(
    ("content", "kind", "name", "seen", "hidden"),
    [
        (
            xlsx_with_hidden_parts,
            XLSX,
            "figures.xlsx",
            ["Month Cases", "January 12"],
            ["Bartholomew Quigley", "4471", "Staff", "B. Jones", "February", "Officer"],
        ),
        (
            docx_with_comment_and_tracked_change,
            DOCX,
            "letter.docx",
            ["The figures are released in full."],
            ["Jane Quigley", "Press Office", "Zebedee"],
        ),
        (pptx_with_notes, PPTX, "slides.pptx", ["Waiting times fell in spring"], ["Quigley"]),
    ],
    ids=["xlsx", "docx", "pptx"],
)
def test_one_click_makes_a_version_without_what_the_office_file_hides(
    content,  # type: ignore[no-untyped-def]
    kind: str,
    name: str,
    seen: list[str],
    hidden: list[str],
    foi_request: models.FoiRequest,
    message: models.Message,
    alice_client: Client,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
    tmp_path: Path,
) -> None:
    data = content()
    original = file_attachment(message, data, name, kind)
    read(original)
    assert hidden_findings(foi_request)
    version = remove_hidden(alice_client, foi_request, django_capture_on_commit_callbacks)
    text = version_text(version, tmp_path)
    for words in seen:
        assert words in text
    for words in hidden:
        assert words not in text
    assert hidden_findings(foi_request) == []  # the check now looks at the version
    with original.file.open("rb") as stream:
        assert stream.read() == data  # the original is untouched
