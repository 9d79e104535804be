"""Text extraction and OCR: every attachment becomes searchable pages.

Other areas call `schedule_extraction(attachment.pk)` after saving an attachment; the
work happens on the `extract` queue once the transaction has committed, and scans go on
to the `ocr` queue.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction


def schedule_extraction(attachment_id: int) -> None:
    """Queue the extraction of a saved attachment once the current transaction commits."""
    from requests_app.extraction.tasks import extract

    # robust: a broker that is down must not undo the import; `reextract` picks it up later.
    transaction.on_commit(partial(extract.delay, attachment_id), robust=True)


def schedule_ocr(attachment_id: int) -> None:
    from requests_app.extraction.tasks import ocr

    transaction.on_commit(partial(ocr.delay, attachment_id), robust=True)


__all__ = ["schedule_extraction", "schedule_ocr"]
