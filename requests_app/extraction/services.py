"""Turning an attachment into searchable pages: claim it, read it in a child process, store.

Statuses: pending → extracting → done / needs_ocr / failed / encrypted / unsupported, and
needs_ocr → extracting → ocr_done (or failed). A run claims its attachment with a
conditional UPDATE, so a task delivered twice reads the file once. Pages are written in
batches as they arrive, with `pages_done` for the progress bar; whatever was read before
a limit or an error stopped the run is kept, and the original file is never touched.

A claim holds a lease (`lease_until`) a little longer than the run's time limit. A worker
that dies mid-run leaves its attachment "extracting"; once the lease has run out, the next
extract task (or the stranded-work sweep, see requests_app/queueing.py) takes it back and
reads it again from the start. Only the run holding the claim records how it ended.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from django.db import transaction
from django.db.models import F, Q, Sum
from django.db.models.functions import Length
from django.utils import timezone

from requests_app.extraction import schedule_extraction, schedule_ocr
from requests_app.extraction.base import (
    EmbeddedFile,
    Event,
    Outcome,
    PageCount,
    PageSkipped,
    PageText,
    Source,
    clean_text,
)
from requests_app.extraction.limits import (
    ExtractionLimits,
    current_limits,
    current_ocr_settings,
)
from requests_app.extraction.ocr import INSTALL_HINT, ocr_available
from requests_app.extraction.registry import run_extraction, run_ocr
from requests_app.extraction.sandbox import GRACE_SECONDS, run_isolated
from requests_app.files import guess_content_type, safe_filename
from requests_app.models import Attachment, DocumentPage, ExtractionStatus
from requests_app.models.documents import AttachmentQuerySet, store_blob
from requests_app.queueing import stranded_after

logger = logging.getLogger(__name__)

PAGE_BATCH = 200
# Progress is written at least this often while pages arrive slowly.
PROGRESS_SECONDS = 1.0
RUNNING = ExtractionStatus.EXTRACTING
OCR_UNAVAILABLE = f"OCR is not available on this server: {INSTALL_HINT}."
# A lease outlasts the run's time limit and the reader's grace by this much, for the
# writing that follows the reading.
LEASE_MARGIN = dt.timedelta(minutes=2)
WORKER_DIED = "The worker reading it stopped before the end; it is queued again."
# The most of each kind the stranded-work sweep queues in one run; the rest wait for the next.
STRANDED_BATCH = 500


@dataclass(frozen=True)
class ExtractionResult:
    attachment_id: int
    status: str
    detail: str = ""
    page_count: int = 0
    children: tuple[int, ...] = ()
    ocr_queued: bool = False
    skipped: bool = False  # another run had it, or it was not waiting for this step


# --- the extraction step ------------------------------------------------------------


def extract_attachment(*, attachment_id: int) -> ExtractionResult:
    """Read a pending attachment's text into DocumentPages; unpack archives into children."""
    attachment = _claim(attachment_id, ExtractionStatus.PENDING, fresh=True)
    if attachment is None:
        return _not_claimed(attachment_id)
    try:
        return _extract(attachment)
    except Exception as error:  # the database or the file store failed: say so, don't hang
        logger.exception("Extraction of attachment %s failed", attachment_id)
        return _finish(attachment, ExtractionStatus.FAILED, f"Internal error: {error}"[:1000])


def _extract(attachment: Attachment) -> ExtractionResult:
    limits = current_limits()
    if attachment.size > limits.max_file_bytes:
        detail = f"The file is larger than the {limits.max_file_bytes:,} byte limit for one file."
        return _finish(attachment, ExtractionStatus.FAILED, detail)
    with tempfile.TemporaryDirectory(prefix="foi-extract-") as folder:
        try:
            source = _source(attachment, Path(folder), limits, limits.time_limit)
        except OSError as error:
            return _finish(
                attachment, ExtractionStatus.FAILED, f"The stored file is missing: {error}"
            )
        writer = PageWriter(attachment.pk)
        children = ChildStore(attachment)
        events = run_isolated(
            lambda: run_extraction(source),
            deadline=source.deadline,
            time_limit=limits.time_limit,
            memory_limit=limits.memory_limit,
        )
        outcome = _consume(events, writer, children)
        with transaction.atomic():
            child_ids = children.save()
            return _conclude(attachment, outcome, writer, child_ids)


def _consume(events: Iterator[Event], writer: PageWriter, children: ChildStore) -> Outcome:
    outcome = Outcome(ExtractionStatus.FAILED, "The reader ended without a result.")
    for event in events:
        if isinstance(event, PageText):
            writer.add(event)
        elif isinstance(event, PageCount):
            writer.announce(event.total)
        elif isinstance(event, EmbeddedFile):
            children.add(event)
        elif isinstance(event, Outcome):
            outcome = event
    writer.flush()
    return outcome


def _conclude(
    attachment: Attachment, outcome: Outcome, writer: PageWriter, child_ids: list[int]
) -> ExtractionResult:
    for child_id in child_ids:
        schedule_extraction(child_id)
    if outcome.status != ExtractionStatus.DONE or not writer.scanned:
        result = _finish(attachment, outcome.status, outcome.detail, pages=writer.count)
        return replace(result, children=tuple(child_ids))
    # Some pages are images of text: they wait for the OCR queue.
    available = ocr_available()
    scans = f"{writer.scanned} of {writer.count} pages are scanned images"
    detail = f"{scans}: waiting for OCR." if available else f"{scans}. {OCR_UNAVAILABLE}"
    result = _finish(
        attachment,
        ExtractionStatus.NEEDS_OCR,
        detail,
        pages=writer.count,
        done=writer.count - writer.scanned,
        # Queued for OCR: the sweep queues it again if no worker has started it by then.
        lease_until=timezone.now() + stranded_after() if available else None,
    )
    if available:
        schedule_ocr(attachment.pk)
    return replace(result, ocr_queued=available, children=tuple(child_ids))


# --- the OCR step -------------------------------------------------------------------


def ocr_attachment(*, attachment_id: int) -> ExtractionResult:
    """Read the scanned pages of an attachment waiting for OCR."""
    if not ocr_available():
        Attachment.objects.filter(pk=attachment_id, status=ExtractionStatus.NEEDS_OCR).update(
            status_detail=OCR_UNAVAILABLE, lease_until=None
        )
        return ExtractionResult(
            attachment_id, ExtractionStatus.NEEDS_OCR, OCR_UNAVAILABLE, skipped=True
        )
    attachment = _claim(attachment_id, ExtractionStatus.NEEDS_OCR, fresh=False)
    if attachment is None:
        return _not_claimed(attachment_id)
    try:
        return _recognise(attachment)
    except Exception as error:
        logger.exception("OCR of attachment %s failed", attachment_id)
        return _finish(attachment, ExtractionStatus.FAILED, f"Internal error during OCR: {error}")


def _recognise(attachment: Attachment) -> ExtractionResult:
    limits = current_limits()
    numbers = scanned_page_numbers(attachment.pk)
    with tempfile.TemporaryDirectory(prefix="foi-ocr-") as folder:
        try:
            source = _source(attachment, Path(folder), limits, limits.ocr_time_limit)
        except OSError as error:
            return _finish(
                attachment, ExtractionStatus.FAILED, f"The stored file is missing: {error}"
            )
        events = run_isolated(
            lambda: run_ocr(source, numbers),
            deadline=source.deadline,
            time_limit=limits.ocr_time_limit,
            memory_limit=limits.memory_limit,
        )
        outcome, skipped = _store_recognised(attachment.pk, events)
    pages = DocumentPage.objects.filter(attachment_id=attachment.pk).count()
    if outcome.status != ExtractionStatus.DONE:
        return _finish(attachment, outcome.status, outcome.detail, pages=pages, done=None)
    if numbers and len(skipped) == len(numbers):
        detail = "OCR could not read any page: " + "; ".join(skipped[:5])
        return _finish(attachment, ExtractionStatus.FAILED, detail, pages=pages)
    detail = "; ".join(skipped[:10])
    if skipped:
        detail = f"{len(skipped)} pages could not be read: {detail}"
    return _finish(attachment, ExtractionStatus.OCR_DONE, detail, pages=pages)


def scanned_page_numbers(attachment_id: int) -> list[int]:
    """Pages whose text layer is too thin to be the page's real text."""
    min_chars = current_ocr_settings().min_text_chars
    # Long texts cannot be thin; only short ones are fetched and their letters counted.
    candidates = (
        DocumentPage.objects.filter(attachment_id=attachment_id)
        .annotate(length=Length("text"))
        .filter(length__lt=min_chars * 50)
        .values_list("number", "text")
    )
    return [number for number, text in candidates if len("".join(text.split())) < min_chars]


def _store_recognised(attachment_id: int, events: Iterator[Event]) -> tuple[Outcome, list[str]]:
    outcome = Outcome(ExtractionStatus.FAILED, "OCR ended without a result.")
    skipped: list[str] = []
    for event in events:
        if isinstance(event, PageText):
            DocumentPage.objects.filter(attachment_id=attachment_id, number=event.number).update(
                text=clean_text(event.text)
            )
        elif isinstance(event, PageSkipped):
            skipped.append(f"page {event.number}: {event.reason}")
        elif isinstance(event, Outcome):
            outcome = event
        if isinstance(event, PageText | PageSkipped):
            Attachment.objects.filter(pk=attachment_id).update(pages_done=F("pages_done") + 1)
    return outcome, skipped


# --- retrying -----------------------------------------------------------------------


def retry_extraction(*, attachment_ids: Iterable[int]) -> list[int]:
    """Put attachments back in the queue (not those being read right now); returns their ids."""
    ids = list(
        Attachment.objects.filter(pk__in=list(attachment_ids))
        .exclude(status=RUNNING)
        .values_list("pk", flat=True)
    )
    reset_for_extraction(ids)
    for attachment_id in ids:
        schedule_extraction(attachment_id)
    return ids


def reset_for_extraction(attachment_ids: list[int]) -> int:
    return Attachment.objects.filter(pk__in=attachment_ids).update(
        status=ExtractionStatus.PENDING,
        status_detail="",
        pages_done=0,
        lease_until=timezone.now() + stranded_after(),
    )


def requeue_stranded(*, now: dt.datetime) -> int:
    """Queue again what waited past its lease, and what a worker that died was reading."""
    later = now + stranded_after()
    released = {"status": ExtractionStatus.PENDING, "status_detail": WORKER_DIED}
    to_read = _take(Attachment.objects.abandoned(now), later, **released)
    to_read += _take(Attachment.objects.stranded(now, stranded_after()), later)
    to_recognise = _take(Attachment.objects.stranded_for_ocr(now), later)
    for attachment_id in to_read:
        schedule_extraction(attachment_id)
    for attachment_id in to_recognise:
        schedule_ocr(attachment_id)
    return len(to_read) + len(to_recognise)


def _take(attachments: AttachmentQuerySet, later: dt.datetime, **changes: object) -> list[int]:
    """Give a batch of them a new lease (and `changes`); their ids, to be queued."""
    ids = list(attachments.order_by("pk").values_list("pk", flat=True)[:STRANDED_BATCH])
    # The same conditions again in the UPDATE: a row a worker claimed meanwhile keeps its lease.
    attachments.filter(pk__in=ids).update(lease_until=later, **changes)
    return ids


# --- shared steps -------------------------------------------------------------------


def _claim(attachment_id: int, waiting: str, *, fresh: bool) -> Attachment | None:
    """Take the attachment for this run, or None when it is not waiting for this step.

    A fresh read also takes back an attachment whose last reader's lease ran out."""
    now = timezone.now()
    changes: dict[str, object] = {
        "status": RUNNING,
        "extraction_attempts": F("extraction_attempts") + 1,
        "lease_until": now + lease_length(fresh=fresh),
    }
    claimable = Q(status=waiting)
    if fresh:
        changes.update(status_detail="", page_count=None, pages_done=0)
        claimable |= Q(status=RUNNING, lease_until__lt=now)
    claimed = Attachment.objects.filter(claimable, pk=attachment_id).update(**changes)
    if claimed != 1:
        return None
    if fresh:
        DocumentPage.objects.filter(attachment_id=attachment_id).delete()
    return Attachment.objects.get(pk=attachment_id)


def lease_length(*, fresh: bool) -> dt.timedelta:
    """Longer than a run can take: the reader is stopped at its time limit plus a grace."""
    limits = current_limits()
    seconds = limits.time_limit if fresh else limits.ocr_time_limit
    return dt.timedelta(seconds=seconds + GRACE_SECONDS) + LEASE_MARGIN


def _not_claimed(attachment_id: int) -> ExtractionResult:
    status = Attachment.objects.filter(pk=attachment_id).values_list("status", flat=True).first()
    return ExtractionResult(attachment_id, status or "", "Not waiting for this step.", skipped=True)


def _finish(
    attachment: Attachment,
    status: str,
    detail: str,
    *,
    pages: int = 0,
    done: int | None = -1,
    lease_until: dt.datetime | None = None,
) -> ExtractionResult:
    """Record how the run ended. `done` defaults to every page; None leaves it as it is.

    Only while this run still holds the claim: a run that outlived its lease and was
    taken back records nothing."""
    changes: dict[str, object] = {
        "status": status,
        "status_detail": detail,
        "page_count": pages,
        "lease_until": lease_until,
    }
    if done is not None:
        changes["pages_done"] = pages if done == -1 else done
    Attachment.objects.filter(
        pk=attachment.pk, status=RUNNING, extraction_attempts=attachment.extraction_attempts
    ).update(**changes)
    return ExtractionResult(attachment.pk, status, detail, page_count=pages)


def _source(
    attachment: Attachment, folder: Path, limits: ExtractionLimits, seconds: float
) -> Source:
    return Source(
        path=_local_copy(attachment, folder),
        workdir=folder,
        limits=limits,
        ocr=current_ocr_settings(),
        deadline=time.monotonic() + seconds,
        time_limit=seconds,
        depth=_depth(attachment, limits.max_depth),
        unpack_budget=_unpack_budget(attachment, limits),
    )


def _local_copy(attachment: Attachment, folder: Path) -> Path:
    """A path the reader can open: the stored file itself on local storage, else a copy."""
    try:
        path = Path(attachment.file.path)
    except NotImplementedError:
        path = folder / "original"
        with attachment.file.open("rb") as stored, path.open("wb") as copy:
            shutil.copyfileobj(stored, copy, 1024 * 1024)
    if not path.is_file():
        raise FileNotFoundError(attachment.file.name)
    return path


def _depth(attachment: Attachment, max_depth: int) -> int:
    """How many archives or emails this attachment sits inside."""
    depth, parent_id = 0, attachment.parent_id
    while parent_id is not None and depth <= max_depth:
        parent_id = (
            Attachment.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
        )
        depth += 1
    return depth


def _unpack_budget(attachment: Attachment, limits: ExtractionLimits) -> int:
    """What the message's archives may still unpack: one budget per message, so a zip of
    zips of zips cannot multiply it level by level. This attachment's own earlier
    unpacking (on a retry) does not count against it."""
    own = _descendant_ids(attachment.pk, limits.max_depth + 1)
    used = (
        Attachment.objects.filter(message_id=attachment.message_id, parent__isnull=False)
        .exclude(pk__in=own)
        .aggregate(total=Sum("size"))["total"]
    )
    return limits.max_unpacked_bytes - (used or 0)


def _descendant_ids(attachment_id: int, levels: int) -> list[int]:
    found: list[int] = []
    frontier = [attachment_id]
    for _ in range(levels):
        frontier = list(
            Attachment.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        if not frontier:
            break
        found += frontier
    return found


class PageWriter:
    """Pages in batches, with the progress counters kept up to date."""

    def __init__(self, attachment_id: int) -> None:
        self.attachment_id = attachment_id
        self.buffer: list[DocumentPage] = []
        self.count = 0
        self.scanned = 0
        self.last_flush = time.monotonic()

    def announce(self, total: int) -> None:
        Attachment.objects.filter(pk=self.attachment_id).update(page_count=total)

    def add(self, page: PageText) -> None:
        text = clean_text(page.text)
        self.buffer.append(
            DocumentPage(attachment_id=self.attachment_id, number=page.number, text=text)
        )
        self.count += 1
        self.scanned += page.needs_ocr
        if len(self.buffer) >= PAGE_BATCH or time.monotonic() - self.last_flush > PROGRESS_SECONDS:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            DocumentPage.objects.bulk_create(self.buffer)
            self.buffer = []
            Attachment.objects.filter(pk=self.attachment_id).update(pages_done=self.count)
        self.last_flush = time.monotonic()


class ChildStore:
    """Files found inside an archive or an email, stored as child attachments.

    A retry finds the children of the earlier run and keeps them (same name and content),
    so nothing is duplicated and links to them stay valid."""

    def __init__(self, parent: Attachment) -> None:
        self.parent = parent
        self.existing = {
            (child.filename, child.sha256): child.pk for child in parent.children.all()
        }
        self.seen: set[tuple[str, str]] = set()
        self.new: list[Attachment] = []
        self.kept: list[int] = []

    def add(self, embedded: EmbeddedFile) -> None:
        with open(embedded.path, "rb") as stream:
            name, sha256, size = store_blob(stream)
        filename = safe_filename(embedded.filename)
        key = (filename, sha256)
        if key in self.seen:  # the same file twice in one archive is stored once
            return
        self.seen.add(key)
        if key in self.existing:
            self.kept.append(self.existing[key])
            return
        child = Attachment(
            message_id=self.parent.message_id,
            parent=self.parent,
            filename=filename,
            content_type=guess_content_type(filename),
            size=size,
            sha256=sha256,
            file=name,
        )
        self.new.append(child)

    def save(self) -> list[int]:
        """Creates the new children; returns the ids of those waiting for extraction."""
        created = Attachment.objects.bulk_create(self.new)
        waiting = Attachment.objects.filter(pk__in=self.kept, status=ExtractionStatus.PENDING)
        return [child.pk for child in created] + list(waiting.values_list("pk", flat=True))
