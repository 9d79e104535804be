"""The complaint bundle: index, case summary, then every letter and attachment in date order.

Every page carries a continuous bundle page number in its top right corner, every item
has a bookmark, and the index gives each item's page range. The body is laid out first;
the index is then rendered until its own page count is stable, so the ranges it prints
are the final ones. Each part is rendered to a temporary file as soon as it is ready and
read back once while the bundle is assembled, so no page is held in memory twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import IO, TYPE_CHECKING

from pypdf import PdfReader, PdfWriter

from requests_app.models import Attachment, DocumentPage, FoiRequest, Message
from requests_app.redaction import disclosable_attachments, redaction_logs
from requests_app.reports import pdf
from requests_app.reports.case_summary import (
    TEMPLATE as SUMMARY_TEMPLATE,
)
from requests_app.reports.case_summary import (
    CaseRecord,
    load_case,
    message_day,
    summary_context,
)
from requests_app.reports.conversion import Caption, convert_attachment
from requests_app.reports.stamping import PageStamper, stamp_form

if TYPE_CHECKING:
    from requests_app.redaction.log import LogLine

INDEX_TEMPLATE = "pdf/bundle_index.html"
MESSAGES_TEMPLATE = "pdf/bundle_messages.html"
STAMPS_TEMPLATE = "pdf/bundle_stamps.html"
# Letters are typeset in batches, which bounds the memory one layout takes.
MESSAGES_PER_RENDER = 40
MAX_INDEX_LAYOUTS = 6

Progress = Callable[[int], None]


@dataclass
class BundleItem:
    number: int
    on: dt.date
    title: str
    message: Message | None = None
    attachment: Attachment | None = None
    note: str = ""
    reason: str = ""  # why it is not in the bundle
    source: Path | None = None  # the PDF its pages come from
    source_first: int = 0  # index of its first page in `source`
    page_count: int = 0
    first_page: int = 0  # the bundle page it starts on
    attachment_items: list[BundleItem] = field(default_factory=list)
    redaction_log: list[LogLine] = field(default_factory=list)  # when a redacted version

    @property
    def included(self) -> bool:
        return self.source is not None and self.page_count > 0

    @property
    def last_page(self) -> int:
        return self.first_page + self.page_count - 1

    @property
    def filename(self) -> str:
        return self.attachment.filename if self.attachment else ""


@dataclass(frozen=True)
class BundleResult:
    page_count: int
    index_pages: int
    items: list[BundleItem]


def write_bundle(
    *,
    foi_request: FoiRequest,
    today: dt.date,
    output: IO[bytes],
    progress: Progress | None = None,
) -> BundleResult:
    report = progress or (lambda percent: None)
    record = load_case(foi_request)
    items = plan_items(record, today)
    with TemporaryDirectory(prefix="foi-bundle-") as folder:
        workdir = Path(folder)
        render_summary(record, today, items[0], workdir)
        report(5)
        render_messages(record, items, workdir)
        report(15)
        convert_attachments(record, items, workdir, lambda done: report(15 + 60 * done // 100))
        index_path, index_pages = render_index(record, items, today, workdir)
        total = index_pages + sum(item.page_count for item in items)
        stamps_path = render_stamps(total, workdir)
        report(80)
        assemble(record.foi_request, index_path, index_pages, items, stamps_path, output)
        report(100)
    return BundleResult(page_count=total, index_pages=index_pages, items=items)


# --- what goes in, in what order ------------------------------------------------------


def _message_title(message: Message) -> str:
    who = "from the body" if message.direction == "in" else "from us"
    return f"{message.get_channel_display()} {who}: {message.subject or '(no subject)'}"


def plan_items(record: CaseRecord, today: dt.date) -> list[BundleItem]:
    """The case summary, then each message followed by its attachments, numbered.
    Where an attachment has a redacted version, the newest one stands in for it."""
    items = [BundleItem(number=1, on=today, title="Case summary")]
    by_message: dict[int, list[Attachment]] = {}
    disclosed = disclosable_attachments(record.attachments)
    logs = redaction_logs([attachment.pk for attachment in disclosed])
    for attachment in disclosed:
        by_message.setdefault(attachment.message_id, []).append(attachment)
    for message in record.messages:
        day = message_day(message)
        letter = BundleItem(len(items) + 1, day, _message_title(message), message=message)
        items.append(letter)
        for attachment in by_message.get(message.pk, []):
            item = BundleItem(
                len(items) + 1,
                day,
                f"Attachment: {attachment.filename}",
                attachment=attachment,
                redaction_log=logs.get(attachment.pk, []),
            )
            letter.attachment_items.append(item)
            items.append(item)
    return items


# --- rendering the parts --------------------------------------------------------------


def render_summary(record: CaseRecord, today: dt.date, item: BundleItem, workdir: Path) -> None:
    document = pdf.render_document(SUMMARY_TEMPLATE, summary_context(record, today))
    item.source = workdir / "case-summary.pdf"
    document.write_pdf(item.source)
    item.page_count = len(document.pages)


def _batches(items: list[BundleItem], size: int) -> Iterator[list[BundleItem]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def render_messages(record: CaseRecord, items: list[BundleItem], workdir: Path) -> None:
    letters = [item for item in items if item.message is not None]
    for batch_number, batch in enumerate(_batches(letters, MESSAGES_PER_RENDER)):
        context = {"reference": record.foi_request.reference, "entries": batch}
        document = pdf.render_document(MESSAGES_TEMPLATE, context)
        path = workdir / f"letters-{batch_number}.pdf"
        document.write_pdf(path)
        starts = _anchor_pages(document)
        ends = [starts[f"item-{item.number}"] for item in batch[1:]] + [len(document.pages)]
        for item, end in zip(batch, ends, strict=True):
            item.source, item.source_first = path, starts[f"item-{item.number}"]
            item.page_count = end - item.source_first


def _anchor_pages(document: object) -> dict[str, int]:
    """anchor name -> index of the page it is on."""
    found: dict[str, int] = {}
    for index, page in enumerate(document.pages):  # type: ignore[attr-defined]
        for name in page.anchors:
            found.setdefault(name, index)
    return found


def _extracted_texts(items: list[BundleItem]) -> dict[int, list[str]]:
    """Extracted page text of the attachments that are neither PDFs nor images, in one query."""
    wanted = [
        item.attachment.pk
        for item in items
        if item.attachment is not None
        and not item.attachment.content_type.startswith(("application/pdf", "image/"))
    ]
    texts: dict[int, list[str]] = {}
    pages = DocumentPage.objects.filter(attachment_id__in=wanted).order_by("attachment", "number")
    for attachment_id, text in pages.values_list("attachment_id", "text").iterator():
        texts.setdefault(attachment_id, []).append(text)
    return texts


def convert_attachments(
    record: CaseRecord, items: list[BundleItem], workdir: Path, progress: Progress
) -> None:
    texts = _extracted_texts(items)
    parents = {attachment.parent_id for attachment in record.attachments if attachment.parent_id}
    attachments = [item for item in items if item.attachment is not None]
    for done, item in enumerate(attachments, start=1):
        attachment = item.attachment
        assert attachment is not None
        caption = Caption(item.number, attachment.filename, item.on, record.foi_request.reference)
        converted = convert_attachment(
            attachment,
            caption=caption,
            workdir=workdir,
            extracted=texts.get(attachment.pk, []),
            has_children=attachment.pk in parents,
        )
        item.source, item.page_count = converted.path, converted.page_count
        item.note, item.reason = converted.note, converted.reason
        progress(100 * done // len(attachments))


def lay_out(items: list[BundleItem], index_pages: int) -> None:
    page = index_pages + 1
    for item in items:
        item.first_page = page if item.included else 0
        page += item.page_count if item.included else 0


def render_index(
    record: CaseRecord, items: list[BundleItem], today: dt.date, workdir: Path
) -> tuple[Path, int]:
    """Render the index until the number of pages it takes is the one its ranges assume."""
    index_pages = 1
    for _ in range(MAX_INDEX_LAYOUTS):
        lay_out(items, index_pages)
        document = pdf.render_document(
            INDEX_TEMPLATE, _index_context(record, items, today, index_pages)
        )
        if len(document.pages) == index_pages:
            path = workdir / "index.pdf"
            document.write_pdf(path)
            return path, index_pages
        index_pages = len(document.pages)
    raise RuntimeError("the bundle index did not settle on a page count")


def _index_context(
    record: CaseRecord, items: list[BundleItem], today: dt.date, index_pages: int
) -> dict[str, object]:
    return {
        "foi_request": record.foi_request,
        "regime": record.foi_request.regime_info,
        "items": items,
        "today": today,
        "index_pages": (1, index_pages),
        "total_pages": index_pages + sum(item.page_count for item in items if item.included),
        "excluded": sum(1 for item in items if not item.included),
    }


def render_stamps(total_pages: int, workdir: Path) -> Path:
    path = workdir / "stamps.pdf"
    numbers = range(1, total_pages + 1)
    pdf.render_document(STAMPS_TEMPLATE, {"numbers": numbers}).write_pdf(path)
    return path


# --- putting it together --------------------------------------------------------------


class BundleAssembler:
    """Copies pages into one writer, stamping each and bookmarking each item."""

    def __init__(self, stamps_path: Path) -> None:
        self.writer = PdfWriter()
        self.stamps = PdfReader(stamps_path)
        self.stamper = PageStamper(self.writer)
        box = self.stamps.pages[0].mediabox
        self.stamp_size = (float(box.width), float(box.height))

    def add(self, source: Path, first: int, count: int) -> int:
        """Append `count` pages of `source` from index `first`; returns the first new index."""
        start = len(self.writer.pages)
        # An open file, not a path: pypdf then reads the objects it copies, not the whole file.
        with source.open("rb") as stream:
            reader = PdfReader(stream)
            if reader.is_encrypted:
                reader.decrypt("")  # checked when converted: opens without a password
            for index in range(first, first + count):
                page = self.writer.add_page(reader.pages[index])
                number = len(self.writer.pages)
                form = stamp_form(self.writer, self.stamps.pages[number - 1])
                self.stamper.stamp(page, form, *self.stamp_size)
            # Let the reader go once its pages are copied (the writer keeps it otherwise).
            self.writer.reset_translation(reader)
        return start

    def bookmark(self, title: str, page_index: int) -> None:
        self.writer.add_outline_item(title=title, page_number=page_index)


def assemble(
    foi_request: FoiRequest,
    index_path: Path,
    index_pages: int,
    items: list[BundleItem],
    stamps_path: Path,
    output: IO[bytes],
) -> None:
    assembler = BundleAssembler(stamps_path)
    assembler.bookmark("Index", assembler.add(index_path, 0, index_pages))
    for item in items:
        if item.included:
            assert item.source is not None
            start = assembler.add(item.source, item.source_first, item.page_count)
            assembler.bookmark(f"{item.number}. {item.on.day} {item.on:%b %Y} {item.title}", start)
    assembler.writer.add_metadata(
        {
            "/Title": f"Complaint bundle {foi_request.reference}: {foi_request.title}",
            "/Author": "FOI Tracker",
            "/Subject": f"{foi_request.public_body.name}, {foi_request.reference}",
        }
    )
    assembler.writer.page_mode = "/UseOutlines"
    assembler.writer.write(output)
