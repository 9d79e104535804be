"""Celery tasks for batches: thin wrappers that take ids and call a service."""

from __future__ import annotations

from celery import shared_task

from requests_app.batches import services
from requests_app.models import Batch


@shared_task(name="batches.send_batch_letters")
def send_batch_letters(batch_id: int) -> int:
    """Queue the next letters of one batch (at most its throttle's worth)."""
    return services.send_next_letters(batch_id=batch_id)


@shared_task(name="batches.send_letters")
def send_letters() -> int:
    """Every batch sending from the app queues its next letters (beat, every minute)."""
    ids = list(Batch.objects.sending().values_list("pk", flat=True))
    return sum(services.send_next_letters(batch_id=batch_id) for batch_id in ids)
