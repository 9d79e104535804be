"""Every message of the corpus imports as expected: filed, read, flagged and stored whole.

The corpus (tests/mail/corpus/) is written the way public bodies' systems send mail:
Exchange with winmail.dat (attachments, or the whole letter as HTML or RTF), Gmail, a
council's gateway with a disclaimer, old code pages and ISO-2022-JP, forwards in forwards,
uuencode, S/MIME, truncated MIME, bounces, Outlook and Exchange auto-replies, legacy Office
files, resends sharing a Message-ID, and forged mail that names a request only by its
reference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from requests_app import models
from requests_app.files import safe_filename
from requests_app.mail.classify import suggest
from requests_app.mail.importer import ImportResult, ImportStatus, import_file
from requests_app.mail.matching import MatchedBy
from requests_app.mail.sanitise import displayable_html
from tests.mail.conftest import CORPUS, CorpusWorld

ADDRESS = MatchedBy.REPLY_ADDRESS


@dataclass(frozen=True)
class Expected:
    request: str | None
    matched_by: str = ADDRESS
    status: str = ImportStatus.IMPORTED
    subject: str | None = None
    body: tuple[str, ...] = ()
    attachments: tuple[str, ...] = ()
    # Names as sent (decoded); stored as requests_app.files.safe_filename makes them.
    # child file name → the file it was found in
    nested: dict[str, str] = field(default_factory=dict)
    auto_reply: bool = False
    problems: tuple[str, ...] = ()
    html_excludes: tuple[str, ...] = ()
    kind: str | None = None
    citations: tuple[str, ...] = ()
    # Came through our own mailbox (nobody's upload): the rules for mail from outside apply.
    system: bool = False
    # Held in the unmatched inbox with this request suggested, for a member to confirm.
    suggested: str | None = None
    # The earlier message with the same Message-ID and other content (its corpus label).
    earlier: str | None = None


E42 = "FOI-2026-0042"
CORPUS_EXPECTATIONS: dict[str, Expected] = {
    "01_exchange_winmail_dat.eml": Expected(
        E42,
        body=("spreadsheet of spending on management consultants",),
        attachments=(
            "winmail.dat",
            "Response FOI-2026-0042.pdf",
            "Consultants spend 2024-25.xlsx",
        ),
        nested={
            "Response FOI-2026-0042.pdf": "winmail.dat",
            "Consultants spend 2024-25.xlsx": "winmail.dat",
        },
        kind=models.MessageKind.RESPONSE,
    ),
    "02_gmail_alternative.eml": Expected(
        E42,
        body=("the figures you want are published in the annual report, p.\xa047",),
        html_excludes=("<script",),
    ),
    "03_council_gateway_disclaimer.eml": Expected(
        "FOI-2026-0043",
        matched_by=MatchedBy.THEIR_REFERENCE,
        body=("Freedom of Information Act 2000 – Request", "monitors email traffic"),
        attachments=("FOI-25-0123 response.pdf",),
        kind=models.MessageKind.RESPONSE,
    ),
    "04_iso_8859_1.eml": Expected(
        E42,
        subject="Réponse à votre demande – coût £",
        body=("£123,456 for the café refurbishment – see",),
    ),
    "05_windows_1252.eml": Expected(
        E42, body=("“consultancy framework” and it’s clear the €2.1m figure relates to 2024–25",)
    ),
    "06_undeclared_8bit.eml": Expected(
        E42,
        subject="Fees of £450",
        body=("£450 for the café records",),
        problems=("read as Windows-1252",),
    ),
    "07_undeclared_utf8.eml": Expected(
        E42, body=("Gweinidog – naïve café £12",), problems=("read as UTF-8",)
    ),
    "08_rfc2231_filenames.eml": Expected(
        E42,
        attachments=("Réponse détaillée – annexe.pdf", "Gwariant ar ymgynghorwyr — tabl ŵ.xlsx"),
    ),
    "09_rfc2047_quoted_filename.eml": Expected(E42, attachments=("Endatd à l’annexe.pdf",)),
    "10_forwarded_with_pdf.eml": Expected(
        E42,
        attachments=("Lines to take consultants.eml", "lines-to-take.pdf"),
        nested={"lines-to-take.pdf": "Lines to take consultants.eml"},
    ),
    "11_uuencoded.eml": Expected(
        E42, body=("[attachment: spend-2024.csv]",), attachments=("spend-2024.csv",)
    ),
    "12_smime_signed.eml": Expected(
        E42,
        attachments=("signed-response.pdf",),
        problems=("signature was not checked",),
        kind=models.MessageKind.RESPONSE,
    ),
    "13_missing_final_boundary.eml": Expected(
        E42,
        body=("may be incomplete",),
        attachments=("cut.pdf",),
        problems=("ends before its final MIME boundary",),
    ),
    "14_dsn_bounce.eml": Expected(
        E42,
        matched_by=MatchedBy.THREAD,
        auto_reply=True,
        attachments=("Follow-up: Spending on management consultants.eml",),
        kind=models.MessageKind.OTHER,
    ),
    "15_out_of_office.eml": Expected(E42, auto_reply=True, kind=models.MessageKind.OTHER),
    "16_hostile_html.eml": Expected(
        E42,
        body=("Dear requester, the figures are below.",),
        html_excludes=("<script", "onerror", "onload", "javascript:", "<iframe", "<form", "fixed"),
    ),
    "17_acknowledgement_reference_in_subject.eml": Expected(
        E42,
        matched_by=MatchedBy.REFERENCE,
        auto_reply=True,
        kind=models.MessageKind.ACKNOWLEDGEMENT,
    ),
    "18_sender_domain.eml": Expected(
        E42, matched_by=MatchedBy.SENDER_DOMAIN, kind=models.MessageKind.CLARIFICATION_REQUEST
    ),
    "19_unmatched.eml": Expected(None, matched_by=""),
    "20_refusal_exemptions.eml": Expected(
        E42, kind=models.MessageKind.REFUSAL, citations=("s.36(2)(b)(i)", "s.43(2)")
    ),
    "21_eir_exception.eml": Expected(
        "FOI-2026-0043",
        matched_by=MatchedBy.THEIR_REFERENCE,
        kind=models.MessageKind.REFUSAL,
        citations=("EIR reg 12(4)(b)",),
    ),
    "22_extension_notice.eml": Expected(
        E42, kind=models.MessageKind.EXTENSION_NOTICE, citations=("s.43",)
    ),
    "23_review_outcome.eml": Expected(E42, kind=models.MessageKind.REVIEW_OUTCOME),
    # Same Message-ID as 02, other content (a colleague's rule forwarded it): both kept.
    "24_duplicate_of_02.eml": Expected(E42, earlier="02_gmail_alternative.eml"),
    "25_no_message_id.eml": Expected(E42),
    "26_forward_of_forward.eml": Expected(
        E42,
        attachments=("FW: Data.eml", "briefing.pdf", "Data.eml", "data.csv"),
        nested={"briefing.pdf": "FW: Data.eml", "Data.eml": "FW: Data.eml", "data.csv": "Data.eml"},
    ),
    "27_outlook_related_inline_image.eml": Expected(
        E42, attachments=("image001.png",), kind=models.MessageKind.RESPONSE
    ),
    "28_welsh_bilingual_base64.eml": Expected(
        "FOI-2026-0046",
        subject="Cais Rhyddid Gwybodaeth – Freedom of Information request",
        body=("Dŵr, tŷ, ŵyr.",),
    ),
    "29_unknown_charset.eml": Expected(
        E42, body=("Costs: £900",), problems=("Unknown character set",)
    ),
    "30_broken_base64.eml": Expected(E42, attachments=("broken.pdf",), problems=("base64",)),
    "31_foisa_refusal.eml": Expected(
        "FOI-2026-0047",
        kind=models.MessageKind.REFUSAL,
        citations=("s.30(b)(i)", "s.33(1)(b)"),
    ),
    "32_retyped_reply_address.eml": Expected(E42),
    "40_client_export.mbox#1": Expected(
        "FOI-2026-0044",
        matched_by=MatchedBy.REFERENCE,
        body=("We acknowledge receipt of your request.\nFrom the FOI team.",),
        kind=models.MessageKind.ACKNOWLEDGEMENT,
    ),
    "40_client_export.mbox#2": Expected("FOI-2026-0044", matched_by=MatchedBy.THREAD),
    "40_client_export.mbox#3": Expected(None, matched_by=""),
    "41_tnef_html_body.eml": Expected(
        E42,
        body=("The department spent £3.2m on management consultants in 2024-25.",),
        html_excludes=("<script", "evil.example"),
        attachments=("winmail.dat", "Consultancy spend 2024-25.pdf"),
        nested={"Consultancy spend 2024-25.pdf": "winmail.dat"},
    ),
    "42_tnef_rtf_body.eml": Expected(
        E42,
        body=("exempt under section 35(1)(a)—policy formulation.", "Fee: £0."),
        attachments=("winmail.dat",),
    ),
    "43_outlook_autoresponder.eml": Expected(E42, auto_reply=True, kind=models.MessageKind.OTHER),
    "44_exchange_inbox_rule_reply.eml": Expected(E42, auto_reply=True),
    "45_absence_notice_precedence.eml": Expected(E42, auto_reply=True),
    "46_legacy_office_attachments.eml": Expected(
        E42, attachments=("Board minutes.doc", "Spend.xls", "Briefing.ppt")
    ),
    "47_resend_same_message_id.eml": Expected(
        E42,
        body=("CORRECTED: I am writing to refuse part of your request.",),
        earlier="20_refusal_exemptions.eml",
    ),
    "48_forged_reference_only.eml": Expected(
        None, matched_by="", system=True, suggested="FOI-2026-0043"
    ),
    "49_reference_from_the_bodys_domain.eml": Expected(
        "FOI-2026-0045", matched_by=MatchedBy.REFERENCE, system=True
    ),
    "50_bounce_for_no_letter_of_ours.eml": Expected(
        None,
        matched_by="",
        system=True,
        auto_reply=True,
        attachments=("Follow-up: Spending on management consultants.eml",),
    ),
    "51_html_only_entities.eml": Expected(
        E42, body=("We’ve found 12 records & released 9.", "£7,000")
    ),
    "52_iso_2022_jp.eml": Expected(E42, subject="開示請求への回答", body=("費用は4500円です。",)),
    "53_calendar_invitation.eml": Expected(E42, attachments=("invite.ics",)),
    "54_attachment_only_no_subject.eml": Expected(E42, subject="", attachments=("SCAN0001.pdf",)),
    "55_nul_bytes_long_subject.eml": Expected(
        E42,
        subject="RE: " * 40 + "Spending on management consultants",
        body=("The figure is £8,000.",),
    ),
}


# Files that must be imported first for a message to be what it is.
PREREQUISITES = {
    "24_duplicate_of_02.eml": ("02_gmail_alternative.eml",),
    "47_resend_same_message_id.eml": ("20_refusal_exemptions.eml",),
}


def import_paths(world: CorpusWorld, paths: list[Path]) -> dict[str, ImportResult]:
    """Upload each file as alice, or take it from our own mailbox when it is marked so."""
    results: dict[str, ImportResult] = {}
    for path in paths:
        expected = CORPUS_EXPECTATIONS.get(path.name)
        system = expected is not None and expected.system
        with path.open("rb") as stream:
            for result in import_file(
                stream=stream,
                name=path.name,
                source=models.MessageSource.IMAP if system else models.MessageSource.UPLOAD,
                imported_by=None if system else world.alice,
            ):
                results[result.label] = result
    return results


def import_corpus(world: CorpusWorld) -> dict[str, ImportResult]:
    return import_paths(world, sorted(CORPUS.iterdir()))


@pytest.fixture
def imported(world: CorpusWorld) -> dict[str, ImportResult]:
    return import_corpus(world)


def test_the_corpus_has_at_least_40_messages_each_with_an_expectation(
    imported: dict[str, ImportResult],
) -> None:
    assert len(imported) >= 40
    assert set(imported) == set(CORPUS_EXPECTATIONS)
    unexpected = [label for label, result in imported.items() if result.status == "quarantined"]
    assert unexpected == []


@pytest.mark.parametrize("label", sorted(CORPUS_EXPECTATIONS))
def test_each_corpus_message_imports_as_expected(label: str, world: CorpusWorld) -> None:
    name = label.partition("#")[0]
    paths = [CORPUS / first for first in PREREQUISITES.get(name, ())] + [CORPUS / name]
    expected = CORPUS_EXPECTATIONS[label]
    results = import_paths(world, paths)
    result = results[label]
    assert result.status == expected.status, result.summary()
    message = result.message
    assert message is not None
    reference = message.request.reference if message.request else None
    assert reference == expected.request, result.summary()
    suggested = message.suggested_request.reference if message.suggested_request else None
    assert suggested == expected.suggested, result.summary()
    earlier = results[expected.earlier].message if expected.earlier else None
    assert message.earlier_version == earlier
    if expected.status == ImportStatus.IMPORTED:
        assert result.matched_by == expected.matched_by
        _check_content(message, expected)


def _check_content(message: models.Message, expected: Expected) -> None:
    if expected.subject is not None:
        assert message.subject == expected.subject
    for text in expected.body:
        assert text in message.body_text
    stored = list(message.attachments.order_by("pk"))
    assert [item.filename for item in stored] == [safe_filename(n) for n in expected.attachments]
    by_pk = {item.pk: item for item in stored}
    parents = {item.filename: by_pk[item.parent_id].filename for item in stored if item.parent_id}
    wanted = {
        safe_filename(child): safe_filename(parent) for child, parent in expected.nested.items()
    }
    assert parents == wanted
    assert message.is_auto_reply is expected.auto_reply
    for problem in expected.problems:
        assert problem in message.import_problems
    for text in expected.html_excludes:
        assert text not in message.body_html.lower()
    _check_suggestion(message, expected)


def _check_suggestion(message: models.Message, expected: Expected) -> None:
    if expected.kind is None and not expected.citations:
        return
    regime = message.request.regime if message.request else "uk-foia"
    suggestion = suggest(
        subject=message.subject,
        text=message.body_text,
        regime=regime,
        is_auto_reply=message.is_auto_reply,
    )
    if expected.kind is not None:
        assert suggestion.kind == expected.kind
    if expected.citations:
        assert tuple(citation.label for citation in suggestion.citations) == expected.citations


def test_every_imported_message_keeps_its_raw_bytes_exactly(
    imported: dict[str, ImportResult],
) -> None:
    for label, result in imported.items():
        if result.status != ImportStatus.IMPORTED:
            continue
        assert result.message is not None
        name, _, number = label.partition("#")
        original = (CORPUS / name).read_bytes()
        with result.message.raw_email.open("rb") as stored:
            kept = stored.read()
        if number:
            assert kept in original.replace(b"\n>From ", b"\nFrom ")
        else:
            assert kept == original, label


def test_importing_the_corpus_twice_stores_each_message_once(
    world: CorpusWorld, imported: dict[str, ImportResult]
) -> None:
    count = models.Message.objects.count()
    again = import_corpus(world)
    assert models.Message.objects.count() == count
    assert {result.status for result in again.values()} == {ImportStatus.DUPLICATE}


def test_an_uploaded_bounce_marks_our_letter_but_not_the_bodys_shared_address(
    world: CorpusWorld, imported: dict[str, ImportResult]
) -> None:
    world.letter.refresh_from_db()
    assert world.letter.send_status == models.SendStatus.FAILED
    assert "foi@examples.gov.example" in world.letter.send_error
    assert not models.PublicBody.objects.get(name="Department of Examples").email_failing


def test_each_filed_message_is_noted_on_its_requests_history(
    world: CorpusWorld, imported: dict[str, ImportResult]
) -> None:
    filed = [
        result.message
        for result in imported.values()
        if result.status == "imported" and result.message is not None
    ]
    logged = models.RequestEvent.objects.filter(kind=models.EventKind.MESSAGE_LOGGED)
    noted = {event.details["message"] for event in logged}
    assert {message.pk for message in filed if message.request_id} <= noted
    automatic = logged.filter(details__automatic=True).count()
    assert automatic == len([item for item in filed if item.is_auto_reply and item.request_id])


def test_stored_html_keeps_the_remote_image_only_until_it_is_shown(
    imported: dict[str, ImportResult],
) -> None:
    message = imported["16_hostile_html.eml"].message
    assert message is not None
    assert "https://tracker.example/pixel.gif" in message.body_html
    assert "tracker.example" not in displayable_html(message.body_html)
    assert "Our disclosure log" in displayable_html(message.body_html)


def test_unmatched_messages_wait_for_the_person_who_imported_them(
    world: CorpusWorld, imported: dict[str, ImportResult]
) -> None:
    waiting = models.Message.objects.visible_to(world.alice).unmatched()
    assert sorted(message.subject for message in waiting) == [
        "Another question",
        "FOI-2026-0043: outcome of your request",  # held, suggested for her request
        "Quick question",
    ]
    held = waiting.get(suggested_request__isnull=False)
    assert held.imported_by is None and held.suggested_request == world.borsetshire
