"""A Celery app configured from the project's settings, with one task that waits to be told
to finish.

Started with `celery -A tests.trust.worker_app worker`. It reads the CELERY_* settings
(late acknowledgement, requeue on a lost worker, prefetch of one) without starting Django,
so the worker is up in a second; the queue is named after FOI_TEST_QUEUE so concurrent
runs never take each other's work.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from celery import Celery

app = Celery("foi_tracker_fault_test")
app.config_from_object("foi_tracker.settings", namespace="CELERY")
app.conf.update(
    broker_url=os.environ.get("REDIS_URL", app.conf.broker_url),
    task_default_queue=os.environ.get("FOI_TEST_QUEUE", "foi-trust-test"),
    worker_hijack_root_logger=False,
)


@app.task(name="trust.wait_for_go")
def wait_for_go(folder: str) -> str:
    """Leave a mark on starting; finish only once the file `go` appears in `folder`."""
    here = Path(folder)
    (here / f"started-{uuid.uuid4().hex}").touch()
    while not (here / "go").exists():
        time.sleep(0.05)
    with (here / "done").open("a") as done:
        done.write("finished\n")
    return "finished"


__all__ = ["app", "wait_for_go"]
