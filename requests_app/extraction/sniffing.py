"""What a file is, judged by its content: magic bytes, zip member names, OLE stream names.

The name and the declared type come from the sender and are often wrong ("scan.pdf" that
is a JPEG, "reply.doc" that is RTF), so they are never consulted here.
"""

from __future__ import annotations

import re
import zipfile
from enum import StrEnum
from typing import BinaryIO

import olefile

HEAD_BYTES = 8192


class FileKind(StrEnum):
    PDF = "pdf"
    PNG = "png"
    JPEG = "jpeg"
    TIFF = "tiff"
    GIF = "gif"
    BMP = "bmp"
    WEBP = "webp"
    DOCX = "docx"
    XLSX = "xlsx"
    PPTX = "pptx"
    ODT = "odt"
    ODS = "ods"
    ODP = "odp"
    RTF = "rtf"
    DOC = "doc"
    XLS = "xls"
    PPT = "ppt"
    OOXML_ENCRYPTED = "ooxml-encrypted"
    MSG = "msg"
    EML = "eml"
    ZIP = "zip"
    HTML = "html"
    CSV = "csv"
    TEXT = "text"
    EMPTY = "empty"
    SEVEN_ZIP = "7z"
    RAR = "rar"
    GZIP = "gzip"
    UNKNOWN = "unknown"


IMAGE_KINDS = frozenset(
    {FileKind.PNG, FileKind.JPEG, FileKind.TIFF, FileKind.GIF, FileKind.BMP, FileKind.WEBP}
)

MIME_TYPES: dict[FileKind, str] = {
    FileKind.PDF: "application/pdf",
    FileKind.PNG: "image/png",
    FileKind.JPEG: "image/jpeg",
    FileKind.TIFF: "image/tiff",
    FileKind.GIF: "image/gif",
    FileKind.BMP: "image/bmp",
    FileKind.WEBP: "image/webp",
    FileKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileKind.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    FileKind.ODT: "application/vnd.oasis.opendocument.text",
    FileKind.ODS: "application/vnd.oasis.opendocument.spreadsheet",
    FileKind.ODP: "application/vnd.oasis.opendocument.presentation",
    FileKind.RTF: "application/rtf",
    FileKind.DOC: "application/msword",
    FileKind.XLS: "application/vnd.ms-excel",
    FileKind.PPT: "application/vnd.ms-powerpoint",
    FileKind.MSG: "application/vnd.ms-outlook",
    FileKind.EML: "message/rfc822",
    FileKind.ZIP: "application/zip",
    FileKind.HTML: "text/html",
    FileKind.CSV: "text/csv",
    FileKind.TEXT: "text/plain",
}

MAGIC: list[tuple[bytes, FileKind]] = [
    (b"\x89PNG\r\n\x1a\n", FileKind.PNG),
    (b"\xff\xd8\xff", FileKind.JPEG),
    (b"II*\x00", FileKind.TIFF),
    (b"MM\x00*", FileKind.TIFF),
    (b"GIF87a", FileKind.GIF),
    (b"GIF89a", FileKind.GIF),
    (b"{\\rtf", FileKind.RTF),
    (b"7z\xbc\xaf\x27\x1c", FileKind.SEVEN_ZIP),
    (b"Rar!\x1a\x07", FileKind.RAR),
    (b"\x1f\x8b", FileKind.GZIP),
]
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")

ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": FileKind.ODT,
    b"application/vnd.oasis.opendocument.spreadsheet": FileKind.ODS,
    b"application/vnd.oasis.opendocument.presentation": FileKind.ODP,
}
OOXML_PARTS = (
    ("word/document.xml", FileKind.DOCX),
    ("xl/workbook.xml", FileKind.XLSX),
    ("ppt/presentation.xml", FileKind.PPTX),
)

# RFC 5322 s.2.2: a header field is printable ASCII except ":", then ":".
HEADER_LINE = re.compile(r"^([!-9;-~]+):")
MAIL_HEADERS = frozenset(
    {"from", "to", "date", "subject", "message-id", "received", "mime-version"}
)
HTML_START = re.compile(
    # A comment's body may not contain "-->", so there is one way to match: no backtracking blow-up.
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--(?:(?!-->).)*-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
    re.I | re.S,
)
# Byte order marks, longest first: a UTF-32 LE mark starts with the UTF-16 LE one.
UNICODE_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def sniff(stream: BinaryIO) -> FileKind:
    """The kind of the file in `stream` (seekable); never raises on any content."""
    try:
        stream.seek(0)
        head = stream.read(HEAD_BYTES)
        return _sniff(stream, head)
    except Exception:
        return FileKind.UNKNOWN


def sniff_head(head: bytes) -> FileKind:
    """The kind judged from the first bytes alone (zip and OLE files are not looked into)."""
    if not head:
        return FileKind.EMPTY
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind
    if b"%PDF-" in head[:1024]:  # readers accept junk before the header (PDF 32000 annex H)
        return FileKind.PDF
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return FileKind.WEBP
    if head.startswith(b"BM") and len(head) > 26 and head[6:10] == b"\x00\x00\x00\x00":
        return FileKind.BMP
    if head.startswith(ZIP_MAGICS):
        return FileKind.ZIP
    if head.startswith(OLE_MAGIC):
        return FileKind.UNKNOWN
    return _sniff_text(head)


def _sniff(stream: BinaryIO, head: bytes) -> FileKind:
    if head.startswith(ZIP_MAGICS):
        return _sniff_zip(stream)
    if head.startswith(OLE_MAGIC):
        return _sniff_ole(stream)
    return sniff_head(head)


def _sniff_zip(stream: BinaryIO) -> FileKind:
    try:
        archive = zipfile.ZipFile(stream)
        names = set(archive.namelist())
        if "mimetype" in names:
            with archive.open("mimetype") as member:
                kind = ODF_MIMETYPES.get(member.read(100).strip())
            if kind:
                return kind
    except Exception:
        return FileKind.ZIP  # the archive extractor explains what is wrong with it
    for part, kind in OOXML_PARTS:
        if part in names:
            return kind
    return FileKind.ZIP


def _sniff_ole(stream: BinaryIO) -> FileKind:
    stream.seek(0)
    with olefile.OleFileIO(stream) as ole:
        names = {"/".join(entry) for entry in ole.listdir(streams=True, storages=True)}
    if "EncryptedPackage" in names:  # MS-OFFCRYPTO: a password-protected docx/xlsx/pptx
        return FileKind.OOXML_ENCRYPTED
    if "WordDocument" in names:
        return FileKind.DOC
    if "Workbook" in names or "Book" in names:
        return FileKind.XLS
    if "PowerPoint Document" in names:
        return FileKind.PPT
    if any(name.startswith("__substg1.0_") for name in names):  # MS-OXMSG property streams
        return FileKind.MSG
    return FileKind.UNKNOWN


def _sniff_text(head: bytes) -> FileKind:
    sample = text_sample(head)
    if sample is None:
        return FileKind.UNKNOWN
    complete = len(head) < HEAD_BYTES
    if HTML_START.match(sample):
        return FileKind.HTML
    if looks_like_mail(sample):
        return FileKind.EML
    if csv_delimiter(sample, complete=complete) is not None:
        return FileKind.CSV
    return FileKind.TEXT


def text_sample(head: bytes) -> str | None:
    """The start of the file as text, or None when it looks binary."""
    for bom, codec in UNICODE_BOMS:
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, "replace")
    if b"\x00" in head:
        return None
    controls = sum(1 for byte in head if byte < 32 and byte not in b"\t\n\r\f\x1b")
    if controls > len(head) // 100:
        return None
    return head.decode("utf-8", "replace")


def looks_like_mail(sample: str) -> bool:
    """At least two RFC 5322 header fields before the first blank line, one of them a mail one."""
    lines = sample.splitlines()[:40]
    if lines and lines[0].startswith("From "):  # mbox "From_" line
        lines = lines[1:]
    names = []
    for line in lines:
        if not line.strip():
            break
        if line[:1] in (" ", "\t"):
            continue  # a folded continuation line
        match = HEADER_LINE.match(line)
        if not match:
            return False
        names.append(match.group(1).lower())
    return len(names) >= 2 and bool(MAIL_HEADERS.intersection(names))


CSV_DELIMITERS = (",", ";", "\t", "|")


def csv_delimiter(sample: str, *, complete: bool = True) -> str | None:
    """The delimiter if each of the first lines has the same number (at least one) of it."""
    lines = sample.splitlines()
    if not complete and len(lines) > 1:
        lines = lines[:-1]  # the sample may have cut the last line short
    lines = [line for line in lines[:20] if line.strip()]
    if len(lines) < 2:
        return None
    for delimiter in CSV_DELIMITERS:
        counts = {_count_outside_quotes(line, delimiter) for line in lines}
        if len(counts) == 1 and counts.pop() >= 1:
            return delimiter
    return None


def _count_outside_quotes(line: str, delimiter: str) -> int:
    return sum(part.count(delimiter) for part in line.split('"')[::2])
