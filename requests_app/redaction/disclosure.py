"""The disclosure check: personal data and hidden content in what is about to leave the app.

It looks at the documents as they would go out — the newest redacted version where there
is one — and at the text of the letters and replies, likewise as it would go out (the
newest redacted copy of the text where there is one). It lists email addresses, phone
numbers, UK postcodes, National Insurance numbers and the names the campaign marks as
sensitive (from the extracted text), and the hidden content of the files themselves. A
person then redacts or accepts each finding; an accepted finding stays listed, marked as
accepted, and stops counting as open.

What a file hides is read from the file, which never changes for a given SHA-256: the
result is cached by that hash, so checking before every share does not open every file
every time.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.core.cache import cache
from django.db.models import QuerySet

from requests_app.models import (
    Attachment,
    Campaign,
    Channel,
    DisclosureAcceptance,
    DocumentPage,
    FoiRequest,
    Message,
    RedactedVersion,
)
from requests_app.redaction.hidden import HIDDEN_KINDS, Hidden, hidden_content
from requests_app.redaction.services import disclosable_attachments
from requests_app.redaction.texts import disclosable_texts

PERSONAL_DATA: dict[str, tuple[str, re.Pattern[str]]] = {
    "email": ("Email address", re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    "phone": (
        "Phone number",
        re.compile(r"(?<![\d+])(?:\+44\s?(?:\(0\)\s?)?|0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}(?!\d)"),
    ),
    "postcode": (
        "UK postcode",
        re.compile(r"\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-HJKPSTUW\d]?) ?\d[ABD-HJLNP-UW-Z]{2}\b"),
    ),
    # HMRC NIM39110: two prefix letters (not D, F, I, Q, U, V), six digits, suffix A-D.
    "nino": (
        "National Insurance number",
        re.compile(r"\b[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b"),
    ),
}
# Hidden content a rebuilt PDF leaves behind: one click makes a version without it. A
# spreadsheet is rendered from its visible sheets, rows and columns only; a Word document
# from its text with changes as they stand and no comments; slides without their notes.
CLEANED_BY_A_COPY = set(HIDDEN_KINDS) - {"unreadable"}
HIDDEN_CACHE_SECONDS = 30 * 24 * 3600


@dataclass(frozen=True)
class Finding:
    # Where it was found, as it would leave: a document (a redacted version where there is
    # one), or the text of a letter or reply (its redacted copy where there is one).
    attachment: Attachment | None
    message: Message | None
    kind: str
    label: str
    detail: str
    pages: tuple[int, ...]
    key: str
    accepted: bool

    @property
    def personal(self) -> bool:
        return self.kind in PERSONAL_DATA or self.kind == "name"

    @property
    def cleaned_by_a_copy(self) -> bool:
        """A rebuilt PDF leaves this behind: one click makes a clean copy."""
        return self.attachment is not None and self.kind in CLEANED_BY_A_COPY

    @property
    def foi_request(self) -> FoiRequest | None:
        message = self.message or (self.attachment.message if self.attachment else None)
        return message.request if message is not None else None

    @property
    def where(self) -> str:
        if self.attachment is not None:
            return self.attachment.filename
        assert self.message is not None
        return f"Text of “{self.message.subject or '(no subject)'}”"


def finding_key(kind: str, detail: str) -> str:
    return hashlib.sha256(f"{kind}\0{detail}".encode()).hexdigest()[:32]


def disclosed_attachments(requests: QuerySet[FoiRequest]) -> list[Attachment]:
    """The attachments of these requests as they would leave the app."""
    attachments = list(
        Attachment.objects.filter(message__request__in=requests)
        .select_related("message__request__campaign")
        .order_by("message__sent_at", "message_id", "id")
    )
    return disclosable_attachments(attachments)


def disclosed_messages(requests: QuerySet[FoiRequest], *, notes: bool = True) -> list[Message]:
    """The letters and replies of these requests whose text could leave the app, and their
    internal notes unless `notes` is False (for what never shows them)."""
    messages = Message.objects.filter(request__in=requests).exclude(body_text="")
    if not notes:
        messages = messages.exclude(channel=Channel.NOTE)
    return list(messages.select_related("request__campaign").order_by("sent_at", "id"))


def check_requests(
    requests: QuerySet[FoiRequest], *, documents: bool = True, notes: bool = True
) -> list[Finding]:
    """Findings for the text of every letter and reply of these requests and (unless
    `documents` is False, for what carries no documents) every attachment, as disclosed;
    internal notes are left out when `notes` is False (for what never shows them)."""
    found = check_messages(disclosed_messages(requests, notes=notes))
    if documents:
        found += check_attachments(disclosed_attachments(requests))
    return found


def open_findings(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if not finding.accepted]


def check_messages(messages: list[Message]) -> list[Finding]:
    """Personal data in the text of these messages, as the text would leave the app."""
    ids = [message.pk for message in messages]
    accepted = set(
        DisclosureAcceptance.objects.filter(message_id__in=ids).values_list("message_id", "key")
    )
    copies = disclosable_texts(ids)
    findings = []
    for message in messages:
        copy = copies.get(message.pk)
        text = copy.body_text if copy is not None else message.body_text
        for kind, label, detail in _personal_data_in(text, _names_of(message.request)):
            key = finding_key(kind, detail)
            accepted_here = (message.pk, key) in accepted
            findings.append(Finding(None, message, kind, label, detail, (), key, accepted_here))
    return findings


def _personal_data_in(
    text: str, names: list[tuple[str, tuple[str, re.Pattern[str]]]]
) -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []
    for kind, (label, pattern) in [*PERSONAL_DATA.items(), *names]:
        for match in pattern.finditer(text):
            item = (kind, label, " ".join(match.group(0).split()))
            if item not in found:
                found.append(item)
    return found


def _names_of(foi_request: FoiRequest | None) -> list[tuple[str, tuple[str, re.Pattern[str]]]]:
    campaign = foi_request.campaign if foi_request is not None else None
    if campaign is None:
        return []
    return [
        ("name", ("Sensitive name", _name_pattern(name))) for name in campaign.sensitive_name_list()
    ]


def check_attachments(attachments: list[Attachment]) -> list[Finding]:
    ids = [attachment.pk for attachment in attachments]
    accepted = set(
        DisclosureAcceptance.objects.filter(attachment_id__in=ids).values_list(
            "attachment_id", "key"
        )
    )
    versions = set(
        RedactedVersion.objects.filter(attachment_id__in=ids).values_list(
            "attachment_id", flat=True
        )
    )
    personal = _personal_data(attachments)
    findings: list[Finding] = []
    for attachment in attachments:
        found = personal.get(attachment.pk, {})
        items = [
            (kind, label, detail, tuple(pages)) for (kind, label, detail), pages in found.items()
        ]
        if attachment.pk not in versions:  # our own rebuilt PDFs carry nothing hidden
            items += [
                (hidden.kind, HIDDEN_KINDS[hidden.kind], hidden.detail, ())
                for hidden in _hidden(attachment)
            ]
        for kind, label, detail, pages in items:
            key = finding_key(kind, detail)
            findings.append(
                Finding(
                    attachment,
                    None,
                    kind,
                    label,
                    detail,
                    pages,
                    key,
                    (attachment.pk, key) in accepted,
                )
            )
    return findings


def _personal_data(
    attachments: list[Attachment],
) -> dict[int, dict[tuple[str, str, str], list[int]]]:
    """attachment id -> (kind, label, text found) -> pages, from the extracted text."""
    names = _sensitive_names(attachments)
    found: dict[int, dict[tuple[str, str, str], list[int]]] = {}
    pages = DocumentPage.objects.filter(attachment_id__in=[a.pk for a in attachments])
    for attachment_id, number, text in (
        pages.order_by("attachment_id", "number")
        .values_list("attachment_id", "number", "text")
        .iterator()
    ):
        for kind, (label, pattern) in [*PERSONAL_DATA.items(), *names.get(attachment_id, [])]:
            for match in pattern.finditer(text):
                key = (kind, label, " ".join(match.group(0).split()))
                numbers = found.setdefault(attachment_id, {}).setdefault(key, [])
                if number not in numbers:
                    numbers.append(number)
    return found


def _sensitive_names(
    attachments: list[Attachment],
) -> dict[int, list[tuple[str, tuple[str, re.Pattern[str]]]]]:
    """attachment id -> the campaign's sensitive names as patterns."""
    by_campaign: dict[int, list[tuple[str, tuple[str, re.Pattern[str]]]]] = {}
    result = {}
    for attachment in attachments:
        foi_request = attachment.message.request
        campaign: Campaign | None = foi_request.campaign if foi_request is not None else None
        if campaign is None:
            continue
        if campaign.pk not in by_campaign:
            by_campaign[campaign.pk] = [
                ("name", ("Sensitive name", _name_pattern(name)))
                for name in campaign.sensitive_name_list()
            ]
        result[attachment.pk] = by_campaign[campaign.pk]
    return result


def _name_pattern(name: str) -> re.Pattern[str]:
    body = r"\s+".join(re.escape(part) for part in name.split())
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def _hidden(attachment: Attachment) -> list[Hidden]:
    if not attachment.sha256:
        return _read_hidden(attachment)
    key = f"foi-hidden-content:{attachment.sha256}"
    found = cache.get(key)
    if found is None:
        found = [(hidden.kind, hidden.detail) for hidden in _read_hidden(attachment)]
        if not any(kind == "unreadable" for kind, _detail in found):
            cache.set(key, found, HIDDEN_CACHE_SECONDS)
    return [Hidden(kind, detail) for kind, detail in found]


def _read_hidden(attachment: Attachment) -> list[Hidden]:
    with tempfile.TemporaryDirectory(prefix="foi-check-") as folder:
        path = Path(folder) / "file"
        try:
            with attachment.file.open("rb") as stored, path.open("wb") as copy:
                shutil.copyfileobj(stored, copy, 1024 * 1024)
        except (OSError, ValueError):
            return []
        return hidden_content(path)
