"""The redaction editor and page images, through the web, for each kind of person."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader
from pytest_django import DjangoCaptureOnCommitCallbacks

from requests_app import models
from tests.factories import (
    CampaignFactory,
    FoiRequestFactory,
    MembershipFactory,
    MessageFactory,
)
from tests.redaction.documents import attach, text_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def reply(user: User) -> models.Attachment:
    foi_request = FoiRequestFactory.create(owner=user)
    return attach(MessageFactory.create(request=foi_request), text_pdf(), "reply.pdf")


def editor_url(attachment: models.Attachment) -> str:
    return reverse("redaction_editor", kwargs={"pk": attachment.pk})


def test_an_outsider_gets_404_for_the_editor_and_the_page_images(
    reply: models.Attachment, other_user: User, client_for
) -> None:  # type: ignore[no-untyped-def]
    client: Client = client_for(other_user)
    assert client.get(editor_url(reply)).status_code == 404
    assert client.post(editor_url(reply), {"boxes": "1:1,1,50,50"}).status_code == 404
    image = reverse("redaction_page_image", kwargs={"pk": reply.pk, "number": 1})
    assert client.get(image).status_code == 404
    assert not models.RedactedVersion.objects.exists()


def test_a_campaign_viewer_sees_the_pages_but_may_not_redact(
    user: User, other_user: User, client_for
) -> None:  # type: ignore[no-untyped-def]
    campaign = CampaignFactory.create()
    MembershipFactory.create(campaign=campaign, user=user, role=models.Role.OWNER)
    MembershipFactory.create(campaign=campaign, user=other_user, role=models.Role.VIEWER)
    foi_request = FoiRequestFactory.create(
        owner=user, campaign=campaign, visibility=models.Visibility.CAMPAIGN
    )
    reply = attach(MessageFactory.create(request=foi_request), text_pdf(), "reply.pdf")
    viewer: Client = client_for(other_user)
    image = viewer.get(reverse("redaction_page_image", kwargs={"pk": reply.pk, "number": 1}))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert viewer.post(editor_url(reply), {"boxes": "1:1,1,50,50"}).status_code == 403
    page = viewer.get(reverse("attachment_pages", kwargs={"pk": reply.pk}))
    assert editor_url(reply) not in page.content.decode()


def test_boxes_typed_by_keyboard_make_a_version_listed_on_the_attachment_page(
    reply: models.Attachment,
    alice_client: Client,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    page = alice_client.get(reverse("attachment_pages", kwargs={"pk": reply.pk}))
    assert editor_url(reply) in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            editor_url(reply),
            {
                "boxes": "1:60,212,560,242",
                "reason_kind": "other",
                "reason_text": "Names a junior official",
                "action": "save",
            },
        )
    assert response.status_code == 302
    version = models.RedactedVersion.objects.get(original=reply)
    assert version.created_by is not None and version.created_by.username == "alice"
    listing = alice_client.get(response["Location"]).content.decode()
    assert "Redacted versions" in listing and version.attachment.filename in listing
    assert "alice" in listing
    download = alice_client.get(
        reverse(
            "attachment_download",
            kwargs={"pk": version.attachment.pk, "filename": version.attachment.filename},
        )
    )
    content = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    assert content.startswith(b"%PDF")
    assert models.AuditEntry.objects.filter(action="attachment.redacted").count() == 1
    redacted_page = alice_client.get(reverse("attachment_pages", kwargs={"pk": reply.pk}))
    # A redacted version is not a file "inside" the original.
    assert "Files inside" not in redacted_page.content.decode()


def test_the_preview_lists_every_occurrence_and_saves_nothing(
    reply: models.Attachment, alice_client: Client
) -> None:
    response = alice_client.post(
        editor_url(reply),
        {
            "words": "Quigley",
            "patterns": r"\d{3} \d{4} \d{4}",
            "reason_kind": "personal_data",
            "action": "preview",
        },
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "3 occurrences found" in text
    assert "020 7946 0123" in text and "Redact all 3" in text
    assert not models.RedactedVersion.objects.exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"boxes": "page one"}, "A box is PAGE:X0,Y0,X1,Y1"),
        ({"boxes": "9:1,1,50,50"}, "there is no page 9"),
        ({"patterns": "(oops"}, "not a valid regular expression"),
        ({"boxes": "1:1,1,50,50", "reason_kind": "other"}, "Say why"),
        ({"boxes": "1:1,1,50,50", "reason_kind": "exemption"}, "Choose the exemption"),
        ({"reason_kind": "personal_data"}, "Draw or type a box"),
    ],
)
def test_bad_input_is_shown_on_the_form_never_a_500(
    reply: models.Attachment, alice_client: Client, data: dict[str, str], error: str
) -> None:
    response = alice_client.post(
        editor_url(reply), {"reason_kind": "personal_data", "action": "save", **data}
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not models.RedactedVersion.objects.exists()


def test_redacting_a_version_again_keeps_the_earlier_boxes_in_the_new_log(
    reply: models.Attachment,
    alice_client: Client,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(
            editor_url(reply),
            {"boxes": "1:60,212,560,242", "reason_kind": "personal_data", "action": "save"},
        )
    first = models.RedactedVersion.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(
            editor_url(first.attachment),
            {
                "words": "pineapple",
                "reason_kind": "other",
                "reason_text": "Commercial",
                "action": "save",
            },
        )
    second = models.RedactedVersion.objects.exclude(pk=first.pk).get()
    assert second.original == reply
    assert second.redactions.count() == 2
    with second.attachment.file.open("rb") as stored:
        reader = PdfReader(stored)
        assert len(reader.pages) == 2
        assert "pineapple" not in reader.pages[0].extract_text()
        log = reader.pages[1].extract_text()
    assert "Personal data" in log and "Commercial" in log
