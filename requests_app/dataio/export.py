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
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.utils import timezone
from django.utils.text import slugify

from requests_app.forms import safe_filename
from requests_app.models import EventKind, FoiRequest, Message
from requests_app.redaction import disclosable_attachments

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Characters an XLSX (XML 1.0) cannot hold.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

XLSX_COLUMNS = (
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
    "response_on",
    "outcome",
    "review_requested_on",
    "review_decided_on",
    "review_result",
    "status",
    "due_on",
    "extended_due_on",
    "review_due_on",
    "next_due_on",
    "overdue",
    "owner",
)
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class History:
    """The dates of a request's history that the import reads back."""

    response_on: dt.date | None = None
    outcome: str = ""
    review_requested_on: dt.date | None = None
    review_decided_on: dt.date | None = None
    review_result: str = ""


def history_of(foi_request: FoiRequest) -> History:
    """From prefetched events: the last response, the last review asked for and decided."""
    found: dict[str, Any] = {}
    for event in sorted(foi_request.events.all(), key=lambda event: (event.on, event.pk)):
        if event.kind == EventKind.RESPONSE:
            found |= {"response_on": event.on, "outcome": event.details.get("outcome", "")}
        elif event.kind == EventKind.REVIEW_REQUESTED:
            found |= {"review_requested_on": event.on}
        elif event.kind == EventKind.REVIEW_DECIDED:
            result = event.details.get("status_to") or foi_request.status
            found |= {"review_decided_on": event.on, "review_result": result}
    return History(**found)


def xlsx_values(foi_request: FoiRequest, today: dt.date) -> list[Any]:
    history = history_of(foi_request)
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
        history.response_on,
        history.outcome,
        history.review_requested_on,
        history.review_decided_on,
        history.review_result,
        foi_request.status,
        foi_request.due_on,
        foi_request.extended_due_on,
        foi_request.review_due_on,
        foi_request.next_due_on,
        "yes" if foi_request.is_overdue(today) else "no",
        foi_request.owner.get_username(),
    ]


def write_requests_xlsx(requests: Iterable[FoiRequest], out: IO[bytes]) -> int:
    """Write the requests as a one-sheet workbook; returns the number of rows.

    Pass a queryset with `select_related("public_body", "campaign", "owner")` and
    `prefetch_related("tags", "events")`, iterated in chunks, for constant queries.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Requests")
    sheet.append(list(XLSX_COLUMNS))
    today = timezone.localdate()
    count = 0
    for foi_request in requests:
        values = xlsx_values(foi_request, today)
        sheet.append([xlsx_cell(sheet, WriteOnlyCell, value) for value in values])
        count += 1
    workbook.save(out)
    return count


def xlsx_cell(sheet: Any, cell_class: Any, value: Any) -> Any:
    """A cell that holds exactly the value: text is always text, never a formula."""
    if isinstance(value, dt.date):
        cell = cell_class(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    text = XML_ILLEGAL.sub("", "" if value is None else str(value))
    cell = cell_class(sheet, value=text)
    if text.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
    return cell


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
            if message.raw_email and not redacted:
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
        names = [attachment.filename for attachment in message.attachments.all()]
        if names:
            yield f"Attachments: {', '.join(names)}"
        yield ""
        yield message.body_text


def zip_filename(foi_request: FoiRequest) -> str:
    return f"{foi_request.reference}-{slugify(foi_request.title)[:60]}.zip".replace("--", "-")
