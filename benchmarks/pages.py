"""Server time of the main pages through Django's test client, and list pages under load
through gunicorn on loopback. Run on a database loaded with `seed_bench`."""

from __future__ import annotations

import datetime as dt
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from functools import partial

from benchmarks.common import Measurement, setup_django, summarise, time_it

LIST_TARGET = "median ≤ 30 ms, p95 ≤ 80 ms"


@dataclass
class LoadResult:
    pages_per_second: float
    requests: int
    errors: int
    seconds: float


def bench_user():
    from django.contrib.auth.models import User
    from django.db.models import Count

    from requests_app.bench_data import ARCHIVIST

    return (
        User.objects.filter(username__startswith="bench")
        .exclude(username=ARCHIVIST)
        .annotate(n=Count("foi_requests"))
        .order_by("-n")
        .first()
    )


def request_with_messages(user, count: int = 100):
    """A request of the user's with `count` messages (made once, then reused)."""
    from django.utils import timezone

    from requests_app.models import Direction, FoiRequest, Message

    marker = "Benchmark: a long correspondence"
    foi_request = FoiRequest.objects.filter(title=marker, owner=user).first()
    if foi_request:
        return foi_request
    template = FoiRequest.objects.filter(owner=user).exclude(sent_on=None).first()
    assert template is not None, "run seed_bench first"
    foi_request = FoiRequest.objects.create(
        title=marker, public_body=template.public_body, owner=user, regime="uk-foia"
    )
    foi_request.mark_sent(on=timezone.localdate() - dt.timedelta(days=200))
    start = timezone.now() - dt.timedelta(days=200)
    Message.objects.bulk_create(
        Message(
            request=foi_request,
            direction=Direction.INCOMING if n % 2 else Direction.OUTGOING,
            sent_at=start + dt.timedelta(hours=n),
            subject=f"Message {n}",
            body_text="Dear requester, " * 40,
        )
        for n in range(count)
    )
    return foi_request


def page_measurements(runs: int) -> list[Measurement]:
    from django.test import Client

    from requests_app.models import FoiRequest, PublicBody

    user = bench_user()
    client = Client()
    client.force_login(user)
    visible = FoiRequest.objects.visible_to(user)
    busiest_body = PublicBody.objects.filter(requests__in=visible).order_by("pk").first()
    assert busiest_body is not None, "run seed_bench first"
    detail = request_with_messages(user)
    campaign = user.campaigns.order_by("pk").first()
    last_page = max(1, visible.count() // 50)
    pages = {
        "dashboard": "/",
        "request list": "/requests/",
        "request list, body + status filter": (
            f"/requests/?public_body={busiest_body.pk}&status=awaiting_response"
        ),
        "request list, sorted by due date": "/requests/?sort=due",
        f"request list, page {min(1000, last_page)}": (f"/requests/?page={min(1000, last_page)}"),
        "request detail, 100 messages": f"/requests/{detail.reference}/",
        "body page": f"/bodies/{busiest_body.slug}/",
        "campaign page": f"/campaigns/{campaign.slug}/",
        "campaign insights": f"/campaigns/{campaign.slug}/insights/",
    }
    results = []
    for name, url in pages.items():
        response = client.get(url)
        if response.status_code != 200:
            print(f"skipping {name}: {url} answered {response.status_code}", file=sys.stderr)
            continue
        samples = time_it(partial(client.get, url), runs=runs)
        results.append(
            summarise(name, samples, queries=count_queries(client, url), target=LIST_TARGET)
        )
    return results


def count_queries(client, url: str) -> int:
    """Queries one page view runs (execute_wrapper sees them whatever DEBUG says)."""
    from django.db import connection

    executed: list[str] = []

    def record(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        client.get(url)
    return len(executed)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def session_cookie(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def load_test(
    *, workers: int = 4, clients: int = 20, seconds: float = 15.0, warmup: float = 3.0
) -> LoadResult:
    """List pages per second through gunicorn on loopback, with `clients` concurrent users.

    gunicorn runs with the project's gunicorn.conf.py, as in production; the clients make
    requests for `warmup` seconds before the count starts.
    """
    port = free_port()
    cookie = session_cookie(bench_user())
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
        env={
            **os.environ,
            "DEBUG": "0",
            "WEB_CONCURRENCY": str(workers),
            "FOI_BIND": f"127.0.0.1:{port}",
            "FOI_ACCESS_LOG": "/dev/null",
        },
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        hammer(port, cookie, clients=clients, seconds=warmup)
        return hammer(port, cookie, clients=clients, seconds=seconds)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), 0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def hammer(port: int, cookie: str, *, clients: int, seconds: float) -> LoadResult:
    counts = {"ok": 0, "errors": 0}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop_at:
            try:
                connection.request("GET", "/requests/", headers={"Cookie": cookie})
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            with lock:
                counts["ok" if ok else "errors"] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return LoadResult(counts["ok"] / elapsed, counts["ok"], counts["errors"], elapsed)


if __name__ == "__main__":
    setup_django()
    for measurement in page_measurements(runs=10):
        print(measurement.row())
    print(load_test(seconds=5))
