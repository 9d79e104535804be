"""The weekly fixity check, as a Celery task (thin: it calls the service)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from requests_app.fixity.services import check_fixity

# A killed worker must not lose the weekly run: acknowledge only when it has finished.
TASK_OPTIONS: dict[str, Any] = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(name="fixity.check", **TASK_OPTIONS)
def check() -> dict[str, int]:
    report = check_fixity()
    return {"report": report.pk, "files": report.files_checked, "problems": report.problem_count}
