"""The Celery tasks: thin, queued after commit, and safe to run again."""

from __future__ import annotations

from django.core import mail

from foi_tracker.celery import app
from requests_app.alerts.tasks import deliver_alert, send_digests, sweep_alerts
from requests_app.models import Alert, AlertStatus, FoiRequest
from tests.alerts.conftest import DUE_ON, on_day


def test_the_tasks_survive_a_lost_worker_and_are_on_the_beat_schedule() -> None:
    for task in (sweep_alerts, deliver_alert, send_digests):
        assert task.acks_late and task.reject_on_worker_lost
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"alerts.sweep", "alerts.send_digests"} <= scheduled
    assert app.amqp.router.route({}, "alerts.deliver")["queue"].name == "mail"


def test_the_sweep_task_queues_delivery_after_commit_and_sends_once(
    iapt_request: FoiRequest,
    django_capture_on_commit_callbacks,
) -> None:
    with on_day(DUE_ON):
        with django_capture_on_commit_callbacks(execute=True):
            first = sweep_alerts.delay().get()
        with django_capture_on_commit_callbacks(execute=True):
            second = sweep_alerts.delay().get()
    assert first == {"created": 1, "cancelled": 0, "recovered": 0, "queued": 1}
    assert second == {"created": 0, "cancelled": 0, "recovered": 0, "queued": 0}
    assert len(mail.outbox) == 1
    assert Alert.objects.get().status == AlertStatus.SENT
