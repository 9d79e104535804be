"""Mailbox polling: new mail by UID (RFC 3501), imported once, then moved or marked read.

MailboxState keeps the last UID imported and the folder's UIDVALIDITY. The state moves on
after each message, so a connection that drops half-way loses nothing: the poll
reconnects and carries on, and the next poll starts where this one stopped. A message
fetched again after a drop (imported, but not yet moved) is recognised by its Message-ID.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
import ssl
from dataclasses import asdict, dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

from django.utils import timezone

from requests_app.mail.importer import ImportResult, ImportStatus, import_message
from requests_app.models import MailboxState, MessageSource

logger = logging.getLogger(__name__)

DEFAULT_BATCH = 200
DEFAULT_RECONNECTS = 2
TIMEOUT_SECONDS = 60
DROPPED = (imaplib.IMAP4.abort, OSError, EOFError)


class MailboxError(Exception):
    """The mailbox refused us (bad login, no such folder): retrying now will not help."""


@dataclass(frozen=True)
class MailboxConfig:
    host: str
    port: int
    user: str
    password: str
    folder: str = "INBOX"
    use_ssl: bool = True
    move_to: str = ""

    @property
    def key(self) -> str:
        """What MailboxState is keyed on: never the password."""
        return f"{self.user}@{self.host}:{self.port}/{self.folder}"[:255]


@dataclass
class PollResult:
    mailbox: str
    fetched: int = 0
    imported: int = 0
    duplicates: int = 0
    quarantined: int = 0
    reconnects: int = 0
    error: str = ""
    summaries: list[str] = field(default_factory=list)

    def count(self, result: ImportResult) -> None:
        self.fetched += 1
        if result.status == ImportStatus.IMPORTED:
            self.imported += 1
        elif result.status == ImportStatus.DUPLICATE:
            self.duplicates += 1
        else:
            self.quarantined += 1
        self.summaries.append(result.summary())

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def parse_imap_url(url: str) -> MailboxConfig:
    """`imaps://user:pass@host[:port]/FOLDER[?move_to=Imported]` (imap:// for plain text)."""
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps") or not parts.hostname:
        raise ValueError("IMAP_URL must look like imaps://user:password@host/INBOX")
    use_ssl = parts.scheme == "imaps"
    query = parse_qs(parts.query)
    return MailboxConfig(
        host=parts.hostname,
        port=parts.port or (993 if use_ssl else 143),
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
        use_ssl=use_ssl,
        move_to=(query.get("move_to") or [""])[0],
    )


def poll_mailbox(
    *, url: str, batch_size: int = DEFAULT_BATCH, reconnects: int = DEFAULT_RECONNECTS
) -> PollResult:
    """Import what arrived since the last poll; reconnect if the connection drops."""
    config = parse_imap_url(url)
    state, _ = MailboxState.objects.get_or_create(mailbox=config.key)
    result = PollResult(mailbox=config.key)
    for attempt in range(reconnects + 1):
        try:
            _poll_once(config, state, result, batch_size)
            result.error = ""
            break
        except MailboxError as error:
            result.error = str(error)
            break
        except DROPPED as error:
            result.error = f"Connection lost: {type(error).__name__}: {error}"
            logger.warning("IMAP %s: %s (attempt %s)", config.key, result.error, attempt + 1)
            if attempt < reconnects:
                result.reconnects += 1
    state.last_polled_at = timezone.now()
    state.last_error = result.error[:2000]
    state.save(update_fields=["last_polled_at", "last_error"])
    return result


def _poll_once(
    config: MailboxConfig, state: MailboxState, result: PollResult, batch_size: int
) -> None:
    session = _connect(config)
    try:
        capabilities = _capabilities(session)
        _select(session, config, state)
        for uid in _new_uids(session, state)[:batch_size]:
            raw = _fetch(session, uid)
            if raw is not None:
                outcome = import_message(
                    raw=raw, source=MessageSource.IMAP, original_name=f"{config.key} UID {uid}"
                )
                result.count(outcome)
                _file_away(session, config, uid, capabilities)
            state.last_uid = uid
            state.save(update_fields=["last_uid"])
    finally:
        _close(session)


def _connect(config: MailboxConfig) -> imaplib.IMAP4:
    session: imaplib.IMAP4
    if config.use_ssl:
        context = ssl.create_default_context()
        session = imaplib.IMAP4_SSL(
            config.host, config.port, ssl_context=context, timeout=TIMEOUT_SECONDS
        )
    else:
        session = imaplib.IMAP4(config.host, config.port, timeout=TIMEOUT_SECONDS)
    try:
        session.login(config.user, config.password)
    except imaplib.IMAP4.abort:
        raise
    except imaplib.IMAP4.error as error:
        _close(session)
        raise MailboxError(f"The mail server refused the login: {_text(error)}") from error
    return session


def _select(session: imaplib.IMAP4, config: MailboxConfig, state: MailboxState) -> None:
    status, _ = session.select(_quoted(config.folder))
    if status != "OK":
        raise MailboxError(f"The folder {config.folder} cannot be opened.")
    _, values = session.response("UIDVALIDITY")
    uidvalidity = int(values[-1]) if values and values[-1] else None
    # RFC 3501 2.3.1.1: a new UIDVALIDITY means the UIDs were renumbered; start again
    # (what was imported before is recognised by its Message-ID).
    if uidvalidity != state.uidvalidity:
        state.uidvalidity = uidvalidity
        state.last_uid = 0
        state.save(update_fields=["uidvalidity", "last_uid"])


def _new_uids(session: imaplib.IMAP4, state: MailboxState) -> list[int]:
    status, data = session.uid("SEARCH", "UID", f"{state.last_uid + 1}:*")
    if status != "OK":
        raise MailboxError("The mail server refused to search the folder.")
    found = (int(value) for value in b" ".join(item or b"" for item in data).split())
    # "n:*" always includes the newest message, even when its UID is below n.
    return sorted(uid for uid in found if uid > state.last_uid)


def _fetch(session: imaplib.IMAP4, uid: int) -> bytes | None:
    status, data = session.uid("FETCH", str(uid), "(BODY.PEEK[])")
    if status != "OK":
        return None
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None  # expunged meanwhile


def _file_away(
    session: imaplib.IMAP4, config: MailboxConfig, uid: int, capabilities: set[str]
) -> None:
    """Move the message to `move_to` (RFC 6851 MOVE, else copy and delete), or mark it read."""
    if config.move_to:
        if "MOVE" in capabilities:
            session.uid("MOVE", str(uid), _quoted(config.move_to))
            return
        status, _ = session.uid("COPY", str(uid), _quoted(config.move_to))
        if status == "OK":
            session.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Deleted)")
            if "UIDPLUS" in capabilities:
                session.uid("EXPUNGE", str(uid))
            return
    session.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Seen)")


def _capabilities(session: imaplib.IMAP4) -> set[str]:
    """Asked again after login: servers announce MOVE and UIDPLUS only then."""
    status, data = session.capability()
    if status != "OK" or not data or not isinstance(data[-1], bytes):
        return {str(item).upper() for item in session.capabilities}
    return set(data[-1].decode("ascii", "replace").upper().split())


def _quoted(folder: str) -> str:
    return '"' + re.sub(r'(["\\])', r"\\\1", folder) + '"'


def _close(session: imaplib.IMAP4) -> None:
    # The connection may already be gone: closing is best effort.
    for step in (session.close, session.logout, session.shutdown):
        with contextlib.suppress(Exception):
            step()


def _text(error: BaseException) -> str:
    value = error.args[0] if error.args else error
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)
