"""Containers: zip archives and forwarded emails (.eml, Outlook .msg).

Each file inside becomes a child attachment of its own (same message, `parent` set) and
is extracted in its turn, so a zip of zips is unpacked level by level. Before anything is
inflated the declared sizes are checked against the limits, which is what stops a zip
bomb: a member compressed more than FOI_ARCHIVE_MAX_RATIO to one, or an archive that
would unpack to more than the message's remaining FOI_ARCHIVE_MAX_UNPACKED_BYTES.
"""

from __future__ import annotations

import email
import email.policy
import mimetypes
import zipfile
import zlib
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from requests_app.extraction.base import (
    Damaged,
    EmbeddedFile,
    Encrypted,
    Event,
    LimitReached,
    PageCount,
    PageText,
    Source,
)
from requests_app.extraction.limits import megabytes
from requests_app.extraction.text import html_to_text, read_all, text_pages

# Below this size a high compression ratio cannot hurt: an empty log compresses 1000:1.
RATIO_FLOOR = 1024 * 1024
CHUNK = 1024 * 1024
ZIP_ENCRYPTED_FLAG = 0x1  # APPNOTE.TXT 4.4.4, general purpose bit 0
# What zipfile raises on a damaged or exotic archive (bad data, unknown methods, versions).
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, OSError, ValueError)
MAIL_HEADERS = ("From", "To", "Cc", "Date", "Subject")
T = TypeVar("T")


@dataclass
class Unpacked:
    """What came out of an archive, for its listing page and its status."""

    count: int = 0
    listing: list[str] = field(default_factory=list)
    encrypted: list[str] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)


def check_archive_limits(archive: zipfile.ZipFile, source: Source, *, budget: int) -> None:
    """Refuse a zip bomb from its central directory, before inflating a byte."""
    limits = source.limits
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise LimitReached(
            f"The archive holds {len(members):,} files, more than the limit of "
            f"{limits.max_members:,}; nothing was unpacked."
        )
    total = sum(member.file_size for member in members)
    if total > budget:
        raise LimitReached(
            f"The archive would unpack to {megabytes(total)}, more than the "
            f"{megabytes(max(budget, 0))} allowed (zip bomb protection); nothing was unpacked."
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR and ratio > limits.max_ratio:
            raise LimitReached(
                f"{member.filename!r} is compressed {ratio:,.0f}:1, more than the limit of "
                f"{limits.max_ratio}:1 (zip bomb protection); nothing was unpacked."
            )


def refuse_if_too_deep(source: Source) -> None:
    if source.depth >= source.limits.max_depth:
        raise LimitReached(
            f"This file is nested {source.depth} levels deep; archives and forwarded mail "
            f"are unpacked at most {source.limits.max_depth} levels deep."
        )


# --- zip ----------------------------------------------------------------------------


def extract_zip(source: Source) -> Iterator[Event]:
    refuse_if_too_deep(source)
    try:
        archive = zipfile.ZipFile(source.path)
    except ZIP_ERRORS as error:
        raise Damaged(f"The zip archive could not be opened: {error}") from error
    with archive:
        check_archive_limits(archive, source, budget=source.unpack_budget)
        unpacked = yield from _unpack_members(archive, source)
    yield from _listing_page(unpacked)


def _unpack_members(archive: zipfile.ZipFile, source: Source) -> Generator[Event, None, Unpacked]:
    """Yields each member as an EmbeddedFile; returns what was and was not unpacked."""
    files = [member for member in archive.infolist() if not member.is_dir()]
    unpacked = Unpacked(count=len(files))
    for index, member in enumerate(files):
        source.check_time(f"after unpacking {index} of {len(files)} files")
        if member.flag_bits & ZIP_ENCRYPTED_FLAG:
            unpacked.encrypted.append(member.filename)
            continue
        path = source.workdir / f"member-{index}"
        try:
            size = _copy_member(archive, member, path, source)
        except ZIP_ERRORS as error:
            unpacked.damaged.append(f"{member.filename} ({error})")
            continue
        unpacked.listing.append(f"{member.filename}\t{size:,} bytes")
        yield EmbeddedFile(member.filename, str(path), size)
    return unpacked


def _copy_member(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, path: Path, source: Source
) -> int:
    """Inflate one member to disk; zipfile stops at the declared size and checks the CRC."""
    written = 0
    with archive.open(member) as stream, path.open("wb") as out:
        while chunk := stream.read(CHUNK):
            written += len(chunk)
            out.write(chunk)
            source.check_time(f"while unpacking {member.filename!r}")
    return written


def _listing_page(unpacked: Unpacked) -> Iterator[Event]:
    lines = ["Files in this archive:", *unpacked.listing]
    lines += [f"{name}\t(password-protected)" for name in unpacked.encrypted]
    yield PageCount(1)
    yield PageText(1, "\n".join(lines))
    if unpacked.encrypted and len(unpacked.encrypted) == unpacked.count:
        raise Encrypted("Every file in the archive is protected by a password.")
    problems = [f"{name} (password-protected)" for name in unpacked.encrypted]
    problems += unpacked.damaged
    if problems:
        raise Damaged(
            f"{len(problems)} of {unpacked.count} files could not be unpacked: "
            + "; ".join(problems)
        )


# --- forwarded email ----------------------------------------------------------------


def extract_eml(source: Source) -> Iterator[Event]:
    message = email.message_from_bytes(read_all(source), policy=email.policy.default)
    yield from text_pages(mail_text(message), source)
    attachments = list(_mail_attachments(message))
    if attachments:
        refuse_if_too_deep(source)
        yield from _write_embedded(attachments, source)


def mail_text(message: Message) -> str:
    headers = [f"{name}: {_header(message, name)}" for name in MAIL_HEADERS]
    lines = [line for line in headers if not line.endswith(": ")]
    return "\n".join(lines) + "\n\n" + _body_text(message)


def _header(message: Message, name: str) -> str:
    try:
        return " ".join(str(message.get(name, "") or "").split())
    except Exception:  # a header the parser could not make sense of
        return ""


def _body_text(message: Message) -> str:
    if not isinstance(message, EmailMessage):
        return ""
    try:
        body = message.get_body(preferencelist=("plain", "html"))
        if body is None:
            return ""
        content = _part_text(body)
    except Exception:  # unknown charsets and broken encodings: keep going without the body
        return ""
    return html_to_text(content) if body.get_content_subtype() == "html" else content


def _part_text(part: Message) -> str:
    try:
        return str(part.get_content())  # type: ignore[attr-defined]
    except (LookupError, ValueError, KeyError, AttributeError):
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""


def _mail_attachments(message: Message) -> Iterator[tuple[str, bytes]]:
    if not isinstance(message, EmailMessage):
        return
    for number, part in enumerate(message.iter_attachments(), start=1):
        content = _attachment_bytes(part)
        if content is not None:
            yield _attachment_name(part, number), content


def _attachment_bytes(part: Message) -> bytes | None:
    try:
        if part.get_content_type() == "message/rfc822":
            inner = part.get_payload(0)
            return inner.as_bytes() if isinstance(inner, Message) else None
        payload = part.get_payload(decode=True)
    except Exception:
        return None
    return payload if isinstance(payload, bytes) else None


def _attachment_name(part: Message, number: int) -> str:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    if name:
        return str(name)
    if part.get_content_type() == "message/rfc822":
        return f"forwarded-message-{number}.eml"
    extension = mimetypes.guess_extension(part.get_content_type()) or ".bin"
    return f"attachment-{number}{extension}"


def _write_embedded(files: list[tuple[str, bytes]], source: Source) -> Iterator[Event]:
    total = sum(len(content) for _, content in files)
    if total > source.unpack_budget:
        raise LimitReached(
            f"The attachments of this email come to {megabytes(total)}, more than the "
            f"{megabytes(max(source.unpack_budget, 0))} still allowed for this message."
        )
    for index, (name, content) in enumerate(files):
        path = source.workdir / f"part-{index}"
        path.write_bytes(content)
        yield EmbeddedFile(name, str(path), len(content))


# --- Outlook .msg -------------------------------------------------------------------


def extract_outlook_msg(source: Source) -> Iterator[Event]:
    import extract_msg  # imported here: it is slow to import and rarely needed
    from extract_msg.enums import AttachmentType, ErrorBehavior

    try:
        message = extract_msg.openMsg(
            str(source.path),
            strict=False,
            errorBehavior=ErrorBehavior.ATTACH_NOT_IMPLEMENTED | ErrorBehavior.ATTACH_BROKEN,
        )
    except Exception as error:  # extract-msg raises many kinds on a broken file
        raise Damaged(f"The Outlook message could not be read: {error}") from error
    try:
        yield from text_pages(_outlook_text(message), source)
        files = list(_outlook_attachments(message, AttachmentType))
    finally:
        message.close()
    if files:
        refuse_if_too_deep(source)
        yield from _write_embedded(files, source)


def _outlook_text(message: Any) -> str:
    headers = {
        "From": _safely(lambda: message.sender),
        "To": _safely(lambda: message.to),
        "Date": _safely(lambda: message.date),
        "Subject": _safely(lambda: message.subject),
    }
    lines = [f"{name}: {value}" for name, value in headers.items() if value]
    body = _safely(lambda: message.body)
    if not body:
        html = _safely(lambda: message.htmlBody)
        if isinstance(html, bytes):
            body = html_to_text(html.decode("utf-8", "replace"))
    return "\n".join(lines) + "\n\n" + str(body or "")


def _outlook_attachments(message: Any, attachment_type: Any) -> Iterator[tuple[str, bytes]]:
    for number, attachment in enumerate(_safely(lambda: message.attachments) or [], start=1):
        data: Any = _safely(partial(getattr, attachment, "data"))
        if getattr(attachment, "type", None) == attachment_type.MSG and data is not None:
            content = _safely(data.exportBytes)  # a forwarded Outlook message, kept as .msg
            if isinstance(content, bytes):
                yield f"forwarded-message-{number}.msg", content
        elif isinstance(data, bytes):
            name = _safely(attachment.getFilename) or f"attachment-{number}.bin"
            yield str(name), data


def _safely(read: Callable[[], T]) -> T | None:
    """extract-msg computes properties lazily and raises many kinds on a broken file."""
    try:
        return read()
    except Exception:
        return None
