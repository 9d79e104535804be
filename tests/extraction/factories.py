"""Attachments made from bytes, stored the way the importers store them."""

from __future__ import annotations

import io
from typing import cast

from requests_app import models
from requests_app.files import guess_content_type
from requests_app.models.documents import store_blob
from tests.factories import MessageFactory


def attachment_with(
    content: bytes,
    filename: str = "reply.bin",
    *,
    message: models.Message | None = None,
    **fields: object,
) -> models.Attachment:
    name, sha256, size = store_blob(io.BytesIO(content))
    return models.Attachment.objects.create(
        message=message or cast(models.Message, MessageFactory()),
        filename=filename,
        content_type=guess_content_type(filename),
        size=size,
        sha256=sha256,
        file=name,
        **fields,
    )


def pages_of(attachment: models.Attachment) -> list[str]:
    return list(attachment.pages.order_by("number").values_list("text", flat=True))


def extracted(attachment: models.Attachment) -> models.Attachment:
    """The attachment after one extraction run (queued follow-ups are not run)."""
    from requests_app.extraction.services import extract_attachment

    extract_attachment(attachment_id=attachment.pk)
    attachment.refresh_from_db()
    return attachment


def recognised(attachment: models.Attachment) -> models.Attachment:
    """The attachment after its OCR run."""
    from requests_app.extraction.services import ocr_attachment

    ocr_attachment(attachment_id=attachment.pk)
    attachment.refresh_from_db()
    return attachment
