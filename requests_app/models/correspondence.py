"""Correspondence: every letter, email, portal message or note about a request."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.db.models import Q

from requests_app.models.requests import FoiRequest, visible_to_q
from requests_app.models.rows import loaded


class Direction(models.TextChoices):
    INCOMING = "in", "From the body"
    OUTGOING = "out", "From us"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    PORTAL = "portal", "Web portal"
    PHONE = "phone", "Phone call"
    NOTE = "note", "Note"


class MessageKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement"
    CLARIFICATION_REQUEST = "clarification_request", "Clarification request"
    EXTENSION_NOTICE = "extension_notice", "Extension notice"
    RESPONSE = "response", "Response"
    REFUSAL = "refusal", "Refusal"
    REVIEW_OUTCOME = "review_outcome", "Internal review outcome"
    REGULATOR_DECISION = "regulator_decision", "Regulator decision"
    OTHER = "other", "Other"


class MessageSource(models.TextChoices):
    MANUAL = "manual", "Logged by hand"
    UPLOAD = "upload", "Uploaded file"
    COMMAND = "command", "Command line"
    IMAP = "imap", "Mailbox polling"
    WEBHOOK = "webhook", "Inbound webhook"
    SENT = "sent", "Sent from the app"


class SendStatus(models.TextChoices):
    NOT_SENT = "", "Not sent from the app"
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


# A reply from the body that nobody has said what it is yet. An automatic reply (out of
# office, a case system's receipt) never answers a request, so it never waits for review.
AWAITING_REVIEW = Q(direction=Direction.INCOMING, reviewed_at__isnull=True, is_auto_reply=False)


class LetterRow(NamedTuple):
    """A letter as a request's page shows it and decides on it (its history, a reply to
    review, a letter being sent or that failed, an address to offer), read as plain
    values: a hundred `Message` objects cost the page a third of its time. The HTML
    body, the headers and the raw source stay in the database."""

    pk: int
    request_id: int | None
    direction: str
    channel: str
    kind: str
    sent_at: dt.datetime
    sender: str
    recipients: str
    subject: str
    body_text: str
    is_auto_reply: bool
    reviewed_at: dt.datetime | None
    send_status: str
    send_error: str

    @property
    def awaits_review(self) -> bool:
        return awaits_review(self)

    def as_message(self, foi_request: FoiRequest) -> Message:
        """The letter as a model, filed on `foi_request` (already read), to act on it."""
        message = loaded(Message, {"id": self.pk, **self._asdict()})
        message.request = foi_request
        return message


def awaits_review(letter: Message | LetterRow) -> bool:
    """AWAITING_REVIEW, asked of one letter already read."""
    return (
        letter.direction == Direction.INCOMING
        and letter.reviewed_at is None
        and not letter.is_auto_reply
    )


class MessageQuerySet(models.QuerySet["Message"]):
    def letter_rows(self) -> list[LetterRow]:
        """The letters, in the model's order, as the request page reads them."""
        return [LetterRow._make(values) for values in self.values_list(*LetterRow._fields)]

    def visible_to(self, user: User | AnonymousUser) -> MessageQuerySet:
        if not user.is_authenticated:
            return self.none()
        visible_requests = FoiRequest.objects.visible_to(user).values("pk")
        unmatched_own = Q(request__isnull=True, imported_by=user)
        # Mail held for confirmation is shown to those who may file it on the suggested request.
        editable = FoiRequest.objects.editable_by(user).values("pk")
        held_for_them = Q(request__isnull=True, suggested_request__in=editable)
        return self.filter(Q(request__in=visible_requests) | unmatched_own | held_for_them)

    def filed_visible_to(self, user: User | AnonymousUser) -> MessageQuerySet:
        """Messages filed on requests the user may see, tested row by row through the join.

        The same rows as `visible_to` without the unfiled ones; read newest first, the
        database checks each message's request as it goes instead of first listing every
        request the user may see, which for someone in every campaign is most of them.
        """
        if not user.is_authenticated:
            return self.none()
        return self.filter(visible_to_q(user, through="request__"), request__isnull=False)

    def unmatched(self) -> MessageQuerySet:
        return self.filter(request__isnull=True)

    def awaiting_review(self) -> MessageQuerySet:
        return self.filter(AWAITING_REVIEW)


class Message(models.Model):
    request = models.ForeignKey(
        FoiRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    direction = models.CharField(max_length=3, choices=Direction.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    sent_at = models.DateTimeField()
    sender = models.CharField(max_length=320, blank=True)
    recipients = models.TextField(blank=True)
    subject = models.CharField(max_length=998, blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True, help_text="Sanitised before it is stored.")
    message_id = models.CharField(max_length=998, blank=True, db_index=True)
    in_reply_to = models.CharField(max_length=998, blank=True)
    references = models.TextField(blank=True)
    raw_email = models.FileField(upload_to="raw/", blank=True)
    raw_sha256 = models.CharField(max_length=64, blank=True)
    is_auto_reply = models.BooleanField(default=False)
    source = models.CharField(
        max_length=10, choices=MessageSource.choices, default=MessageSource.MANUAL
    )
    import_problems = models.TextField(blank=True, help_text="What could not be parsed cleanly.")
    send_status = models.CharField(max_length=10, choices=SendStatus.choices, blank=True)
    send_attempts = models.PositiveSmallIntegerField(default=0)
    send_error = models.TextField(blank=True)
    kind = models.CharField(max_length=30, choices=MessageKind.choices, default=MessageKind.OTHER)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="imported_messages",
    )
    # Unmatched mail that names a request only by its (guessable) reference, from a sender
    # not known for its body: a member confirms before it is filed there.
    suggested_request = models.ForeignKey(
        FoiRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggested_messages",
    )
    # An earlier message with the same Message-ID but other content (a resend with edits,
    # a forward by a rule): both are kept, the later one points to the earlier.
    earlier_version = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="later_versions"
    )
    # When a person said what the message is; empty on a reply that arrived by mail and
    # waits for review (the request then says "reply received", not "overdue").
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["sent_at", "id"]
        indexes = [
            models.Index(fields=["request", "sent_at"]),
            # The dashboard's "recent replies": newest first, read until enough are visible.
            models.Index(
                fields=["-sent_at", "-id"],
                name="message_recent_replies",
                condition=models.Q(direction="in", request__isnull=False),
            ),
            # Replies waiting for review, few at any time: the lists ask per request.
            models.Index(
                fields=["request"],
                name="message_awaiting_review",
                condition=models.Q(direction="in", reviewed_at__isnull=True, is_auto_reply=False),
            ),
            # The same replies oldest first, as the dashboard lists them: read in order from
            # the few waiting, not by walking every reply's date until fifty are found
            # (which SQLite chose, through the recent replies' index, once it had statistics).
            models.Index(
                fields=["sent_at", "id"],
                name="message_review_queue",
                condition=models.Q(direction="in", reviewed_at__isnull=True, is_auto_reply=False),
            ),
        ]

    def __str__(self) -> str:
        return self.subject or f"{self.get_channel_display()} {self.sent_at:%d %b %Y}"

    @property
    def awaits_review(self) -> bool:
        return awaits_review(self)


class QuarantinedMail(models.Model):
    """Mail that could not be imported; the raw bytes are kept for a person to look at."""

    raw = models.FileField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(default=0)
    reason = models.TextField()
    source = models.CharField(max_length=10, choices=MessageSource.choices)
    original_name = models.CharField(max_length=255, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "quarantined mail"

    def __str__(self) -> str:
        return f"{self.original_name or self.sha256[:12]}: {self.reason[:60]}"


class MailboxState(models.Model):
    """How far mailbox polling has got, so no message is fetched twice."""

    mailbox = models.CharField(max_length=255, unique=True)
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.mailbox
