"""Letters from the app: composed from templates/letters/, sent with the request's reply address.

A letter is stored (raw bytes and all) and shown on the timeline the moment it is queued;
a worker then sends exactly those bytes. A failed attempt is retried with a growing pause;
after the last attempt the letter is marked failed and the request page says so.
"""

from __future__ import annotations

import datetime as dt
import email
import io
import logging
import smtplib
from dataclasses import dataclass
from email import policy
from email.generator import BytesGenerator
from email.message import Message as StdlibMessage
from email.utils import make_msgid, parseaddr
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from requests_app.casework.body_addresses import address_for
from requests_app.mail.addresses import inbound_domain, reply_address
from requests_app.models import (
    Channel,
    Direction,
    EventKind,
    FoiRequest,
    Message,
    MessageSource,
    NonWorkingDay,
    SendStatus,
    Status,
)
from requests_app.models.accounts import signature_of
from requests_app.models.documents import store_blob
from requests_app.queueing import enqueue, enqueue_on_commit

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

# Longer than a busy worker takes to start a letter, so only letters nobody will send wait.
STRANDED_AFTER = dt.timedelta(minutes=10)

MAX_REFERENCES = 20


@dataclass(frozen=True)
class LetterType:
    slug: str
    label: str
    # Recorded once the letter has gone: it moves the statutory clock.
    event_on_send: str | None = None
    to_regulator: bool = False


LETTERS = {
    letter.slug: letter
    for letter in (
        LetterType("request", "The request", EventKind.SENT),
        LetterType("follow_up", "A follow-up"),
        LetterType("chaser", "A chaser for an overdue reply"),
        LetterType("internal_review", "An internal review request", EventKind.REVIEW_REQUESTED),
        LetterType("complaint", "A complaint to the regulator", EventKind.COMPLAINT_LODGED, True),
    )
}
# Where complaints go by default; the person sending can change it. The ICO takes
# complaints at its casework address; the Scottish Information Commissioner at enquiries@.
REGULATOR_ADDRESSES = {
    "uk-foia": "icocasework@ico.org.uk",
    "uk-eir": "icocasework@ico.org.uk",
    "uk-sar": "icocasework@ico.org.uk",
    "scot-foisa": "enquiries@foi.scot",
}


class UnknownLetter(KeyError):
    pass


@dataclass(frozen=True)
class LetterDraft:
    to: str
    subject: str
    body: str


class DeliveryStatus:
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class DeliveryOutcome:
    status: str
    retry_in: int = 0
    error: str = ""


def letter_type(slug: str) -> LetterType:
    try:
        return LETTERS[slug]
    except KeyError as error:
        raise UnknownLetter(slug) from error


# --- composing ---------------------------------------------------------------------


def compose_letter(*, foi_request: FoiRequest, letter: str, author: User) -> LetterDraft:
    """The letter as its template writes it, ready for the person to edit before sending."""
    kind = letter_type(letter)
    rendered = render_to_string(f"letters/{kind.slug}.txt", _letter_context(foi_request, author))
    first, _, body = rendered.lstrip().partition("\n")
    subject = first.removeprefix("Subject:").strip()
    if kind.to_regulator:
        to = REGULATOR_ADDRESSES.get(foi_request.regime, "")
    else:
        to = address_for(foi_request.public_body, author).email
    return LetterDraft(to=to, subject=subject, body=body.strip() + "\n")


def _letter_context(foi_request: FoiRequest, author: User) -> dict[str, Any]:
    today = timezone.localdate()
    overdue = 0
    if foi_request.is_overdue(today):
        days_left = foi_request.working_days_left(today, NonWorkingDay.engine_days())
        overdue = -days_left if days_left is not None else 0
    return {
        "foi_request": foi_request,
        "body": foi_request.public_body,
        "regime": foi_request.regime_info,
        "author_name": signature_of(author),
        "today": today,
        "due_on": foi_request.next_due_on or foi_request.due_on,
        "working_days_overdue": overdue,
        "exemptions": [item.citation for item in foi_request.exemptions.all()],
        "reply_address": reply_address(foi_request),
    }


# --- queueing ----------------------------------------------------------------------


def queue_letter(
    *,
    foi_request: FoiRequest,
    letter: str,
    to: str,
    subject: str,
    body: str,
    author: User | None,
) -> Message:
    """Store the letter as an outgoing message, note it on the timeline and queue the send."""
    from requests_app.mail.tasks import send_message

    kind = letter_type(letter)
    mime = _mime_letter(foi_request, kind, to=to, subject=subject, body=body)
    # SafeMIMEMessage.as_bytes takes a line separator (django.core.mail.message.MIMEMixin).
    raw = mime.message().as_bytes(linesep="\r\n")  # type: ignore[call-arg]
    with transaction.atomic():
        message = _store_letter(foi_request, mime, raw, author)
        foi_request.record_event(
            EventKind.MESSAGE_LOGGED,
            on=timezone.localdate(),
            actor=author,
            details={"message": message.pk, "letter": kind.slug},
        )
        enqueue_on_commit(send_message, message.pk)
    return message


def _mime_letter(
    foi_request: FoiRequest, kind: LetterType, *, to: str, subject: str, body: str
) -> EmailMessage:
    headers = {"Message-ID": make_msgid(domain=inbound_domain())}
    earlier = None if kind.slug == "request" else _latest_in_thread(foi_request)
    if earlier is not None:
        # RFC 5322 section 3.6.4: the parent's id, and the parent's references then its id.
        headers["In-Reply-To"] = earlier.message_id
        chain = [*earlier.references.split(), earlier.message_id]
        headers["References"] = " ".join(chain[-MAX_REFERENCES:])
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=[reply_address(foi_request)],
        headers=headers,
    )


def _latest_in_thread(foi_request: FoiRequest) -> Message | None:
    with_ids = foi_request.messages.exclude(message_id="").filter(channel=Channel.EMAIL)
    latest_in = with_ids.filter(direction=Direction.INCOMING).order_by("-sent_at", "-pk").first()
    return latest_in or with_ids.order_by("-sent_at", "-pk").first()


def _store_letter(
    foi_request: FoiRequest, mime: EmailMessage, raw: bytes, author: User | None
) -> Message:
    raw_name, sha256, _size = store_blob(io.BytesIO(raw))
    extra = mime.extra_headers
    return Message.objects.create(
        request=foi_request,
        direction=Direction.OUTGOING,
        channel=Channel.EMAIL,
        sent_at=timezone.now(),
        sender=mime.from_email,
        recipients=", ".join(mime.to),
        subject=mime.subject[:998],
        body_text=str(mime.body),
        message_id=extra["Message-ID"],
        in_reply_to=extra.get("In-Reply-To", ""),
        references=extra.get("References", ""),
        raw_email=raw_name,
        raw_sha256=sha256,
        source=MessageSource.SENT,
        send_status=SendStatus.QUEUED,
        imported_by=author,
    )


# --- delivering --------------------------------------------------------------------


def max_send_attempts() -> int:
    return int(getattr(settings, "FOI_MAIL_SEND_MAX_ATTEMPTS", 5))


def retry_delay(attempt: int) -> int:
    """1, 2, 4, 8 … minutes, at most an hour."""
    return int(min(60 * 2 ** max(attempt - 1, 0), 3600))


def deliver(*, message_id: int) -> DeliveryOutcome:
    """One attempt to send a queued letter, claimed so that two workers never both try."""
    message = Message.objects.select_related("request").filter(pk=message_id).first()
    if message is None or message.send_status != SendStatus.QUEUED:
        return DeliveryOutcome(DeliveryStatus.SKIPPED)
    attempt = message.send_attempts + 1
    claimed = Message.objects.filter(
        pk=message.pk, send_status=SendStatus.QUEUED, send_attempts=message.send_attempts
    ).update(send_attempts=F("send_attempts") + 1)
    if claimed != 1:
        return DeliveryOutcome(DeliveryStatus.SKIPPED)
    try:
        _send_stored(message)
    except (smtplib.SMTPException, OSError) as error:
        return _attempt_failed(message, attempt, error)
    _mark_sent(message)
    return DeliveryOutcome(DeliveryStatus.SENT)


class StoredMime(StdlibMessage):
    """The stored letter, written out again with the line ends the mail backend asks for."""

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n", **kwargs: Any) -> bytes:  # type: ignore[override]
        buffer = io.BytesIO()
        writing_policy = policy.compat32.clone(linesep=linesep)
        BytesGenerator(buffer, mangle_from_=False, policy=writing_policy).flatten(
            self, unixfrom=unixfrom
        )
        return buffer.getvalue()


class StoredLetter(EmailMessage):
    """Sends the stored bytes as they are, so what went out is what the timeline keeps."""

    def __init__(self, raw: bytes, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.raw = raw

    def message(self, *, policy: Any = None) -> StdlibMessage:  # type: ignore[override]
        return email.message_from_bytes(self.raw, _class=StoredMime)


def _send_stored(message: Message) -> None:
    with message.raw_email.open("rb") as stored:
        raw = stored.read()
    letter = StoredLetter(
        raw,
        from_email=parseaddr(message.sender)[1] or settings.DEFAULT_FROM_EMAIL,
        to=[address.strip() for address in message.recipients.split(",") if address.strip()],
    )
    with get_connection(fail_silently=False) as connection:
        if connection.send_messages([letter]) != 1:
            raise smtplib.SMTPException("The mail server did not accept the letter.")


def _attempt_failed(message: Message, attempt: int, error: BaseException) -> DeliveryOutcome:
    text = f"{type(error).__name__}: {error}"[:2000]
    logger.warning("Sending message %s failed (attempt %s): %s", message.pk, attempt, text)
    if attempt >= max_send_attempts():
        Message.objects.filter(pk=message.pk).update(
            send_status=SendStatus.FAILED,
            send_error=f"Gave up after {attempt} attempts. Last error: {text}",
        )
        return DeliveryOutcome(DeliveryStatus.FAILED, error=text)
    Message.objects.filter(pk=message.pk).update(send_error=f"Attempt {attempt}: {text}")
    return DeliveryOutcome(DeliveryStatus.RETRY, retry_in=retry_delay(attempt), error=text)


def queue_stranded_letters(*, now: dt.datetime, waited: dt.timedelta = STRANDED_AFTER) -> int:
    """Queue again letters never attempted since they were queued `waited` ago or more.

    A letter is queued at commit; when the broker was down then, only the database knows it
    is owed. `deliver` claims each attempt, so a letter queued twice is still sent once.
    """
    stranded = Message.objects.filter(
        send_status=SendStatus.QUEUED, send_attempts=0, created_at__lte=now - waited
    ).values_list("pk", flat=True)
    from requests_app.mail.tasks import send_message

    return sum(enqueue(send_message, pk) for pk in stranded)


def _mark_sent(message: Message) -> None:
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(send_status=SendStatus.SENT, send_error="")
        foi_request = message.request
        if foi_request is not None:
            _record_letter_event(foi_request, message)


def _record_letter_event(foi_request: FoiRequest, message: Message) -> None:
    logged = foi_request.events.filter(
        kind=EventKind.MESSAGE_LOGGED, details__message=message.pk
    ).first()
    slug = str(logged.details.get("letter", "")) if logged else ""
    kind = LETTERS.get(slug)
    if kind is None or kind.event_on_send is None:
        return
    if kind.event_on_send == EventKind.SENT and foi_request.status != Status.DRAFT:
        return  # already recorded as sent by hand
    on = timezone.localdate()
    foi_request.record_event(
        kind.event_on_send, on=on, actor=message.imported_by, details={"message": message.pk}
    )


def resend(*, message: Message) -> None:
    """Queue a failed letter again, from scratch."""
    from requests_app.mail.tasks import send_message

    Message.objects.filter(pk=message.pk, send_status=SendStatus.FAILED).update(
        send_status=SendStatus.QUEUED, send_attempts=0, send_error=""
    )
    enqueue_on_commit(send_message, message.pk)
