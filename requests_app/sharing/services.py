"""Making and revoking share links, and what a shared page may show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import getaddresses

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest

from requests_app.audit import record_audit
from requests_app.mail.masking import mask_emails, mask_for_sharing
from requests_app.models import Channel, EventKind, FoiRequest, Message, RequestEvent, ShareLink
from requests_app.redaction import disclosable_attachments
from requests_app.redaction.services import use_disclosable_texts


def create_share_link(
    *, foi_request: FoiRequest, created_by: User, request: HttpRequest
) -> ShareLink:
    link = ShareLink.objects.create(request=foi_request, created_by=created_by)
    record_audit(actor=created_by, action="share.created", obj=link, request=request)
    return link


def revoke_share_link(*, link: ShareLink, actor: User, request: HttpRequest) -> bool:
    """Revoke the link; False (and no audit entry) when it was revoked already."""
    if not link.revoke():
        return False
    changes = {"revoked_at": [None, link.revoked_at]}
    record_audit(actor=actor, action="share.revoked", obj=link, changes=changes, request=request)
    return True


@dataclass(frozen=True)
class SharedMessage:
    sent_at: dt.datetime
    direction: str
    channel: str
    sender: str
    subject: str
    body: str
    attachment_names: list[str]


@dataclass(frozen=True)
class SharedEvent:
    on: dt.date
    label: str


@dataclass(frozen=True)
class SharedRequest:
    """What a share link shows: the substance of the case, without personal data.

    Private notes, event notes, who logged it and the original files are never shown:
    none of them has been through the masking.
    """

    foi_request: FoiRequest
    title: str
    text: str
    messages: list[SharedMessage]
    events: list[SharedEvent]


def shared_request(link: ShareLink) -> SharedRequest:
    foi_request = link.request
    letters = use_disclosable_texts(
        list(shareable_messages(foi_request).prefetch_related("attachments"))
    )
    names = correspondent_names(letters)

    def mask(text: str) -> str:
        return mask_for_sharing(text, requester=foi_request.owner, names=names)

    return SharedRequest(
        foi_request=foi_request,
        title=mask(foi_request.title),
        text=mask(foi_request.text),
        messages=[shared_message(message, mask) for message in letters],
        events=shared_events(foi_request),
    )


def shareable_messages(foi_request: FoiRequest) -> QuerySet[Message]:
    """The correspondence with the body; internal notes (channel "note") stay inside."""
    return foi_request.messages.exclude(channel=Channel.NOTE)


def correspondent_names(letters: list[Message]) -> list[str]:
    """The display names on the letters ("Jane Smith <foi@…>"): officials' names go too."""
    headers = [message.sender for message in letters] + [m.recipients for m in letters]
    return [name for name, _address in getaddresses(headers) if name.strip()]


def shared_message(message: Message, mask: Callable[[str], str]) -> SharedMessage:
    return SharedMessage(
        sent_at=message.sent_at,
        direction=message.get_direction_display(),
        channel=message.get_channel_display(),
        sender=mask_emails(mask(message.sender)),
        subject=mask(message.subject),
        body=mask(message.body_text),
        attachment_names=[
            mask(attachment.filename)
            for attachment in disclosable_attachments(list(message.attachments.all()))
        ],
    )


def shared_events(foi_request: FoiRequest) -> list[SharedEvent]:
    # The app's own bookkeeping says nothing a reader of the case needs.
    hidden = (EventKind.EDITED, EventKind.MESSAGE_LOGGED)
    events: list[RequestEvent] = list(foi_request.events.exclude(kind__in=hidden))
    return [SharedEvent(event.on, event.get_kind_display()) for event in events]


def active_link(token: str) -> ShareLink | None:
    found = ShareLink.objects.active().select_related("request__public_body", "request__owner")
    return found.filter(token=token).first()
