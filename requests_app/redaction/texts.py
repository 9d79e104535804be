"""Redacted copies of the text of letters and replies.

A message's own text is never changed. Redacting it files a `RedactedText`: a copy with
each withheld passage replaced by a marker that names the reason, and the list of what was
withheld (the log). Whatever hands the text out — a share link, a bundle, the case summary,
the ZIP export — asks `disclosable_texts` for the newest copy, or the original when there
is none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.contrib.auth.models import User

from requests_app.models import Message, RedactedText

MARKER = "[redacted: {reason}]"


def disclosable_texts(message_ids: Iterable[int]) -> dict[int, RedactedText]:
    """message id -> its newest redacted copy, in one query (messages without one are absent)."""
    newest: dict[int, RedactedText] = {}
    rows = RedactedText.objects.filter(message_id__in=list(message_ids))
    for copy in rows.order_by("message_id", "created_at", "pk"):
        newest[copy.message_id] = copy
    return newest


def use_disclosable_texts(messages: list[Message]) -> list[Message]:
    """The same messages with their text swapped in memory for the redacted copy where
    there is one (and no HTML part, which would still carry the original): for documents
    rendered from them. Never saved."""
    copies = disclosable_texts(message.pk for message in messages)
    for message in messages:
        copy = copies.get(message.pk)
        if copy is not None:
            message.body_text, message.body_html = copy.body_text, ""
    return messages


def passage_pattern(passage: str) -> re.Pattern[str]:
    """The passage wherever it occurs, whatever the spacing and case between its words."""
    words = passage.split()
    if not words:
        raise ValueError("Nothing to redact.")
    body = r"\s+".join(re.escape(word) for word in words)
    return re.compile(rf"(?<!\w){body}(?!\w)" if passage[0].isalnum() else body, re.IGNORECASE)


def redact_text(
    *, message: Message, passages: list[str], reason: str, user: User | None
) -> RedactedText:
    """A new redacted copy of the message's text (built on the newest copy, so earlier
    redactions stay), with every occurrence of each passage withheld for `reason`."""
    current = disclosable_texts([message.pk]).get(message.pk)
    text = current.body_text if current is not None else message.body_text
    withheld = list(current.withheld) if current is not None else []
    marker = MARKER.format(reason=reason.lower())
    for passage in passages:
        text, count = passage_pattern(passage).subn(marker, text)
        if count:
            withheld.append({"text": passage, "reason": reason, "occurrences": count})
    return RedactedText.objects.create(
        message=message, body_text=text, withheld=withheld, created_by=user
    )
