"""Faults with real components: a Celery worker killed with SIGKILL mid-task, and a Redis
stopped while a user uploads, then started again. Each time the work is done exactly once.

The workers are `celery -A foi_tracker.celery worker` subprocesses on a private
redis-server (tests/trust/services.py) and this test's PostgreSQL database; mail goes to a
real SMTP server on loopback. The stranded-work sweep runs in the test process with a
`now` past the grace period or lease, publishing to the private Redis.

To hold a worker mid-extraction without changing the product, the test keeps one page of
the attachment inserted and uncommitted in a transaction of its own: the worker writes the
pages before it and then waits on that row's unique key, as it would behind a slow disk.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from requests_app import models
from requests_app.extraction.services import PAGE_BATCH, lease_length
from requests_app.extraction.tasks import extract
from requests_app.models.documents import store_blob
from requests_app.queueing import enqueue, requeue_stranded_work, stranded_after
from requests_app.reports.services import request_fingerprint
from requests_app.reports.tasks import build_report
from tests.alerts.conftest import SmtpServer, free_port, needs_postgres, use_smtp
from tests.extraction import files
from tests.factories import FoiRequestFactory, PublicBodyFactory
from tests.trust.services import PrivateRedis, celery_broker, wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(django_settings.BASE_DIR)
PAGE_TEXT = "Page {}: waiting list figures"


# --- a real worker of the project --------------------------------------------------------------


def database_url() -> str:
    db = connection.settings_dict
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


class ProjectWorker:
    """`celery -A foi_tracker.celery worker` on every queue of the private Redis."""

    def __init__(self, redis: PrivateRedis, smtp: SmtpServer, folder: Path, name: str) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CONN_MAX_AGE": "0",
            "REDIS_URL": redis.url,
            "EMAIL_URL": smtp.url,
            "FOI_VAR_DIR": str(folder),  # its files are this test's files
            "FOI_TASKS_EAGER": "0",
            "PYTHONPATH": str(ROOT),
        }
        argv = [
            sys.executable, "-m", "celery", "-A", "foi_tracker.celery", "worker",
            "--pool", "prefork", "--concurrency", "1", "--queues", "celery,extract,ocr,mail",
            "--hostname", f"{name}-{free_port()}@%h", "--without-gossip", "--without-mingle",
            "--without-heartbeat", "--loglevel", "INFO",
        ]  # fmt: skip
        self.log = folder / f"{name}.log"
        self.process = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=self.log.open("wb"), stderr=subprocess.STDOUT
        )
        wait_until(lambda: b"ready." in self.log.read_bytes(), 60, f"{name} to start")

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]

    def results(self, task: str) -> list[str]:
        """What each run of `task` returned, from the worker's log."""
        pattern = rf"Task {re.escape(task)}\[[^\]]+\] succeeded in [\d.e-]+s: (.*)"
        return re.findall(pattern, self.log.read_text(errors="replace"))

    def kill(self) -> None:
        """SIGKILL the whole worker, its pool processes first: the machine is lost."""
        for pid in self.children():
            os.kill(pid, signal.SIGKILL)
        self.process.kill()
        self.process.wait()


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpServer]:
    server = SmtpServer("127.0.0.1", free_port())
    server.start()
    use_smtp(settings, server)
    yield server
    server.stop()


@pytest.fixture
def start_worker(
    private_redis: PrivateRedis, smtp: SmtpServer, tmp_path: Path
) -> Iterator[Callable[[str], ProjectWorker]]:
    needs_postgres()
    started: list[ProjectWorker] = []

    def start(name: str) -> ProjectWorker:
        started.append(ProjectWorker(private_redis, smtp, tmp_path, name))
        return started[-1]

    yield start
    for worker in started:  # nothing is left for them to do: no need to wait for a warm stop
        if worker.process.poll() is None:
            worker.kill()


def sweep(redis: PrivateRedis, now: dt.datetime) -> dict[str, int]:
    with celery_broker(redis.url):
        return requeue_stranded_work(now=now)


def past_grace() -> dt.datetime:
    return timezone.now() + stranded_after() + dt.timedelta(seconds=1)


@pytest.fixture
def foi_request(user: Any) -> models.FoiRequest:
    body = PublicBodyFactory(name="NHS Example Trust", foi_email="foi@nhs-example.gov.uk")
    return FoiRequestFactory.sent(  # type: ignore[no-any-return]
        on=timezone.localdate() - dt.timedelta(days=3),
        owner=user,
        public_body=body,
        title="Waiting times at the children's hospital",
    )


# --- holding a worker mid-write ----------------------------------------------------------------


def dsn() -> dict[str, Any]:
    db = connection.settings_dict
    return {
        "host": db.get("HOST") or "127.0.0.1",
        "port": db.get("PORT") or 5432,
        "user": db.get("USER") or "postgres",
        "password": db.get("PASSWORD") or None,
        "dbname": db["NAME"],
    }


def waiting_backends() -> list[int]:
    """Connections to this database waiting for a lock (asked afresh: pg_stat_activity
    is read once per transaction)."""
    with psycopg.connect(**dsn(), autocommit=True) as monitor:
        rows = monitor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock'"
        ).fetchall()
    return [row[0] for row in rows]


def figures_pdf(pages: int) -> bytes:
    """More pages than the worker writes in one batch (PAGE_BATCH), each with its text."""
    assert pages > PAGE_BATCH
    return files.text_pdf(
        [f"Page {number}: waiting list figures" for number in range(1, pages + 1)]
    )


# --- a worker killed mid-extraction ------------------------------------------------------------


def test_a_worker_killed_mid_extraction_leaves_the_attachment_to_be_read_once_by_the_next(
    start_worker: Callable[[str], ProjectWorker],
    private_redis: PrivateRedis,
    foi_request: models.FoiRequest,
) -> None:
    page_count = PAGE_BATCH + 10
    name, sha256, size = store_blob(io.BytesIO(figures_pdf(page_count)))
    message = models.Message.objects.create(
        request=foi_request, direction="in", sent_at=timezone.now(), subject="Figures"
    )
    attachment = models.Attachment.objects.create(
        message=message, filename="figures.pdf", content_type="application/pdf",
        size=size, sha256=sha256, file=name,
    )  # fmt: skip
    first = start_worker("first")
    with psycopg.connect(**dsn()) as holder:  # not autocommit: the page stays uncommitted
        holder.execute(
            "INSERT INTO requests_app_documentpage (attachment_id, number, text)"
            " VALUES (%s, %s, '')",
            [attachment.pk, page_count],
        )
        with celery_broker(private_redis.url):
            assert enqueue(extract, attachment.pk)
        wait_until(lambda: waiting_backends(), 20, "the worker to be writing pages")
        attachment.refresh_from_db()
        assert attachment.status == models.ExtractionStatus.EXTRACTING
        written = attachment.pages.count()
        assert 0 < written < page_count
        [child] = first.children()
        os.kill(child, signal.SIGKILL)
        # Its connection would be closed by the server once it noticed the client gone.
        for pid in waiting_backends():
            holder.execute("SELECT pg_terminate_backend(%s)", [pid])
        holder.rollback()
    # The broker gives the task back to the worker's new process, which finds the
    # attachment held by a lease that has not run out, and leaves it.
    wait_until(lambda: first.results("extraction.extract"), 20, "the task delivered again")
    assert first.results("extraction.extract") == ["'extracting'"]
    attachment.refresh_from_db()
    assert attachment.status == models.ExtractionStatus.EXTRACTING
    assert attachment.extraction_attempts == 1
    first.kill()  # and then the whole worker is lost; a new one takes its place

    second = start_worker("second")
    assert attachment.lease_until is not None
    lease_over = attachment.lease_until + dt.timedelta(seconds=1)
    assert lease_over - timezone.now() <= lease_length(fresh=True)
    assert sweep(private_redis, lease_over)["extraction"] == 1

    def read() -> bool:
        attachment.refresh_from_db()
        return attachment.status == models.ExtractionStatus.DONE

    wait_until(read, 20, "the second worker to read the attachment")
    assert attachment.extraction_attempts == 2
    assert attachment.page_count == attachment.pages_done == page_count
    numbers = list(attachment.pages.values_list("number", flat=True))
    assert numbers == list(range(1, page_count + 1))  # every page, once
    assert (
        attachment.pages.get(number=page_count).text == f"Page {page_count}: waiting list figures"
    )
    # Swept and delivered again: nothing more happens.
    assert sweep(private_redis, lease_over + stranded_after() * 2)["extraction"] == 0
    with celery_broker(private_redis.url):
        assert enqueue(extract, attachment.pk)
    wait_until(lambda: second.results("extraction.extract") == ["'done'", "'done'"], 10, "a skip")
    attachment.refresh_from_db()
    assert attachment.extraction_attempts == 2
    assert attachment.pages.count() == page_count


# --- Redis stopped while the user works ----------------------------------------------------------


def test_an_upload_while_redis_is_down_succeeds_and_is_read_once_when_it_is_back(
    start_worker: Callable[[str], ProjectWorker],
    private_redis: PrivateRedis,
    foi_request: models.FoiRequest,
    alice_client: Client,
) -> None:
    private_redis.stop()
    with celery_broker(private_redis.url):
        response = alice_client.post(
            reverse("message_create", kwargs={"reference": foi_request.reference}),
            {
                "direction": "in",
                "channel": "email",
                "sent_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "subject": "Our response",
                "kind": "response",
                "attachments": [SimpleUploadedFile("figures.txt", b"Waiting list: 4,212.\n")],
            },
        )
    assert response.status_code == 302, response.content[:2000]
    attachment = models.Attachment.objects.get()
    assert attachment.status == models.ExtractionStatus.PENDING

    private_redis.start()  # empty: whatever was queued before is gone
    worker = start_worker("worker")
    assert sweep(private_redis, timezone.now())["extraction"] == 0  # not stranded yet
    assert sweep(private_redis, past_grace())["extraction"] == 1

    def read() -> bool:
        attachment.refresh_from_db()
        return attachment.status == models.ExtractionStatus.DONE

    wait_until(read, 20, "the worker to read the upload")
    assert [page.text for page in attachment.pages.all()] == ["Waiting list: 4,212."]
    assert attachment.extraction_attempts == 1
    assert sweep(private_redis, past_grace() + stranded_after())["extraction"] == 0
    assert worker.results("extraction.extract") == ["'done'"]


def test_a_letter_sent_while_redis_is_down_goes_once_when_it_is_back(
    start_worker: Callable[[str], ProjectWorker],
    private_redis: PrivateRedis,
    smtp: SmtpServer,
    foi_request: models.FoiRequest,
    alice_client: Client,
) -> None:
    private_redis.stop()
    url = reverse("mail_letter", kwargs={"reference": foi_request.reference, "letter": "chaser"})
    with celery_broker(private_redis.url):
        response = alice_client.post(
            url,
            {"to": "foi@nhs-example.gov.uk", "subject": "Chasing", "body": "Please reply."},
        )
    assert response.status_code == 302, response.content[:2000]
    letter = models.Message.objects.get(direction="out")
    assert letter.send_status == models.SendStatus.QUEUED

    private_redis.start()
    worker = start_worker("worker")
    assert sweep(private_redis, past_grace())["letters"] == 1
    wait_until(lambda: len(smtp.received) == 1, 20, "the letter to be sent")
    letter.refresh_from_db()
    wait_until(
        lambda: models.Message.objects.get(pk=letter.pk).send_status == models.SendStatus.SENT,
        10,
        "the letter to be marked sent",
    )
    assert sweep(private_redis, past_grace() + stranded_after())["letters"] == 0
    time.sleep(0.5)
    assert [received.message["Subject"] for received in smtp.received] == ["Chasing"]
    assert models.Message.objects.filter(direction="out").count() == 1
    assert worker.results("mail.send_message") == ["'sent'"]


def test_a_bundle_asked_for_while_redis_is_down_is_built_once_when_it_is_back(
    start_worker: Callable[[str], ProjectWorker],
    private_redis: PrivateRedis,
    foi_request: models.FoiRequest,
    alice_client: Client,
) -> None:
    private_redis.stop()
    url = reverse("request_bundle", kwargs={"reference": foi_request.reference})
    with celery_broker(private_redis.url):
        assert alice_client.post(url).status_code == 302
        assert alice_client.get(url).status_code == 200
    report = models.GeneratedReport.objects.get()
    assert report.status == models.ReportStatus.PENDING

    private_redis.start()
    worker = start_worker("worker")
    assert sweep(private_redis, past_grace())["reports"] == 1

    def built() -> bool:
        report.refresh_from_db()
        return report.is_finished

    wait_until(built, 30, "the worker to build the bundle")
    assert report.status == models.ReportStatus.DONE, report.error
    assert report.attempts == 1 and report.page_count
    assert sweep(private_redis, past_grace() + stranded_after())["reports"] == 0
    assert models.GeneratedReport.objects.count() == 1
    assert worker.results("reports.build") == ["'done'"]


# --- a worker killed mid-build -----------------------------------------------------------------


def test_a_worker_killed_mid_build_leaves_the_report_to_be_built_once_afterwards(
    start_worker: Callable[[str], ProjectWorker],
    private_redis: PrivateRedis,
    foi_request: models.FoiRequest,
    user: Any,
) -> None:
    today = timezone.localdate()
    report = models.GeneratedReport.objects.create(
        kind=models.ReportKind.BUNDLE,
        foi_request=foi_request,
        requested_by=user,
        source_fingerprint=request_fingerprint(foi_request, today),
    )
    worker = start_worker("worker")
    with psycopg.connect(**dsn()) as holder:
        # The build claims its report, then waits to read the request: held mid-build.
        holder.execute("LOCK TABLE requests_app_foirequest IN ACCESS EXCLUSIVE MODE")
        with celery_broker(private_redis.url):
            assert enqueue(build_report, report.pk, today.isoformat())
        wait_until(waiting_backends, 20, "the worker to be building")
        report.refresh_from_db()
        assert report.status == models.ReportStatus.RUNNING and report.attempts == 1
        [child] = worker.children()
        os.kill(child, signal.SIGKILL)
        for pid in waiting_backends():
            holder.execute("SELECT pg_terminate_backend(%s)", [pid])
        holder.rollback()
    wait_until(lambda: worker.results("reports.build"), 20, "the task delivered again")
    assert worker.results("reports.build") == ["'skipped'"]  # held by a live lease
    report.refresh_from_db()
    assert report.status == models.ReportStatus.RUNNING and report.lease_until is not None

    lease_over = report.lease_until + dt.timedelta(seconds=1)
    assert sweep(private_redis, lease_over)["reports"] == 1

    def built() -> bool:
        report.refresh_from_db()
        return report.is_finished

    wait_until(built, 30, "the worker's new process to build the bundle")
    assert report.status == models.ReportStatus.DONE, report.error
    assert report.attempts == 2 and report.page_count
    assert sweep(private_redis, lease_over + stranded_after() * 2)["reports"] == 0
    assert models.GeneratedReport.objects.count() == 1
    assert worker.results("reports.build") == ["'skipped'", "'done'"]


# --- a long document redacted by a worker ------------------------------------------------------

REDACTION_PAGES = 24
SECRET_WORD = "Quigley"


def long_attachment(foi_request: models.FoiRequest) -> models.Attachment:
    """A document longer than the editor redacts while the page waits (limit set below)."""
    pages = [f"Page {n}: officer {SECRET_WORD} counted the beds" for n in range(1, 25)]
    name, sha256, size = store_blob(io.BytesIO(files.text_pdf(pages)))
    message = models.Message.objects.create(
        request=foi_request, direction="in", sent_at=timezone.now(), subject="Beds"
    )
    return models.Attachment.objects.create(
        message=message,
        filename="beds.pdf",
        content_type="application/pdf",
        size=size,
        sha256=sha256,
        file=name,
        page_count=REDACTION_PAGES,
        status=models.ExtractionStatus.DONE,
    )


def ask_for_redaction(
    client: Client, attachment: models.Attachment, redis: PrivateRedis
) -> models.RedactionJob:
    with celery_broker(redis.url):
        response = client.post(
            reverse("redaction_editor", kwargs={"pk": attachment.pk}),
            {"words": SECRET_WORD, "reason_kind": "personal_data", "action": "save"},
        )
    assert response.status_code == 302, response.content
    return models.RedactionJob.objects.get(attachment=attachment)


def redacted_text(version: models.RedactedVersion) -> str:
    from pypdf import PdfReader

    with version.attachment.file.open("rb") as stream:
        reader = PdfReader(io.BytesIO(stream.read()))
        return "\n".join(page.extract_text() or "" for page in reader.pages)


def test_a_long_document_is_redacted_by_a_worker_with_its_progress_on_the_page(
    start_worker: Callable[[str], ProjectWorker],
    private_redis: PrivateRedis,
    foi_request: models.FoiRequest,
    user: Any,
    client_for: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("requests_app.redaction.views.MAX_PAGES", 5)
    attachment = long_attachment(foi_request)
    client = client_for(user)
    worker = start_worker("worker")
    job = ask_for_redaction(client, attachment, private_redis)
    progress_url = reverse("redaction_job_progress", kwargs={"pk": attachment.pk, "job": job.pk})
    seen: list[int] = []

    def finished() -> bool:
        state = client.get(progress_url).json()
        seen.append(state["progress"])
        return state["status"] in ("done", "failed")

    wait_until(finished, 90, "the worker to make the redacted version")
    job.refresh_from_db()
    assert job.status == models.JobStatus.DONE, job.error
    assert any(0 < percent < 100 for percent in seen), seen  # the page saw it advance
    wait_until(lambda: worker.results("redaction.build"), 20, "the task to report")
    assert worker.results("redaction.build") == ["'done'"]
    text = redacted_text(job.version)  # type: ignore[arg-type]
    assert SECRET_WORD not in text and "counted" in text
    assert "Page 24" in text
    page = client.get(reverse("redaction_job", kwargs={"pk": attachment.pk, "job": job.pk}))
    assert job.version.attachment.filename in page.content.decode()  # type: ignore[union-attr]


def test_a_worker_killed_mid_redaction_leaves_the_job_to_be_done_once_afterwards(
    start_worker: Callable[[str], ProjectWorker],
    private_redis: PrivateRedis,
    foi_request: models.FoiRequest,
    user: Any,
    client_for: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("requests_app.redaction.views.MAX_PAGES", 5)
    attachment = long_attachment(foi_request)
    worker = start_worker("worker")
    job = ask_for_redaction(client_for(user), attachment, private_redis)

    def under_way() -> bool:
        job.refresh_from_db()
        return job.progress >= 20

    wait_until(under_way, 60, "the worker to be part-way through the pages")
    with psycopg.connect(**dsn()) as holder:
        # Its next progress report waits on the job's row: held mid-job, pages half done.
        holder.execute("SELECT 1 FROM requests_app_redactionjob WHERE id = %s FOR UPDATE", [job.pk])
        wait_until(waiting_backends, 20, "the worker to report progress")
        [child] = worker.children()
        os.kill(child, signal.SIGKILL)
        for pid in waiting_backends():
            holder.execute("SELECT pg_terminate_backend(%s)", [pid])
        holder.rollback()
    job.refresh_from_db()
    assert job.status == models.JobStatus.RUNNING and 20 <= job.progress < 100
    assert not models.RedactedVersion.objects.exists()  # nothing half-filed
    wait_until(lambda: worker.results("redaction.build"), 20, "the task delivered again")
    assert worker.results("redaction.build") == ["'skipped'"]  # held by a live lease
    job.refresh_from_db()
    assert job.lease_until is not None

    lease_over = job.lease_until + dt.timedelta(seconds=1)
    assert sweep(private_redis, lease_over)["redactions"] == 1

    def done() -> bool:
        job.refresh_from_db()
        return job.is_finished

    wait_until(done, 90, "the worker's new process to make the version")
    assert job.status == models.JobStatus.DONE, job.error
    assert job.attempts == 2 and job.progress == 100
    assert sweep(private_redis, lease_over + stranded_after() * 2)["redactions"] == 0
    version = models.RedactedVersion.objects.get()
    assert job.version == version and version.page_count == REDACTION_PAGES
    assert models.Attachment.objects.filter(parent=attachment).count() == 1
    assert SECRET_WORD not in redacted_text(version)
    wait_until(lambda: len(worker.results("redaction.build")) == 2, 20, "the task to report")
    assert worker.results("redaction.build") == ["'skipped'", "'done'"]
