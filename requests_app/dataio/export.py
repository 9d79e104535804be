"""Taking data away: a filtered list of requests as XLSX, and one request as a ZIP.

The XLSX columns are the spreadsheet import's fields (plus the worked-out ones the import
skips), so an export can be imported again. The ZIP holds the correspondence as text,
every raw email and every attachment, named by date and order, and a manifest with the
sha256 of each file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.db import models
from django.utils import timezone
from django.utils.text import slugify

from requests_app.dataio.spreadsheets import append_xlsx_row
from requests_app.files import safe_filename
from requests_app.models import EventKind, FoiRequest, Message
from requests_app.redaction import disclosable_attachments
from requests_app.redaction.services import disclosable_texts, use_disclosable_texts

# The stored deadlines, in the order a campaigner reads them; any other date field a request
# has (a deadline added later) follows them, so an export carries every stored date.
DEADLINE_COLUMNS = (
    "due_on",
    "extended_due_on",
    "review_due_on",
    "very_overdue_on",
    "escalation_closes_on",
    "next_due_on",
)
# What happened, from the request's history: the dates of the events that decide the case.
HISTORY_COLUMNS = (
    "response_on",
    "outcome",
    "exemptions",
    "review_requested_on",
    "review_decided_on",
    "review_result",
    "complaint_lodged_on",
    "decision_notice_on",
)


def other_stored_dates() -> tuple[str, ...]:
    """Date fields of a request no column above names yet."""
    named = {"sent_on", "received_on", *DEADLINE_COLUMNS}
    fields = FoiRequest._meta.concrete_fields
    dates = [f.name for f in fields if type(f) is models.DateField and f.name not in named]
    return tuple(dates)


def deadline_columns() -> tuple[str, ...]:
    return (*DEADLINE_COLUMNS, *other_stored_dates())


def xlsx_columns() -> tuple[str, ...]:
    return (
        "reference",
        "title",
        "public_body",
        "their_reference",
        "law",
        "campaign",
        "visibility",
        "tags",
        "text",
        "notes",
        "sent_on",
        "received_on",
        *HISTORY_COLUMNS,
        "status",
        *deadline_columns(),
        "overdue",
        "owner",
    )


@dataclass(frozen=True)
class History:
    """The dates of a request's history that the import reads back, and the outcome."""

    response_on: dt.date | None = None
    outcome: str = ""
    exemptions: str = ""
    review_requested_on: dt.date | None = None
    review_decided_on: dt.date | None = None
    review_result: str = ""
    complaint_lodged_on: dt.date | None = None
    decision_notice_on: dt.date | None = None

    def values(self) -> list[Any]:
        return [getattr(self, name) for name in HISTORY_COLUMNS]


LAST_DATE_OF: dict[str, str] = {
    EventKind.REVIEW_REQUESTED: "review_requested_on",
    EventKind.COMPLAINT_LODGED: "complaint_lodged_on",
    EventKind.DECISION_NOTICE: "decision_notice_on",
}


def history_of(foi_request: FoiRequest) -> History:
    """From prefetched events and exemptions: the last response, review, complaint, notice."""
    found: dict[str, Any] = {"exemptions": exemptions_text(foi_request)}
    for event in sorted(foi_request.events.all(), key=lambda event: (event.on, event.pk)):
        if event.kind == EventKind.RESPONSE:
            found |= {"response_on": event.on, "outcome": event.details.get("outcome", "")}
        elif event.kind == EventKind.REVIEW_DECIDED:
            result = event.details.get("status_to") or foi_request.status
            found |= {"review_decided_on": event.on, "review_result": result}
        elif event.kind in LAST_DATE_OF:
            found[LAST_DATE_OF[event.kind]] = event.on
    return History(**found)


def exemptions_text(foi_request: FoiRequest) -> str:
    """The exemptions cited, as the Act writes them: "FOIA s.36; FOIA s.43"."""
    return "; ".join(exemption.citation for exemption in foi_request.exemptions.all())


def deadline_values(foi_request: FoiRequest) -> list[Any]:
    return [getattr(foi_request, name) for name in deadline_columns()]


def xlsx_values(foi_request: FoiRequest, today: dt.date) -> list[Any]:
    return [
        foi_request.reference,
        foi_request.title,
        foi_request.public_body.name,
        foi_request.their_reference,
        foi_request.regime,
        foi_request.campaign.slug if foi_request.campaign else "",
        foi_request.visibility,
        "; ".join(tag.name for tag in foi_request.tags.all()),
        foi_request.text,
        foi_request.notes,
        foi_request.sent_on,
        foi_request.received_on,
        *history_of(foi_request).values(),
        foi_request.status,
        *deadline_values(foi_request),
        "yes" if foi_request.is_overdue(today) else "no",
        foi_request.owner.get_username(),
    ]


def write_requests_xlsx(requests: Iterable[FoiRequest], out: IO[bytes]) -> int:
    """Write the requests as a one-sheet workbook; returns the number of rows.

    Pass a queryset with `select_related("public_body", "campaign", "owner")` and
    `prefetch_related("tags", "events", "exemptions")`, iterated in chunks, for constant
    queries.
    """
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Requests")
    append_xlsx_row(sheet, xlsx_columns())
    today = timezone.localdate()
    count = 0
    for foi_request in requests:
        append_xlsx_row(sheet, xlsx_values(foi_request, today))
        count += 1
    workbook.save(out)
    return count


# --- one request as a ZIP ------------------------------------------------------------------


@dataclass(frozen=True)
class ZipEntry:
    name: str
    sha256: str
    size: int
    source: str


def write_request_zip(foi_request: FoiRequest, out: IO[bytes]) -> list[ZipEntry]:
    """The request's correspondence as text, raw emails, attachments and a manifest."""
    messages = list(foi_request.messages.prefetch_related("attachments").order_by("sent_at", "id"))
    # A letter whose text was redacted goes out as its redacted copy, and without the raw
    # email, which still holds the original text.
    text_redacted = set(disclosable_texts(message.pk for message in messages))
    use_disclosable_texts(messages)
    # Redacted versions stand in for their originals (see requests_app.redaction).
    disclosed = {
        attachment.pk
        for attachment in disclosable_attachments(
            [attachment for message in messages for attachment in message.attachments.all()]
        )
    }
    entries: list[ZipEntry] = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        add = EntryWriter(archive, entries)
        add.text("correspondence.txt", correspondence_text(foi_request, messages), "messages")
        for order, message in enumerate(messages, start=1):
            prefix = f"{order:03d}-{timezone.localtime(message.sent_at):%Y-%m-%d}"
            attachments = [a for a in message.attachments.all() if a.pk in disclosed]
            # The raw email carries the originals: left out once one of them is redacted.
            redacted = len(attachments) < len(message.attachments.all())
            if message.raw_email and not redacted and message.pk not in text_redacted:
                add.stored(f"raw/{prefix}-message.eml", message.raw_email, f"message {message.pk}")
            for number, attachment in enumerate(attachments, start=1):
                name = f"attachments/{prefix}-{number:02d}-{safe_filename(attachment.filename)}"
                add.stored(name, attachment.file, f"attachment {attachment.pk}")
        manifest = manifest_json(foi_request, entries)
        archive.writestr("manifest.json", manifest)
    return entries


class EntryWriter:
    def __init__(self, archive: zipfile.ZipFile, entries: list[ZipEntry]) -> None:
        self.archive = archive
        self.entries = entries
        self.names: set[str] = set()

    def unique(self, name: str) -> str:
        stem, dot, suffix = name.rpartition(".")
        candidate, number = name, 1
        while candidate in self.names:
            number += 1
            candidate = f"{stem}-{number}.{suffix}" if dot else f"{name}-{number}"
        self.names.add(candidate)
        return candidate

    def text(self, name: str, text: str, source: str) -> None:
        data = text.encode("utf-8")
        name = self.unique(name)
        self.archive.writestr(name, data)
        self.entries.append(ZipEntry(name, hashlib.sha256(data).hexdigest(), len(data), source))

    def stored(self, name: str, field_file: Any, source: str) -> None:
        """Copy a stored file in chunks; a missing file is noted, not fatal."""
        name = self.unique(name)
        digest, size = hashlib.sha256(), 0
        try:
            with field_file.open("rb") as stream, self.archive.open(name, "w") as target:
                for chunk in iter(lambda: stream.read(1024 * 1024), b""):
                    digest.update(chunk)
                    size += len(chunk)
                    target.write(chunk)
        except OSError:
            self.archive.writestr(name + ".missing.txt", "The stored file could not be read.")
            return
        self.entries.append(ZipEntry(name, digest.hexdigest(), size, source))


def manifest_json(foi_request: FoiRequest, entries: list[ZipEntry]) -> str:
    manifest = {
        "reference": foi_request.reference,
        "title": foi_request.title,
        "exported_at": timezone.now().isoformat(),
        "files": [entry.__dict__ for entry in entries],
    }
    return json.dumps(manifest, indent=2, ensure_ascii=False)


def correspondence_text(foi_request: FoiRequest, messages: list[Message]) -> str:
    return "\n".join(correspondence_lines(foi_request, messages))


def correspondence_lines(foi_request: FoiRequest, messages: list[Message]) -> Iterator[str]:
    yield f"{foi_request.reference}: {foi_request.title}"
    yield f"To: {foi_request.public_body.name}"
    yield f"Law: {foi_request.regime_info.name}"
    yield f"Status: {foi_request.get_status_display()}"
    if foi_request.sent_on:
        yield f"Sent: {foi_request.sent_on:%d %B %Y}"
    if foi_request.text:
        yield ""
        yield foi_request.text
    for order, message in enumerate(messages, start=1):
        sent_at = timezone.localtime(message.sent_at)
        yield ""
        yield "=" * 72
        yield f"{order}. {message.get_direction_display()} — {sent_at:%d %B %Y %H:%M}"
        yield f"From: {message.sender}"
        if message.recipients:
            yield f"To: {message.recipients}"
        yield f"Subject: {message.subject}"
        names = [
            attachment.filename
            for attachment in disclosable_attachments(list(message.attachments.all()))
        ]
        if names:
            yield f"Attachments: {', '.join(names)}"
        yield ""
        yield message.body_text


def zip_filename(foi_request: FoiRequest) -> str:
    return f"{foi_request.reference}-{slugify(foi_request.title)[:60]}.zip".replace("--", "-")
