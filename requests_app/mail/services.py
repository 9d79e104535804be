"""Correspondence: logging a message by hand, filing an unmatched message, confirming what a
reply is."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from requests_app.audit import record_audit
from requests_app.extraction import schedule_extraction
from requests_app.files import guess_content_type, safe_filename
from requests_app.mail.matching import MatchedBy
from requests_app.models import (
    Attachment,
    EventKind,
    Exemption,
    FoiRequest,
    Message,
    MessageKind,
    Status,
)
from requests_app.models.documents import store_blob
from requests_app.models.requests import RequestEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MAX_THREAD_ROUNDS = 20

# The event each kind of reply records, which moves the statutory clock.
EVENT_FOR_KIND = {
    MessageKind.ACKNOWLEDGEMENT: EventKind.ACKNOWLEDGED,
    MessageKind.CLARIFICATION_REQUEST: EventKind.CLARIFICATION_REQUESTED,
    MessageKind.EXTENSION_NOTICE: EventKind.EXTENSION_CLAIMED,
    MessageKind.RESPONSE: EventKind.RESPONSE,
    MessageKind.REFUSAL: EventKind.RESPONSE,
    MessageKind.REVIEW_OUTCOME: EventKind.REVIEW_DECIDED,
    MessageKind.REGULATOR_DECISION: EventKind.DECISION_NOTICE,
}


def unmatched_visible_to(user: User) -> QuerySet[Message]:
    """The unmatched inbox: what the user imported, and for staff what the system received."""
    mine = Message.objects.visible_to(user).unmatched()
    if user.is_staff:
        return Message.objects.unmatched().filter(Q(pk__in=mine.values("pk")) | Q(imported_by=None))
    return mine


def held_for(user: User) -> QuerySet[Message]:
    """Unmatched mail suggested for a request the user may edit: theirs to confirm."""
    editable = FoiRequest.objects.editable_by(user).values("pk")
    return Message.objects.unmatched().filter(suggested_request__in=editable)


def assign_message(
    *,
    message: Message,
    foi_request: FoiRequest,
    actor: User | None = None,
    matched_by: str = MatchedBy.ASSIGNED,
) -> list[Message]:
    """File an unmatched message, and the rest of its thread still waiting, on a request.

    Later replies in the thread are then matched to the request by their In-Reply-To and
    References: that is how the choice is remembered.
    """
    with transaction.atomic():
        thread = [message, *_unmatched_thread(message)]
        for index, item in enumerate(thread):
            item.request = foi_request
            item.suggested_request = None
            item.save(update_fields=["request", "suggested_request"])
            foi_request.record_event(
                EventKind.MESSAGE_LOGGED,
                on=timezone.localtime(item.sent_at).date(),
                actor=actor,
                details={
                    "message": item.pk,
                    "matched_by": matched_by if index == 0 else MatchedBy.THREAD,
                },
            )
    return thread


def confirm_suggestion(*, message: Message, actor: User) -> list[Message]:
    """A member's one click: file held mail on the request it was suggested for."""
    foi_request = message.suggested_request
    if foi_request is None or message.request_id is not None:
        raise ValueError("Only unmatched mail with a suggested request can be confirmed.")
    return assign_message(
        message=message, foi_request=foi_request, actor=actor, matched_by=MatchedBy.CONFIRMED
    )


def _unmatched_thread(message: Message) -> list[Message]:
    """Unmatched messages from the same importer linked to it by In-Reply-To or References."""
    waiting = Message.objects.unmatched().filter(imported_by=message.imported_by)
    waiting = waiting.exclude(pk=message.pk)
    known = {message.message_id} - {""}
    answered = {message.in_reply_to, *message.references.split()} - {""}
    found: dict[int, Message] = {}
    for _round in range(MAX_THREAD_ROUNDS):
        linked = _linked(waiting.exclude(pk__in=found), known, answered)
        if not linked:
            break
        for item in linked:
            found[item.pk] = item
            known.add(item.message_id)
            answered |= {item.in_reply_to, *item.references.split()}
        known.discard("")
        answered.discard("")
    return sorted(found.values(), key=lambda item: (item.sent_at, item.pk))


def _linked(waiting: QuerySet[Message], known: set[str], answered: set[str]) -> list[Message]:
    wanted = Q(message_id__in=answered) if answered else Q()
    if known:
        wanted |= Q(in_reply_to__in=known)
        for message_id in list(known)[:50]:
            wanted |= Q(references__contains=message_id)
    if not wanted:
        return []
    return list(waiting.filter(wanted)[:200])


def confirm_kind(
    *,
    message: Message,
    kind: str,
    actor: User | None,
    outcome: str = "",
    exemptions: Iterable[Exemption] = (),
) -> RequestEvent | None:
    """Record what a reply is: sets its kind and records the event that moves the deadlines.

    Confirming the same message twice records the event once.
    """
    message.kind = kind
    message.reviewed_at = timezone.now()
    message.save(update_fields=["kind", "reviewed_at"])
    event_kind = EVENT_FOR_KIND.get(MessageKind(kind))
    foi_request = message.request
    if foi_request is None or event_kind is None:
        return None
    if foi_request.events.filter(kind=event_kind, details__message=message.pk).exists():
        return None
    return _record(foi_request, message, kind, event_kind, actor, outcome, list(exemptions))


def _record(
    foi_request: FoiRequest,
    message: Message,
    kind: str,
    event_kind: str,
    actor: User | None,
    outcome: str,
    exemptions: list[Exemption],
) -> RequestEvent:
    on = timezone.localtime(message.sent_at).date()
    note = f"From “{message.subject or 'a message'}”"
    if kind == MessageKind.REFUSAL:
        outcome = Status.REFUSED
    if event_kind == EventKind.RESPONSE:
        event = foi_request.record_response(
            on=on, outcome=outcome or Status.SUCCESSFUL, actor=actor, exemptions=exemptions,
            note=note,
        )  # fmt: skip
        event.details["message"] = message.pk
        event.save(update_fields=["details"])
        return event
    details: dict[str, object] = {"message": message.pk}
    if outcome:
        details["outcome"] = outcome
    return foi_request.record_event(
        event_kind,
        on=on,
        actor=actor,
        note=note,
        details=details,
        status=outcome or None,
        exemptions=exemptions,
    )


def log_message(
    *,
    foi_request: FoiRequest,
    message: Message,
    uploads: Sequence[UploadedFile],
    actor: User,
    request: HttpRequest | None = None,
) -> Message:
    """Save a message a person logged (not yet saved) and its files, and note it in the
    request's history."""
    with transaction.atomic():
        message.request = foi_request
        message.imported_by = actor
        message.reviewed_at = timezone.now()  # the person logging it said what it is
        message.save()
        for upload in uploads:
            store_attachment(message, upload)
        foi_request.record_event(
            EventKind.MESSAGE_LOGGED,
            on=timezone.localtime(message.sent_at).date(),
            actor=actor,
            details={"message": message.pk, "attachments": len(uploads)},
        )
        record_audit(actor=actor, action="message.logged", obj=message, request=request)
    return message


def store_attachment(message: Message, upload: UploadedFile) -> Attachment:
    filename = safe_filename(upload.name or "")
    name, sha256, size = store_blob(upload)
    attachment = Attachment.objects.create(
        message=message,
        filename=filename,
        content_type=guess_content_type(filename),
        size=size,
        sha256=sha256,
        file=name,
    )
    schedule_extraction(attachment.pk)
    return attachment
