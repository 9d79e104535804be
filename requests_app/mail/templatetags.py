"""The correspondence panel on a request's page: reply address, uploads, letters, failures.

`{% load mail_tags %}{% mail_panel foi_request letters %}`
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from requests_app.mail.addresses import reply_address
from requests_app.mail.forms import RequestMailUploadForm
from requests_app.mail.sending import LETTERS
from requests_app.models import FoiRequest, LetterRow, Message, SendStatus

register = template.Library()

# The letters that failed to go, newest first, that the panel lists.
FAILED_SHOWN = 10


@register.inclusion_tag("requests_app/mail/_panel.html", takes_context=True)
def mail_panel(
    context: template.Context,
    foi_request: FoiRequest,
    letters: Iterable[Message | LetterRow],
) -> dict[str, Any]:
    """`letters`: the request's letters, oldest first, which its page has read already."""
    failed = [letter for letter in letters if letter.send_status == SendStatus.FAILED]
    can_edit = bool(context.get("can_edit"))
    return {
        "foi_request": foi_request,
        "can_edit": can_edit,
        "csrf_token": context.get("csrf_token"),
        "reply_address": reply_address(foi_request),
        # Only those who may edit the request can upload to it.
        "upload_form": RequestMailUploadForm(auto_id="mail_%s") if can_edit else None,
        "letters": list(LETTERS.values()),
        "failed_letters": failed[::-1][:FAILED_SHOWN],
    }
