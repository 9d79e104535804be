"""Structured logs: one JSON object per line, for a log collector."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys

from django.conf import settings
from django.test import RequestFactory

from foi_tracker.logging import JsonFormatter


def emit(logger_name: str, *args: object, **kwargs: object) -> dict[str, object]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    try:
        logger.warning(*args, **kwargs)  # type: ignore[arg-type]
    finally:
        logger.removeHandler(handler)
    [line] = stream.getvalue().splitlines()
    return dict(json.loads(line))


def test_a_record_is_one_json_line_with_its_extras() -> None:
    entry = emit("requests_app.queueing", "Could not queue %s", "alerts.deliver",
                 extra={"task": "alerts.deliver", "attempt": 2})  # fmt: skip
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "requests_app.queueing"
    assert entry["message"] == "Could not queue alerts.deliver"
    assert (entry["task"], entry["attempt"]) == ("alerts.deliver", 2)
    assert str(entry["time"]).endswith("+00:00")


def test_a_traceback_stays_inside_the_one_line() -> None:
    try:
        raise ValueError("a bad\nvalue")
    except ValueError:
        entry = emit("requests_app", "It failed", exc_info=True)
    assert "ValueError: a bad" in str(entry["exception"])


def test_djangos_request_becomes_its_method_and_path() -> None:
    request = RequestFactory().post("/requests/FOI-2026-0001/edit/")
    entry = emit("django.request", "Forbidden", extra={"request": request, "status_code": 403})
    assert (entry["method"], entry["path"], entry["status_code"]) == (
        "POST",
        "/requests/FOI-2026-0001/edit/",
        403,
    )


SETTINGS = "foi_tracker.settings"


def test_an_unknown_log_format_stops_the_app_at_start_up() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "FOI_LOG_FORMAT": "xml",
            "DJANGO_SETTINGS_MODULE": "foi_tracker.settings",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "FOI_LOG_FORMAT must be plain or json" in result.stderr
