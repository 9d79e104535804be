"""Faults: the broker stops, the mail server refuses, the database connection drops, a
worker dies mid-task. The app keeps serving, loses nothing and does nothing twice.

A dropped IMAP connection mid-fetch is covered where the mailbox is read:
tests/mail/test_imap.py::test_a_dropped_connection_is_survived_and_nothing_is_imported_twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import psycopg
import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from requests_app import models
from requests_app.alerts import delivery
from requests_app.alerts.delivery import Outcome
from requests_app.alerts.sweep import sweep
from requests_app.alerts.tasks import queue_due_deliveries
from requests_app.casework.tasks import refresh_open_deadlines
from requests_app.extraction import schedule_extraction
from requests_app.mail.sending import queue_letter, queue_stranded_letters
from requests_app.queueing import enqueue, enqueue_on_commit
from tests.trust.conftest import LONDON, World
from tests.trust.services import PrivateRedis, celery_broker, free_port, wait_until

ROOT = Path(django_settings.BASE_DIR)


def queue_length(redis: PrivateRedis, queue: str) -> int:
    return int(redis.client().llen(queue))  # type: ignore[attr-defined]


# --- Redis stops -----------------------------------------------------------------------------


def test_with_redis_stopped_pages_and_events_still_work_and_nothing_is_lost(
    world: World,
    owner_client: Client,
    private_redis: PrivateRedis,
    settings: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings.REDIS_URL = private_redis.url
    settings.FOI_HEALTH_TOKEN = "monitor"
    with celery_broker(private_redis.url):
        assert enqueue(refresh_open_deadlines)
        assert queue_length(private_redis, "celery") == 1
        private_redis.stop()

        for url in (reverse("dashboard"), world.foi_request.get_absolute_url()):
            assert owner_client.get(url).status_code == 200
        kwargs = {"reference": world.foi_request.reference, "kind": "acknowledged"}
        response = owner_client.post(reverse("event_create", kwargs=kwargs), {"on": "2026-01-07"})
        assert response.status_code == 302
        assert world.foi_request.events.filter(kind="acknowledged").exists()

        with caplog.at_level(logging.WARNING, logger="requests_app.queueing"):
            assert not enqueue(refresh_open_deadlines)
        assert "left for the next sweep" in caplog.text
        health = owner_client.get(reverse("healthz"), HTTP_AUTHORIZATION="Bearer monitor")
        assert health.status_code == 503 and health.json()["failing"] == ["broker"]

        private_redis.start()  # on the same port, empty: what was queued before is gone too
        assert enqueue(refresh_open_deadlines)
        assert queue_length(private_redis, "celery") == 1
        health = owner_client.get(reverse("healthz"), HTTP_AUTHORIZATION="Bearer monitor")
        assert health.json()["checks"]["broker"]["ok"]


def test_alerts_owed_while_redis_was_down_are_queued_by_the_next_sweep(
    world: World, private_redis: PrivateRedis, django_capture_on_commit_callbacks: Any
) -> None:
    overdue_day = dt.date(2026, 2, 3)  # the request was due Monday 2 February
    with time_machine.travel(dt.datetime(2026, 2, 3, 9, tzinfo=LONDON), tick=False):
        sweep(today=overdue_day)
        owed = models.Alert.objects.filter(status=models.AlertStatus.PENDING).count()
        assert owed >= 1
        with celery_broker(private_redis.url):
            private_redis.stop()
            with django_capture_on_commit_callbacks(execute=True):
                assert queue_due_deliveries() == owed  # tried, failed, logged: still pending
            assert models.Alert.objects.filter(status=models.AlertStatus.PENDING).count() == owed
            private_redis.start()
            with django_capture_on_commit_callbacks(execute=True):
                assert queue_due_deliveries() == owed
    assert queue_length(private_redis, "mail") == owed


def test_work_queued_at_commit_with_the_broker_down_does_not_undo_the_change(
    world: World, private_redis: PrivateRedis, django_capture_on_commit_callbacks: Any
) -> None:
    with celery_broker(private_redis.url):
        private_redis.stop()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            world.foi_request.record_event("acknowledged", on=dt.date(2026, 1, 7))
            enqueue_on_commit(refresh_open_deadlines)
    assert len(callbacks) == 1
    assert world.foi_request.events.filter(kind="acknowledged").exists()


def test_extraction_queued_with_the_broker_down_is_logged_not_raised(
    world: World,
    private_redis: PrivateRedis,
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    attachment = world.attachment
    with celery_broker(private_redis.url):
        private_redis.stop()
        with (
            caplog.at_level(logging.WARNING, logger="requests_app.queueing"),
            django_capture_on_commit_callbacks(execute=True),
        ):
            schedule_extraction(attachment.pk)
    assert "extraction.extract" in caplog.text and "left for the next sweep" in caplog.text


def test_a_letter_queued_with_the_broker_down_is_queued_again_by_the_stranded_sweep(
    world: World, private_redis: PrivateRedis, django_capture_on_commit_callbacks: Any
) -> None:
    queued_at = dt.datetime(2026, 1, 15, 12, tzinfo=LONDON)
    with celery_broker(private_redis.url):
        private_redis.stop()
        with (
            time_machine.travel(queued_at, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            message = queue_letter(
                foi_request=world.foi_request,
                letter="chaser",
                to="foi@nhs-example.gov.uk",
                subject="Chasing",
                body="Please reply.",
                author=world.owner,
            )
        message.refresh_from_db()
        assert message.send_status == models.SendStatus.QUEUED and message.send_attempts == 0
        private_redis.start()
        assert queue_stranded_letters(now=queued_at + dt.timedelta(minutes=5)) == 0
        assert queue_stranded_letters(now=queued_at + dt.timedelta(minutes=11)) == 1
    assert queue_length(private_redis, "mail") == 1


def test_tasks_run_inline_again_once_a_test_broker_is_forgotten(
    db: None, private_redis: PrivateRedis
) -> None:
    assert enqueue(refresh_open_deadlines)  # inline, through the default broker's pools
    with celery_broker(private_redis.url):
        assert enqueue(refresh_open_deadlines)
    assert enqueue(refresh_open_deadlines)  # not "Acquire on closed pool"


# --- the mail server refuses -------------------------------------------------------------------


class RefusingSmtp:
    """A real SMTP server on loopback that answers 451 until told to accept."""

    def __init__(self) -> None:
        self.port = free_port()
        self.accepting = False
        self.received: list[Any] = []
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if not self.accepting:
            return "451 4.3.0 Mail server temporarily rejected message"
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


@pytest.fixture
def refusing_smtp(settings: Any) -> Iterator[RefusingSmtp]:
    server = RefusingSmtp()
    server.controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server
    server.controller.stop()


def test_an_alert_refused_by_the_mail_server_waits_and_goes_once_when_accepted(
    world: World, refusing_smtp: RefusingSmtp
) -> None:
    def at(hour: int) -> time_machine.travel:
        return time_machine.travel(dt.datetime(2026, 2, 3, hour, tzinfo=LONDON), tick=False)

    with at(9):
        sweep(today=dt.date(2026, 2, 3))
        owed = models.Alert.objects.count()
        assert delivery.deliver_due() == {Outcome.RETRY: owed}
    alert = models.Alert.objects.first()
    assert alert is not None and alert.status == models.AlertStatus.PENDING
    assert "451" in alert.last_error
    refusing_smtp.accepting = True
    with at(10):
        assert delivery.deliver_due() == {Outcome.SENT: owed}
        assert delivery.deliver_due() == {}
    assert len(refusing_smtp.received) == owed
    assert set(models.Alert.objects.values_list("status", flat=True)) == {models.AlertStatus.SENT}


# --- the database connection drops mid-request ---------------------------------------------------


def terminate_own_backend_before(table: str) -> Callable[..., Any]:
    """An execute wrapper that has PostgreSQL kill this connection just before it writes `table`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    db = connection.settings_dict
    dsn = {
        "host": db.get("HOST") or "127.0.0.1",
        "port": db.get("PORT") or 5432,
        "user": db.get("USER") or "postgres",
        "password": db.get("PASSWORD") or None,
        "dbname": db["NAME"],
    }

    def wrapper(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        if sql.startswith(f'INSERT INTO "{table}"'):
            with psycopg.connect(**dsn, autocommit=True) as other:
                other.execute("SELECT pg_terminate_backend(%s)", [pid])
        return execute(sql, params, many, context)

    return wrapper


@pytest.mark.django_db(transaction=True)
def test_a_dropped_database_connection_gives_a_clean_error_and_no_half_saved_change(
    world: World,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: runs in the PostgreSQL pass (DATABASE_URL=postgres://…)")
    client = Client(raise_request_exception=False)
    client.force_login(world.owner)
    kwargs = {"reference": world.foi_request.reference, "kind": "withdrawn"}
    with connection.execute_wrapper(terminate_own_backend_before("requests_app_requestevent")):
        response = client.post(reverse("event_create", kwargs=kwargs), {"on": "2026-01-14"})
    assert response.status_code == 500
    assert "Something went wrong" in response.text and "Traceback" not in response.text
    connection.close()  # the test's connection died with the request's
    world.foi_request.refresh_from_db()
    assert world.foi_request.status == models.Status.AWAITING_RESPONSE  # not half-withdrawn
    assert not world.foi_request.events.filter(kind="withdrawn").exists()
    assert not models.AuditEntry.objects.filter(action="event.recorded").exists()
    assert client.get(world.foi_request.get_absolute_url()).status_code == 200


# --- a worker dies mid-task --------------------------------------------------------------------


class Worker:
    """`celery worker` in a subprocess, on a queue of its own, against a private Redis."""

    def __init__(self, redis: PrivateRedis, folder: Path) -> None:
        self.queue = f"foi-trust-{uuid.uuid4().hex[:12]}"
        env = {
            **os.environ,
            "REDIS_URL": redis.url,
            "FOI_TEST_QUEUE": self.queue,
            "FOI_TASKS_EAGER": "0",
            "FOI_VAR_DIR": str(folder),
            "PYTHONPATH": str(ROOT),
        }
        argv = [
            sys.executable, "-m", "celery", "-A", "tests.trust.worker_app", "worker",
            "--pool", "prefork", "--concurrency", "1", "--queues", self.queue,
            "--hostname", f"{self.queue}@%h", "--without-gossip", "--without-mingle",
            "--without-heartbeat", "--loglevel", "INFO",
        ]  # fmt: skip
        self.log = folder / "worker.log"
        self.process = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=self.log.open("wb"), stderr=subprocess.STDOUT
        )
        wait_until(lambda: b"ready." in self.log.read_bytes(), 60, "the worker to start")

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


def test_a_task_whose_worker_is_killed_runs_again_to_the_end(
    private_redis: PrivateRedis, tmp_path: Path
) -> None:
    from tests.trust.worker_app import app as worker_app
    from tests.trust.worker_app import wait_for_go

    assert worker_app.conf.task_acks_late and worker_app.conf.task_reject_on_worker_lost
    work = tmp_path / "work"
    work.mkdir()
    worker = Worker(private_redis, tmp_path)
    try:
        with worker_app.connection_for_write(private_redis.url) as broker:
            wait_for_go.apply_async((str(work),), connection=broker, queue=worker.queue)  # type: ignore[call-arg]

        def starts() -> int:
            return len(list(work.glob("started-*")))

        wait_until(lambda: starts() == 1, 30, "the task to start")
        [child] = worker.children()
        os.kill(child, signal.SIGKILL)  # the process running it dies, unacknowledged
        wait_until(lambda: starts() == 2, 30, "the task to be delivered again")
        (work / "go").touch()
        wait_until((work / "done").exists, 30, "the task to finish")
        wait_until(lambda: queue_length(private_redis, worker.queue) == 0, 10, "an empty queue")
    finally:
        worker.stop()
    assert (work / "done").read_text() == "finished\n"
    assert starts() == 2


def test_tasks_that_must_survive_a_lost_worker_are_acknowledged_late() -> None:
    from foi_tracker.celery import app

    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert app.conf.worker_prefetch_multiplier == 1
