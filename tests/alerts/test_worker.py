"""A real Celery worker on Redis and PostgreSQL, sending through a real SMTP server.

The worker is a subprocess (`celery -A tests.alerts.worker_app worker`) pointed at the
test database; tasks are published to a Redis queue unique to this run.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from foi_tracker.celery import app
from requests_app.alerts.sweep import sending_timeout, sweep
from requests_app.alerts.tasks import deliver_alert, sweep_alerts
from requests_app.models import Alert, AlertStatus, FoiRequest
from tests.alerts.conftest import SmtpServer, needs_postgres, needs_redis
from tests.factories import FoiRequestFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)


def wait_for(condition: Callable[[], bool], timeout: float = 15.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what or condition}")


def database_url() -> str:
    db = connection.settings_dict
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


class Worker:
    def __init__(self, redis_url: str, smtp: SmtpServer, var_dir: Path) -> None:
        self.queue = f"foi-test-alerts-{uuid.uuid4().hex[:12]}"
        self.redis_url = redis_url
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CONN_MAX_AGE": "0",
            "REDIS_URL": redis_url,
            "EMAIL_URL": smtp.url,
            "FOI_VAR_DIR": str(var_dir),
            "FOI_TEST_QUEUE": self.queue,
            "FOI_TASKS_EAGER": "0",
            "PYTHONPATH": str(ROOT),
        }
        argv = [
            sys.executable, "-m", "celery", "-A", "tests.alerts.worker_app", "worker",
            "--pool", "prefork", "--concurrency", "1", "--queues", self.queue,
            "--hostname", f"{self.queue}@%h", "--without-gossip", "--without-mingle",
            "--without-heartbeat", "--loglevel", "INFO",
        ]  # fmt: skip
        self.log = var_dir / "worker.log"
        self.process = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=self.log.open("wb"), stderr=subprocess.STDOUT
        )
        wait_for(lambda: b"ready." in self.log.read_bytes(), 30, "the worker to start")

    def publish(self, task: object, *args: object) -> None:
        with app.connection_for_write(self.redis_url) as broker:
            task.apply_async(args, connection=broker, queue=self.queue)  # type: ignore[attr-defined]

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def worker(smtp_server: SmtpServer, tmp_path: Path) -> Iterator[Worker]:
    needs_postgres()
    started = Worker(needs_redis(), smtp_server, tmp_path)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # tasks go to the real worker
    yield started
    app.conf.task_always_eager = eager
    started.stop()


@pytest.fixture
def overdue_request(user: object, body: object) -> FoiRequest:
    """Received 35 days ago: overdue today, not yet very overdue (real dates)."""
    return FoiRequestFactory.sent(
        on=timezone.localdate() - dt.timedelta(days=35),
        owner=user,
        public_body=body,
        title="IAPT performance data",
    )


def test_the_worker_sweeps_and_sends_the_email_once(
    worker: Worker, smtp_server: SmtpServer, overdue_request: FoiRequest
) -> None:
    worker.publish(sweep_alerts)
    wait_for(lambda: len(smtp_server.received) == 1, what="the alert email")
    [received] = smtp_server.received
    assert received.rcpt_tos == ["alice@example.org"]
    subject = received.message["Subject"].strip()
    assert subject.startswith("Overdue: NAO — IAPT performance data, due ")
    assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    parts = [p.get_content_type() for p in received.message.walk() if not p.is_multipart()]
    assert parts == ["text/plain", "text/html"]
    alert = Alert.objects.get()
    wait_for(lambda: Alert.objects.get().status == AlertStatus.SENT, what="the alert to be sent")
    # The sweep again, and the same delivery twice: nothing new.
    worker.publish(sweep_alerts)
    worker.publish(deliver_alert, alert.pk)
    worker.publish(deliver_alert, alert.pk)
    time.sleep(1.5)
    assert len(smtp_server.received) == 1
    assert Alert.objects.count() == 1


def test_a_worker_killed_mid_send_leaves_the_alert_to_be_sent_once_afterwards(
    worker: Worker, smtp_server: SmtpServer, overdue_request: FoiRequest, settings: object
) -> None:
    sweep(today=timezone.localdate())
    alert = Alert.objects.get()
    smtp_server.stall = threading.Event()
    worker.publish(deliver_alert, alert.pk)
    wait_for(smtp_server.stalled.is_set, what="the send to start")
    assert Alert.objects.get().status == AlertStatus.SENDING
    [child] = worker.children()
    os.kill(child, signal.SIGKILL)
    wait_for(lambda: child not in worker.children(), what="the child to die")
    smtp_server.stall.set()  # the dead connection gets its answer; nothing was accepted
    time.sleep(1.0)  # the task is redelivered, finds the alert claimed, and leaves it
    assert smtp_server.received == []
    assert Alert.objects.get().status == AlertStatus.SENDING

    later = timezone.now() + sending_timeout() + dt.timedelta(minutes=1)
    assert sweep(today=timezone.localdate(), now=later).recovered == 1
    worker.publish(deliver_alert, alert.pk)
    wait_for(lambda: len(smtp_server.received) == 1, what="the alert email")
    time.sleep(1.0)
    assert len(smtp_server.received) == 1
    alert.refresh_from_db()
    assert alert.status == AlertStatus.SENT
    assert alert.attempts == 2
