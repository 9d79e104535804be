"""The mail pages: importing, the unmatched inbox, a message, confirming, letters."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app import models
from requests_app.mail.importer import import_message
from tests.factories import CampaignFactory, MembershipFactory, UserFactory
from tests.mail.conftest import CorpusWorld, corpus_bytes

pytestmark = pytest.mark.django_db


def upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, corpus_bytes(name), content_type="message/rfc822")


@pytest.fixture
def mallory_client(client_for) -> Client:
    return client_for(UserFactory.create(username="mallory"))


def imported(world: CorpusWorld, name: str) -> models.Message:
    result = import_message(
        raw=corpus_bytes(name), source=models.MessageSource.UPLOAD, imported_by=world.alice
    )
    assert result.message is not None
    return result.message


def test_the_import_page_needs_a_login(client: Client) -> None:
    response = client.get(reverse("mail_import"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_several_files_at_once_are_imported_and_reported(
    world: CorpusWorld, alice_client: Client
) -> None:
    response = alice_client.post(
        reverse("mail_import"),
        {"emails": [upload("02_gmail_alternative.eml"), upload("40_client_export.mbox")]},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "4 imported (1 waiting in the" in content
    assert "FOI-2026-0044 (by our reference)" in content
    assert models.Message.objects.filter(imported_by=world.alice).count() == 4


def test_the_import_page_refuses_a_request_you_cannot_change(
    world: CorpusWorld, mallory_client: Client
) -> None:
    response = mallory_client.post(
        reverse("mail_import"),
        {"emails": [upload("19_unmatched.eml")], "reference": "FOI-2026-0042"},
    )
    assert "You have no request FOI-2026-0042 that you may change" in response.content.decode()
    assert not models.Message.objects.filter(subject="Quick question").exists()


def test_a_file_over_the_upload_limit_gets_a_clear_message(
    world: CorpusWorld,
    alice_client: Client,
    settings,
) -> None:
    settings.FOI_MAX_UPLOAD_BYTES = 100
    response = alice_client.post(
        reverse("mail_import"), {"emails": [upload("02_gmail_alternative.eml")]}
    )
    assert "the limit is 100" in response.content.decode()


def test_uploading_on_a_request_files_every_message_there(
    world: CorpusWorld, alice_client: Client
) -> None:
    url = reverse("mail_upload", kwargs={"reference": "FOI-2026-0045"})
    response = alice_client.post(url, {"emails": [upload("19_unmatched.eml")]}, follow=True)
    assert response.redirect_chain[-1][0] == world.nhs_other.get_absolute_url()
    assert world.nhs_other.messages.get().subject == "Quick question"
    assert "imported message" in response.content.decode()


def test_outsiders_cannot_upload_on_a_request_and_viewers_may_not(
    world: CorpusWorld,
    mallory_client: Client,
    client_for,
) -> None:
    url = reverse("mail_upload", kwargs={"reference": "FOI-2026-0042"})
    assert mallory_client.post(url, {"emails": [upload("19_unmatched.eml")]}).status_code == 404
    campaign = CampaignFactory.create()
    models.FoiRequest.objects.filter(pk=world.examples.pk).update(campaign=campaign)
    viewer = UserFactory.create(username="victor")
    MembershipFactory.create(campaign=campaign, user=viewer, role=models.Role.VIEWER)
    assert client_for(viewer).post(url, {"emails": [upload("19_unmatched.eml")]}).status_code == 403
    assert not models.Message.objects.filter(subject="Quick question").exists()


def test_the_unmatched_inbox_shows_only_your_own_unmatched_mail(
    world: CorpusWorld, alice_client: Client, mallory_client: Client
) -> None:
    imported(world, "19_unmatched.eml")
    assert "Quick question" in alice_client.get(reverse("mail_unmatched")).content.decode()
    assert "Quick question" not in mallory_client.get(reverse("mail_unmatched")).content.decode()


def test_filing_an_unmatched_message_moves_it_to_the_request(
    world: CorpusWorld, alice_client: Client, mallory_client: Client
) -> None:
    message = imported(world, "19_unmatched.eml")
    url = reverse("mail_assign", kwargs={"pk": message.pk})
    assert mallory_client.post(url, {"reference": "FOI-2026-0042"}).status_code == 404
    response = alice_client.post(url, {"reference": "foi 2026/45"})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.request == world.nhs_other


def test_the_unmatched_inbox_costs_the_same_queries_for_2_or_20_messages(
    world: CorpusWorld, alice_client: Client
) -> None:
    def queries_for(count: int) -> int:
        for number in range(count):
            raw = corpus_bytes("19_unmatched.eml").replace(b"unmatched-0019", f"u{number}".encode())
            import_message(raw=raw, source=models.MessageSource.UPLOAD, imported_by=world.alice)
        with CaptureQueriesContext(connection) as queries:
            assert alice_client.get(reverse("mail_unmatched")).status_code == 200
        models.Message.objects.filter(request=None).delete()
        return len(queries)

    assert queries_for(2) == queries_for(20)


def test_a_hostile_message_is_shown_sanitised_in_a_sandbox(
    world: CorpusWorld, alice_client: Client
) -> None:
    message = imported(world, "16_hostile_html.eml")
    response = alice_client.get(reverse("mail_message", kwargs={"pk": message.pk}))
    content = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox"' in content
    assert "<script>window.pwned" not in content and "onerror" not in content
    assert "https://tracker.example" not in content
    assert "Show them" in content
    with_images = alice_client.get(reverse("mail_message", kwargs={"pk": message.pk}) + "?images=1")
    assert "tracker.example/pixel.gif" in with_images.content.decode()
    assert "https:" in with_images["Content-Security-Policy"]


def test_other_peoples_messages_and_originals_are_not_found(
    world: CorpusWorld, mallory_client: Client
) -> None:
    message = imported(world, "02_gmail_alternative.eml")
    for name in ("mail_message", "mail_raw"):
        assert mallory_client.get(reverse(name, kwargs={"pk": message.pk})).status_code == 404


def test_the_original_downloads_byte_for_byte(world: CorpusWorld, alice_client: Client) -> None:
    message = imported(world, "06_undeclared_8bit.eml")
    response = alice_client.get(reverse("mail_raw", kwargs={"pk": message.pk}))
    assert b"".join(response.streaming_content) == corpus_bytes("06_undeclared_8bit.eml")  # type: ignore[attr-defined]
    assert response["Content-Disposition"] == f'attachment; filename="message-{message.pk}.eml"'


def test_one_click_confirms_the_suggestion_and_records_the_event(
    world: CorpusWorld, alice_client: Client
) -> None:
    message = imported(world, "20_refusal_exemptions.eml")
    page = alice_client.get(reverse("mail_message", kwargs={"pk": message.pk}))
    form = page.context["confirm_form"]
    assert form.initial["kind"] == models.MessageKind.REFUSAL
    data = {
        "kind": form.initial["kind"],
        "outcome": form.initial["outcome"],
        "exemptions": [exemption.pk for exemption in form.initial["exemptions"]],
    }
    response = alice_client.post(reverse("mail_confirm", kwargs={"pk": message.pk}), data)
    assert response.status_code == 302
    world.examples.refresh_from_db()
    assert world.examples.status == models.Status.REFUSED
    assert sorted(e.citation for e in world.examples.exemptions.all()) == ["FOIA s.36", "FOIA s.43"]


def test_composing_and_sending_a_letter(
    world: CorpusWorld,
    alice_client: Client,
    django_capture_on_commit_callbacks,
) -> None:
    url = reverse("mail_letter", kwargs={"reference": "FOI-2026-0042", "letter": "chaser"})
    form = alice_client.get(url).context["form"]
    assert form.initial["to"] == "foi@examples.gov.example"
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            url,
            {"to": form.initial["to"], "subject": form.initial["subject"], "body": "Where is it?"},
        )
    assert response.status_code == 302
    assert mail.outbox[0].to == ["foi@examples.gov.example"]
    assert alice_client.get(url.replace("chaser", "ransom-note")).status_code == 404


def test_a_failed_letter_can_be_sent_again_from_the_request(
    world: CorpusWorld,
    alice_client: Client,
    django_capture_on_commit_callbacks,
) -> None:
    models.Message.objects.filter(pk=world.letter.pk).update(
        send_status=models.SendStatus.FAILED, send_error="Gave up after 5 attempts."
    )
    world.letter.raw_email.save("letter.eml", ContentFile(b"Subject: x\r\n\r\nHello\r\n"))
    world.letter.recipients = "foi@examples.gov.example"
    world.letter.save()
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(reverse("mail_resend", kwargs={"pk": world.letter.pk}))
    world.letter.refresh_from_db()
    assert world.letter.send_status == models.SendStatus.SENT


def test_a_quarantined_original_whose_file_is_gone_is_a_404_not_a_500(
    world: CorpusWorld, client_for
) -> None:
    result = import_message(
        raw=b"%PDF-1.4 not an email", source=models.MessageSource.UPLOAD, imported_by=world.alice
    )
    assert result.quarantine is not None
    url = reverse("mail_quarantined_raw", kwargs={"pk": result.quarantine.pk})
    client = client_for(world.alice)
    assert client.get(url).status_code == 200
    result.quarantine.raw.storage.delete(result.quarantine.raw.name)
    assert client.get(url).status_code == 404
