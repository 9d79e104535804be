"""Where to send a body's requests: its FOI address or web form, and who said so.

An address that sends a sensitive request to the wrong place is worse than none, so
addresses are never invented and each records who set it and when. Staff change the
body's own address, for everyone; anyone else's address for a body is kept for their own
letters (PersonalBodyAddress), so a stranger's guess never redirects someone else's
request. A reply from the body's domain can be saved as its address in one click.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parseaddr
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from requests_app.audit import record_audit
from requests_app.models import LetterRow, Message, PublicBody
from requests_app.models.bodies import PersonalBodyAddress

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.http import HttpRequest


@dataclass(frozen=True)
class BodyAddress:
    email: str
    web_form: str
    personal: bool  # the user's own address for the body, not the body's checked one


def address_for(body: PublicBody, user: User | AnonymousUser | None) -> BodyAddress:
    """The address the user's letters to the body go to: their own, else the body's."""
    return addresses_for([body], user)[body.pk]


def addresses_for(
    bodies: Iterable[PublicBody], user: User | AnonymousUser | None
) -> dict[int, BodyAddress]:
    """`address_for` for many bodies in one query."""
    bodies = list(bodies)
    personal: dict[int, PersonalBodyAddress] = {}
    if user is not None and user.is_authenticated:
        rows = PersonalBodyAddress.objects.filter(user=user, body__in=[b.pk for b in bodies])
        personal = {row.body_id: row for row in rows}
    return {body.pk: _chosen(body, personal.get(body.pk)) for body in bodies}


def _chosen(body: PublicBody, own: PersonalBodyAddress | None) -> BodyAddress:
    if own is not None and (own.foi_email or own.foi_web_form):
        return BodyAddress(own.foi_email, own.foi_web_form, personal=True)
    email = "" if body.email_failing else body.foi_email
    return BodyAddress(email, body.foi_web_form, personal=False)


def set_address(
    *,
    body: PublicBody,
    actor: User,
    email: str,
    web_form: str = "",
    http_request: HttpRequest | None = None,
) -> BodyAddress:
    """Record an address for the body: the body's own when staff set it, else the actor's."""
    with transaction.atomic():
        if actor.is_staff:
            return _set_global(body, actor, email, web_form, http_request)
        return _set_personal(body, actor, email, web_form, http_request)


def _set_global(
    body: PublicBody, actor: User, email: str, web_form: str, http_request: HttpRequest | None
) -> BodyAddress:
    changes = {
        "foi_email": [body.foi_email, email],
        "foi_web_form": [body.foi_web_form, web_form],
    }
    body.foi_email, body.foi_web_form = email, web_form
    body.foi_email_set_by, body.foi_email_set_at = actor, timezone.now()
    body.email_failing = False
    body.save(
        update_fields=[
            "foi_email",
            "foi_web_form",
            "foi_email_set_by",
            "foi_email_set_at",
            "email_failing",
        ]
    )
    record_audit(
        actor=actor, action="body.address_set", obj=body, changes=changes, request=http_request
    )
    return BodyAddress(email, web_form, personal=False)


def _set_personal(
    body: PublicBody, actor: User, email: str, web_form: str, http_request: HttpRequest | None
) -> BodyAddress:
    own, _created = PersonalBodyAddress.objects.update_or_create(
        body=body, user=actor, defaults={"foi_email": email, "foi_web_form": web_form}
    )
    record_audit(
        actor=actor,
        action="body.personal_address_set",
        obj=own,
        changes={"foi_email": ["", email], "foi_web_form": ["", web_form]},
        request=http_request,
    )
    return BodyAddress(email, web_form, personal=True)


# --- an address learned from a reply -----------------------------------------------


def body_domain(body: PublicBody) -> str:
    """The body's web domain without "www.", or "" when it has no website."""
    host = (urlsplit(body.website).hostname or "").lower()
    return host.removeprefix("www.")


def sender_at_body(message: Message | LetterRow, body: PublicBody) -> str:
    """The reply's sender address when it is at the body's domain (or a subdomain)."""
    address = parseaddr(message.sender)[1].lower()
    domain = body_domain(body)
    if not domain or "@" not in address:
        return ""
    at = address.rpartition("@")[2]
    return address if at == domain or at.endswith(f".{domain}") else ""


def address_offer(
    messages: Iterable[Message | LetterRow], body: PublicBody, user: User | AnonymousUser
) -> str:
    """A sender of a reply worth saving as the body's address, when the user has none."""
    if address_for(body, user).email:
        return ""
    for message in sorted(messages, key=lambda item: item.sent_at, reverse=True):
        if message.direction == "in" and not message.is_auto_reply:
            found = sender_at_body(message, body)
            if found:
                return found
    return ""
