"""The correspondence panel on a request's page: reply address, uploads, letters, failures.

`{% load mail_tags %}{% mail_panel foi_request %}`
"""

from __future__ import annotations

from typing import Any

from django import template

from requests_app.mail.addresses import reply_address
from requests_app.mail.forms import RequestMailUploadForm
from requests_app.mail.sending import LETTERS
from requests_app.models import FoiRequest, SendStatus

register = template.Library()


@register.inclusion_tag("requests_app/mail/_panel.html", takes_context=True)
def mail_panel(context: template.Context, foi_request: FoiRequest) -> dict[str, Any]:
    failed = foi_request.messages.filter(send_status=SendStatus.FAILED).order_by("-sent_at")
    return {
        "foi_request": foi_request,
        "can_edit": bool(context.get("can_edit")),
        "csrf_token": context.get("csrf_token"),
        "reply_address": reply_address(foi_request),
        "upload_form": RequestMailUploadForm(auto_id="mail_%s"),
        "letters": list(LETTERS.values()),
        "failed_letters": list(failed.only("pk", "subject", "send_error")[:10]),
    }
