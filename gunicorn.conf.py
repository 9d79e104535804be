"""Gunicorn settings for FOI Tracker: `gunicorn --config gunicorn.conf.py`.

Every value can be changed through the environment, so the same file serves a laptop, a
container and a systemd unit.
"""

from __future__ import annotations

import json
import multiprocessing
import os

wsgi_app = "foi_tracker.wsgi:application"
bind = os.environ.get("FOI_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")

# Sync workers: each request holds a database connection, and PDFs and uploads are CPU work.
# (2 × cores) + 1 is gunicorn's rule of thumb; WEB_CONCURRENCY overrides it.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("FOI_WEB_THREADS", "1"))
# A case summary PDF of a long case takes seconds; nothing should take a minute.
timeout = int(os.environ.get("FOI_WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that a slow leak in a library never grows without bound.
max_requests = int(os.environ.get("FOI_WEB_MAX_REQUESTS", "1000"))
max_requests_jitter = 100
# Load the application once in the master (see foi_tracker/wsgi.py): workers fork from it
# with every module imported, so a new or recycled worker's first page is not slow.
preload_app = os.environ.get("FOI_WEB_PRELOAD", "1") != "0"
# Heartbeat files in memory, not on a disk that may stall under load.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# Requests bigger than the upload limit are refused by Django; these only bound the headers.
limit_request_line = 8190
limit_request_fields = 100

# No control socket: it would live in the service user's home, which systemd keeps read-only.
control_socket_disable = True

# Only the proxy in front of us may say the request came over HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("FOI_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs to stdout/stderr for systemd's journal or the container runtime; the access log as
# one JSON object per line, like the application's own logs with FOI_LOG_FORMAT=json.
accesslog = os.environ.get("FOI_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = json.dumps(
    {
        "time": "%(t)s",
        "remote": "%({x-forwarded-for}i)s",
        "method": "%(m)s",
        "path": "%(U)s",
        "status": "%(s)s",
        "bytes": "%(B)s",
        "duration_ms": "%(M)s",
        "user_agent": "%(a)s",
    }
)
# The query string can carry a share or calendar token: the access log records the path only.
