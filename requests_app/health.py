"""`/healthz`: whether this installation can do its work, as JSON for a probe.

It answers 200 when the database and the broker answer, beat has run lately and the last
fixity check found every original intact, and 503 otherwise, saying which part failed.
`?scope=web` asks only whether this web server can serve pages (its database), for a load
balancer that should keep sending visitors while the background machinery is repaired.

An anonymous caller learns only the status; the checks (queue depths, broker, beat, fixity)
are for staff and for a monitor that sends `Authorization: Bearer <FOI_HEALTH_TOKEN>`.
"""

from __future__ import annotations

import datetime as dt
import hmac
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Max
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# The queues the workers listen on (settings CELERY_TASK_ROUTES), in the order of the docs.
QUEUES = ("celery", "mail", "extract", "ocr")
PROBE_TIMEOUT = 2.0  # seconds: a probe must answer quickly even when a service hangs

Check = dict[str, Any]


def database_check() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True, "vendor": connection.vendor}


def redis_client() -> Any:
    import redis

    return redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=PROBE_TIMEOUT, socket_timeout=PROBE_TIMEOUT
    )


def broker_folder() -> Path:
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    return Path(str(options["data_folder_in"]))


def broker_check() -> Check:
    """Redis answers PING; or the filesystem transport's folder takes a file."""
    if settings.REDIS_URL:
        import redis

        try:
            redis_client().ping()
        except (redis.RedisError, OSError) as error:
            return {"ok": False, "kind": "redis", "error": type(error).__name__}
        return {"ok": True, "kind": "redis"}
    folder = broker_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".healthz-"):
            pass
    except OSError as error:
        return {"ok": False, "kind": "filesystem", "error": type(error).__name__}
    return {"ok": True, "kind": "filesystem"}


def queue_lengths() -> dict[str, int | None]:
    """Messages waiting per queue (None when the broker cannot be asked)."""
    if settings.REDIS_URL:
        import redis

        try:
            with redis_client().pipeline() as pipe:
                for queue in QUEUES:
                    pipe.llen(queue)
                return dict(zip(QUEUES, pipe.execute(), strict=True))
        except (redis.RedisError, OSError):
            return dict.fromkeys(QUEUES)
    try:
        names = [entry.name for entry in broker_folder().iterdir()]
    except OSError:
        return dict.fromkeys(QUEUES)
    return {queue: sum(name.endswith(f".{queue}.msg") for name in names) for queue in QUEUES}


def beat_check(now: dt.datetime) -> Check:
    """When beat last started a task; stale after FOI_HEALTH_BEAT_MAX_AGE seconds."""
    from django_celery_beat.models import PeriodicTask

    last_run = PeriodicTask.objects.aggregate(last=Max("last_run_at"))["last"]
    if last_run is None:
        return {"ok": None, "last_run_at": None}  # a new installation: nothing to judge yet
    age = (now - last_run).total_seconds()
    fresh = age <= settings.FOI_HEALTH_BEAT_MAX_AGE
    return {"ok": fresh, "last_run_at": last_run.isoformat(), "age_seconds": int(age)}


def fixity_check() -> Check:
    from requests_app.models import FixityReport

    report = FixityReport.objects.filter(finished_at__isnull=False).first()
    if report is None:
        return {"ok": None, "finished_at": None}
    return {
        "ok": report.is_intact,
        "finished_at": report.finished_at.isoformat() if report.finished_at else None,
        "files_checked": report.files_checked,
        "problems": report.problem_count,
    }


def health_report(scope: str = "all") -> dict[str, Any]:
    checks: dict[str, Any] = {"database": database_check()}
    if scope != "web":
        checks["broker"] = broker_check()
        if checks["database"]["ok"]:
            checks["beat"] = beat_check(timezone.now())
            checks["fixity"] = fixity_check()
        checks["queues"] = queue_lengths()
    failing = [name for name, check in checks.items() if name != "queues" and not _passes(check)]
    return {"status": "failing" if failing else "ok", "failing": failing, "checks": checks}


def _passes(check: Check) -> bool:
    # None means "nothing to judge yet" (no beat run, no fixity check): not a failure.
    return check.get("ok") is not False


def may_see_details(request: HttpRequest) -> bool:
    """Staff, or a caller with the health token; the details say how the site is built."""
    if request.user.is_authenticated and request.user.is_staff:
        return True
    token: str = settings.FOI_HEALTH_TOKEN
    scheme, _, offered = request.headers.get("Authorization", "").partition(" ")
    if not token or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(offered.strip().encode(), token.encode())


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    report = health_report(scope=request.GET.get("scope", "all"))
    status = 200 if report["status"] == "ok" else 503
    if not may_see_details(request):
        report = {"status": report["status"]}
    return JsonResponse(report, status=status)


urlpatterns = [path("healthz", healthz, name="healthz")]
