"""A small writer of Outlook's winmail.dat (MS-OXTNEF), for the corpus and the parser tests.

tnefparse only reads; the corpus needs TNEF bodies Exchange sends (HTML or compressed RTF
in the MAPI properties, no plain text) and attached files.
"""

from __future__ import annotations

import struct

import compressed_rtf

TNEF_SIGNATURE = 0x223E9F78
MESSAGE, ATTACHMENT = 0x01, 0x02
# Attribute ids: type in the high word, name in the low (MS-OXTNEF 2.1.3.3).
ATT_TNEF_VERSION = 0x00089006
ATT_OEM_CODEPAGE = 0x00069007
ATT_MESSAGE_CLASS = 0x00078008
ATT_MSG_PROPS = 0x00069003
ATT_ATTACH_REND_DATA = 0x00069002
ATT_ATTACH_TITLE = 0x00018010
ATT_ATTACH_DATA = 0x0006800F
PT_LONG, PT_BINARY = 0x0003, 0x0102
PR_BODY_HTML, PR_RTF_COMPRESSED, PR_INTERNET_CPID = 0x1013, 0x1009, 0x3FDE


def _attribute(level: int, attribute_id: int, data: bytes) -> bytes:
    checksum = sum(data) & 0xFFFF
    return struct.pack("<BII", level, attribute_id, len(data)) + data + struct.pack("<H", checksum)


def _binary_property(name: int, value: bytes) -> bytes:
    padded = value + b"\x00" * (-len(value) % 4)
    return struct.pack("<HHII", PT_BINARY, name, 1, len(value)) + padded


def _long_property(name: int, value: int) -> bytes:
    return struct.pack("<HHI", PT_LONG, name, value)


def _property_list(properties: list[bytes]) -> bytes:
    return struct.pack("<I", len(properties)) + b"".join(properties)


def winmail_dat(
    *, html: str = "", rtf: str = "", files: tuple[tuple[str, bytes], ...] = ()
) -> bytes:
    """A winmail.dat whose body is only `html` (UTF-8) or only `rtf`, with `files` attached."""
    properties = [_long_property(PR_INTERNET_CPID, 65001)]
    if html:
        properties.append(_binary_property(PR_BODY_HTML, html.encode("utf-8")))
    if rtf:
        compressed = compressed_rtf.compress(rtf.encode())
        properties.append(_binary_property(PR_RTF_COMPRESSED, compressed))
    parts = [
        struct.pack("<IH", TNEF_SIGNATURE, 0x0001),
        _attribute(MESSAGE, ATT_TNEF_VERSION, struct.pack("<I", 0x00010000)),
        _attribute(MESSAGE, ATT_OEM_CODEPAGE, struct.pack("<II", 1252, 0)),
        _attribute(MESSAGE, ATT_MESSAGE_CLASS, b"IPM.Microsoft Mail.Note\x00"),
        _attribute(MESSAGE, ATT_MSG_PROPS, _property_list(properties)),
    ]
    for name, data in files:
        parts.append(_attribute(ATTACHMENT, ATT_ATTACH_REND_DATA, b"\x01\x00" + b"\x00" * 12))
        parts.append(_attribute(ATTACHMENT, ATT_ATTACH_TITLE, name.encode("cp1252") + b"\x00"))
        parts.append(_attribute(ATTACHMENT, ATT_ATTACH_DATA, data))
    return b"".join(parts)
