"""Text extraction and OCR: every attachment becomes searchable pages.

Other areas call `schedule_extraction(attachment.pk)` after saving an attachment; the
work happens on the `extract` queue once the transaction has committed, and scans go on
to the `ocr` queue.
"""

from __future__ import annotations

from requests_app.queueing import enqueue_on_commit


def schedule_extraction(attachment_id: int) -> None:
    """Queue the extraction of a saved attachment once the current transaction commits."""
    from requests_app.extraction.tasks import extract

    # A broker that is down must not undo the import; `reextract` picks it up later.
    enqueue_on_commit(extract, attachment_id)


def schedule_ocr(attachment_id: int) -> None:
    from requests_app.extraction.tasks import ocr

    enqueue_on_commit(ocr, attachment_id)


__all__ = ["schedule_extraction", "schedule_ocr"]
