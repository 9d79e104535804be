"""How far an attachment's extraction has got, in the words the pages show."""

from __future__ import annotations

from dataclasses import dataclass

from requests_app.extraction.ocr import ocr_available
from requests_app.models import Attachment, ExtractionStatus

WAITING_OR_RUNNING = frozenset({ExtractionStatus.PENDING, ExtractionStatus.EXTRACTING})
PROBLEMS = frozenset(
    {ExtractionStatus.FAILED, ExtractionStatus.ENCRYPTED, ExtractionStatus.UNSUPPORTED}
)


@dataclass(frozen=True)
class Progress:
    status: str
    label: str
    pages_done: int
    page_count: int | None
    running: bool  # work is queued or under way: worth polling
    ocr_unavailable: bool  # scans wait for an OCR engine this server does not have
    problem: bool

    @property
    def percent(self) -> int | None:
        if not self.page_count:
            return None
        return min(100, round(100 * self.pages_done / self.page_count))

    def as_json(self) -> dict[str, object]:
        return {
            "status": self.status,
            "label": self.label,
            "pages_done": self.pages_done,
            "page_count": self.page_count,
            "running": self.running,
            "ocr_unavailable": self.ocr_unavailable,
        }


def progress_of(status: str, pages_done: int, page_count: int | None) -> Progress:
    waiting_for_ocr = status == ExtractionStatus.NEEDS_OCR
    ocr_ready = ocr_available() if waiting_for_ocr else False
    label = str(ExtractionStatus(status).label) if status in ExtractionStatus.values else status
    if waiting_for_ocr and not ocr_ready:
        label = "Scanned: OCR unavailable"
    return Progress(
        status=status,
        label=label,
        pages_done=pages_done,
        page_count=page_count,
        running=status in WAITING_OR_RUNNING or (waiting_for_ocr and ocr_ready),
        ocr_unavailable=waiting_for_ocr and not ocr_ready,
        problem=status in PROBLEMS,
    )


def attachment_progress(attachment: Attachment) -> Progress:
    return progress_of(attachment.status, attachment.pages_done, attachment.page_count)
