"""Reading PDFs back the way a reader would: text per page (poppler), outline, fonts."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from pypdf import PdfReader

from requests_app.models import Campaign, FoiRequest
from requests_app.reports.bundle import write_bundle
from requests_app.reports.campaign_report import write_campaign_report

PDFTOTEXT = shutil.which("pdftotext")


def build_bundle(*, foi_request: FoiRequest, today: dt.date) -> bytes:
    """The complaint bundle as PDF bytes."""
    output = io.BytesIO()
    write_bundle(foi_request=foi_request, today=today, output=output)
    return output.getvalue()


def build_campaign_report(*, campaign: Campaign, user: User, today: dt.date) -> bytes:
    """The campaign report as PDF bytes."""
    output = io.BytesIO()
    write_campaign_report(campaign=campaign, user=user, today=today, output=output)
    return output.getvalue()


def page_texts(data: bytes) -> list[str]:
    """The text of each page, laid out (poppler's pdftotext, or pypdf without it)."""
    if PDFTOTEXT is None:
        reader = PdfReader(io.BytesIO(data))
        return [page.extract_text() or "" for page in reader.pages]
    result = subprocess.run(
        [PDFTOTEXT, "-layout", "-enc", "UTF-8", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
    )
    pages = result.stdout.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def flat(text: str) -> str:
    """Whitespace collapsed, so a phrase wrapped over two lines can still be found."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Bookmark:
    title: str
    page: int  # 1-based


def bookmarks(data: bytes) -> list[Bookmark]:
    reader = PdfReader(io.BytesIO(data))
    return [
        Bookmark(str(item.title), (reader.get_destination_page_number(item) or 0) + 1)
        for item in reader.outline
        if not isinstance(item, list)
    ]


def page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def embedded_fonts(data: bytes) -> dict[str, bool]:
    """Each font's base name -> whether its program is embedded in the file."""
    reader = PdfReader(io.BytesIO(data))
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        resources = page.get("/Resources")
        font_dict = resources.get_object().get("/Font") if resources else None
        for font in (font_dict.get_object() if font_dict else {}).values():
            _record_font(font.get_object(), fonts)
    return fonts


def _record_font(font: Any, fonts: dict[str, bool]) -> None:
    descriptor = font.get("/FontDescriptor")
    for descendant in font.get("/DescendantFonts", []):
        descriptor = descendant.get_object().get("/FontDescriptor") or descriptor
    descriptor = descriptor.get_object() if descriptor else {}
    embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    fonts[str(font.get("/BaseFont"))] = embedded
