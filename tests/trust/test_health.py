"""`/healthz`: what a load balancer and a monitor learn about the installation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from requests_app.models import FixityReport
from tests.trust.services import PrivateRedis

pytestmark = pytest.mark.django_db

MONITOR_TOKEN = "monitor-token-for-tests"
MONITOR = {"HTTP_AUTHORIZATION": f"Bearer {MONITOR_TOKEN}"}


@pytest.fixture(autouse=True)
def _monitor_token(settings: Any) -> None:
    settings.FOI_HEALTH_TOKEN = MONITOR_TOKEN


@pytest.fixture
def filesystem_broker(settings: Any, tmp_path: Path) -> Path:
    folder = tmp_path / "queue"
    settings.REDIS_URL = ""
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
    }
    return folder


def health(client: Client, **query: str) -> tuple[int, dict[str, Any]]:
    """What a monitor with the health token learns."""
    response = client.get(reverse("healthz"), query, **MONITOR)
    return response.status_code, response.json()


def beat_ran(ago: dt.timedelta) -> None:
    every_hour, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.HOURS)
    PeriodicTask.objects.create(
        name=f"sweep {ago}",
        task="alerts.sweep",
        interval=every_hour,
        last_run_at=timezone.now() - ago,
    )


def test_a_healthy_installation_answers_200_with_every_check(
    client: Client, filesystem_broker: Path
) -> None:
    filesystem_broker.mkdir()
    for name in ("1_a.mail.msg", "2_b.mail.msg", "3_c.celery.msg"):
        (filesystem_broker / name).write_bytes(b"{}")
    beat_ran(dt.timedelta(minutes=5))
    status, report = health(client)
    assert status == 200
    assert report["status"] == "ok"
    checks = report["checks"]
    assert checks["database"]["ok"] and checks["broker"] == {"ok": True, "kind": "filesystem"}
    assert checks["queues"] == {"celery": 1, "mail": 2, "extract": 0, "ocr": 0}
    assert checks["beat"]["ok"] and 300 <= checks["beat"]["age_seconds"] < 900
    assert checks["fixity"] == {"ok": None, "finished_at": None}


def test_a_broker_folder_that_cannot_be_written_is_a_failure(
    client: Client, filesystem_broker: Path
) -> None:
    filesystem_broker.write_text("a file where the folder should be")
    status, report = health(client)
    assert status == 503
    assert report["failing"] == ["broker"]


def test_beat_that_stopped_running_is_a_failure(client: Client, filesystem_broker: Path) -> None:
    beat_ran(dt.timedelta(hours=4))
    status, report = health(client)
    assert (status, report["failing"]) == (503, ["beat"])


def test_a_fixity_check_that_found_problems_is_reported(
    client: Client, filesystem_broker: Path
) -> None:
    FixityReport.objects.create(
        finished_at=timezone.now(), files_checked=10, problem_count=1, problems=[{}]
    )
    status, report = health(client)
    assert (status, report["failing"]) == (503, ["fixity"])
    assert report["checks"]["fixity"]["problems"] == 1
    # A load balancer asks only whether this server can serve pages.
    status, report = health(client, scope="web")
    assert status == 200 and list(report["checks"]) == ["database"]


def test_redis_is_pinged_and_its_queues_counted(
    client: Client, settings: Any, private_redis: PrivateRedis
) -> None:
    settings.REDIS_URL = private_redis.url
    private_redis.client().rpush("mail", b"one", b"two")  # type: ignore[attr-defined]
    status, report = health(client)
    assert status == 200
    assert report["checks"]["broker"] == {"ok": True, "kind": "redis"}
    assert report["checks"]["queues"]["mail"] == 2
    private_redis.stop()
    status, report = health(client)
    assert (status, report["failing"]) == (503, ["broker"])
    assert report["checks"]["queues"]["mail"] is None


def test_the_answer_is_never_cached(client: Client, filesystem_broker: Path) -> None:
    response = client.get(reverse("healthz"))
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_an_anonymous_caller_learns_only_ok_or_failing(
    client: Client, filesystem_broker: Path, private_redis: PrivateRedis, settings: Any
) -> None:
    settings.REDIS_URL = private_redis.url
    response = client.get(reverse("healthz"))
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    private_redis.stop()
    response = client.get(reverse("healthz"))
    assert (response.status_code, response.json()) == (503, {"status": "failing"})


@pytest.mark.parametrize(
    "authorization",
    ["Bearer wrong-token", f"Token {MONITOR_TOKEN}", f"Basic {MONITOR_TOKEN}", "Bearer "],
)
def test_a_wrong_token_learns_no_more_than_anyone(
    client: Client, filesystem_broker: Path, authorization: str
) -> None:
    response = client.get(reverse("healthz"), HTTP_AUTHORIZATION=authorization)
    assert response.json() == {"status": "ok"}


def test_with_no_token_configured_even_an_empty_bearer_learns_nothing(
    client: Client, filesystem_broker: Path, settings: Any
) -> None:
    settings.FOI_HEALTH_TOKEN = ""
    response = client.get(reverse("healthz"), HTTP_AUTHORIZATION="Bearer ")
    assert response.json() == {"status": "ok"}


def test_staff_and_not_other_users_see_the_details(client: Client, filesystem_broker: Path) -> None:
    from tests.factories import UserFactory

    member = UserFactory(username="member")
    client.force_login(member)
    assert client.get(reverse("healthz")).json() == {"status": "ok"}
    member.is_staff = True
    member.save()
    details = client.get(reverse("healthz")).json()
    assert details["checks"]["queues"] == {"celery": 0, "mail": 0, "extract": 0, "ocr": 0}
