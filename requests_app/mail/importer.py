"""The one way mail comes in: uploads, the command line, mailbox polling and the webhook.

`import_message` keeps the raw bytes exactly as received, reads them, files the message on
its request (or in the unmatched inbox), stores every attachment once per content and
notes the message in the request's history. Whatever goes wrong, the bytes are kept:
a message that cannot be read or stored is quarantined with the reason, never dropped.

Mail from outside (the webhook, a polled mailbox) that names a request only by its
reference, from a sender not known for that request's body, is never filed silently: it
waits in the unmatched inbox with the request suggested, for a member to confirm.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from requests_app.alerts import notify_new_correspondence
from requests_app.audit import record_audit
from requests_app.extraction import schedule_extraction
from requests_app.mail.matching import GUESSABLE, Match, MatchedBy, known_sender, match_request
from requests_app.mail.parsing import ParsedAttachment, ParsedMessage, parse_message
from requests_app.mail.sanitise import sanitise_html
from requests_app.mail.services import assign_message
from requests_app.models import (
    Attachment,
    Channel,
    Direction,
    EventKind,
    FoiRequest,
    Message,
    MessageSource,
    PublicBody,
    QuarantinedMail,
    SendStatus,
)
from requests_app.models.documents import store_blob

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

DEFAULT_MAX_MESSAGE_BYTES = 50 * 1024 * 1024


class ImportStatus:
    IMPORTED = "imported"
    DUPLICATE = "duplicate"
    QUARANTINED = "quarantined"
    ALL = (IMPORTED, DUPLICATE, QUARANTINED)


@dataclass(frozen=True)
class ImportResult:
    status: str
    message: Message | None = None
    quarantine: QuarantinedMail | None = None
    matched_by: str = ""
    problems: tuple[str, ...] = ()
    label: str = ""

    @property
    def request(self) -> FoiRequest | None:
        return self.message.request if self.message is not None else None

    def summary(self) -> str:
        """One line a person can read: what happened to this message and why."""
        prefix = f"{self.label}: " if self.label else ""
        if self.status == ImportStatus.QUARANTINED and self.quarantine is not None:
            return f"{prefix}quarantined (#{self.quarantine.pk}): {self.quarantine.reason}"
        assert self.message is not None
        subject = self.message.subject or "(no subject)"
        if self.status == ImportStatus.DUPLICATE:
            where = self.request.reference if self.request else "the unmatched inbox"
            return f"{prefix}already imported as message {self.message.pk} in {where}: {subject}"
        how = "chosen" if self.matched_by == MatchedBy.CHOSEN else f"by {self.matched_by}"
        where = f"{self.request.reference} ({how})" if self.request else "unmatched"
        if self.message.suggested_request is not None:
            where += f", waiting for a member to confirm {self.message.suggested_request.reference}"
        flags = f" [{len(self.problems)} problem(s)]" if self.problems else ""
        return f"{prefix}imported message {self.message.pk} → {where}: {subject}{flags}"


@dataclass
class _Draft:
    raw: bytes
    parsed: ParsedMessage
    source: str
    imported_by: User | None
    original_name: str
    envelope_recipients: list[str] = field(default_factory=list)


def max_message_bytes() -> int:
    return int(getattr(settings, "FOI_MAIL_MAX_MESSAGE_BYTES", DEFAULT_MAX_MESSAGE_BYTES))


def import_message(
    *,
    raw: bytes,
    source: str,
    request: FoiRequest | None = None,
    imported_by: User | None = None,
    original_name: str = "",
    envelope_recipients: Iterable[str] = (),
) -> ImportResult:
    """Import one message (RFC 5322 bytes or an Outlook .msg file); never raises for its content.

    `request` files it there (the caller has checked the user may edit it); otherwise it is
    matched among the requests `imported_by` may edit, or all requests for the system.
    """
    limit = max_message_bytes()
    if len(raw) > limit:
        reason = f"The message is {filesizeformat(len(raw))}, over the limit of "
        return _quarantine(
            raw, reason + f"{filesizeformat(limit)}.", source, imported_by, original_name
        )
    parsed = parse_message(raw)
    if not parsed.readable:
        return _quarantine(raw, " ".join(parsed.problems), source, imported_by, original_name)
    draft = _Draft(raw, parsed, source, imported_by, original_name, list(envelope_recipients))
    try:
        with transaction.atomic():
            return _import(draft, request)
    except Exception as error:
        logger.exception("Import of %s failed; quarantining it", original_name or "a message")
        reason = f"The message could not be stored: {type(error).__name__}: {error}"
        return _quarantine(raw, reason[:2000], source, imported_by, original_name)


def _import(draft: _Draft, request: FoiRequest | None) -> ImportResult:
    raw_name, sha256, _size = store_blob(io.BytesIO(draft.raw))
    duplicate = _find_duplicate(draft, sha256)
    if duplicate is not None:
        if duplicate.request_id is None and request is not None:
            _file_on_request(duplicate, request, actor=draft.imported_by)
        return ImportResult(ImportStatus.DUPLICATE, message=duplicate, label=draft.original_name)
    match = _match(draft, request)
    suggestion: FoiRequest | None = None
    if match is not None and _needs_confirmation(draft, match):
        suggestion, match = match.request, None
    message = _create_message(draft, match, raw_name, sha256, suggested_request=suggestion)
    attachments = _store_attachments(message, draft.parsed.attachments)
    if match is not None:
        _note_filed(message, match, len(attachments))
        notify_new_correspondence(message_id=message.pk)  # the owner and opted-in members
    record_audit(
        actor=draft.imported_by,
        action="message.imported",
        obj=message,
        changes={"source": [None, draft.source], "matched_by": [None, _matched_by(match)]},
    )
    _note_bounce(draft, message)
    _after_attachments_stored([attachment.pk for attachment in attachments])
    return ImportResult(
        ImportStatus.IMPORTED,
        message=message,
        matched_by=_matched_by(match),
        problems=tuple(draft.parsed.problems),
        label=draft.original_name,
    )


def _matched_by(match: Match | None) -> str:
    return match.matched_by if match else ""


def _find_duplicate(draft: _Draft, sha256: str) -> Message | None:
    """The same bytes already among what they see; a shared Message-ID alone is not enough."""
    found = _importers_scope(draft).filter(raw_sha256=sha256)
    return found.select_related("request").order_by("pk").first()


def _earlier_version(draft: _Draft) -> Message | None:
    """Mail with the same Message-ID but other bytes: a resend with edits, a rule's forward."""
    if not draft.parsed.message_id:
        return None
    same_id = _importers_scope(draft).filter(message_id=draft.parsed.message_id)
    return same_id.exclude(raw_sha256="").order_by("-pk").first()


def _importers_scope(draft: _Draft) -> QuerySet[Message]:
    if draft.imported_by is not None:
        return Message.objects.visible_to(draft.imported_by)
    return Message.objects.all()


def _match(draft: _Draft, request: FoiRequest | None) -> Match | None:
    if request is not None:
        return Match(request, MatchedBy.CHOSEN)
    return match_request(
        draft.parsed,
        candidates=matching_candidates(draft.imported_by),
        envelope_recipients=draft.envelope_recipients,
    )


def _needs_confirmation(draft: _Draft, match: Match) -> bool:
    """Mail from outside, found only by a reference anyone can type, from an unknown sender.

    A member's own upload is filed as matched: they chose to bring it in.
    """
    if draft.imported_by is not None or match.matched_by not in GUESSABLE:
        return False
    return not known_sender(match.request, draft.parsed.sender_address)


def matching_candidates(user: User | None) -> QuerySet[FoiRequest]:
    """A person's upload may land only on requests they may change; the system's anywhere."""
    if user is None:
        return FoiRequest.objects.all()
    return FoiRequest.objects.editable_by(user)


def _create_message(
    draft: _Draft,
    match: Match | None,
    raw_name: str,
    sha256: str,
    *,
    suggested_request: FoiRequest | None,
) -> Message:
    parsed = draft.parsed
    foi_request = match.request if match else None
    return Message.objects.create(
        request=foi_request,
        suggested_request=suggested_request,
        earlier_version=_earlier_version(draft),
        direction=_direction(parsed, foi_request or suggested_request, draft.imported_by),
        channel=Channel.EMAIL,
        sent_at=parsed.sent_at or timezone.now(),
        sender=parsed.sender,
        recipients=parsed.to,
        subject=parsed.subject,
        body_text=parsed.body_text,
        body_html=sanitise_html(parsed.body_html) if parsed.body_html.strip() else "",
        message_id=parsed.message_id,
        in_reply_to=parsed.in_reply_to,
        references=" ".join(parsed.references),
        raw_email=raw_name,
        raw_sha256=sha256,
        is_auto_reply=parsed.is_auto_reply,
        source=draft.source,
        import_problems="\n".join(parsed.problems),
        imported_by=draft.imported_by,
    )


def _direction(parsed: ParsedMessage, foi_request: FoiRequest | None, user: User | None) -> str:
    """A copy of our own letter (from the Sent folder) is outgoing."""
    ours = {getattr(user, "email", "")}
    if foi_request is not None:
        ours.add(getattr(foi_request.owner, "email", ""))
    ours = {address.lower() for address in ours if address}
    return Direction.OUTGOING if parsed.sender_address in ours else Direction.INCOMING


def _store_attachments(
    message: Message, items: list[ParsedAttachment], parent: Attachment | None = None
) -> list[Attachment]:
    stored = []
    for item in items:
        name, sha256, size = store_blob(io.BytesIO(item.payload))
        attachment = Attachment.objects.create(
            message=message,
            parent=parent,
            filename=item.filename,
            content_type=item.content_type[:255],
            size=size,
            sha256=sha256,
            file=name,
        )
        stored.append(attachment)
        stored.extend(_store_attachments(message, item.children, parent=attachment))
    return stored


def _note_filed(message: Message, match: Match, attachment_count: int) -> None:
    """The one place the importer records that it filed a message on the request it matched."""
    details: dict[str, object] = {
        "message": message.pk,
        "attachments": attachment_count,
        "matched_by": match.matched_by,
    }
    if message.is_auto_reply:
        details["automatic"] = True  # an auto-reply is not a response (RFC 3834)
    match.request.record_event(
        EventKind.MESSAGE_LOGGED,
        on=timezone.localtime(message.sent_at).date(),
        actor=message.imported_by,
        details=details,
    )


def _file_on_request(message: Message, foi_request: FoiRequest, *, actor: User | None) -> None:
    assign_message(message=message, foi_request=foi_request, actor=actor)


def _note_bounce(draft: _Draft, message: Message) -> None:
    """A delivery failure (RFC 3464) about a letter we sent marks that letter as failed.

    A public body's address is shared by everyone, so it is marked as failing only by a
    bounce that came through a mail channel of ours (not a person's upload) and answers a
    letter the app sent to that very address.
    """
    bounced = draft.parsed.bounced_recipients
    letters = _bounced_letters(draft)
    if not bounced or not letters:
        return
    failed = ", ".join(bounced)
    letters.update(
        send_status=SendStatus.FAILED,
        send_error=f"Delivery to {failed} failed (bounce received {message.sent_at:%d %b %Y}).",
    )
    if draft.imported_by is None:
        _mark_addresses_failing(bounced, letters)


def _bounced_letters(draft: _Draft) -> QuerySet[Message]:
    """Our outgoing letters the bounce is about, on requests this channel may change."""
    ids = draft.parsed.thread_ids()
    if not ids:
        return Message.objects.none()
    letters = Message.objects.filter(message_id__in=ids, direction=Direction.OUTGOING)
    return letters.filter(request__in=matching_candidates(draft.imported_by))


def _mark_addresses_failing(bounced: list[str], letters: QuerySet[Message]) -> None:
    failed = {address.lower() for address in bounced}
    sent = letters.filter(source=MessageSource.SENT).select_related("request__public_body")
    addressed: set[int] = set()
    for letter in sent:
        if letter.request is None:
            continue
        address = letter.request.public_body.foi_email.lower()
        if address in failed and address in letter.recipients.lower():
            addressed.add(letter.request.public_body_id)
    PublicBody.objects.filter(pk__in=addressed).update(email_failing=True)


def _after_attachments_stored(attachment_ids: list[int]) -> None:
    """Text extraction starts once the attachments are committed."""
    for attachment_id in attachment_ids:
        schedule_extraction(attachment_id)


def _quarantine(
    raw: bytes,
    reason: str,
    source: str,
    imported_by: User | None,
    original_name: str,
) -> ImportResult:
    name, sha256, size = store_blob(io.BytesIO(raw))
    waiting = QuarantinedMail.objects.filter(sha256=sha256, resolved=False).first()
    if waiting is not None:  # the same bytes again: one entry for a person to look at
        return ImportResult(
            ImportStatus.QUARANTINED, quarantine=waiting, problems=(reason,), label=original_name
        )
    quarantined = QuarantinedMail.objects.create(
        raw=name,
        sha256=sha256,
        size=size,
        reason=reason or "The message could not be read.",
        source=source,
        original_name=original_name[:255],
        imported_by=imported_by,
    )
    return ImportResult(
        ImportStatus.QUARANTINED, quarantine=quarantined, problems=(reason,), label=original_name
    )


# --- files: .eml, .msg, .mbox ------------------------------------------------------


def import_file(
    *,
    stream: IO[bytes],
    name: str,
    source: str,
    request: FoiRequest | None = None,
    imported_by: User | None = None,
) -> list[ImportResult]:
    """Import an .eml, an Outlook .msg or every message of an .mbox; one result each."""
    results = []
    for label, raw in messages_in_file(stream, name):
        results.append(
            import_message(
                raw=raw,
                source=source,
                request=request,
                imported_by=imported_by,
                original_name=label,
            )
        )
    return results


def messages_in_file(stream: IO[bytes], name: str) -> Iterator[tuple[str, bytes]]:
    """(label, raw bytes) of each message in an .eml, .msg or .mbox file."""
    if not stream.seekable():
        stream = io.BytesIO(stream.read())
    head = stream.read(5)
    stream.seek(0)
    # An mbox starts with a "From " separator line; a message's own header is "From:".
    if head == b"From " and not name.lower().endswith((".eml", ".msg")):
        for number, raw in enumerate(iter_mbox(stream), start=1):
            yield f"{name}#{number}", raw
        return
    yield name, stream.read()


def iter_mbox(stream: IO[bytes]) -> Iterator[bytes]:
    """The messages of an mbox file (RFC 4155), ">From " lines unescaped (mboxrd)."""
    lines: list[bytes] = []
    previous_blank = True
    for line in stream:
        if line.startswith(b"From ") and previous_blank:
            if lines:
                yield _mbox_message(lines)
            lines = []
            previous_blank = False
            continue
        previous_blank = line in (b"\n", b"\r\n")
        lines.append(line[1:] if _escaped_from(line) else line)
    if lines:
        yield _mbox_message(lines)


def _escaped_from(line: bytes) -> bool:
    return line.startswith(b">") and line.lstrip(b">").startswith(b"From ")


def _mbox_message(lines: list[bytes]) -> bytes:
    if lines and lines[-1] in (b"\n", b"\r\n"):
        lines = lines[:-1]  # the blank line that separates messages in the file
    return b"".join(lines)
