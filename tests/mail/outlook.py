"""Writing Outlook .msg files for the tests.

No library writes .msg messages from scratch, so this lays out the MAPI properties of
MS-OXMSG by hand and lets extract-msg's OleWriter write the compound file around them.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass, field

from extract_msg.ole_writer import OleWriter

PT_LONG = 0x0003
PT_UNICODE = 0x001F
PT_BINARY = 0x0102
ATTACH_BY_VALUE = 1
MAPI_TO = 1


@dataclass
class OutlookAttachment:
    filename: str
    data: bytes
    mime_type: str = "application/octet-stream"


@dataclass
class OutlookMessage:
    subject: str
    body: str
    sender_name: str
    sender_email: str
    to_email: str
    transport_headers: str = ""
    html_body: bytes = b""
    attachments: list[OutlookAttachment] = field(default_factory=list)


def _stream_name(prop_id: int, prop_type: int) -> str:
    return f"__substg1.0_{prop_id:04X}{prop_type:04X}"


def _variable_entry(prop_id: int, prop_type: int, size: int) -> bytes:
    """A property-stream entry for a value kept in its own stream (MS-OXMSG 2.4.2.2)."""
    return struct.pack("<HHIII", prop_type, prop_id, 0x6, size, 0)


def _fixed_entry(prop_id: int, prop_type: int, value: int) -> bytes:
    return struct.pack("<HHIQ", prop_type, prop_id, 0x6, value)


class _Storage:
    def __init__(self, writer: OleWriter, path: list[str]) -> None:
        self.writer = writer
        self.path = path
        self.entries: list[bytes] = []

    def text(self, prop_id: int, value: str) -> None:
        data = value.encode("utf-16-le")
        self.writer.addEntry([*self.path, _stream_name(prop_id, PT_UNICODE)], data)
        # MS-OXMSG 2.4.2.2: the size counts the terminating null the stream leaves out.
        self.entries.append(_variable_entry(prop_id, PT_UNICODE, len(data) + 2))

    def binary(self, prop_id: int, value: bytes) -> None:
        self.writer.addEntry([*self.path, _stream_name(prop_id, PT_BINARY)], value)
        self.entries.append(_variable_entry(prop_id, PT_BINARY, len(value)))

    def long(self, prop_id: int, value: int) -> None:
        self.entries.append(_fixed_entry(prop_id, PT_LONG, value))

    def finish(self, header: bytes) -> None:
        self.writer.addEntry(
            [*self.path, "__properties_version1.0"], header + b"".join(self.entries)
        )


def outlook_msg_bytes(message: OutlookMessage) -> bytes:
    writer = OleWriter()
    root = _Storage(writer, [])
    root.text(0x001A, "IPM.Note")  # PR_MESSAGE_CLASS
    root.text(0x0037, message.subject)  # PR_SUBJECT
    root.text(0x1000, message.body)  # PR_BODY
    root.text(0x0C1A, message.sender_name)  # PR_SENDER_NAME
    root.text(0x0C1F, message.sender_email)  # PR_SENDER_EMAIL_ADDRESS
    root.text(0x5D01, message.sender_email)  # PR_SENDER_SMTP_ADDRESS
    root.text(0x0E04, message.to_email)  # PR_DISPLAY_TO
    if message.transport_headers:
        root.text(0x007D, message.transport_headers)  # PR_TRANSPORT_MESSAGE_HEADERS
    if message.html_body:
        root.binary(0x1013, message.html_body)  # PR_HTML
    recipient = _Storage(writer, ["__recip_version1.0_#00000000"])
    writer.addEntry(recipient.path, storage=True)
    recipient.text(0x3001, message.to_email)  # PR_DISPLAY_NAME
    recipient.text(0x3003, message.to_email)  # PR_EMAIL_ADDRESS
    recipient.text(0x39FE, message.to_email)  # PR_SMTP_ADDRESS
    recipient.long(0x0C15, MAPI_TO)  # PR_RECIPIENT_TYPE
    recipient.finish(b"\x00" * 8)
    for number, attachment in enumerate(message.attachments):
        _add_attachment(writer, number, attachment)
    writer.addEntry(["__nameid_version1.0"], storage=True)
    for stream in ("__substg1.0_00020102", "__substg1.0_00030102", "__substg1.0_00040102"):
        writer.addEntry(["__nameid_version1.0", stream], b"")
    count = len(message.attachments)
    root.finish(b"\x00" * 8 + struct.pack("<IIII", 1, count, 1, count) + b"\x00" * 8)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _add_attachment(writer: OleWriter, number: int, attachment: OutlookAttachment) -> None:
    storage = _Storage(writer, [f"__attach_version1.0_#{number:08X}"])
    writer.addEntry(storage.path, storage=True)
    storage.long(0x3705, ATTACH_BY_VALUE)  # PR_ATTACH_METHOD
    storage.text(0x3707, attachment.filename)  # PR_ATTACH_LONG_FILENAME
    storage.text(0x3704, attachment.filename[:12])  # PR_ATTACH_FILENAME
    storage.text(0x370E, attachment.mime_type)  # PR_ATTACH_MIME_TAG
    storage.binary(0x3701, attachment.data)  # PR_ATTACH_DATA_BIN
    storage.finish(b"\x00" * 8)
