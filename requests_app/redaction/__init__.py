"""Redacted versions of documents, and what may leave the app.

Code that hands documents out (share links, bundles, exports) asks this package which
file to use: `disclosable_attachment(attachment)` gives the newest redacted version of an
attachment, or the attachment itself when it has none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from requests_app.models import Attachment
    from requests_app.redaction.log import LogLine


def disclosable_attachment(attachment: Attachment) -> Attachment:
    from requests_app.redaction.services import disclosable_attachment as choose

    return choose(attachment)


def disclosable_attachments(attachments: list[Attachment]) -> list[Attachment]:
    from requests_app.redaction.services import disclosable_attachments as choose

    return choose(attachments)


def redaction_logs(attachment_ids: list[int]) -> dict[int, list[LogLine]]:
    from requests_app.redaction.log import logs_of

    return logs_of(attachment_ids)


__all__ = ["disclosable_attachment", "disclosable_attachments", "redaction_logs"]
