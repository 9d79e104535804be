"""Mail fidelity: a body only in winmail.dat, resends sharing a Message-ID, auto-replies by
every common marker, and legacy Office attachments read as text."""

from __future__ import annotations

import base64
from email.message import EmailMessage

import pytest
from django.urls import reverse

from requests_app import models
from requests_app.mail.importer import ImportStatus, import_message
from requests_app.mail.parsing import parse_message
from requests_app.search import search
from tests.mail.conftest import CorpusWorld, corpus_bytes
from tests.mail.legacy_office import excel_97, powerpoint_97, word_97
from tests.mail.tnef import winmail_dat

pytestmark = pytest.mark.django_db
REPLY_ADDRESS = "foi+foi-2026-0042-qfjshn44@replies.foi-tracker.example"
UPLOAD = models.MessageSource.UPLOAD


def exchange_mail(dat: bytes, *, message_id: str = "<tnef-1@examples.gov.example>") -> bytes:
    """What Exchange sends to a non-Outlook recipient: an empty text part and winmail.dat."""
    encoded = base64.encodebytes(dat).decode()
    return (
        "From: Information Rights <foi@examples.gov.example>\r\n"
        f"To: {REPLY_ADDRESS}\r\nSubject: RE: Spending on management consultants\r\n"
        f"Date: Mon, 02 Feb 2026 10:00:00 +0000\r\nMessage-ID: {message_id}\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="tnef"\r\n\r\n'
        '--tnef\r\nContent-Type: text/plain; charset="us-ascii"\r\n\r\n\r\n'
        '--tnef\r\nContent-Type: application/ms-tnef; name="winmail.dat"\r\n'
        "Content-Transfer-Encoding: base64\r\n"
        f'Content-Disposition: attachment; filename="winmail.dat"\r\n\r\n{encoded}\r\n--tnef--\r\n'
    ).encode()


# --- winmail.dat bodies ----------------------------------------------------------------


def test_an_html_body_inside_winmail_dat_becomes_the_searchable_text(world: CorpusWorld) -> None:
    dat = winmail_dat(
        html="<html><body><p>The <b>quinquennial</b> review cost £4,500.</p>"
        '<script>alert(1)</script><img src="x" onerror="alert(2)"></body></html>',
        files=(("review.pdf", b"%PDF-1.4 review"),),
    )
    result = import_message(raw=exchange_mail(dat), source=UPLOAD, imported_by=world.alice)
    message = result.message
    assert message is not None and message.request == world.examples
    assert "The quinquennial review cost £4,500." in message.body_text
    assert "<b>quinquennial</b>" in message.body_html
    assert "<script" not in message.body_html and "onerror" not in message.body_html
    assert [item.filename for item in message.attachments.order_by("pk")] == [
        "winmail.dat",
        "review.pdf",
    ]
    hits = search(world.alice, "quinquennial")
    assert ("message", message.pk) in {(hit.kind, hit.object.pk) for hit in hits.hits}


def test_an_rtf_body_inside_winmail_dat_becomes_the_text(world: CorpusWorld) -> None:
    rtf = (
        r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss Arial;}}"
        r"\f0\fs20 Dear requester,\par We withhold the \b tachograph\b0  records "
        r"under section 40(2); the fee would be \'a3450.\par}"
    )
    message = import_message(raw=exchange_mail(winmail_dat(rtf=rtf)), source=UPLOAD).message
    assert message is not None
    assert "We withhold the tachograph records under section 40(2); the fee would be £450." in (
        message.body_text
    )
    assert "fonttbl" not in message.body_text and "Arial" not in message.body_text


def test_a_broken_rtf_stream_in_winmail_dat_is_noted_and_the_rest_kept() -> None:
    dat = winmail_dat(rtf="{\\rtf1 x}").replace(b"LZFu", b"LZFx")
    parsed = parse_message(exchange_mail(dat))
    assert parsed.readable
    assert [item.filename for item in parsed.iter_attachments()] == ["winmail.dat"]


# --- same Message-ID, different content ------------------------------------------------


def test_mails_sharing_a_message_id_with_different_content_are_both_kept_and_linked(
    world: CorpusWorld, client_for
) -> None:
    first = import_message(raw=corpus_bytes("02_gmail_alternative.eml"), source=UPLOAD)
    edited = corpus_bytes("02_gmail_alternative.eml").replace(
        b"annual report", b"revised annual report"
    )
    second = import_message(raw=edited, source=UPLOAD)
    assert second.status == ImportStatus.IMPORTED
    assert first.message is not None and second.message is not None
    assert second.message.pk != first.message.pk
    assert second.message.message_id == first.message.message_id
    assert second.message.earlier_version == first.message
    page = client_for(world.alice).get(reverse("mail_message", kwargs={"pk": second.message.pk}))
    assert reverse("mail_message", kwargs={"pk": first.message.pk}) in page.content.decode()


def test_only_the_same_bytes_are_a_duplicate(world: CorpusWorld) -> None:
    raw = corpus_bytes("02_gmail_alternative.eml")
    first = import_message(raw=raw, source=UPLOAD)
    again = import_message(raw=raw, source=models.MessageSource.IMAP)
    assert again.status == ImportStatus.DUPLICATE and again.message == first.message


# --- auto-replies ----------------------------------------------------------------------


def mail_with(headers: dict[str, str], subject: str = "Re: your request") -> bytes:
    message = EmailMessage()
    message["From"] = "j.bloggs@examples.gov.example"
    message["To"] = REPLY_ADDRESS
    message["Subject"] = subject
    message["Date"] = "Mon, 02 Feb 2026 10:00:00 +0000"
    for name, value in headers.items():
        message[name] = value
    message.set_content("I am away until Monday.")
    return message.as_bytes()


@pytest.mark.parametrize(
    ("headers", "subject"),
    [
        ({"X-POST-MessageClass": "9; Autoresponder"}, "Re: your request"),
        ({"X-MS-Exchange-Inbox-Rules-Loop": "j.bloggs@examples.gov.example"}, "Re: request"),
        ({}, "Automatic Response: Spending on management consultants"),
        ({}, "Automatic reply: FOI request"),
        ({}, "Out of Office: FOI request"),
        ({"Auto-Submitted": "auto-replied"}, "Re: your request"),
        ({"X-Autoreply": "yes"}, "Re: your request"),
        ({"X-Autorespond": "Re: your request"}, "Re: your request"),
        ({"Precedence": "auto_reply"}, "Re: your request"),
        ({"X-Autogenerated": "Reply"}, "Re: your request"),
    ],
)
def test_common_auto_reply_markers_are_recognised(headers: dict[str, str], subject: str) -> None:
    assert parse_message(mail_with(headers, subject)).is_auto_reply


@pytest.mark.parametrize(
    "headers",
    [{"Auto-Submitted": "no"}, {"X-Autoreply": "no"}, {"Precedence": "bulk"}, {}],
)
def test_mail_a_person_wrote_is_not_an_auto_reply(headers: dict[str, str]) -> None:
    assert not parse_message(mail_with(headers, "Re: your request")).is_auto_reply


# --- legacy Office attachments ---------------------------------------------------------


def mail_with_attachments(files: dict[str, bytes]) -> bytes:
    message = EmailMessage()
    message["From"] = "foi@examples.gov.example"
    message["To"] = REPLY_ADDRESS
    message["Subject"] = "Documents released"
    message["Date"] = "Mon, 02 Feb 2026 10:00:00 +0000"
    message.set_content("Please find the documents attached.")
    for name, content in files.items():
        message.add_attachment(
            content, maintype="application", subtype="octet-stream", filename=name
        )
    return message.as_bytes()


def test_legacy_word_excel_and_powerpoint_attachments_yield_searchable_text(
    world: CorpusWorld, django_capture_on_commit_callbacks
) -> None:
    raw = mail_with_attachments(
        {
            "minutes.doc": word_97("Minutes of the board\nThe sesquipedalian fee was £450."),
            "spend.xls": excel_97("Spend", [["Consultant", "Spend"], ["Marzipanworks", 1200.0]]),
            "briefing.ppt": powerpoint_97(["Board briefing", "Quokka programme costs"]),
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        message = import_message(raw=raw, source=UPLOAD, imported_by=world.alice).message
    assert message is not None
    texts = {
        item.filename: (item.status, " ".join(item.pages.values_list("text", flat=True)))
        for item in message.attachments.all()
    }
    assert texts["minutes.doc"][0] == models.ExtractionStatus.DONE
    assert "The sesquipedalian fee was £450." in texts["minutes.doc"][1]
    assert '"Marzipanworks","1200"' in texts["spend.xls"][1]
    assert "Quokka programme costs" in texts["briefing.ppt"][1]
    for word in ("sesquipedalian", "Marzipanworks", "Quokka"):
        assert search(world.alice, word).total >= 1, word


def test_without_catdoc_a_legacy_attachment_says_what_to_install(
    world: CorpusWorld, settings, tmp_path, django_capture_on_commit_callbacks
) -> None:
    settings.FOI_CATDOC_PATH = str(tmp_path)
    settings.FOI_SOFFICE_COMMAND = str(tmp_path / "soffice")
    raw = mail_with_attachments({"minutes.doc": word_97("Minutes")})
    with django_capture_on_commit_callbacks(execute=True):
        message = import_message(raw=raw, source=UPLOAD).message
    assert message is not None
    attachment = message.attachments.get()
    assert attachment.status == models.ExtractionStatus.UNSUPPORTED
    assert "install the Debian package catdoc" in attachment.status_detail
