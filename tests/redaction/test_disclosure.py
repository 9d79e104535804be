"""The disclosure check, through its pages: personal data and hidden content, listed with
one click to redact or to accept; exports use the redacted versions."""

from __future__ import annotations

import io
import zipfile

import docx
import openpyxl
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks

from requests_app import models
from requests_app.extraction.services import extract_attachment
from requests_app.models.documents import store_blob
from tests.factories import CampaignFactory, FoiRequestFactory, MembershipFactory, MessageFactory
from tests.redaction.documents import attach, text_pdf

pytestmark = pytest.mark.django_db


def xlsx_with_hidden_parts() -> bytes:
    workbook = openpyxl.Workbook()
    visible = workbook.active
    visible.title = "Summary"
    for row in (
        ["Month", "Cases", "Officer"],
        ["January", 12, "A. Smith"],
        ["February", 9, "B. Jones"],
    ):
        visible.append(row)
    visible.column_dimensions["C"].hidden = True
    visible.row_dimensions[3].hidden = True
    staff = workbook.create_sheet("Staff")
    staff.append(["Name", "Warrant number"])
    staff.append(["Bartholomew Quigley", "4471"])
    staff.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def docx_with_comment_and_tracked_change() -> bytes:
    document = docx.Document()
    paragraph = document.add_paragraph("The figures are released in full.")
    document.add_comment(
        paragraph.runs, text="Check with Jane Quigley first", author="Press Office"
    )
    buffer = io.BytesIO()
    document.save(buffer)
    # A tracked deletion Word keeps in the file until the change is accepted.
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    w = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    deletion = (
        b'<w:p><w:del w:id="90" w:author="Editor"><w:r><w:delText>Ref from Zebedee</w:delText>'
        b"</w:r></w:del></w:p>"
    )
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        b"<w:sectPr", deletion + b"<w:sectPr", 1
    )
    assert w in parts["word/document.xml"]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return out.getvalue()


def file_attachment(
    message: models.Message, content: bytes, filename: str, kind: str
) -> models.Attachment:
    name, sha256, size = store_blob(io.BytesIO(content))
    return models.Attachment.objects.create(
        message=message, filename=filename, content_type=kind, size=size, sha256=sha256, file=name
    )


@pytest.fixture
def campaign(user: User, other_user: User) -> models.Campaign:
    campaign = CampaignFactory.create(sensitive_names="Zebedee Thistlewood\n")
    MembershipFactory.create(campaign=campaign, user=user, role=models.Role.OWNER)
    MembershipFactory.create(campaign=campaign, user=other_user, role=models.Role.VIEWER)
    return campaign


@pytest.fixture
def foi_request(user: User, campaign: models.Campaign) -> models.FoiRequest:
    return FoiRequestFactory.create(
        owner=user, campaign=campaign, visibility=models.Visibility.CAMPAIGN
    )


@pytest.fixture
def message(foi_request: models.FoiRequest) -> models.Message:
    return MessageFactory.create(request=foi_request)


def check_url(foi_request: models.FoiRequest) -> str:
    return reverse("request_disclosure", kwargs={"reference": foi_request.reference})


def read(attachment: models.Attachment) -> None:
    extract_attachment(attachment_id=attachment.pk)


def test_hidden_sheets_rows_and_columns_of_a_workbook_are_reported(
    foi_request: models.FoiRequest, message: models.Message, alice_client: Client
) -> None:
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    file_attachment(message, xlsx_with_hidden_parts(), "figures.xlsx", xlsx)
    page = alice_client.get(check_url(foi_request)).content.decode()
    assert "Hidden sheet" in page and "Sheet “Staff” is hidden" in page
    assert "Hidden columns" in page and "Sheet “Summary”: columns C." in page
    assert "Hidden rows" in page and "Sheet “Summary”: rows 3." in page


def test_comments_and_tracked_changes_of_a_word_document_are_reported(
    foi_request: models.FoiRequest, message: models.Message, alice_client: Client
) -> None:
    word = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    file_attachment(message, docx_with_comment_and_tracked_change(), "letter.docx", word)
    page = alice_client.get(check_url(foi_request)).content.decode()
    assert "Comment" in page and "Press Office: Check with Jane Quigley first" in page
    assert "Tracked changes" in page and "Ref from Zebedee" in page


def test_pdf_attachments_scripts_metadata_and_notes_are_reported_and_a_clean_copy_drops_them(
    foi_request: models.FoiRequest,
    message: models.Message,
    alice_client: Client,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    original = attach(message, text_pdf(), "reply.pdf")
    page = alice_client.get(check_url(foi_request)).content.decode()
    for label in (
        "File embedded in the PDF",
        "JavaScript in the PDF",
        "PDF metadata",
        "Note on a PDF page",
    ):
        assert label in page
    assert "Author: Bartholomew Quigley" in page
    embedded = next(f for f in _findings(foi_request) if f.kind == "embedded_file")
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(
            check_url(foi_request),
            {"attachment": original.pk, "key": embedded.key, "action": "redact"},
        )
    assert models.RedactedVersion.objects.filter(original=original).count() == 1
    after = {f.kind for f in _findings(foi_request)}
    assert not after & {"embedded_file", "javascript", "pdf_metadata", "pdf_annotation"}


def _findings(foi_request: models.FoiRequest) -> list:  # type: ignore[type-arg]
    from requests_app.redaction.disclosure import check_requests

    return check_requests(models.FoiRequest.objects.filter(pk=foi_request.pk))


def test_personal_data_and_sensitive_names_in_the_text_are_listed_with_their_pages(
    foi_request: models.FoiRequest, message: models.Message, alice_client: Client
) -> None:
    lines = [
        "Write to Flat 2, 10 Downing Street, London SW1A 2AA.",
        "Our caseworker is on 020 7946 0123, jane.doe@example.gov.uk.",
        "National Insurance number AB 12 34 56 C was quoted.",
        "Zebedee  Thistlewood gave the interview.",
    ]
    read(attach(message, text_pdf(lines), "letter.pdf"))
    page = alice_client.get(check_url(foi_request)).content.decode()
    for label, found in (
        ("UK postcode", "SW1A 2AA"),
        ("Phone number", "020 7946 0123"),
        ("Email address", "jane.doe@example.gov.uk"),
        ("National Insurance number", "AB 12 34 56 C"),
        ("Sensitive name", "Zebedee Thistlewood"),
    ):
        assert label in page and found in page


def test_one_click_redacts_a_name_everywhere_in_the_document_and_the_check_moves_on(
    foi_request: models.FoiRequest,
    message: models.Message,
    alice_client: Client,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    original = attach(message, text_pdf(), "reply.pdf")
    read(original)
    name = next(f for f in _findings(foi_request) if f.kind == "name")
    assert name.detail == "Zebedee Thistlewood"
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            check_url(foi_request), {"attachment": original.pk, "key": name.key, "action": "redact"}
        )
    assert response.status_code == 302
    version = models.RedactedVersion.objects.get(original=original)
    assert not version.attachment.pages.filter(text__icontains="Thistlewood").exists()
    assert version.attachment.pages.filter(text__icontains="pineapple").exists()
    after = _findings(foi_request)
    assert all(f.attachment == version.attachment for f in after)
    assert not [f for f in after if f.kind == "name"]


def test_accepting_a_finding_marks_it_accepted_and_a_viewer_may_not(
    foi_request: models.FoiRequest,
    message: models.Message,
    alice_client: Client,
    other_user: User,
    client_for,
) -> None:  # type: ignore[no-untyped-def]
    original = attach(message, text_pdf(), "reply.pdf")
    read(original)
    email = next(f for f in _findings(foi_request) if f.kind == "email")
    viewer: Client = client_for(other_user)
    assert "quigley@example.gov.uk" in viewer.get(check_url(foi_request)).content.decode()
    data = {"attachment": original.pk, "key": email.key, "action": "accept"}
    assert viewer.post(check_url(foi_request), data).status_code == 403
    assert not models.DisclosureAcceptance.objects.exists()
    alice_client.post(check_url(foi_request), data)
    assert next(f for f in _findings(foi_request) if f.kind == "email").accepted


def test_an_outsider_gets_404(foi_request: models.FoiRequest, client_for) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import UserFactory

    outsider: Client = client_for(UserFactory(username="eve"))
    assert outsider.get(check_url(foi_request)).status_code == 404
    campaign_url = reverse("campaign_disclosure", kwargs={"slug": foi_request.campaign.slug})  # type: ignore[union-attr]
    assert outsider.get(campaign_url).status_code == 404


def test_campaign_editors_keep_the_sensitive_names_and_viewers_may_not(
    campaign: models.Campaign, alice_client: Client, other_user: User, client_for
) -> None:  # type: ignore[no-untyped-def]
    url = reverse("campaign_disclosure", kwargs={"slug": campaign.slug})
    alice_client.post(url, {"action": "names", "sensitive_names": "Ada Lovelace\nAlan Turing"})
    campaign.refresh_from_db()
    assert campaign.sensitive_name_list() == ["Ada Lovelace", "Alan Turing"]
    viewer: Client = client_for(other_user)
    assert viewer.post(url, {"action": "names", "sensitive_names": ""}).status_code == 403
    assert "Sensitive names" not in viewer.get(url).content.decode()


def test_the_request_zip_export_carries_the_redacted_version_not_the_original(
    foi_request: models.FoiRequest,
    message: models.Message,
    alice_client: Client,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    from django.core.management import call_command

    message.raw_email = "raw/m.eml"
    message.save(update_fields=["raw_email"])
    original = attach(message, text_pdf(), "reply.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("redact", str(original.pk), "--box", "1:60,212,560,242", "--reason", "pd")
    response = alice_client.post(
        reverse("request_export_zip", kwargs={"reference": foi_request.reference}),
        {"disclosure": "share-anyway"},  # the rest of the letter still has findings
    )
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:  # type: ignore[attr-defined]
        names = archive.namelist()
    assert [n for n in names if n.startswith("attachments/")] == [
        next(n for n in names if n.endswith("reply-redacted.pdf"))
    ]
    assert not [n for n in names if n.startswith("raw/")]


def test_the_pages_things_leave_from_link_to_the_check(
    foi_request: models.FoiRequest, campaign: models.Campaign, alice_client: Client
) -> None:
    reference = {"reference": foi_request.reference}
    for page in ("request_share", "request_bundle", "request_detail"):
        assert check_url(foi_request) in alice_client.get(reverse(page, kwargs=reference)).text
    campaign_page = alice_client.get(campaign.get_absolute_url()).text
    assert reverse("campaign_disclosure", kwargs={"slug": campaign.slug}) in campaign_page
