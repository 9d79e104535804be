"""A real prefork Celery worker on Redis and PostgreSQL reads a scan end to end: the
extract task on one queue, then the OCR task on the other, each reading in a forked
child of the worker's own pool process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from foi_tracker.celery import app
from requests_app.extraction.tasks import extract
from requests_app.models import Attachment, ExtractionStatus
from tests.extraction import files
from tests.extraction.conftest import needs_tesseract

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)
REQUIRE_SERVICES = os.environ.get("FOI_REQUIRE_SERVICES") == "1"
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def needs_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: runs in the PostgreSQL pass (DATABASE_URL=postgres://…)")


def needs_redis() -> str:
    import redis

    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        if REQUIRE_SERVICES:
            pytest.fail(f"Redis is not reachable at {TEST_REDIS_URL}: {error}")
        pytest.skip(f"Redis is not reachable at {TEST_REDIS_URL}")
    return TEST_REDIS_URL


def database_url() -> str:
    db = connection.settings_dict
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[str]:
    """A prefork worker on this run's extract and OCR queues; yields the queue prefix."""
    needs_postgres()
    redis_url = needs_redis()
    prefix = f"foi-test-extraction-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CONN_MAX_AGE": "0",
        "REDIS_URL": redis_url,
        "FOI_VAR_DIR": str(tmp_path),  # its files are this test's files
        "FOI_TEST_QUEUE": prefix,
        "FOI_TASKS_EAGER": "0",
        "PYTHONPATH": str(ROOT),
    }
    argv = [
        sys.executable, "-m", "celery", "-A", "tests.extraction.worker_app", "worker",
        "--pool", "prefork", "--concurrency", "1", "--queues", f"{prefix}-extract,{prefix}-ocr",
        "--hostname", f"{prefix}@%h", "--without-gossip", "--without-mingle",
        "--without-heartbeat", "--loglevel", "INFO",
    ]  # fmt: skip
    log = tmp_path / "worker.log"
    process = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
    eager = app.conf.task_always_eager
    try:
        wait_for(lambda: b"ready." in log.read_bytes(), 30, "the worker to start")
        app.conf.task_always_eager = False
        yield prefix
    finally:
        app.conf.task_always_eager = eager
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@needs_tesseract
def test_a_worker_extracts_then_ocrs_a_scan_on_its_two_queues(
    worker: str, attach: Callable[..., Attachment]
) -> None:
    attachment = attach(files.scanned_pdf(["Letter about hospital parking"]), "scan.pdf")
    with app.connection_for_write(TEST_REDIS_URL) as broker:
        extract.apply_async(  # type: ignore[call-arg]
            (attachment.pk,), connection=broker, queue=f"{worker}-extract"
        )

    def finished() -> bool:
        attachment.refresh_from_db()
        return attachment.status not in (
            ExtractionStatus.PENDING, ExtractionStatus.EXTRACTING, ExtractionStatus.NEEDS_OCR
        )  # fmt: skip

    wait_for(finished, 60, "extraction and OCR by the worker")
    assert attachment.status == ExtractionStatus.OCR_DONE, attachment.status_detail
    assert "Letter about hospital parking" in attachment.pages.get().text
    assert attachment.extraction_attempts == 2  # one claim for the text layer, one for OCR
