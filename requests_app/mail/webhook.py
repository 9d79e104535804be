"""Inbound mail posted by a mail service, through django-anymail's inbound webhooks.

Every post is authenticated: Anymail checks the signature (Mailgun: HMAC-SHA256 of
timestamp and token with the webhook signing key; Postmark: HTTP basic auth with
ANYMAIL["WEBHOOK_SECRET"]). A service whose secret is not set takes no mail at all (404),
unless FOI_INBOUND_ALLOW_UNSIGNED is on for development. We then store the raw message
before answering, so a crash later loses nothing, and import it in the background.
"""

from __future__ import annotations

import io
from typing import Any

from anymail.exceptions import AnymailConfigurationError
from anymail.signals import AnymailInboundEvent
from anymail.webhooks.base import AnymailCoreWebhookView
from anymail.webhooks.mailgun import MailgunInboundWebhookView
from anymail.webhooks.postmark import PostmarkInboundWebhookView
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.views.decorators.csrf import csrf_exempt

from requests_app.models import MessageSource
from requests_app.models.documents import store_blob
from requests_app.queueing import enqueue_on_commit

# Read form posts as Latin-1, which maps every byte to one character and back: the raw
# message a service posts in a form field comes back byte for byte.
LOSSLESS_FORM_ENCODING = "iso-8859-1"


class ImportingInbound(AnymailCoreWebhookView):
    """Validate as Anymail does, then store and queue each message instead of a signal."""

    checks_signature = True  # False only for a service taken unsigned in development

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.content_type != "application/json":
            read_form_losslessly(request)
        if self.checks_signature:
            self.run_validators(request)
        for event in self.parse_events(request):
            queue_inbound(event, esp_name=str(self.esp_name))
        return HttpResponse()


def read_form_losslessly(request: HttpRequest) -> None:
    """Form fields as Latin-1, so a raw message in "body-mime" comes back byte for byte.

    Django reads a URL-encoded form only as UTF-8, so that one is decoded here. Mailgun's
    parsed (non-MIME) fields are UTF-8: without "body-mime" they are read as such.
    """
    if request.content_type == "application/x-www-form-urlencoded":
        _files = request.FILES  # Django's own reading; the fields are read again below
        request.POST = QueryDict(request.body, encoding=LOSSLESS_FORM_ENCODING)
    else:
        request.encoding = LOSSLESS_FORM_ENCODING
    if "body-mime" not in request.POST:
        request.POST = _as_utf8(request.POST)  # type: ignore[assignment]


def _as_utf8(form: QueryDict) -> QueryDict:
    read = QueryDict(mutable=True)
    for name, values in form.lists():
        read.setlist(_utf8(name), [_utf8(value) for value in values])
    return read


def _utf8(text: str) -> str:
    return text.encode(LOSSLESS_FORM_ENCODING, "replace").decode("utf-8", "replace")


class MailgunInbound(ImportingInbound, MailgunInboundWebhookView):
    pass


class PostmarkInbound(ImportingInbound, PostmarkInboundWebhookView):
    pass


INBOUND_VIEWS: dict[str, type[ImportingInbound]] = {
    "mailgun": MailgunInbound,
    "postmark": PostmarkInbound,
}
# The ANYMAIL setting that authenticates each service's posts, and the environment
# variable it is read from.
WEBHOOK_SECRETS: dict[str, tuple[str, str]] = {
    "mailgun": ("MAILGUN_WEBHOOK_SIGNING_KEY", "MAILGUN_WEBHOOK_SIGNING_KEY"),
    "postmark": ("WEBHOOK_SECRET", "ANYMAIL_WEBHOOK_SECRET"),
}
# What an unchecked view is built with, when development allows unsigned posts.
UNSIGNED_VIEW_OPTIONS: dict[str, dict[str, Any]] = {
    "mailgun": {"webhook_signing_key": "", "checks_signature": False},
    "postmark": {"checks_signature": False},
}


def enabled_services() -> list[str]:
    return [str(name).strip().lower() for name in settings.FOI_INBOUND_WEBHOOKS if name]


def webhook_secret(esp: str) -> str:
    anymail = getattr(settings, "ANYMAIL", {}) or {}
    return str(anymail.get(WEBHOOK_SECRETS[esp][0]) or "")


def allows_unsigned() -> bool:
    return bool(getattr(settings, "FOI_INBOUND_ALLOW_UNSIGNED", False))


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
    from requests_app.mail.tasks import import_raw

    # Nothing but this message records the import: with the broker down it runs here.
    enqueue_on_commit(
        import_raw, name, MessageSource.WEBHOOK, label, recipients, run_here_if_refused=True
    )
    return name


@csrf_exempt
def inbound_webhook(request: HttpRequest, esp: str) -> HttpResponse:
    """`mail/inbound/<esp>/`: 404 for a service we do not take mail from, or one not set up."""
    esp = esp.lower()
    view_class = INBOUND_VIEWS.get(esp)
    if view_class is None or esp not in enabled_services():
        raise Http404("No inbound mail from that service.")
    options: dict[str, Any] = {}
    if not webhook_secret(esp):
        if not allows_unsigned():
            raise Http404(f"Inbound mail from {esp} is not set up: its secret is not set.")
        options = UNSIGNED_VIEW_OPTIONS[esp]
    try:
        return view_class.as_view(**options)(request)
    except AnymailConfigurationError as error:
        raise Http404(f"Inbound mail from {esp} is not set up.") from error
