"""Celery tasks for mail: thin wrappers that load ids and call a service."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.core.files.storage import default_storage

from requests_app.mail import imap, sending
from requests_app.mail.importer import import_message


@shared_task(name="mail.poll_mailbox")
def poll_mailbox() -> dict[str, Any]:
    """Fetch new mail from IMAP_URL, when it is set (beat runs this every two minutes)."""
    url = str(getattr(settings, "IMAP_URL", "") or "")
    if not url:
        return {"skipped": "IMAP_URL is not set"}
    return imap.poll_mailbox(url=url).as_dict()


@shared_task(name="mail.import_raw")
def import_raw(
    blob_name: str,
    source: str,
    original_name: str = "",
    envelope_recipients: list[str] | None = None,
) -> str:
    """Import a message whose raw bytes were already stored (by the webhook)."""
    with default_storage.open(blob_name, "rb") as stored:
        raw = stored.read()
    result = import_message(
        raw=raw,
        source=source,
        original_name=original_name,
        envelope_recipients=envelope_recipients or [],
    )
    return result.summary()


@shared_task(name="mail.send_message", bind=True, max_retries=None)
def send_message(self: Task, message_id: int) -> str:
    outcome = sending.deliver(message_id=message_id)
    # Run inline (FOI_TASKS_EAGER), there is no worker to come back later: try again now.
    while outcome.status == sending.DeliveryStatus.RETRY and self.request.is_eager:
        outcome = sending.deliver(message_id=message_id)
    if outcome.status == sending.DeliveryStatus.RETRY:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status
