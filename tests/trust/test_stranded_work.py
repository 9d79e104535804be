"""Stranded work: queued while the broker was down, or held by a worker that died.

The stranded-work sweep queues again what waited past its grace period, and takes back
what a dead worker held once its lease ran out; a task that finds its row held by an
expired lease takes it back itself. Either way the work is done once. Tasks run inline
here; tests/trust/test_fault_workers.py does the same with real workers and a real Redis.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail

from foi_tracker.celery import app
from requests_app import models
from requests_app.extraction.services import WORKER_DIED, extract_attachment, lease_length
from requests_app.mail.sending import queue_letter
from requests_app.models.documents import store_blob
from requests_app.queueing import STRANDED_WORK, requeue_stranded_work, stranded_after
from requests_app.reports.services import BUILD_LEASE, STALE_BUILD, build_report
from tests.factories import FoiRequestFactory, MessageFactory
from tests.trust.services import PrivateRedis, celery_broker

START = dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC)
LETTER = "Dear campaigner,\n\nWe hold the figures you asked for.\n"

Capture = Callable[..., Any]


@pytest.fixture
def message(user: User) -> models.Message:
    foi_request = FoiRequestFactory.sent(on=dt.date(2026, 1, 5), owner=user)
    return MessageFactory(request=foi_request, subject="Our reply")  # type: ignore[no-any-return]


def text_attachment(message: models.Message, **fields: Any) -> models.Attachment:
    name, sha256, size = store_blob(io.BytesIO(LETTER.encode()))
    return models.Attachment.objects.create(
        message=message,
        filename="reply.txt",
        content_type="text/plain",
        size=size,
        sha256=sha256,
        file=name,
        **fields,
    )


def at(moment: dt.datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


def sweep(now: dt.datetime, capture: Capture) -> dict[str, int]:
    """One run of the sweep, with the tasks it queues run inline once it has committed."""
    with at(now), capture(execute=True):
        return requeue_stranded_work(now=now)


# --- extraction ----------------------------------------------------------------------------


def test_an_attachment_held_by_a_dead_worker_is_read_again_once_its_lease_ends(
    message: models.Message,
) -> None:
    with at(START):
        attachment = text_attachment(message)
        dead_run = models.Attachment.objects.filter(pk=attachment.pk)
        dead_run.update(status=models.ExtractionStatus.EXTRACTING, extraction_attempts=1)
        dead_run.update(lease_until=START + lease_length(fresh=True))
    # The task delivered again while the lease runs: the row is held, it is left alone.
    with at(START + dt.timedelta(minutes=1)):
        assert extract_attachment(attachment_id=attachment.pk).skipped
    with at(START + lease_length(fresh=True) + dt.timedelta(seconds=1)):
        result = extract_attachment(attachment_id=attachment.pk)
    assert result.status == models.ExtractionStatus.DONE and not result.skipped
    attachment.refresh_from_db()
    assert attachment.status == models.ExtractionStatus.DONE
    assert attachment.extraction_attempts == 2
    assert attachment.lease_until is None
    assert list(attachment.pages.values_list("number", flat=True)) == [1]
    assert "figures you asked for" in attachment.pages.get().text


def test_a_claim_holds_a_lease_longer_than_the_reader_may_run(
    message: models.Message, settings: Any
) -> None:
    settings.FOI_EXTRACTION_TIME_LIMIT = 300
    assert lease_length(fresh=True) > dt.timedelta(seconds=300)
    assert lease_length(fresh=False) > dt.timedelta(seconds=settings.FOI_OCR_TIME_LIMIT)


def test_the_sweep_queues_an_attachment_left_pending_past_the_grace_period_once(
    message: models.Message, django_capture_on_commit_callbacks: Capture
) -> None:
    with at(START):
        attachment = text_attachment(message)  # its queueing was lost with the broker
    assert (
        sweep(START + dt.timedelta(minutes=5), django_capture_on_commit_callbacks)["extraction"]
        == 0
    )
    later = START + stranded_after() + dt.timedelta(seconds=1)
    assert sweep(later, django_capture_on_commit_callbacks)["extraction"] == 1
    attachment.refresh_from_db()
    assert attachment.status == models.ExtractionStatus.DONE
    assert attachment.pages.count() == 1
    assert attachment.extraction_attempts == 1
    assert (
        sweep(later + stranded_after() * 2, django_capture_on_commit_callbacks)["extraction"] == 0
    )


def test_the_sweep_does_not_queue_a_waiting_attachment_again_at_every_run(
    message: models.Message, django_capture_on_commit_callbacks: Capture
) -> None:
    with at(START):
        attachment = text_attachment(message)
    later = START + stranded_after() + dt.timedelta(seconds=1)
    with at(later), django_capture_on_commit_callbacks(execute=False) as queued:
        assert requeue_stranded_work(now=later)["extraction"] == 1
    assert len(queued) == 1  # the worker has not taken it yet: still pending
    attachment.refresh_from_db()
    assert attachment.lease_until == later + stranded_after()
    with at(later), django_capture_on_commit_callbacks(execute=False) as queued:
        assert requeue_stranded_work(now=later + dt.timedelta(minutes=5))["extraction"] == 0
    assert queued == []


def test_the_sweep_takes_back_an_attachment_whose_worker_died_and_it_is_read_once(
    message: models.Message, django_capture_on_commit_callbacks: Capture
) -> None:
    with at(START):
        attachment = text_attachment(message)
        # A run that wrote a page, then its worker was killed.
        models.Attachment.objects.filter(pk=attachment.pk).update(
            status=models.ExtractionStatus.EXTRACTING,
            extraction_attempts=1,
            lease_until=START + lease_length(fresh=True),
            pages_done=1,
        )
        models.DocumentPage.objects.create(attachment=attachment, number=1, text="half")
    assert (
        sweep(START + dt.timedelta(minutes=3), django_capture_on_commit_callbacks)["extraction"]
        == 0
    )
    attachment.refresh_from_db()
    assert attachment.status == models.ExtractionStatus.EXTRACTING  # the lease still runs
    expired = START + lease_length(fresh=True) + dt.timedelta(seconds=1)
    with at(expired), django_capture_on_commit_callbacks(execute=False) as queued:
        assert requeue_stranded_work(now=expired)["extraction"] == 1
    attachment.refresh_from_db()
    assert attachment.status == models.ExtractionStatus.PENDING
    assert attachment.status_detail == WORKER_DIED
    with at(expired):
        for callback in queued:
            callback()
    attachment.refresh_from_db()
    assert attachment.status == models.ExtractionStatus.DONE
    assert attachment.extraction_attempts == 2
    assert [page.text for page in attachment.pages.all()] == [LETTER.strip()]


def test_an_attachment_stuck_extracting_from_before_leases_is_taken_back(
    message: models.Message, django_capture_on_commit_callbacks: Capture
) -> None:
    with at(START):
        attachment = text_attachment(message, status=models.ExtractionStatus.EXTRACTING)
    assert (
        sweep(START + dt.timedelta(minutes=1), django_capture_on_commit_callbacks)["extraction"]
        == 1
    )
    attachment.refresh_from_db()
    assert attachment.status == models.ExtractionStatus.DONE
    assert attachment.pages.count() == 1


def test_a_run_taken_back_after_its_lease_records_nothing_when_it_finishes(
    message: models.Message, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run that outlives its lease (a stalled machine) must not overwrite the new run."""
    from requests_app.extraction import services

    attachment = text_attachment(message)
    conclude = services._conclude

    def taken_back_meanwhile(*args: Any, **kwargs: Any) -> Any:
        models.Attachment.objects.filter(pk=attachment.pk).update(
            extraction_attempts=2, status_detail="read by the new run"
        )
        return conclude(*args, **kwargs)

    monkeypatch.setattr(services, "_conclude", taken_back_meanwhile)
    extract_attachment(attachment_id=attachment.pk)
    attachment.refresh_from_db()
    assert attachment.status == models.ExtractionStatus.EXTRACTING  # the new run's to finish
    assert attachment.status_detail == "read by the new run"


# --- reports ---------------------------------------------------------------------------------


def pending_summary(message: models.Message, **fields: Any) -> models.GeneratedReport:
    return models.GeneratedReport.objects.create(
        kind=models.ReportKind.CASE_SUMMARY,
        foi_request=message.request,
        requested_by=message.request.owner if message.request else None,
        source_fingerprint="f" * 64,
        **fields,
    )


def test_a_report_whose_builder_died_is_built_again_once_its_lease_ends(
    message: models.Message,
) -> None:
    with at(START):
        report = pending_summary(
            message,
            status=models.ReportStatus.RUNNING,
            attempts=1,
            started_at=START,
            lease_until=START + BUILD_LEASE,
        )
    with at(START + dt.timedelta(minutes=1)):
        assert build_report(report_id=report.pk, today=START.date()) is None
    with at(START + BUILD_LEASE + dt.timedelta(seconds=1)):
        built = build_report(report_id=report.pk, today=START.date())
    assert built is not None and built.status == models.ReportStatus.DONE, built and built.error
    assert built.attempts == 2 and built.lease_until is None and built.page_count
    assert models.GeneratedReport.objects.count() == 1


def test_the_sweep_queues_recent_stranded_reports_and_leaves_abandoned_old_ones(
    message: models.Message, django_capture_on_commit_callbacks: Capture
) -> None:
    with at(START):
        waiting = pending_summary(message)
        dead = pending_summary(
            message, status=models.ReportStatus.RUNNING, lease_until=START + BUILD_LEASE
        )
    with at(START - STALE_BUILD):
        pending_summary(message)  # given up by the pages long ago
    now = START + BUILD_LEASE + dt.timedelta(seconds=1)
    with at(now), django_capture_on_commit_callbacks(execute=False) as queued:
        assert requeue_stranded_work(now=now)["reports"] == 2
    assert len(queued) == 2
    waiting.refresh_from_db()
    dead.refresh_from_db()
    assert waiting.status == dead.status == models.ReportStatus.PENDING
    assert dead.lease_until == waiting.lease_until == now + stranded_after()


# --- letters and alerts ----------------------------------------------------------------------


def test_the_one_sweep_sends_a_letter_left_queued_by_a_broker_outage_once(
    message: models.Message, user: User, django_capture_on_commit_callbacks: Capture
) -> None:
    assert message.request is not None
    with at(START), django_capture_on_commit_callbacks(execute=False):  # the broker was down
        letter = queue_letter(
            foi_request=message.request,
            letter="chaser",
            to="foi@body.example.gov.uk",
            subject="Chasing our request",
            body="Please reply.",
            author=user,
        )
    assert (
        sweep(START + dt.timedelta(minutes=5), django_capture_on_commit_callbacks)["letters"] == 0
    )
    later = START + dt.timedelta(minutes=11)
    assert sweep(later, django_capture_on_commit_callbacks)["letters"] == 1
    assert (
        sweep(later + dt.timedelta(minutes=11), django_capture_on_commit_callbacks)["letters"] == 0
    )
    letter.refresh_from_db()
    assert letter.send_status == models.SendStatus.SENT and letter.send_attempts == 1
    assert [sent.message()["Subject"] for sent in mail.outbox] == ["Chasing our request"]


def test_the_one_sweep_takes_back_alerts_whose_sender_died(
    message: models.Message, user: User, django_capture_on_commit_callbacks: Capture
) -> None:
    assert message.request is not None
    with at(START):
        alert = models.Alert.objects.create(
            user=user,
            request=message.request,
            kind="overdue",
            deadline=dt.date(2026, 1, 14),
            status=models.AlertStatus.SENDING,
            claimed_at=START,
            attempts=1,
        )
    now = START + dt.timedelta(hours=1)
    with at(now), django_capture_on_commit_callbacks(execute=False) as queued:
        assert requeue_stranded_work(now=now)["alerts"] == 1
    assert len(queued) == 1
    alert.refresh_from_db()
    assert alert.status == models.AlertStatus.PENDING


# --- configuration ---------------------------------------------------------------------------


def test_one_beat_task_sweeps_every_kind_of_stranded_work() -> None:
    tasks = [entry["task"] for entry in app.conf.beat_schedule.values()]
    assert tasks.count("work.requeue_stranded") == 1
    assert "mail.queue_stranded_letters" not in tasks
    assert "work.requeue_stranded" in app.tasks
    assert set(STRANDED_WORK) == {"extraction", "reports", "letters", "alerts", "redactions"}


def test_redis_gives_a_task_to_another_worker_only_after_the_longest_task_could_run() -> None:
    """Read from the settings as a server with REDIS_URL set loads them."""
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'], "
        "s.CELERY_TASK_ACKS_LATE, s.CELERY_TASK_REJECT_ON_WORKER_LOST)"
    )
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:6399/0"}
    env["DJANGO_SETTINGS_MODULE"] = "foi_tracker.settings"
    output = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert output[1:] == ["True", "True"]
    longest = max(lease_length(fresh=False), BUILD_LEASE, dt.timedelta(hours=1))
    assert dt.timedelta(seconds=int(output[0])) > longest


def test_a_deadline_refresh_asked_for_while_redis_is_down_runs_at_once(
    admin_client: Any,
    private_redis: PrivateRedis,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    """Nothing in the database records that the refresh is owed, so no sweep could find it."""
    foi_request = FoiRequestFactory.sent(dt.date(2026, 6, 1))
    assert foi_request.due_on == dt.date(2026, 6, 30)
    with celery_broker(private_redis.url):
        private_redis.stop()
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(
                "/admin/requests_app/nonworkingday/add/",
                {"on": "2026-06-29", "name": "Proclaimed bank holiday", "calendar": "gb-nir"},
            )
    assert response.status_code == 302
    foi_request.refresh_from_db()
    assert foi_request.due_on == dt.date(2026, 7, 1)
