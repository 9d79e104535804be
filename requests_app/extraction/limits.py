"""Safety limits for text extraction, read from settings with embedded defaults.

Every attachment comes from outside: a public body's mail server, an upload, a zip of
"everything we hold". A hostile or broken file must end in a status with a reason,
never in a hung or killed worker, so each kind of resource has a ceiling here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

MB = 1024 * 1024


@dataclass(frozen=True)
class ExtractionLimits:
    max_file_bytes: int
    max_pages: int
    max_unpacked_bytes: int
    max_ratio: int
    max_members: int
    max_depth: int
    time_limit: float
    ocr_time_limit: float
    ocr_page_time_limit: float
    memory_limit: int
    section_chars: int


@dataclass(frozen=True)
class OcrSettings:
    command: str
    languages: str
    dpi: int
    min_text_chars: int


def current_limits() -> ExtractionLimits:
    return ExtractionLimits(
        max_file_bytes=getattr(settings, "FOI_EXTRACTION_MAX_FILE_BYTES", 100 * MB),
        max_pages=getattr(settings, "FOI_EXTRACTION_MAX_PAGES", 5000),
        max_unpacked_bytes=getattr(settings, "FOI_ARCHIVE_MAX_UNPACKED_BYTES", 500 * MB),
        max_ratio=getattr(settings, "FOI_ARCHIVE_MAX_RATIO", 100),
        max_members=getattr(settings, "FOI_ARCHIVE_MAX_MEMBERS", 1000),
        max_depth=getattr(settings, "FOI_ARCHIVE_MAX_DEPTH", 3),
        time_limit=getattr(settings, "FOI_EXTRACTION_TIME_LIMIT", 300.0),
        ocr_time_limit=getattr(settings, "FOI_OCR_TIME_LIMIT", 3600.0),
        ocr_page_time_limit=getattr(settings, "FOI_OCR_PAGE_TIME_LIMIT", 120.0),
        memory_limit=getattr(settings, "FOI_EXTRACTION_MEMORY_LIMIT", 2048 * MB),
        section_chars=getattr(settings, "FOI_EXTRACTION_SECTION_CHARS", 20_000),
    )


def current_ocr_settings() -> OcrSettings:
    return OcrSettings(
        command=getattr(settings, "FOI_TESSERACT_COMMAND", "tesseract"),
        languages=getattr(settings, "FOI_OCR_LANGUAGES", "eng"),
        dpi=getattr(settings, "FOI_OCR_DPI", 300),
        min_text_chars=getattr(settings, "FOI_OCR_MIN_TEXT_CHARS", 20),
    )


def soffice_command() -> str:
    return getattr(settings, "FOI_SOFFICE_COMMAND", "soffice")


def megabytes(size: int) -> str:
    return f"{size / MB:,.1f} MB"
