"""Importing a request from WhatDoTheyKnow, or any site running Alaveteli.

Alaveteli serves every request page as JSON too (`/request/<url_title>.json`), built by
`InfoRequest#json_for_api`: the request's fields, its `public_body` and its
`info_request_events`, each with `event_type`, `created_at` and the state the requester
`described` it as. From those we rebuild the request, its body and its history: `sent`
→ `mark_sent`, each `response` → an incoming message, and each described state → the
event our model records for it (successful → a response with that outcome,
waiting_clarification → clarification asked, internal_review → review requested …).
The letters' text stays on the Alaveteli site; each message links to it.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import IO, Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify

from requests_app.dataio.spreadsheet_import import unique_slug
from requests_app.models import (
    BodySuggestion,
    Campaign,
    Channel,
    Direction,
    EventKind,
    FoiRequest,
    Message,
    MessageKind,
    MessageSource,
    Nation,
    PublicBody,
    Status,
    SuggestionStatus,
    Tag,
    Visibility,
)

MAX_JSON_BYTES = 2 * 1024 * 1024
FETCH_TIMEOUT_SECONDS = 15
REQUEST_PATH = re.compile(r"^/(?:[a-z]{2}(?:_[A-Z]{2})?/)?request/([A-Za-z0-9_\-]+)(?:\.json)?/?$")

# Alaveteli's `law_used`: "foi" (the FOI Act) or "eir" (the Environmental Information
# Regulations). A Scottish body answers FOI requests under FOISA.
LAW_REGIMES = {"foi": "uk-foia", "eir": "uk-eir"}
# WhatDoTheyKnow tags Scottish public authorities "scotland" (and "foisa_…").
SCOTTISH_TAGS = ("scotland",)
OUTCOME_STATES = {
    "successful": Status.SUCCESSFUL,
    "partially_successful": Status.PARTIALLY_SUCCESSFUL,
    "rejected": Status.REFUSED,  # Alaveteli's name for a refusal
    "not_held": Status.NOT_HELD,
}
EVENT_STATES = {
    "waiting_clarification": EventKind.CLARIFICATION_REQUESTED,
    "internal_review": EventKind.REVIEW_REQUESTED,
    "user_withdrawn": EventKind.WITHDRAWN,
}


class AlaveteliError(Exception):
    """The JSON (or the page it should come from) cannot be used; the message says why."""


# --- reading the JSON ----------------------------------------------------------------------


@dataclass(frozen=True)
class AlaveteliBody:
    id: int | None
    url_name: str
    name: str
    short_name: str
    home_page: str
    notes: str
    tags: tuple[str, ...]

    @property
    def is_scottish(self) -> bool:
        return any(tag in SCOTTISH_TAGS or tag.startswith("foisa") for tag in self.tags)


@dataclass(frozen=True)
class AlaveteliEvent:
    id: int | None
    event_type: str
    created_at: dt.datetime
    described_state: str
    incoming_message_id: int | None
    outgoing_message_id: int | None

    @property
    def on(self) -> dt.date:
        return timezone.localtime(self.created_at).date()


@dataclass(frozen=True)
class AlaveteliRequest:
    id: int | None
    url_title: str
    title: str
    created_at: dt.datetime
    described_state: str
    law_used: str
    tags: tuple[str, ...]
    requester: str
    body: AlaveteliBody
    events: tuple[AlaveteliEvent, ...]


def parse_request_json(content: bytes) -> AlaveteliRequest:
    if len(content) > MAX_JSON_BYTES:
        raise AlaveteliError(
            f"The file is {filesizeformat(len(content))}; a request's JSON is never more "
            f"than {filesizeformat(MAX_JSON_BYTES)}."
        )
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise AlaveteliError(f"This is not JSON ({error}).") from error
    if not isinstance(data, dict):
        raise AlaveteliError("This JSON is not a request: it should be an object.")
    if "info_request_events" not in data and isinstance(data.get("info_request"), dict):
        raise AlaveteliError(
            "This is the JSON of one event, not of a request: use the request page's "
            "address followed by .json."
        )
    return read_request(data)


def read_request(data: dict[str, Any]) -> AlaveteliRequest:
    body = data.get("public_body")
    events = data.get("info_request_events")
    if not isinstance(body, dict):
        raise missing("public_body")
    if not isinstance(events, list):
        raise missing("info_request_events")
    user = data.get("user") if isinstance(data.get("user"), dict) else {}
    return AlaveteliRequest(
        id=optional_int(data.get("id")),
        url_title=required_text(data, "url_title"),
        title=required_text(data, "title"),
        created_at=timestamp(data, "created_at"),
        described_state=text(data.get("described_state")),
        law_used=text(data.get("law_used")) or "foi",
        tags=tag_names(data.get("tags")),
        requester=text(user.get("name") if user else data.get("user_name")),
        body=read_body(body),
        events=tuple(sorted((read_event(event, n) for n, event in enumerate(events)), key=order)),
    )


def order(event: AlaveteliEvent) -> tuple[dt.datetime, int]:
    return event.created_at, event.id or 0


def read_body(data: dict[str, Any]) -> AlaveteliBody:
    return AlaveteliBody(
        id=optional_int(data.get("id")),
        url_name=text(data.get("url_name")),
        name=required_text(data, "name", where="public_body"),
        short_name=text(data.get("short_name")),
        home_page=text(data.get("home_page")),
        notes=text(data.get("notes")),
        tags=tag_names(data.get("tags")),
    )


def read_event(data: Any, position: int) -> AlaveteliEvent:
    where = f"info_request_events[{position}]"
    if not isinstance(data, dict):
        raise AlaveteliError(f"{where} is not an object.")
    return AlaveteliEvent(
        id=optional_int(data.get("id")),
        event_type=required_text(data, "event_type", where=where),
        created_at=timestamp(data, "created_at", where=where),
        described_state=text(data.get("described_state")),
        incoming_message_id=optional_int(data.get("incoming_message_id")),
        outgoing_message_id=optional_int(data.get("outgoing_message_id")),
    )


def missing(key: str, where: str = "the request") -> AlaveteliError:
    return AlaveteliError(f"“{key}” is missing from {where}: this is not an Alaveteli request.")


def text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def required_text(data: dict[str, Any], key: str, where: str = "the request") -> str:
    value = text(data.get(key))
    if not value:
        raise missing(key, where)
    return value


def optional_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def timestamp(data: dict[str, Any], key: str, where: str = "the request") -> dt.datetime:
    value = required_text(data, key, where)
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise AlaveteliError(f"{where}: “{key}” is not a date and time ({value}).") from error
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    return moment


def tag_names(value: Any) -> tuple[str, ...]:
    """Alaveteli's `tag_array`: [name, value] pairs. Plain tags are kept; "machine tags"
    with a value (wikidata:Q123, dpr:Z501) are identifiers, not topics, and are left out."""
    if not isinstance(value, list):
        return ()
    names = []
    for item in value:
        if isinstance(item, list) and item and (len(item) == 1 or item[1] in (None, "")):
            item = item[0]
        if isinstance(item, str) and item.strip() and ":" not in item:
            names.append(item.strip())
    return tuple(names)


# --- fetching it -------------------------------------------------------------------------


def request_json_url(url: str) -> str:
    """The `.json` address of an Alaveteli request page; AlaveteliError if it is not one."""
    parts = urllib.parse.urlsplit(url.strip())
    found = REQUEST_PATH.match(parts.path)
    if parts.scheme not in ("http", "https") or not parts.hostname or not found:
        raise AlaveteliError(
            "That is not the address of a request page; it should look like "
            "https://www.whatdotheyknow.com/request/some_title."
        )
    if is_private_host(parts.hostname):
        raise AlaveteliError("Requests can only be fetched from a public website.")
    path = parts.path.rstrip("/")
    path = path if path.endswith(".json") else f"{path}.json"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def is_private_host(hostname: str) -> bool:
    if hostname == "localhost" or hostname.endswith((".localhost", ".local", ".internal")):
        return True
    try:
        address = ipaddress.ip_address(hostname)
    except ValueError:
        return False
    return not address.is_global


def fetch_request_json(url: str) -> tuple[str, bytes]:
    """(the JSON address, its content), read with a timeout and a size limit."""
    json_url = request_json_url(url)
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        json_url, headers={"Accept": "application/json", "User-Agent": "FOI Tracker import"}
    )
    try:
        with open_url(request, FETCH_TIMEOUT_SECONDS) as response:
            content = response.read(MAX_JSON_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise AlaveteliError(f"The site answered {error.code} for {json_url}.") from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise AlaveteliError(f"Could not fetch {json_url}: {reason}.") from error
    if len(content) > MAX_JSON_BYTES:
        raise AlaveteliError(f"{json_url} is larger than a request's JSON can be.")
    return json_url, content


def open_url(request: urllib.request.Request, timeout: float) -> IO[bytes]:
    """The network edge (tests replace this)."""
    response: IO[bytes] = urllib.request.urlopen(request, timeout=timeout)  # noqa: S310
    return response


# --- writing it --------------------------------------------------------------------------


@dataclass
class AlaveteliImport:
    foi_request: FoiRequest
    body_created: bool
    messages: int = 0
    unmapped_states: list[str] = field(default_factory=list)


def marker(payload: AlaveteliRequest) -> str:
    """Written into the request's notes so the same request is not imported twice."""
    return f"[alaveteli:{payload.url_title}]"


def import_request(
    *,
    payload: AlaveteliRequest,
    owner: User,
    campaign: Campaign | None = None,
    source_url: str = "",
) -> AlaveteliImport:
    """Create the request, its body if new, its messages and its history, in one go."""
    already = FoiRequest.objects.visible_to(owner).filter(notes__contains=marker(payload)).first()
    if already is not None:
        raise AlaveteliError(f"This request was imported before, as {already.reference}.")
    body = find_body(payload.body)
    if body is None and not owner.is_staff:
        raise AlaveteliError(suggest_body(payload.body, owner))
    with transaction.atomic():
        body_created = body is None
        body = body or create_body(payload.body)
        foi_request = create_request(payload, body, owner, campaign, source_url)
        history = HistoryWriter(foi_request, payload, owner, page_url(payload, source_url))
        history.write()
    foi_request.refresh_from_db()
    return AlaveteliImport(foi_request, body_created, history.messages, history.unmapped)


def page_url(payload: AlaveteliRequest, source_url: str) -> str:
    return source_url.removesuffix(".json") if source_url else ""


def find_body(found: AlaveteliBody) -> PublicBody | None:
    match = Q(name__iexact=found.name)
    if found.url_name:
        match |= Q(slug=slugify(found.url_name))
    existing = list(PublicBody.objects.filter(match)[:2])
    if not existing and found.short_name:
        existing = list(PublicBody.objects.filter(short_name__iexact=found.short_name)[:2])
    if len(existing) == 1:
        return existing[0]
    exact = [body for body in existing if body.name.lower() == found.name.lower()]
    return exact[0] if exact else None


def suggest_body(found: AlaveteliBody, owner: User) -> str:
    """The directory is shared: a body only staff may add waits as the user's suggestion."""
    BodySuggestion.objects.get_or_create(
        name=found.name[:255], suggested_by=owner, status=SuggestionStatus.PENDING
    )
    return (
        f"{found.name} is not in the tracker's list of public bodies yet. It has been "
        "suggested to staff; import this request again once they have added it."
    )


def create_body(found: AlaveteliBody) -> PublicBody:
    taken = set(PublicBody.objects.values_list("slug", flat=True))
    scottish = found.is_scottish
    body = PublicBody.objects.create(
        name=found.name[:255],
        short_name=found.short_name[:60],
        slug=unique_slug(found.url_name or found.name, taken),
        website=valid_url(found.home_page),
        notes=strip_tags(found.notes).strip(),
        nation=Nation.SCOTLAND if scottish else Nation.ENGLAND,
        default_regime="scot-foisa" if scottish else "uk-foia",
    )
    body.tags.set(tags_named(found.tags))
    return body


def valid_url(value: str) -> str:
    if not value or len(value) > 200:
        return ""
    try:
        URLValidator()(value)
    except ValidationError:
        return ""
    return value


def tags_named(names: tuple[str, ...]) -> list[Tag]:
    tags = []
    for name in names:
        slug = slugify(name)[:80]
        if slug:
            tag, _ = Tag.objects.get_or_create(slug=slug, defaults={"name": name[:80]})
            tags.append(tag)
    return tags


def regime_for(payload: AlaveteliRequest, body: PublicBody) -> str:
    if payload.law_used == "eir":
        return "uk-eir"
    if payload.law_used == "foi" and (payload.body.is_scottish or body.nation == Nation.SCOTLAND):
        return "scot-foisa"
    return LAW_REGIMES.get(payload.law_used, body.default_regime)


def create_request(
    payload: AlaveteliRequest,
    body: PublicBody,
    owner: User,
    campaign: Campaign | None,
    source_url: str,
) -> FoiRequest:
    sent = next((event for event in payload.events if event.event_type == "sent"), None)
    sent_on = sent.on if sent else timezone.localtime(payload.created_at).date()
    lines = [f"Imported from WhatDoTheyKnow {marker(payload)}"]
    if source_url:
        lines.append(page_url(payload, source_url))
    if payload.requester:
        lines.append(f"Asked by {payload.requester}.")
    foi_request = FoiRequest.objects.create(
        title=payload.title[:255],
        public_body=body,
        regime=regime_for(payload, body),
        campaign=campaign,
        owner=owner,
        notes="\n".join(lines),
        sent_on=sent_on,
        visibility=Visibility.CAMPAIGN,
    )
    foi_request.tags.set(tags_named(payload.tags))
    foi_request.record_event(
        EventKind.CREATED,
        on=timezone.localdate(),
        actor=owner,
        details={"source": "whatdotheyknow", "url_title": payload.url_title},
    )
    return foi_request


class HistoryWriter:
    """Walks the Alaveteli events in order, writing messages and our events."""

    def __init__(
        self, foi_request: FoiRequest, payload: AlaveteliRequest, actor: User, url: str
    ) -> None:
        self.foi_request = foi_request
        self.payload = payload
        self.actor = actor
        self.url = url
        self.messages = 0
        self.unmapped: list[str] = []
        self.last_state = ""
        self.last_response_on: dt.date | None = None
        self.sent_on = foi_request.sent_on or timezone.localdate()

    def write(self) -> None:
        self.foi_request.mark_sent(on=self.sent_on, actor=self.actor)
        for event in self.payload.events:
            self.correspondence(event)
            if event.described_state:
                self.state(event.described_state, event)
        # Events carry the states as they were described; the request's own state is
        # used only when none of its events does.
        final = self.payload.described_state
        if final and not self.last_state and self.payload.events:
            self.state(final, self.payload.events[-1])

    def on(self, event: AlaveteliEvent) -> dt.date:
        # Nothing in our history may come before the day the request was sent.
        return max(event.on, self.sent_on)

    def correspondence(self, event: AlaveteliEvent) -> None:
        if event.event_type in ("sent", "followup_sent"):
            anchor = f"outgoing-{event.outgoing_message_id}" if event.outgoing_message_id else ""
            self.message(event, Direction.OUTGOING, anchor)
        elif event.event_type == "response":
            anchor = f"incoming-{event.incoming_message_id}" if event.incoming_message_id else ""
            self.message(event, Direction.INCOMING, anchor)
            self.last_response_on = self.on(event)

    def message(self, event: AlaveteliEvent, direction: str, anchor: str) -> None:
        incoming = direction == Direction.INCOMING
        link = f"{self.url}#{anchor}" if self.url and anchor else self.url
        body_name = self.foi_request.public_body.name
        message = Message.objects.create(
            request=self.foi_request,
            direction=direction,
            channel=Channel.PORTAL,
            sent_at=event.created_at,
            sender=body_name if incoming else self.payload.requester,
            recipients="" if incoming else body_name,
            subject=(f"Response from {body_name}" if incoming else self.payload.title)[:998],
            body_text=f"This letter is on WhatDoTheyKnow{': ' + link if link else '.'}",
            kind=MessageKind.RESPONSE if incoming else MessageKind.OTHER,
            source=MessageSource.UPLOAD,
            imported_by=self.actor,
            reviewed_at=timezone.now(),
        )
        self.messages += 1
        self.foi_request.record_event(
            EventKind.MESSAGE_LOGGED,
            on=self.on(event),
            actor=self.actor,
            details={"message": message.pk, "source": "whatdotheyknow"},
        )

    def state(self, state: str, event: AlaveteliEvent) -> None:
        if state == self.last_state:
            return
        self.last_state = state
        if state in OUTCOME_STATES:
            self.outcome(OUTCOME_STATES[state], event)
        elif state in EVENT_STATES:
            self.foi_request.record_event(EVENT_STATES[state], on=self.on(event), actor=self.actor)
        elif state == "waiting_response":
            if self.foi_request.status == Status.AWAITING_CLARIFICATION:
                self.foi_request.record_event(
                    EventKind.CLARIFICATION_ANSWERED, on=self.on(event), actor=self.actor
                )
        elif state not in self.unmapped:
            self.unmapped.append(state)

    def outcome(self, outcome: str, event: AlaveteliEvent) -> None:
        on = self.last_response_on or self.on(event)
        if self.foi_request.status == Status.AWAITING_REVIEW:
            self.foi_request.record_event(
                EventKind.REVIEW_DECIDED, on=on, actor=self.actor, status=outcome
            )
        else:
            self.foi_request.record_response(on=on, outcome=outcome, actor=self.actor)
