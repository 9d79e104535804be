"""The production web server starts from gunicorn.conf.py and serves pages."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tests.trust.services import free_port, wait_until

ROOT = Path(settings.BASE_DIR)


def answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/accounts/login/")
        return connection.getresponse().status == 200
    except OSError:
        return False


def test_gunicorn_preloads_the_app_and_serves_the_login_page(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DEBUG": "0",
        "WEB_CONCURRENCY": "2",
        "FOI_BIND": f"127.0.0.1:{port}",
        "FOI_VAR_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)  # the login page needs no database
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(lambda: answers(port), 60, "gunicorn to serve the login page")
    finally:
        server.terminate()
        server.wait(timeout=30)
    output = log.read_text()
    assert "Booting worker" in output
    assert "Traceback" not in output
