"""Which request an incoming message belongs to.

In order, the first that answers wins: our reply address in any recipient header; the
thread (a message it answers, or the original a bounce carries, is already filed); our
reference in the subject or text; the body's own reference; the sender's domain, when it
is the domain of a body with exactly one open request. Otherwise nobody can say, and the
message waits in the unmatched inbox for a person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from requests_app.mail.addresses import reference_in_addresses
from requests_app.mail.parsing import ParsedMessage
from requests_app.models import Direction, FoiRequest, Message, Status

OUR_REFERENCE = re.compile(r"\bFOI[\s_-]?(20\d{2})[\s_/-]?(\d{1,6})\b", re.IGNORECASE)
TOKEN_EDGES = "()[]{}<>,;:\"'“”‘’.!?"  # noqa: S105 - punctuation, not a password
MAX_TOKENS = 60
MAX_THREAD_IDS = 100
MAX_PEOPLE_PER_ADDRESS = 5
NOT_OPEN = (Status.DRAFT, Status.WITHDRAWN, Status.CLOSED)
# Anyone can write from these; a body using one is recognised by its full address only.
WEBMAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.uk",
        "live.com", "live.co.uk", "yahoo.com", "yahoo.co.uk", "btinternet.com", "aol.com",
        "icloud.com", "me.com", "protonmail.com", "proton.me", "gmx.com", "mail.com",
    }
)  # fmt: skip


class MatchedBy:
    REPLY_ADDRESS = "reply address"
    THREAD = "thread"
    REFERENCE = "our reference"
    THEIR_REFERENCE = "their reference"
    SENDER_DOMAIN = "sender's domain"
    CHOSEN = "chosen on import"
    ASSIGNED = "assigned by hand"
    CONFIRMED = "suggestion confirmed"


# References are printed on letters and follow a pattern: anyone can write one.
GUESSABLE = frozenset({MatchedBy.REFERENCE, MatchedBy.THEIR_REFERENCE})


@dataclass(frozen=True)
class Match:
    request: FoiRequest
    matched_by: str


def match_request(
    parsed: ParsedMessage,
    *,
    candidates: QuerySet[FoiRequest],
    envelope_recipients: Iterable[str] = (),
) -> Match | None:
    """The request `parsed` belongs to, among `candidates`, or None."""
    by_address = _by_reply_address(parsed, candidates, list(envelope_recipients))
    if by_address:
        return Match(by_address, MatchedBy.REPLY_ADDRESS)
    steps = (
        (_by_thread, MatchedBy.THREAD),
        (_by_our_reference, MatchedBy.REFERENCE),
        (_by_their_reference, MatchedBy.THEIR_REFERENCE),
        (_by_sender_domain, MatchedBy.SENDER_DOMAIN),
    )
    for step, matched_by in steps:
        found = step(parsed, candidates)
        if found is not None:
            return Match(found, matched_by)
    return None


def _by_reply_address(
    parsed: ParsedMessage, candidates: QuerySet[FoiRequest], envelope: list[str]
) -> FoiRequest | None:
    reference = reference_in_addresses([*envelope, *parsed.recipient_addresses])
    return candidates.filter(reference=reference).first() if reference else None


def _by_thread(parsed: ParsedMessage, candidates: QuerySet[FoiRequest]) -> FoiRequest | None:
    ids = parsed.thread_ids()[:MAX_THREAD_IDS]
    if not ids:
        return None
    filed = Message.objects.filter(message_id__in=ids, request__in=candidates)
    earlier = filed.select_related("request").order_by("-sent_at", "-pk").first()
    return earlier.request if earlier else None


def our_references(text: str) -> list[str]:
    """FOI-2026-0042 however it was typed: "FOI 2026/42", "foi_2026_0042"."""
    found = (f"FOI-{year}-{int(number):04d}" for year, number in OUR_REFERENCE.findall(text))
    return list(dict.fromkeys(found))


def _by_our_reference(parsed: ParsedMessage, candidates: QuerySet[FoiRequest]) -> FoiRequest | None:
    references = our_references(parsed.subject) + our_references(parsed.all_text())
    references = list(dict.fromkeys(references))[:MAX_TOKENS]
    if not references:
        return None
    found = {item.reference: item for item in candidates.filter(reference__in=references)}
    return next((found[reference] for reference in references if reference in found), None)


def _by_their_reference(
    parsed: ParsedMessage, candidates: QuerySet[FoiRequest]
) -> FoiRequest | None:
    tokens = reference_tokens(parsed.subject) + reference_tokens(parsed.all_text()[:20000])
    tokens = list(dict.fromkeys(tokens))[:MAX_TOKENS]
    if tokens:
        wanted = Q()
        for token in tokens:
            wanted |= Q(their_reference__iexact=token)
        found = list(_open(candidates).filter(wanted).select_related("public_body")[:10])
        chosen = _prefer_sender(found, parsed.sender_address)
        if chosen is not None:
            return chosen
    return _their_reference_written_with_spaces(parsed, candidates)


def _their_reference_written_with_spaces(
    parsed: ParsedMessage, candidates: QuerySet[FoiRequest]
) -> FoiRequest | None:
    """ "FOI 2025 / 0123" for "FOI/2025/0123": compared without spaces, for the sender's body."""
    bodies = _sender_bodies(parsed.sender_address)
    if bodies is None:
        return None
    text = _squeezed(f"{parsed.subject} {parsed.all_text()[:20000]}")
    filed = _open(candidates).filter(bodies).exclude(their_reference="")
    found = [
        item
        for item in filed.only("pk", "their_reference")[:500]
        if len(_squeezed(item.their_reference)) >= 4 and _squeezed(item.their_reference) in text
    ]
    return found[0] if len(found) == 1 else None


def _by_sender_domain(parsed: ParsedMessage, candidates: QuerySet[FoiRequest]) -> FoiRequest | None:
    bodies = _sender_bodies(parsed.sender_address)
    if bodies is None:
        return None
    found = list(_open(candidates).filter(bodies)[:2])
    return found[0] if len(found) == 1 else None


def reference_tokens(text: str) -> list[str]:
    """Words that could be a body's reference: with a digit, 4 to 100 characters."""
    tokens = (word.strip(TOKEN_EDGES) for word in text.split())
    return [
        token
        for token in dict.fromkeys(tokens)
        if 4 <= len(token) <= 100 and any(char.isdigit() for char in token)
    ]


def _sender_bodies(sender_address: str) -> Q | None:
    local, at, domain = sender_address.lower().rpartition("@")
    if not at or not local or not domain:
        return None
    if domain in WEBMAIL_DOMAINS:
        return Q(public_body__foi_email__iexact=sender_address)
    return Q(public_body__foi_email__iendswith=f"@{domain}")


def _prefer_sender(found: list[FoiRequest], sender_address: str) -> FoiRequest | None:
    if len(found) == 1:
        return found[0]
    domain = sender_address.lower().rpartition("@")[2]
    from_sender = [
        item for item in found if item.public_body.foi_email.lower().endswith(f"@{domain}")
    ]
    return from_sender[0] if domain and len(from_sender) == 1 else None


def _open(candidates: QuerySet[FoiRequest]) -> QuerySet[FoiRequest]:
    return candidates.exclude(status__in=NOT_OPEN)


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


def known_sender(foi_request: FoiRequest, sender_address: str) -> bool:
    """Whether mail from `sender_address` may be filed on `foi_request` on its reference alone.

    Known are the body's own domain (its full address for a webmail one), a sender whose
    mail is already filed on this request, and the people who may edit the request.
    """
    address = sender_address.strip().lower()
    if "@" not in address:
        return False
    if _from_body_domain(foi_request.public_body.foi_email, address):
        return True
    filed = foi_request.messages.filter(direction=Direction.INCOMING)
    if filed.filter(Q(sender__iexact=address) | Q(sender__iendswith=f"<{address}>")).exists():
        return True
    people = User.objects.filter(email__iexact=address, is_active=True)[:MAX_PEOPLE_PER_ADDRESS]
    return any(foi_request.can_edit(person) for person in people)


def _from_body_domain(foi_email: str, address: str) -> bool:
    foi_email = foi_email.strip().lower()
    domain = address.rpartition("@")[2]
    if not foi_email or domain in WEBMAIL_DOMAINS:
        return address == foi_email
    return foi_email.rpartition("@")[2] == domain
