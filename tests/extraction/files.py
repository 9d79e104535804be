"""Documents generated for the tests: PDFs with and without a text layer, office files,
archives, mail and a compound (OLE) file, all built in memory, nothing checked in."""

from __future__ import annotations

import io
import struct
import zipfile
from email.message import EmailMessage
from pathlib import Path

import docx
import openpyxl
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter

FONT_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)


# --- PDF ----------------------------------------------------------------------------


def text_pdf(pages: list[str]) -> bytes:
    """A PDF with a real text layer (Helvetica), one string of lines per page."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below, once the page tree's number is known
    tree = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    kids = []
    for text in pages:
        stream = _content_stream(text)
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] "
                b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                % (tree, font, content)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % tree
    references = b" ".join(b"%d 0 R" % kid for kid in kids)
    objects[tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (references, len(kids))
    return _serialise(objects, root=catalog)


def _content_stream(text: str) -> bytes:
    lines = [b"BT /F1 12 Tf 72 770 Td 14 TL"]
    for line in text.splitlines():
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        lines.append(b"(" + escaped.encode("latin-1") + b") Tj T*")
    lines.append(b"ET")
    return b"\n".join(lines)


def _serialise(objects: list[bytes], root: int) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\n" % (len(objects) + 1, root)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def weasyprint_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=html).write_pdf())


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def text_image(text: str, width: int = 1400) -> Image.Image:
    """Black text on white, large and clean enough for tesseract to read reliably."""
    lines = text.splitlines()
    image = Image.new("L", (width, 120 + 80 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        draw.text((60, 60 + 80 * index), line, font=font(48), fill=0)
    return image


def scanned_pdf(pages: list[str]) -> bytes:
    """An image-only PDF, like a scanner's: no text layer at all."""
    images = [text_image(text) for text in pages]
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", resolution=150, save_all=True, append_images=images[1:])
    return buffer.getvalue()


def image_bytes(text: str, format: str) -> bytes:
    buffer = io.BytesIO()
    text_image(text).save(buffer, format=format)
    return buffer.getvalue()


def multipage_tiff(pages: list[str]) -> bytes:
    images = [text_image(text) for text in pages]
    buffer = io.BytesIO()
    images[0].save(buffer, format="TIFF", save_all=True, append_images=images[1:], dpi=(200, 200))
    return buffer.getvalue()


def encrypted_pdf(text: str, user_password: str) -> bytes:
    reader = PdfReader(io.BytesIO(text_pdf([text])))
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.encrypt(user_password=user_password, owner_password="owner-secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def truncated(content: bytes, keep: float = 0.6) -> bytes:
    return content[: int(len(content) * keep)]


# --- office -------------------------------------------------------------------------


def docx_with_table() -> bytes:
    document = docx.Document()
    document.add_heading("Response to your request FOI-2026-0042", level=1)
    document.add_paragraph("We hold the information you asked for. It is set out below.")
    table = document.add_table(rows=3, cols=3)
    rows = [
        ("Year", "Consultants", "Spend"),
        ("2024", "McKinsey", "£1,200,000"),
        ("2025", "Deloitte", "£950,000"),
    ]
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_paragraph("Yours sincerely, Information Rights Team")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_two_sheets() -> bytes:
    workbook = openpyxl.Workbook()
    spend = workbook.active
    assert spend is not None
    spend.title = "Spend 2025"
    spend.append(["Supplier", "Amount"])
    spend.append(["Capita", 125000])
    spend.append(["Serco", 98000.5])
    staff = workbook.create_sheet("Headcount")
    staff.append(["Directorate", "Staff"])
    staff.append(["Estates", 41])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


ODF_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" office:version="1.3"'
)


def odf(mimetype: str, body: str) -> bytes:
    content = f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NAMESPACES}><office:body>{body}</office:body></office:document-content>'  # noqa: E501
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def odt() -> bytes:
    return odf(
        "application/vnd.oasis.opendocument.text",
        "<office:text><text:h>Internal review</text:h>"
        "<text:p>We have<text:s text:c='2'/>reviewed the handling.<text:tab/>Upheld.</text:p>"
        "<table:table><table:table-row><table:table-cell><text:p>Exemption</text:p>"
        "</table:table-cell><table:table-cell><text:p>s.43(2)</text:p></table:table-cell>"
        "</table:table-row></table:table></office:text>",
    )


def ods() -> bytes:
    return odf(
        "application/vnd.oasis.opendocument.spreadsheet",
        "<office:spreadsheet>"
        "<table:table table:name='Waiting times'><table:table-row>"
        "<table:table-cell><text:p>Trust</text:p></table:table-cell>"
        "<table:table-cell><text:p>Weeks</text:p></table:table-cell>"
        "<table:table-cell table:number-columns-repeated='16000'/></table:table-row>"
        "<table:table-row table:number-rows-repeated='1048000'><table:table-cell/>"
        "</table:table-row>"
        "</table:table>"
        "<table:table table:name='Notes'><table:table-row><table:table-cell>"
        "<text:p>Figures are provisional</text:p></table:table-cell></table:table-row>"
        "</table:table></office:spreadsheet>",
    )


RTF_LETTER = (
    r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Times New Roman;}}{\colortbl;\red0\green0\blue0;}"
    r"{\*\generator Riched20;}{\info{\title Secret title}}"
    r"\pard Dear Ms Smith,\par We enclose the d\'e9cision notice \u8212? as promised.\par"
    r"{\pict\wmetafile8 0123456789abcdef}Total: \'a3450\tab paid\par}"
)


# --- archives, mail and compound files ----------------------------------------------


def zip_of(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def zip_bomb(unpacked_bytes: int = 8 * 1024 * 1024) -> bytes:
    """Zeros compress about a thousand to one: a few KB that claim megabytes."""
    return zip_of({"report.txt": b"\0" * unpacked_bytes})


def email_with_attachments(subject: str, body: str, files: dict[str, bytes]) -> bytes:
    message = EmailMessage()
    message["From"] = "FOI Team <foi@body.example.gov.uk>"
    message["To"] = "campaigner@example.org"
    message["Subject"] = subject
    message["Date"] = "Mon, 12 Jan 2026 09:30:00 +0000"
    message.set_content(body)
    for name, content in files.items():
        maintype, subtype = ("text", "csv") if name.endswith(".csv") else ("application", "pdf")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (MS-CFB version 3) with streams in its root storage.

    Each stream is padded to the 4096-byte mini-stream cutoff so that every stream lives
    in ordinary sectors and no mini FAT is needed."""
    sector = 512
    end, free, fat_mark = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    names = list(streams)
    datas = [content.ljust(4096, b"\0") for content in streams.values()]
    directory_sectors = (len(names) + 1 + 3) // 4
    data_sectors = sum(len(data) // sector for data in datas)
    fat_sectors = 1
    while fat_sectors * 128 < fat_sectors + directory_sectors + data_sectors:
        fat_sectors += 1
    fat = [fat_mark] * fat_sectors
    directory_start = len(fat)
    fat += [*range(directory_start + 1, directory_start + directory_sectors), end]
    starts = []
    for data in datas:
        count = len(data) // sector
        starts.append(len(fat))
        fat += [*range(len(fat) + 1, len(fat) + count), end]
    fat += [free] * (fat_sectors * 128 - len(fat))
    entries = [_directory_entry("Root Entry", 5, child=1 if names else None, start=end, size=0)]
    for index, (name, data) in enumerate(zip(names, datas, strict=True), start=1):
        right = index + 1 if index < len(names) else None
        entries.append(
            _directory_entry(name, 2, right=right, start=starts[index - 1], size=len(data))
        )
    directory = b"".join(entries).ljust(directory_sectors * sector, b"\0")
    difat = list(range(fat_sectors)) + [free] * (109 - fat_sectors)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, fat_sectors, directory_start, 0, 4096, end, 0, end, 0)
        + struct.pack("<109I", *difat)
    )
    body = struct.pack(f"<{len(fat)}I", *fat) + directory + b"".join(datas)
    return header + body


def _directory_entry(
    name: str,
    kind: int,
    *,
    child: int | None = None,
    right: int | None = None,
    start: int,
    size: int,
) -> bytes:
    nostream = 0xFFFFFFFF
    encoded = name.encode("utf-16-le") + b"\0\0"
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBB", len(encoded), kind, 1)
        + struct.pack(
            "<III",
            nostream,
            nostream if right is None else right,
            nostream if child is None else child,
        )
        + b"\0" * 16
        + b"\0" * 4
        + b"\0" * 16
        + struct.pack("<IQ", start, size)
    )
