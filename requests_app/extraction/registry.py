"""One registry from a sniffed kind of file to the extractor that reads it.

`run_extraction` and `run_ocr` wrap the extractors so that every run ends with exactly
one `Outcome` and never raises, whatever the file holds, and so that the page limit and
the page-loop deadline hold for every format alike.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

from requests_app.extraction import archives, images, office, pdf, text
from requests_app.extraction.base import (
    Event,
    ExtractionProblem,
    Extractor,
    LimitReached,
    Outcome,
    PageCount,
    PageText,
    Source,
    Unsupported,
)
from requests_app.extraction.limits import megabytes
from requests_app.extraction.sniffing import IMAGE_KINDS, FileKind, sniff
from requests_app.models.documents import ExtractionStatus

logger = logging.getLogger(__name__)


def _unsupported(message: str) -> Extractor:
    def refuse(source: Source) -> Iterator[Event]:
        raise Unsupported(message)

    return refuse


def _empty(source: Source) -> Iterator[Event]:
    yield PageCount(0)


EXTRACTORS: dict[FileKind, Extractor] = {
    FileKind.PDF: pdf.extract_pdf,
    **dict.fromkeys(IMAGE_KINDS, images.extract_image),
    FileKind.DOCX: office.extract_docx,
    FileKind.XLSX: office.extract_xlsx,
    FileKind.PPTX: office.extract_pptx,
    FileKind.ODT: office.extract_odt,
    FileKind.ODS: office.extract_ods,
    FileKind.ODP: office.extract_odp,
    FileKind.RTF: office.extract_rtf,
    FileKind.DOC: office.legacy_extractor("doc"),
    FileKind.XLS: office.legacy_extractor("xls"),
    FileKind.PPT: office.legacy_extractor("ppt"),
    FileKind.OOXML_ENCRYPTED: office.extract_encrypted_ooxml,
    FileKind.ZIP: archives.extract_zip,
    FileKind.EML: archives.extract_eml,
    FileKind.MSG: archives.extract_outlook_msg,
    FileKind.HTML: text.extract_html,
    FileKind.CSV: text.extract_csv,
    FileKind.TEXT: text.extract_plain_text,
    FileKind.EMPTY: _empty,
    FileKind.SEVEN_ZIP: _unsupported("7-Zip archives are not supported; a zip file would be."),
    FileKind.RAR: _unsupported("RAR archives are not supported; a zip file would be."),
    FileKind.GZIP: _unsupported("gzip and tar archives are not supported; a zip file would be."),
    FileKind.UNKNOWN: _unsupported("The file's format was not recognised, so it has no text."),
}

OcrReader = Callable[[Source, list[int]], Iterator[Event]]
OCR_READERS: dict[FileKind, OcrReader] = {
    FileKind.PDF: pdf.ocr_pdf,
    **dict.fromkeys(IMAGE_KINDS, images.ocr_image),
}


def sniff_path(path: Path) -> FileKind:
    with path.open("rb") as stream:
        return sniff(stream)


def run_extraction(source: Source) -> Iterator[Event]:
    """The events of reading `source`, ending with one Outcome; never raises."""
    try:
        kind = sniff_path(source.path)
    except OSError as error:
        yield Outcome(ExtractionStatus.FAILED, f"The stored file could not be read: {error}")
        return
    yield from guarded(kind, lambda: EXTRACTORS[kind](source), source)


def run_ocr(source: Source, numbers: list[int]) -> Iterator[Event]:
    """OCR events for the given pages, ending with one Outcome; never raises."""
    try:
        kind = sniff_path(source.path)
    except OSError as error:
        yield Outcome(ExtractionStatus.FAILED, f"The stored file could not be read: {error}")
        return
    reader = OCR_READERS.get(kind)
    if reader is None:
        yield Outcome(ExtractionStatus.FAILED, f"A {kind} file has no page images to read.", kind)
        return
    yield from guarded(kind, lambda: reader(source, numbers), source)


def guarded(
    kind: FileKind, start: Callable[[], Iterator[Event]], source: Source
) -> Iterator[Event]:
    try:
        _check_size(source)
        with closing(start()) as events:  # type: ignore[type-var]
            yield from _within_page_limit(events, source)
    except ExtractionProblem as problem:
        yield Outcome(problem.status, problem.detail, kind)
    except MemoryError:
        limit = megabytes(source.limits.memory_limit)
        yield Outcome(ExtractionStatus.FAILED, f"Reading the file needed more than {limit}.", kind)
    except RecursionError:
        yield Outcome(ExtractionStatus.FAILED, "The file is nested too deeply to read.", kind)
    except Exception as error:  # a library's bug must not end a worker: keep the reason
        logger.exception("Unexpected error while reading a %s file", kind)
        detail = f"Unexpected error while reading the {kind} file: {type(error).__name__}: {error}"
        yield Outcome(ExtractionStatus.FAILED, detail[:1000], kind)
    else:
        yield Outcome(ExtractionStatus.DONE, "", kind)


def _check_size(source: Source) -> None:
    size, limit = source.size, source.limits.max_file_bytes
    if size > limit:
        raise LimitReached(
            f"The file is {megabytes(size)}, more than the {megabytes(limit)} limit for one file."
        )


def _within_page_limit(events: Iterator[Event], source: Source) -> Iterator[Event]:
    limit = source.limits.max_pages
    announced = 0
    pages = 0
    for event in events:
        if isinstance(event, PageCount) and event.total > limit:
            announced = event.total
            event = PageCount(limit)
        if isinstance(event, PageText):
            if pages >= limit:
                of_total = f" of {announced:,}" if announced else ""
                raise LimitReached(
                    f"Stopped at the limit of {limit:,} pages{of_total}; those pages were kept."
                )
            pages += 1
        yield event
        source.check_time(f"after {pages} pages")
