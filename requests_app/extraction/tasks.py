"""Celery tasks for extraction ("extract" queue) and OCR ("ocr" queue): thin wrappers."""

from __future__ import annotations

from celery import shared_task

from requests_app.extraction import services


@shared_task(name="extraction.extract")
def extract(attachment_id: int) -> str:
    return services.extract_attachment(attachment_id=attachment_id).status


@shared_task(name="extraction.ocr")
def ocr(attachment_id: int) -> str:
    return services.ocr_attachment(attachment_id=attachment_id).status
