"""The disclosure check as a gate, from outside: a share link, a bundle, a campaign report
and the CSV, Excel and ZIP exports are produced only once every finding in what they carry
is redacted or accepted, or the person confirms "share anyway" (which is audited)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.http import HttpResponseBase
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks

from requests_app import models
from requests_app.redaction.disclosure import check_requests
from tests.factories import (
    BatchFactory,
    CampaignFactory,
    FoiRequestFactory,
    MembershipFactory,
    MessageFactory,
)
from tests.redaction.documents import attach, text_pdf

pytestmark = pytest.mark.django_db

PHONE = "020 7946 0123"
BODY = f"Thank you. Ring our caseworker Ann on {PHONE} if anything is unclear."


@pytest.fixture
def campaign(user: User) -> models.Campaign:
    campaign = CampaignFactory.create()
    MembershipFactory.create(campaign=campaign, user=user, role=models.Role.OWNER)
    return campaign


@pytest.fixture
def foi_request(user: User, campaign: models.Campaign) -> models.FoiRequest:
    batch = BatchFactory.create(owner=user, campaign=campaign)
    return FoiRequestFactory.create(
        owner=user, campaign=campaign, visibility=models.Visibility.CAMPAIGN, batch=batch
    )


@pytest.fixture
def reply(foi_request: models.FoiRequest) -> models.Message:
    return MessageFactory.create(request=foi_request, subject="Your request", body_text=BODY)


def findings(foi_request: models.FoiRequest) -> list:  # type: ignore[type-arg]
    return check_requests(models.FoiRequest.objects.filter(pk=foi_request.pk))


@dataclass(frozen=True)
class Output:
    """How to ask for one thing that leaves, and how to tell whether it was produced."""

    ask: Callable[[Client, models.FoiRequest], HttpResponseBase]
    produced: Callable[[models.FoiRequest, HttpResponseBase], bool]


def _post(name: str, data: dict[str, str] | None = None) -> Callable[..., HttpResponseBase]:
    def ask(
        client: Client, foi_request: models.FoiRequest, extra: dict[str, str] | None = None
    ) -> HttpResponseBase:
        url = reverse(name, kwargs=ROUTE_KWARGS[name](foi_request))
        return client.post(url, {**(data or {}), **(extra or {})})

    return ask


def _reference(foi_request: models.FoiRequest) -> dict[str, str]:
    return {"reference": foi_request.reference}


ROUTE_KWARGS: dict[str, Callable[[models.FoiRequest], dict[str, str]]] = {
    "request_share": _reference,
    "request_bundle": _reference,
    "request_export_zip": _reference,
    "campaign_report": lambda foi_request: {"slug": foi_request.campaign.slug},  # type: ignore[union-attr]
    "request_export_csv": lambda _foi_request: {},
    "request_export_xlsx": lambda _foi_request: {},
    "batch_report": lambda foi_request: {"pk": str(foi_request.batch_id)},
    "batch_answers_export": lambda foi_request: {"pk": str(foi_request.batch_id), "fmt": "csv"},
}


def _body(response: HttpResponseBase) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return bytes(response.content)  # type: ignore[attr-defined]


def _file_of(kind: str) -> Callable[[models.FoiRequest, HttpResponseBase], bool]:
    def produced(_foi_request: models.FoiRequest, response: HttpResponseBase) -> bool:
        return response["Content-Type"].startswith(kind) and len(_body(response)) > 0

    return produced


def _rows(kind: str) -> Callable[[models.FoiRequest, HttpResponseBase], bool]:
    def produced(foi_request: models.FoiRequest, _response: HttpResponseBase) -> bool:
        if kind == "share":
            return models.ShareLink.objects.filter(request=foi_request).exists()
        return models.GeneratedReport.objects.filter(kind=kind).exists()

    return produced


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OUTPUTS = {
    "share link": Output(_post("request_share", {"action": "create"}), _rows("share")),
    "bundle": Output(_post("request_bundle"), _rows(models.ReportKind.BUNDLE)),
    "campaign report": Output(_post("campaign_report"), _rows(models.ReportKind.CAMPAIGN_REPORT)),
    "CSV export": Output(_post("request_export_csv"), _file_of("text/csv")),
    "Excel export": Output(_post("request_export_xlsx"), _file_of(XLSX)),
    "ZIP export": Output(_post("request_export_zip"), _file_of("application/zip")),
    "batch report": Output(_post("batch_report"), _rows(models.ReportKind.BATCH_REPORT)),
    "batch answers export": Output(_post("batch_answers_export"), _file_of("text/csv")),
}


def accept_all(client: Client, foi_request: models.FoiRequest) -> None:
    url = reverse("request_disclosure", kwargs={"reference": foi_request.reference})
    for finding in findings(foi_request):
        where = (
            {"message": finding.message.pk}
            if finding.message
            else {"attachment": finding.attachment.pk}
        )
        response = client.post(url, {**where, "key": finding.key, "action": "accept"})
        assert response.status_code == 302


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_nothing_leaves_while_a_finding_is_open_and_it_does_once_accepted(
    name: str,
    foi_request: models.FoiRequest,
    reply: models.Message,
    alice_client: Client,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    output = OUTPUTS[name]
    with django_capture_on_commit_callbacks(execute=True):
        held = output.ask(alice_client, foi_request)
    assert held.status_code == 200 and not output.produced(foi_request, held)
    page = held.content.decode()  # type: ignore[attr-defined]
    assert "Check before it leaves" in page and "Nothing was" in page
    assert "Phone number" in page and PHONE in page and "Text of “Your request”" in page
    assert not models.ShareLink.objects.exists() and not models.GeneratedReport.objects.exists()
    accept_all(alice_client, foi_request)
    with django_capture_on_commit_callbacks(execute=True):
        response = output.ask(alice_client, foi_request)
    assert output.produced(foi_request, response)
    assert not models.AuditEntry.objects.filter(action="disclosure.shared_anyway").exists()


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_sharing_anyway_produces_it_and_the_audit_log_says_who_and_what_was_open(
    name: str,
    foi_request: models.FoiRequest,
    reply: models.Message,
    alice_client: Client,
    user: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    output = OUTPUTS[name]
    held = output.ask(alice_client, foi_request)
    assert 'name="disclosure" value="share-anyway"' in held.content.decode()  # type: ignore[attr-defined]
    with django_capture_on_commit_callbacks(execute=True):
        response = output.ask(alice_client, foi_request, {"disclosure": "share-anyway"})  # type: ignore[call-arg]
    assert output.produced(foi_request, response)
    entry = models.AuditEntry.objects.get(action="disclosure.shared_anyway")
    assert entry.actor == user
    assert entry.changes["requests"] == [[], [foi_request.reference]]
    assert entry.changes["unresolved"] == [[], [f"Text of “Your request”: Phone number: {PHONE}"]]


def test_with_nothing_found_nothing_extra_is_shown(
    foi_request: models.FoiRequest, alice_client: Client
) -> None:
    MessageFactory.create(request=foi_request, body_text="Thank you for your request.")
    response = _post("request_share", {"action": "create"})(alice_client, foi_request)
    assert response.status_code == 302
    assert models.ShareLink.objects.filter(request=foi_request).count() == 1


def test_a_share_link_carries_no_documents_so_only_the_letters_count_there(
    foi_request: models.FoiRequest, alice_client: Client
) -> None:
    message = MessageFactory.create(request=foi_request, body_text="Please find attached.")
    original = attach(message, text_pdf(), "reply.pdf")  # hidden content and metadata
    assert findings(foi_request)
    shared = _post("request_share", {"action": "create"})(alice_client, foi_request)
    assert shared.status_code == 302 and models.ShareLink.objects.count() == 1
    bundle = _post("request_bundle")(alice_client, foi_request)
    assert bundle.status_code == 200 and original.filename in bundle.content.decode()  # type: ignore[attr-defined]
    assert not models.GeneratedReport.objects.exists()


def test_a_share_link_never_shows_internal_notes_so_they_do_not_stop_it(
    foi_request: models.FoiRequest, alice_client: Client
) -> None:
    MessageFactory.create(request=foi_request, channel=models.Channel.NOTE, body_text=BODY)
    assert findings(foi_request)
    shared = _post("request_share", {"action": "create"})(alice_client, foi_request)
    assert shared.status_code == 302 and models.ShareLink.objects.count() == 1
    bundle = _post("request_bundle")(alice_client, foi_request)
    assert bundle.status_code == 200 and PHONE in bundle.content.decode()  # type: ignore[attr-defined]
    assert not models.GeneratedReport.objects.exists()


def test_resolving_from_the_gate_comes_back_to_where_it_started(
    foi_request: models.FoiRequest, reply: models.Message, alice_client: Client
) -> None:
    held = _post("request_share", {"action": "create"})(alice_client, foi_request).content.decode()  # type: ignore[attr-defined]
    share_page = reverse("request_share", kwargs={"reference": foi_request.reference})
    assert f'name="next" value="{share_page}"' in held
    [finding] = findings(foi_request)
    url = reverse("request_disclosure", kwargs={"reference": foi_request.reference})
    data = {"message": reply.pk, "key": finding.key, "action": "accept", "next": share_page}
    assert alice_client.post(url, data)["Location"] == share_page
    data["next"] = "https://elsewhere.example/"
    assert alice_client.post(url, data)["Location"] == url


def test_the_bundle_command_refuses_until_resolved_or_told_to_share_anyway(
    foi_request: models.FoiRequest,
    reply: models.Message,
    tmp_path,
    capsys,  # type: ignore[no-untyped-def]
) -> None:
    target = tmp_path / "bundle.pdf"
    with pytest.raises(SystemExit) as stopped:
        call_command("bundle", foi_request.reference, "-o", str(target))
    assert stopped.value.code == 2 and not target.exists()
    assert PHONE in capsys.readouterr().err
    call_command("bundle", foi_request.reference, "-o", str(target), "--share-anyway")
    assert target.read_bytes().startswith(b"%PDF")
    entry = models.AuditEntry.objects.get(action="disclosure.shared_anyway")
    assert entry.actor is None and entry.changes["output"] == ["", "bundle"]


# --- redacting a letter's text --------------------------------------------------------------


def test_one_click_redacts_the_text_of_a_reply_and_every_output_uses_the_copy(
    foi_request: models.FoiRequest,
    reply: models.Message,
    alice_client: Client,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    [finding] = findings(foi_request)
    url = reverse("request_disclosure", kwargs={"reference": foi_request.reference})
    alice_client.post(url, {"message": reply.pk, "key": finding.key, "action": "redact"})
    reply.refresh_from_db()
    assert reply.body_text == BODY  # the original is kept
    copy = models.RedactedText.objects.get(message=reply)
    assert PHONE not in copy.body_text and "[redacted: personal data]" in copy.body_text
    assert findings(foi_request) == []

    with django_capture_on_commit_callbacks(execute=True):
        _post("request_share", {"action": "create"})(alice_client, foi_request)
        _post("request_bundle")(alice_client, foi_request)
    link = models.ShareLink.objects.get(request=foi_request)
    shared = Client().get(link.get_absolute_url()).content.decode()
    assert "Ring our caseworker Ann on [redacted: personal data]" in shared
    bundle = models.GeneratedReport.objects.get(kind=models.ReportKind.BUNDLE)
    assert bundle.status == models.ReportStatus.DONE, bundle.error
    from tests.trust.test_what_leaves import pdf_text

    with bundle.file.open("rb") as stream:
        text = " ".join(pdf_text(stream.read()).split())
    assert PHONE not in text and "[redacted: personal data]" in text
    archive = _post("request_export_zip")(alice_client, foi_request)
    with zipfile.ZipFile(io.BytesIO(_body(archive))) as opened:
        correspondence = opened.read("correspondence.txt").decode()
    assert PHONE not in correspondence and "[redacted: personal data]" in correspondence
    assert alice_client.get(foi_request.get_absolute_url()).content.decode().count(PHONE) >= 1


def test_a_viewer_sees_text_findings_but_may_not_redact_them(
    foi_request: models.FoiRequest,
    reply: models.Message,
    campaign: models.Campaign,
    other_user: User,
    client_for,  # type: ignore[no-untyped-def]
) -> None:
    MembershipFactory.create(campaign=campaign, user=other_user, role=models.Role.VIEWER)
    viewer: Client = client_for(other_user)
    url = reverse("request_disclosure", kwargs={"reference": foi_request.reference})
    assert PHONE in viewer.get(url).content.decode()
    [finding] = findings(foi_request)
    data = {"message": reply.pk, "key": finding.key, "action": "redact"}
    assert viewer.post(url, data).status_code == 403
    assert not models.RedactedText.objects.exists()


def test_a_long_list_of_findings_is_shown_and_audited_in_part_and_counted_in_full(
    foi_request: models.FoiRequest, alice_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("requests_app.redaction.checking.MAX_SHOWN", 1)
    monkeypatch.setattr("requests_app.redaction.gate.MAX_AUDITED", 1)
    MessageFactory.create(request=foi_request, body_text=f"{BODY} Or write to ann@example.org.")
    share = _post("request_share", {"action": "create"})
    page = share(alice_client, foi_request).content.decode()  # type: ignore[attr-defined]
    assert "2 findings" in page and "… and 1 more" in page
    assert page.count('value="accept"') == 1
    share(alice_client, foi_request, {"disclosure": "share-anyway"})  # type: ignore[call-arg]
    entry = models.AuditEntry.objects.get(action="disclosure.shared_anyway")
    assert entry.changes["unresolved_count"] == [0, 2]
    assert len(entry.changes["unresolved"][1]) == 2 and entry.changes["unresolved"][1][1] == (
        "… and 1 more"
    )


def test_the_share_view_names_the_redacted_version_not_the_original(
    foi_request: models.FoiRequest,
    alice_client: Client,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    message = MessageFactory.create(request=foi_request, body_text="Please find attached.")
    original = attach(message, text_pdf(), "reply.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("redact", str(original.pk), "--pattern", "Quigley", "--reason", "pd")
    _post("request_share", {"action": "create"})(alice_client, foi_request)
    shared = Client().get(models.ShareLink.objects.get().get_absolute_url()).content.decode()
    assert "Attachments (not shared): reply-redacted.pdf" in shared
    assert "reply.pdf" not in shared
