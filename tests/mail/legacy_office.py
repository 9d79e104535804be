"""Minimal legacy Office files (OLE2 compound files) that catdoc's readers accept.

Word 97 (a FIB naming an 8-bit text run), Excel BIFF8 (a workbook of LABEL and NUMBER
cells) and PowerPoint 97 (a TextCharsAtom in a document container): enough for the
text of a real file of each kind, written here rather than copied from anywhere.
"""

from __future__ import annotations

import struct

from tests.extraction.files import compound_file

FIB_SIZE = 0x400


def word_97(text: str) -> bytes:
    body = text.replace("\n", "\r").encode("cp1252") + b"\r"
    fib = bytearray(FIB_SIZE)
    struct.pack_into("<HH", fib, 0, 0xA5EC, 0x00C1)  # wIdent, nFib (Word 97)
    struct.pack_into("<II", fib, 24, FIB_SIZE, FIB_SIZE + len(body))  # fcMin, fcMac
    return compound_file({"WordDocument": bytes(fib) + body, "1Table": b"\0" * 16})


def _biff(record: int, data: bytes) -> bytes:
    return struct.pack("<HH", record, len(data)) + data


def _bof(kind: int) -> bytes:
    return _biff(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x06))


def _cell(row: int, column: int, value: str | float) -> bytes:
    if isinstance(value, str):
        text = value.encode("latin-1")
        return _biff(0x0204, struct.pack("<HHHHB", row, column, 0x0F, len(text), 0) + text)
    return _biff(0x0203, struct.pack("<HHHd", row, column, 0x0F, value))


def excel_97(sheet: str, rows: list[list[str | float]]) -> bytes:
    name = sheet.encode("latin-1")
    end = _biff(0x000A, b"")

    def boundsheet(offset: int) -> bytes:
        return _biff(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(name), 0) + name)

    workbook_globals = _bof(0x0005) + boundsheet(0) + end
    cells = b"".join(
        _cell(r, c, value) for r, row in enumerate(rows) for c, value in enumerate(row)
    )
    stream = _bof(0x0005) + boundsheet(len(workbook_globals)) + end + _bof(0x0010) + cells + end
    return compound_file({"Workbook": stream})


def _ppt_record(version: int, record: int, data: bytes) -> bytes:
    return struct.pack("<HHI", version, record, len(data)) + data


def powerpoint_97(slides: list[str]) -> bytes:
    atoms = b"".join(
        _ppt_record(0x0000, 0x0FA0, text.encode("utf-16-le")) for text in slides
    )  # TextCharsAtom
    slide_list = _ppt_record(0x000F, 0x0FF0, atoms)  # SlideListWithText
    return compound_file({"PowerPoint Document": _ppt_record(0x000F, 0x03E8, slide_list)})
