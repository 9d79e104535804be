from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User

from requests_app.models import (
    Attachment,
    ExtractionStatus,
    FoiRequest,
    GeneratedReport,
    ReportKind,
    ReportStatus,
)
from requests_app.reports import services
from requests_app.reports.tasks import build_report as build_report_task
from tests.reports.conftest import at
from tests.reports.factories import message_on

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 5, 5, 9, 0, tzinfo=dt.UTC)


def pending_bundle(foi_request: FoiRequest, user: User, fingerprint: str = "f" * 64) -> Any:
    return GeneratedReport.objects.create(
        kind=ReportKind.BUNDLE,
        foi_request=foi_request,
        requested_by=user,
        source_fingerprint=fingerprint,
    )


def test_the_fingerprint_changes_when_the_case_changes(
    refused_case: FoiRequest, today: dt.date
) -> None:
    before = services.request_fingerprint(refused_case, today)
    assert services.request_fingerprint(refused_case, today) == before
    assert services.request_fingerprint(refused_case, today + dt.timedelta(days=1)) != before
    message_on(refused_case, at(dt.date(2026, 4, 1)), body_text="A chaser.")
    after_letter = services.request_fingerprint(refused_case, today)
    assert after_letter != before
    Attachment.objects.filter(filename="briefing.docx").update(status=ExtractionStatus.FAILED)
    assert services.request_fingerprint(refused_case, today) != after_letter


def test_a_bundle_is_reused_while_the_case_is_unchanged(
    refused_case: FoiRequest, user: User, today: dt.date, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as queued:
        first = services.start_bundle(foi_request=refused_case, user=user, today=today)
        again = services.start_bundle(foi_request=refused_case, user=user, today=today)
    assert again == first
    assert len(queued) == 1
    message_on(refused_case, at(dt.date(2026, 4, 1)), body_text="A chaser.")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        changed = services.start_bundle(foi_request=refused_case, user=user, today=today)
    assert changed != first and len(queued) == 1


def test_a_build_that_died_with_its_worker_is_replaced(
    refused_case: FoiRequest, user: User, today: dt.date, django_capture_on_commit_callbacks: Any
) -> None:
    fingerprint = services.request_fingerprint(refused_case, today)
    with time_machine.travel(NOW - dt.timedelta(hours=2)):
        dead = pending_bundle(refused_case, user, fingerprint)
    GeneratedReport.objects.filter(pk=dead.pk).update(status=ReportStatus.RUNNING)
    with time_machine.travel(NOW), django_capture_on_commit_callbacks(execute=False):
        fresh = services.start_bundle(foi_request=refused_case, user=user, today=today)
    assert fresh.pk != dead.pk and fresh.status == ReportStatus.PENDING


def test_a_report_is_built_once_even_if_the_task_runs_twice(
    refused_case: FoiRequest, user: User, today: dt.date
) -> None:
    report = pending_bundle(refused_case, user)
    assert build_report_task(report.pk, today.isoformat()) == "done"
    assert build_report_task(report.pk, today.isoformat()) == "skipped"
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.progress == 100
    assert report.page_count and report.page_count > 5
    assert report.size == report.file.size
    assert report.finished_at is not None and report.started_at is not None
    with report.file.open("rb") as stored:
        assert stored.read(5) == b"%PDF-"


def test_a_failed_build_records_the_error(
    refused_case: FoiRequest, user: User, today: dt.date, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setitem(services.WRITERS, ReportKind.BUNDLE, broken)
    report = pending_bundle(refused_case, user)
    services.build_report(report_id=report.pk, today=today)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert report.error == "RuntimeError: disk full"
    assert not report.file
