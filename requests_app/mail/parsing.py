"""Reading a raw message into text, headers and attachments, as far as it can be read.

`parse_message` never raises: whatever public bodies' mail systems send — undeclared 8-bit
text, Outlook's winmail.dat, forwards inside forwards, uuencoded blocks, a message cut off
before its final MIME boundary — is read as far as it goes and every difficulty is listed in
`problems`. The raw bytes are not changed here; the importer keeps them as received.
"""

from __future__ import annotations

import binascii
import codecs
import datetime as dt
import email
import html
import io
import mimetypes
import re
from dataclasses import dataclass, field
from email import policy
from email.errors import MessageDefect
from email.generator import BytesGenerator
from email.message import Message as EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser

from django.conf import settings

from requests_app.forms import safe_filename

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Outlook .msg is an OLE compound file
TNEF_MAGIC = b"\x78\x9f\x3e\x22"  # winmail.dat (MS-OXTNEF 2.1.3.1)
SIGNATURE_TYPES = {
    "application/pkcs7-signature",
    "application/x-pkcs7-signature",
    "application/pgp-signature",
}
ENCRYPTED_TYPES = {
    "application/pkcs7-mime",
    "application/x-pkcs7-mime",
    "application/pgp-encrypted",
}
TNEF_TYPES = {"application/ms-tnef", "application/vnd.ms-tnef"}
ATTACHED_MESSAGE_TYPES = {"message/rfc822", "message/global"}
# Headers that may carry the address a message was delivered to.
RECIPIENT_HEADERS = (
    "to",
    "cc",
    "bcc",
    "delivered-to",
    "x-original-to",
    "envelope-to",
    "x-envelope-to",
    "x-forwarded-to",
    "x-rcpt-to",
    "resent-to",
    "resent-cc",
)
RECEIVED_FOR = re.compile(r"\bfor\s+<?([^\s<>;]+@[^\s<>;]+)>?", re.IGNORECASE)
MESSAGE_ID_TOKEN = re.compile(r"<[^<>\s]+>")
# Charsets that mailers declare while sending their larger Windows sibling, as the WHATWG
# Encoding Standard maps them (https://encoding.spec.whatwg.org/#names-and-labels).
CHARSET_SUPERSETS = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-9": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "shift_jis": "cp932",
}
UNDECLARED_CHARSETS = {"", "unknown-8bit", "x-unknown", "unknown", "default", "none"}
AUTO_REPLY_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|out of (the )?office"
    r"|absence notice|abwesenheitsnotiz|r[ée]ponse automatique)\b",
    re.IGNORECASE,
)
BOUNCE_SUBJECT = re.compile(
    r"^\s*(undeliverable|undelivered mail|delivery status notification \(failure\)"
    r"|mail delivery (failed|failure|subsystem)|returned mail|failure notice"
    r"|delivery has failed|message not delivered)",
    re.IGNORECASE,
)
BOUNCE_SENDERS = re.compile(r"^(mailer-daemon|postmaster)@", re.IGNORECASE)
C1_CONTROL = re.compile("[\x80-\x9f]")
IDENTIFYING_HEADERS = ("from", "to", "subject", "date", "message-id")
UU_BEGIN = re.compile(r"^begin [0-7]{3,4} (?P<name>.+?)\s*$")


@dataclass(frozen=True)
class ParseLimits:
    max_attachments: int
    max_depth: int

    @classmethod
    def from_settings(cls) -> ParseLimits:
        return cls(
            max_attachments=int(getattr(settings, "FOI_MAIL_MAX_ATTACHMENTS", 100)),
            max_depth=int(getattr(settings, "FOI_MAIL_MAX_NESTING_DEPTH", 8)),
        )


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    payload: bytes
    children: list[ParsedAttachment] = field(default_factory=list)
    # For an attached (forwarded) message: its own text and ids, for matching.
    text: str = ""
    message_ids: tuple[str, ...] = ()


@dataclass
class ParsedMessage:
    subject: str = ""
    sender: str = ""
    sender_address: str = ""
    to: str = ""
    recipient_addresses: list[str] = field(default_factory=list)
    sent_at: dt.datetime | None = None
    message_id: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    body_text: str = ""
    body_html: str = ""
    attachments: list[ParsedAttachment] = field(default_factory=list)
    is_auto_reply: bool = False
    auto_reply_reason: str = ""
    bounced_recipients: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    container: str = "rfc822"
    readable: bool = True

    def all_text(self) -> str:
        """Subject, body and the text of attached messages: where references are found."""
        forwarded = [item.text for item in self.iter_attachments() if item.text]
        return "\n".join([self.subject, self.body_text, *forwarded])

    def iter_attachments(self) -> list[ParsedAttachment]:
        found: list[ParsedAttachment] = []
        pending = list(self.attachments)
        while pending:
            item = pending.pop(0)
            found.append(item)
            pending.extend(item.children)
        return found

    def thread_ids(self) -> list[str]:
        """Ids this message answers, and those of messages it carries (a bounce's original)."""
        ids = [self.in_reply_to, *self.references]
        for item in self.iter_attachments():
            ids.extend(item.message_ids)
        return [value for value in dict.fromkeys(ids) if value]


@dataclass
class _WalkState:
    limits: ParseLimits
    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    bounced: list[str] = field(default_factory=list)
    attachment_count: int = 0
    skipped_attachments: int = 0
    depth_exceeded: bool = False

    def problem(self, text: str) -> None:
        if text not in self.problems:
            self.problems.append(text)

    def room_for_attachment(self) -> bool:
        if self.attachment_count >= self.limits.max_attachments:
            self.skipped_attachments += 1
            return False
        self.attachment_count += 1
        return True


# --- entry point -------------------------------------------------------------------


def parse_message(raw: bytes, limits: ParseLimits | None = None) -> ParsedMessage:
    """Everything that can be read from `raw`; never raises."""
    limits = limits or ParseLimits.from_settings()
    try:
        if raw.startswith(OLE_MAGIC):
            return _parse_outlook_msg(raw, limits)
        return _parse_mime(raw, limits)
    except RecursionError:
        return ParsedMessage(
            readable=False, problems=["The message is nested too deeply to be read."]
        )
    except Exception as error:  # a hostile message must not stop an import
        return ParsedMessage(
            readable=False, problems=[f"The message could not be read: {_describe(error)}"]
        )


def _parse_mime(raw: bytes, limits: ParseLimits) -> ParsedMessage:
    message = email.message_from_bytes(raw, policy=policy.default)
    state = _WalkState(limits)
    parsed = _read_headers(message, state, top=True)
    _walk(message, depth=0, state=state, top=True)
    _finish(parsed, state)
    parsed.auto_reply_reason = automatic_reason(message, parsed)
    parsed.is_auto_reply = bool(parsed.auto_reply_reason)
    if not any(_raw_header(message, name) for name in IDENTIFYING_HEADERS):
        parsed.readable = False
        parsed.problems.insert(0, "Not an email: it has no From, To, Subject, Date or Message-ID.")
    return parsed


def _parse_outlook_msg(raw: bytes, limits: ParseLimits) -> ParsedMessage:
    import extract_msg  # imported here: opening Outlook files is the rare case

    outlook = extract_msg.openMsg(raw)
    try:
        converter = getattr(outlook, "asEmailMessage", None)
        if converter is None:
            kind = type(outlook).__name__
            return ParsedMessage(readable=False, problems=[f"An Outlook {kind}, not an email."])
        converted = converter()
        _fill_from_properties(converted, outlook)
        mime = _message_bytes(converted)
    finally:
        outlook.close()
    parsed = _parse_mime(mime, limits)
    parsed.container = "msg"
    return parsed


def _fill_from_properties(converted: EmailMessage, outlook: object) -> None:
    """A .msg saved from Drafts or Sent has no transport headers: use its MAPI properties."""
    when = getattr(outlook, "date", None)
    values = {
        "Subject": getattr(outlook, "subject", None),
        "Date": email.utils.format_datetime(when) if isinstance(when, dt.datetime) else None,
        "Message-ID": getattr(outlook, "messageId", None),
    }
    for name, value in values.items():
        if value and not str(converted.get(name) or "").strip():
            del converted[name]
            try:
                converted[name] = clean_line(str(value))
            except Exception:  # noqa: S112 - a value the header writer refuses is left out
                continue


# --- headers -----------------------------------------------------------------------


def _read_headers(message: EmailMessage, state: _WalkState, *, top: bool) -> ParsedMessage:
    parsed = ParsedMessage()
    parsed.subject = header_text(message, "subject")[:998]
    parsed.sender = header_text(message, "from")[:320]
    parsed.sender_address = (_addresses(message, ("from",)) or [""])[0]
    parsed.to = ", ".join(filter(None, (header_text(message, "to"), header_text(message, "cc"))))
    parsed.recipient_addresses = _addresses(message, RECIPIENT_HEADERS) + _received_for(message)
    parsed.message_id = _first_id(header_text(message, "message-id"))[:998]
    parsed.in_reply_to = _first_id(header_text(message, "in-reply-to"))[:998]
    parsed.references = MESSAGE_ID_TOKEN.findall(header_text(message, "references"))
    parsed.sent_at, date_problem = _sent_at(message)
    if date_problem and top:
        state.problem(date_problem)
    return parsed


def header_text(message: EmailMessage, name: str) -> str:
    """A header as readable text: RFC 2047 words decoded, undeclared 8-bit bytes guessed."""
    raw = _raw_header(message, name)
    if raw is None:
        return ""
    try:
        if _has_undecoded_bytes(raw):
            # RFC 6532 allows UTF-8 in headers; older systems send their local code page.
            raw, _ = _decode_bytes(raw.encode("utf-8", "surrogateescape"), None)
        value = str(policy.default.header_factory(name, raw))
    except Exception:  # keep the header as it was sent
        value = raw
    return clean_line(C1_CONTROL.sub(_windows_1252_character, value))


def _windows_1252_character(found: re.Match[str]) -> str:
    """A C1 control in text is a Windows-1252 character labelled ISO-8859-1 (WHATWG)."""
    try:
        return bytes([ord(found.group(0))]).decode("cp1252")
    except UnicodeDecodeError:
        return found.group(0)


def _raw_header(message: EmailMessage, name: str) -> str | None:
    for key, value in message.raw_items():
        if key.lower() == name:
            return str(value)
    return None


def _has_undecoded_bytes(value: str) -> bool:
    return any("\udc80" <= char <= "\udcff" for char in value)


def _addresses(message: EmailMessage, names: tuple[str, ...]) -> list[str]:
    values = []
    for key, value in message.raw_items():
        if key.lower() in names:
            values.append(clean_line(_decode_words(str(value))))
    found = [address.strip().lower() for _name, address in getaddresses(values)]
    return [address for address in dict.fromkeys(found) if "@" in address]


def _decode_words(value: str) -> str:
    if _has_undecoded_bytes(value):
        value, _ = _decode_bytes(value.encode("utf-8", "surrogateescape"), None)
    try:
        return str(policy.default.header_factory("x-address", value))
    except Exception:
        return value


def _received_for(message: EmailMessage) -> list[str]:
    """`Received: … for <address>`: where a Bcc or a forwarded copy was delivered."""
    found: list[str] = []
    for key, value in message.raw_items():
        if key.lower() == "received":
            found.extend(match.lower() for match in RECEIVED_FOR.findall(str(value)))
    return found


def _first_id(value: str) -> str:
    found = MESSAGE_ID_TOKEN.search(value)
    return found.group(0) if found else value.strip()


def _sent_at(message: EmailMessage) -> tuple[dt.datetime | None, str]:
    when = _parse_date(header_text(message, "date"))
    if when is not None:
        return when, ""
    # Without a usable Date, the newest Received stamp says when it reached us.
    for key, value in message.raw_items():
        if key.lower() == "received":
            when = _parse_date(str(value).rpartition(";")[2])
            if when is not None:
                return when, "The Date header was missing or unreadable; used the delivery time."
    return None, "No date could be read; the import time is used."


def _parse_date(value: str) -> dt.datetime | None:
    value = value.strip()
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # RFC 5322 "-0000": the time is UTC, the zone unknown
        when = when.replace(tzinfo=dt.UTC)
    if not 1980 <= when.year <= 2200:
        return None
    return when


# --- body --------------------------------------------------------------------------


def _walk(part: EmailMessage, *, depth: int, state: _WalkState, top: bool = False) -> None:
    if depth > state.limits.max_depth:
        state.depth_exceeded = True
        return
    _note_defects(part, state)
    content_type = _content_type(part)
    if content_type in ATTACHED_MESSAGE_TYPES and not top:
        _attached_message(part, depth=depth, state=state)
    elif content_type == "message/delivery-status":
        _delivery_status(part, state)
    elif part.is_multipart():
        _walk_multipart(part, content_type, depth=depth, state=state)
    elif content_type in SIGNATURE_TYPES:
        state.problem("The message is signed; the signature was not checked.")
    elif content_type in ENCRYPTED_TYPES:
        state.problem("Part of the message is encrypted and cannot be read here.")
        _file_attachment(part, content_type, state)
    elif _is_attachment(part, content_type, top):
        _file_attachment(part, content_type, state)
    elif content_type == "text/html":
        state.htmls.append(decoded_text(part, state))
    else:
        _text_part(part, state)
    _note_defects(part, state)  # decoding a payload can find more (bad base64)


def _walk_multipart(
    part: EmailMessage, content_type: str, *, depth: int, state: _WalkState
) -> None:
    children = part.get_payload()
    if not isinstance(children, list):
        state.problem("A multipart section had no parts; its text is kept as it was.")
        _text_part(part, state)
        return
    parts = [child for child in children if isinstance(child, EmailMessage)]
    if content_type == "multipart/alternative":
        parts = _preferred_alternatives(parts)
    for child in parts:
        _walk(child, depth=depth + 1, state=state)


def _preferred_alternatives(children: list[EmailMessage]) -> list[EmailMessage]:
    """Keep one plain text and one HTML version; other versions (rich text, AMP) go."""
    kept: list[EmailMessage] = []
    seen: set[str] = set()
    for child in children:
        content_type = _content_type(child)
        kind = "multipart" if child.is_multipart() else content_type
        if kind in ("text/plain", "text/html") and kind in seen:
            continue
        seen.add(kind)
        kept.append(child)
    return kept


def _text_part(part: EmailMessage, state: _WalkState) -> None:
    text = decoded_text(part, state)
    text, encoded = extract_uuencoded(text, state)
    state.texts.append(text)
    for name, payload in encoded:
        if state.room_for_attachment():
            state.attachments.append(ParsedAttachment(name, guess_type(name), payload))


def _is_attachment(part: EmailMessage, content_type: str, top: bool) -> bool:
    if _disposition(part) == "attachment" or (_filename(part) and not top):
        return True
    # Calendars, images, PDFs and the like are files even when shown inline.
    return content_type not in ("text/plain", "text/html")


def _file_attachment(part: EmailMessage, content_type: str, state: _WalkState) -> None:
    if not state.room_for_attachment():
        return
    payload = _payload_bytes(part, state)
    name = _filename(part) or default_filename(content_type, len(state.attachments) + 1)
    content_type = _attachment_type(content_type, name)
    attachment = ParsedAttachment(safe_filename(name), content_type, payload)
    if content_type in TNEF_TYPES or payload.startswith(TNEF_MAGIC):
        attachment.children = _tnef_contents(payload, state)
    state.attachments.append(attachment)


def _attached_message(part: EmailMessage, *, depth: int, state: _WalkState) -> None:
    """A forwarded message, stored as an .eml attachment with its own attachments under it."""
    inner = part.get_payload()
    inner_message = inner[0] if isinstance(inner, list) and inner else None
    if not isinstance(inner_message, EmailMessage):
        _file_attachment(part, "message/rfc822", state)
        return
    if not state.room_for_attachment():
        return
    inner_state = _WalkState(state.limits, attachment_count=state.attachment_count)
    details = _read_headers(inner_message, inner_state, top=False)
    _walk(inner_message, depth=depth + 1, state=inner_state, top=True)
    _finish(details, inner_state)
    state.attachment_count = inner_state.attachment_count
    state.skipped_attachments += inner_state.skipped_attachments
    state.depth_exceeded = state.depth_exceeded or inner_state.depth_exceeded
    state.bounced.extend(details.bounced_recipients)
    for problem in details.problems:
        state.problem(f"In the attached message: {problem}")
    name = _filename(part) or f"{details.subject or 'Forwarded message'}.eml"
    state.attachments.append(
        ParsedAttachment(
            filename=safe_filename(name if name.lower().endswith(".eml") else f"{name}.eml"),
            content_type="message/rfc822",
            payload=_message_bytes(inner_message),
            children=details.attachments,
            text="\n".join(filter(None, (details.subject, details.sender, details.body_text))),
            message_ids=tuple(filter(None, (details.message_id,))),
        )
    )


def _delivery_status(part: EmailMessage, state: _WalkState) -> None:
    """RFC 3464: per-recipient blocks; `Action: failed` names an address that bounced."""
    blocks = part.get_payload()
    for block in blocks if isinstance(blocks, list) else []:
        if not isinstance(block, EmailMessage):
            continue
        action = header_text(block, "action").lower()
        recipient = header_text(block, "final-recipient") or header_text(
            block, "original-recipient"
        )
        address = recipient.rpartition(";")[2].strip().strip("<>").lower()
        if action.startswith("failed") and "@" in address:
            state.bounced.append(address)


def _finish(parsed: ParsedMessage, state: _WalkState) -> None:
    parsed.body_text = "\n\n".join(text.strip("\n") for text in state.texts if text.strip())
    parsed.body_html = "\n".join(state.htmls)
    if not parsed.body_text.strip() and parsed.body_html:
        parsed.body_text = html_to_text(parsed.body_html)
    parsed.attachments = state.attachments
    parsed.bounced_recipients = list(dict.fromkeys(state.bounced))
    if state.skipped_attachments:
        state.problem(
            f"{state.skipped_attachments} attachment(s) beyond the limit of "
            f"{state.limits.max_attachments} were not stored separately; "
            "they remain in the original message."
        )
    if state.depth_exceeded:
        state.problem(
            f"Parts nested deeper than {state.limits.max_depth} levels were not read; "
            "they remain in the original message."
        )
    parsed.problems = state.problems


# --- auto-replies and bounces ------------------------------------------------------


def automatic_reason(headers: EmailMessage, parsed: ParsedMessage) -> str:
    content_type = _content_type(headers)
    report_type = str(headers.get_param("report-type", "") or "").lower()
    if parsed.bounced_recipients or (
        content_type == "multipart/report" and report_type == "delivery-status"
    ):
        return "Delivery failure report"
    if content_type == "multipart/report":
        return "Automatic report"
    auto_submitted = header_text(headers, "auto-submitted").lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return f"Auto-Submitted: {auto_submitted}"  # RFC 3834 section 5
    if header_text(headers, "x-autoreply") or header_text(headers, "x-autorespond"):
        return "Marked as an automatic reply"
    if header_text(headers, "precedence").lower() == "auto_reply":
        return "Precedence: auto_reply"
    if BOUNCE_SENDERS.match(parsed.sender_address) or BOUNCE_SUBJECT.match(parsed.subject):
        return "Delivery failure report"
    if AUTO_REPLY_SUBJECT.match(parsed.subject):
        return "Out-of-office reply"
    return ""


# --- decoding ----------------------------------------------------------------------


def decoded_text(part: EmailMessage, state: _WalkState) -> str:
    payload = _payload_bytes(part, state)
    charset = _charset(part)
    text, problem = _decode_bytes(payload, charset)
    if problem:
        state.problem(problem)
    return clean_text(text)


def _payload_bytes(part: EmailMessage, state: _WalkState) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # undecodable transfer encoding: keep what was sent
        state.problem("A part's transfer encoding could not be decoded; kept as sent.")
        payload = str(part.get_payload()).encode("utf-8", "surrogateescape")
    if isinstance(payload, bytes):
        return payload
    return b""


def _charset(part: EmailMessage) -> str | None:
    try:
        charset = part.get_content_charset()
    except Exception:
        return None
    return charset.strip().strip('"').lower() if charset else None


def _decode_bytes(payload: bytes, charset: str | None) -> tuple[str, str | None]:
    """Text from bytes in the declared charset, or the best guess; says when it guessed."""
    if charset in UNDECLARED_CHARSETS:
        charset = None
    if charset is None:
        return _decode_undeclared(payload)
    try:
        codec = codecs.lookup(CHARSET_SUPERSETS.get(charset, charset)).name
    except LookupError:
        text, _ = _decode_undeclared(payload)
        return text, f"Unknown character set “{charset[:40]}”; the text was read as a guess."
    try:
        return payload.decode(codec), None
    except UnicodeDecodeError:
        text, _ = _decode_undeclared(payload)
        return text, f"Text declared as {charset[:40]} was not; it was read as a guess."


def _decode_undeclared(payload: bytes) -> tuple[str, str | None]:
    try:
        return payload.decode("ascii"), None
    except UnicodeDecodeError:
        pass
    try:
        return payload.decode("utf-8"), "Text without a declared character set was read as UTF-8."
    except UnicodeDecodeError:
        pass
    try:
        text = payload.decode("cp1252")
    except UnicodeDecodeError:  # five bytes cp1252 leaves undefined; Latin-1 takes them all
        text = payload.decode("latin-1")
    return text, "Text without a declared character set was read as Windows-1252."


def clean_text(text: str) -> str:
    """Text any database accepts: no NUL, no lone surrogates, Unix line ends."""
    text = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    return text.encode("utf-8", "replace").decode("utf-8")


def clean_line(text: str) -> str:
    return re.sub(r"\s+", " ", clean_text(text)).strip()


def _describe(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return clean_line(text)[:300]


def _note_defects(part: EmailMessage, state: _WalkState) -> None:
    for defect in getattr(part, "defects", []):
        state.problem(describe_defect(defect))


DEFECT_TEXTS = {
    "CloseBoundaryNotFoundDefect": (
        "The message ends before its final MIME boundary; it was read as far as it goes."
    ),
    "StartBoundaryNotFoundDefect": "A multipart section has no boundary; it was read as text.",
    "MultipartInvariantViolationDefect": "A multipart section has no parts.",
    "InvalidBase64PaddingDefect": "An attachment's base64 is badly padded; it was decoded anyway.",
    "InvalidBase64CharactersDefect": (
        "An attachment's base64 has stray characters; they were skipped."
    ),
    "InvalidBase64LengthDefect": (
        "An attachment's base64 is cut short; it was decoded as far as it goes."
    ),
    "MissingHeaderBodySeparatorDefect": "A header block ran into the body without a blank line.",
    "NoBoundaryInMultipartDefect": "A multipart section declares no boundary; it was read as text.",
}


def describe_defect(defect: MessageDefect) -> str:
    name = type(defect).__name__
    return DEFECT_TEXTS.get(name, f"Malformed MIME: {name}.")


def _content_type(part: EmailMessage) -> str:
    try:
        value = part.get_content_type().lower()
    except Exception:
        return "text/plain"
    return re.sub(r"[^\w.+/-]", "", value) or "application/octet-stream"


def _disposition(part: EmailMessage) -> str:
    try:
        return (part.get_content_disposition() or "").lower()
    except Exception:
        return ""


def _filename(part: EmailMessage) -> str:
    """RFC 2231 (filename*=) and the RFC 2047 words Outlook puts in quoted names."""
    try:
        name = part.get_filename() or part.get_param("name") or ""
    except Exception:
        name = ""
    if isinstance(name, tuple):  # an RFC 2231 value the library left undecoded
        name = email.utils.collapse_rfc2231_value(name)
    name = str(name)
    if "=?" in name:
        name = _decode_words(name)
    return clean_line(name)


def _attachment_type(content_type: str, filename: str) -> str:
    if content_type in ("application/octet-stream", ""):
        return guess_type(filename)  # what mailers send when they do not know
    return content_type[:255]


def guess_type(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def default_filename(content_type: str, number: int) -> str:
    extension = mimetypes.guess_extension(content_type) or ".bin"
    return f"attachment-{number}{extension}"


def _message_bytes(message: EmailMessage) -> bytes:
    """An attached message as bytes, written back as close to its source as possible."""
    for writing_policy in (policy.default.clone(linesep="\r\n"), policy.compat32):
        try:
            buffer = io.BytesIO()
            BytesGenerator(buffer, mangle_from_=False, policy=writing_policy).flatten(message)
            return buffer.getvalue()
        except Exception:  # noqa: S112 - try the more lenient writer
            continue
    return str(message.get_payload()).encode("utf-8", "surrogateescape")


# --- winmail.dat and uuencode ------------------------------------------------------


def _tnef_contents(payload: bytes, state: _WalkState) -> list[ParsedAttachment]:
    """The files inside Outlook's winmail.dat (MS-OXTNEF), kept under it as children."""
    import tnefparse

    try:
        tnef = tnefparse.TNEF(payload, do_checksum=False)
    except Exception as error:
        state.problem(f"winmail.dat could not be unpacked ({_describe(error)}); kept as it is.")
        return []
    children: list[ParsedAttachment] = []
    for item in tnef.attachments:
        if not state.room_for_attachment():
            break
        name = _tnef_name(item) or default_filename("application/octet-stream", len(children) + 1)
        data = item.data if isinstance(item.data, bytes) else b""
        children.append(ParsedAttachment(safe_filename(name), guess_type(name), data))
    body = tnef.body
    if isinstance(body, bytes):
        body, _ = _decode_undeclared(body)
    if body and body.strip() and not any(text.strip() for text in state.texts):
        state.texts.append(clean_text(body))
    return children


def _tnef_name(item: object) -> str:
    try:
        name = item.long_filename()  # type: ignore[attr-defined]
    except Exception:
        name = getattr(item, "name", "")
    if isinstance(name, bytes):
        name, _ = _decode_undeclared(name)
    return clean_line(str(name or "").rstrip("\x00"))


def extract_uuencoded(text: str, state: _WalkState) -> tuple[str, list[tuple[str, bytes]]]:
    """Take `begin 644 name … end` blocks out of a text body and decode them."""
    if "begin " not in text:
        return text, []
    lines = text.split("\n")
    kept: list[str] = []
    found: list[tuple[str, bytes]] = []
    index = 0
    while index < len(lines):
        start = UU_BEGIN.match(lines[index])
        if not start:
            kept.append(lines[index])
            index += 1
            continue
        name = start["name"]
        payload, index, complete = _decode_uu_block(lines, index + 1)
        if not complete:
            state.problem(f"The uuencoded file {name} has no end line; decoded as far as it goes.")
        found.append((safe_filename(name), payload))
        kept.append(f"[attachment: {name}]")
    return "\n".join(kept), found


def _decode_uu_block(lines: list[str], index: int) -> tuple[bytes, int, bool]:
    chunks: list[bytes] = []
    while index < len(lines):
        line = lines[index].rstrip("\r")
        index += 1
        if line.strip() == "end":
            return b"".join(chunks), index, True
        if not line or line == "`":
            continue
        chunks.append(_decode_uu_line(line))
    return b"".join(chunks), index, False


def _decode_uu_line(line: str) -> bytes:
    try:
        return binascii.a2b_uu(line)
    except binascii.Error:
        # Some encoders pad lines wrongly; trim to the length the first character gives.
        length = (((ord(line[0]) - 32) & 63) * 4 + 5) // 3
        try:
            return binascii.a2b_uu(line[:length])
        except binascii.Error:
            return b""


# --- HTML to text ------------------------------------------------------------------


class _TextOfHtml(HTMLParser):
    BLOCKS = frozenset({"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table"})
    SKIPPED = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Readable text of an HTML body, for search and for the timeline."""
    reader = _TextOfHtml()
    try:
        reader.feed(markup)
        reader.close()
    except Exception:
        return clean_text(html.unescape(re.sub(r"<[^>]*>", " ", markup)))
    text = "".join(reader.parts).replace("\xa0", " ")
    text = re.sub(r"[ \t]+", " ", text)
    return clean_text(re.sub(r"\n\s*\n+", "\n\n", text).strip())
