"""Run the web server, a Celery worker and Celery beat together; one Ctrl-C stops all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from foi_tracker.celery import ensure_broker_folders


class Command(BaseCommand):
    help = "Start the web server, a Celery worker and Celery beat in one process group."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_broker_folders()
        celery = [sys.executable, "-m", "celery", "-A", "foi_tracker"]
        commands = {
            "web": [sys.executable, "manage.py", "runserver", "--noreload", options["addr"]],
            "worker": [
                *celery,
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
                "--queues",
                "celery,mail,extract,ocr",
            ],
            "beat": [*celery, "beat", "--loglevel", "INFO"],
        }
        processes = {
            name: subprocess.Popen(argv, cwd=settings.BASE_DIR, env=os.environ.copy())  # noqa: S603
            for name, argv in commands.items()
        }
        # A SIGTERM (from a supervisor or `timeout`) stops everything like Ctrl-C does.
        signal.signal(signal.SIGTERM, _interrupt)
        self.stdout.write(
            self.style.SUCCESS(
                f"FOI Tracker is running at http://{options['addr']}/ — Ctrl-C stops everything."
            )
        )
        try:
            self._wait(processes)
        except KeyboardInterrupt:
            self.stdout.write("Stopping…")
        finally:
            self._stop(processes)

    def _wait(self, processes: dict[str, subprocess.Popen[bytes]]) -> None:
        while True:
            for name, process in processes.items():
                if process.poll() is not None:
                    self.stderr.write(f"{name} exited with status {process.returncode}")
                    return
            time.sleep(0.5)

    def _stop(self, processes: dict[str, subprocess.Popen[bytes]]) -> None:
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
