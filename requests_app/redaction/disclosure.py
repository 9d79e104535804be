"""The disclosure check: personal data and hidden content in what is about to leave the app.

It looks at the documents as they would go out — the newest redacted version where there
is one — and lists email addresses, phone numbers, UK postcodes, National Insurance
numbers and the names the campaign marks as sensitive (from the extracted text), and the
hidden content of the files themselves. A person then redacts or accepts each finding;
an accepted finding stays listed, marked as accepted, and stops counting as open.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.db.models import QuerySet

from requests_app.models import (
    Attachment,
    Campaign,
    DisclosureAcceptance,
    DocumentPage,
    FoiRequest,
    RedactedVersion,
)
from requests_app.redaction.hidden import HIDDEN_KINDS, Hidden, hidden_content
from requests_app.redaction.services import disclosable_attachments

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
# Files where personal data can be blacked out with one click: anything with pages.
PDF_HIDDEN_KINDS = {"embedded_file", "javascript", "pdf_metadata", "pdf_annotation"}


@dataclass(frozen=True)
class Finding:
    attachment: Attachment  # as it would leave: a redacted version where there is one
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
        return self.kind in PDF_HIDDEN_KINDS


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


def check_requests(requests: QuerySet[FoiRequest]) -> list[Finding]:
    """Findings for every attachment of these requests, as they would be disclosed."""
    return check_attachments(disclosed_attachments(requests))


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
                    attachment, kind, label, detail, pages, key, (attachment.pk, key) in accepted
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
    with tempfile.TemporaryDirectory(prefix="foi-check-") as folder:
        path = Path(folder) / "file"
        try:
            with attachment.file.open("rb") as stored, path.open("wb") as copy:
                shutil.copyfileobj(stored, copy, 1024 * 1024)
        except (OSError, ValueError):
            return []
        return hidden_content(path)
