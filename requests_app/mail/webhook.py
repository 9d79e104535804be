"""Inbound mail posted by a mail service, through django-anymail's inbound webhooks.

Anymail checks the signature (Mailgun: HMAC-SHA256 of timestamp and token with the
webhook signing key; Postmark: HTTP basic auth with ANYMAIL["WEBHOOK_SECRET"]). We then
store the raw message before answering, so a crash later loses nothing, and import it in
the background.
"""

from __future__ import annotations

import io
from typing import Any

from anymail.exceptions import AnymailConfigurationError
from anymail.signals import AnymailInboundEvent
from anymail.webhooks.base import AnymailCoreWebhookView
from anymail.webhooks.mailgun import MailgunInboundWebhookView
from anymail.webhooks.postmark import PostmarkInboundWebhookView
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from requests_app.models import MessageSource
from requests_app.models.documents import store_blob
from requests_app.queueing import enqueue

# Read form posts as Latin-1, which maps every byte to one character and back: the raw
# message a service posts in a form field comes back byte for byte.
LOSSLESS_FORM_ENCODING = "iso-8859-1"


class ImportingInbound(AnymailCoreWebhookView):
    """Validate as Anymail does, then store and queue each message instead of a signal."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.content_type != "application/json":
            request.encoding = LOSSLESS_FORM_ENCODING
        self.run_validators(request)
        for event in self.parse_events(request):
            queue_inbound(event, esp_name=str(self.esp_name))
        return HttpResponse()


class MailgunInbound(ImportingInbound, MailgunInboundWebhookView):
    pass


class PostmarkInbound(ImportingInbound, PostmarkInboundWebhookView):
    pass


INBOUND_VIEWS: dict[str, type[ImportingInbound]] = {
    "mailgun": MailgunInbound,
    "postmark": PostmarkInbound,
}


def raw_message(event: AnymailInboundEvent) -> bytes:
    """The message as the service sent it; rebuilt from its parsed form only as a last resort."""
    posted = getattr(event.esp_event, "POST", None)
    if posted is not None and "body-mime" in posted:  # Mailgun forward() to a "mime" URL
        return str(posted["body-mime"]).encode(LOSSLESS_FORM_ENCODING, "replace")
    if isinstance(event.esp_event, dict) and event.esp_event.get("RawEmail"):  # Postmark
        return str(event.esp_event["RawEmail"]).encode("utf-8", "surrogateescape")
    return bytes(event.message.as_bytes()) if event.message is not None else b""


def envelope_recipients(event: AnymailInboundEvent) -> list[str]:
    recipient = getattr(event.message, "envelope_recipient", None)
    return [str(recipient)] if recipient else []


def queue_inbound(event: AnymailInboundEvent, *, esp_name: str) -> str:
    name, _sha256, _size = store_blob(io.BytesIO(raw_message(event)))
    label = f"{esp_name} inbound {event.event_id or ''}".strip()
    recipients = envelope_recipients(event)
    transaction.on_commit(lambda: _import_now_or_later(name, label, recipients))
    return name


def _import_now_or_later(name: str, label: str, recipients: list[str]) -> None:
    """Queue the import; with the broker down, import here rather than leave it unrecorded."""
    from requests_app.mail.tasks import import_raw

    if not enqueue(import_raw, name, MessageSource.WEBHOOK, label, recipients):
        import_raw(name, MessageSource.WEBHOOK, label, recipients)


@csrf_exempt
def inbound_webhook(request: HttpRequest, esp: str) -> HttpResponse:
    """`mail/inbound/<esp>/`: 404 for a service we do not take mail from, or one not set up."""
    view_class = INBOUND_VIEWS.get(esp.lower())
    if view_class is None:
        raise Http404("No inbound mail from that service.")
    try:
        view = view_class.as_view()
        return view(request)
    except AnymailConfigurationError as error:
        raise Http404(f"Inbound mail from {esp} is not set up.") from error
