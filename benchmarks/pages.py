"""Server time of the main pages through Django's test client, and list pages under load
through gunicorn on loopback. Run on a database loaded with `seed_bench`."""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from functools import partial

from benchmarks.common import (
    Measurement,
    machine_description,
    merge_subsection,
    record_json,
    setup_django,
    summarise,
    time_it,
    write_section,
)

LIST_TARGET = "median ≤ 30 ms, p95 ≤ 80 ms"
NOTES = """Where the time goes, and what meeting the targets would take:

- Database: every page reads the session, the user, their two-factor devices and their
  campaigns (4 round trips) before its own queries. On the lists the largest is the count
  of what the user may see: about 20-30 ms for 70,000 requests even though PostgreSQL
  counts from the narrow `request_visibility` index alone. Deep pages find their keys
  first through the due-date index (which holds the visibility columns), so page 1,000
  costs about what page 1 does.
- Python: most of the rest. Rendering fifty rows through the templates, and the filter
  form's list of every body the user has written to (1,000 options for the archivist and
  the campaigner alike: about 20 ms of query and 10 ms of markup, after the options
  stopped going through Django's widget templates).
- Under load the server does the same work: 4 workers on 2 cores sharing them with
  PostgreSQL give about 1/(CPU per page) pages a second. 150 pages a second would need
  about 13 ms of CPU per page, a fifth of what a list costs now.
- What it would take: a count that stops at a cap ("more than 10,000") with keyset
  "next" links past it, or a per-user count kept up to date on writes; a body search box
  instead of a select listing every body; rows rendered in Python as the batch grid does,
  or cached per request state; the campaign page's figures cached until one of its
  requests changes (four grouped queries of about 25 ms for 1,400 requests); letters
  older than the last few collapsed on the detail page and fetched when opened (100
  letters are 130 KB of HTML).
"""


@dataclass
class LoadResult:
    pages_per_second: float
    requests: int
    errors: int
    seconds: float


def bench_user():
    """The campaigner with the most requests of their own (two campaigns' worth in view)."""
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


def archivist():
    """A member of every campaign: sees most of the archive."""
    from django.contrib.auth.models import User

    from requests_app.bench_data import ARCHIVIST

    return User.objects.get(username=ARCHIVIST)


def request_with_messages(user, count: int = 100):
    """A campaign request of the user's with `count` messages (made once, then reused)."""
    from django.utils import timezone

    from requests_app.models import Direction, FoiRequest, Message

    marker = "Benchmark: a long correspondence"
    foi_request = FoiRequest.objects.filter(title=marker, owner=user).first()
    if foi_request:
        return foi_request
    template = FoiRequest.objects.filter(owner=user).exclude(campaign=None).first()
    assert template is not None, "run seed_bench first"
    foi_request = FoiRequest.objects.create(
        title=marker,
        public_body=template.public_body,
        owner=user,
        campaign=template.campaign,
        regime="uk-foia",
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


def page_urls(user) -> dict[str, str]:
    from django.db.models import Count

    from requests_app.models import FoiRequest, PublicBody

    visible = FoiRequest.objects.visible_to(user)
    busiest_body = (
        PublicBody.objects.filter(requests__in=visible)
        .annotate(n=Count("requests"))
        .order_by("-n")
        .first()
    )
    assert busiest_body is not None, "run seed_bench first"
    detail = request_with_messages(bench_user())
    campaign = detail.campaign
    deep = min(1000, max(1, visible.count() // 50))
    return {
        "dashboard": "/",
        "request list": "/requests/",
        "request list, body + status filter": (
            f"/requests/?public_body={busiest_body.slug}&status=awaiting_response"
        ),
        "request list, sorted by due date": "/requests/?sort=due",
        f"request list, page {deep:,}": f"/requests/?page={deep}",
        "request detail, 100 messages": f"/requests/{detail.reference}/",
        "body page": f"/bodies/{busiest_body.slug}/",
        "campaign page": f"/campaigns/{campaign.slug}/",
        "campaign insights": f"/campaigns/{campaign.slug}/insights/",
    }


def page_measurements(runs: int) -> list[Measurement]:
    """Every page as the archivist (most of the archive in view), the lists also as a
    campaigner with two campaigns' requests in view."""
    from django.test import Client

    from requests_app.models import FoiRequest

    results = []
    for who, user, names in (
        ("archivist", archivist(), None),
        ("campaigner", bench_user(), ("dashboard", "request list")),
    ):
        client = Client()
        client.force_login(user)
        seen = FoiRequest.objects.visible_to(user).count()
        for name, url in page_urls(user).items():
            if names is not None and name not in names:
                continue
            response = client.get(url)
            if response.status_code != 200:
                print(f"skipping {name}: {url} answered {response.status_code}", file=sys.stderr)
                continue
            samples = time_it(partial(client.get, url), runs=runs)
            label = f"{name} ({who}, {seen:,} requests in view)"
            queries = count_queries(client, url)
            if name == "campaign insights":  # its own target, in the insights section
                results.append(summarise(label, samples, queries=queries, target="—"))
                continue
            measurement = summarise(label, samples, queries=queries, target=LIST_TARGET)
            met = measurement.median_ms <= 30 and measurement.p95_ms <= 80
            measurement.verdict = "met" if met else "missed"
            results.append(measurement)
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


def report(measurements: list[Measurement], load: LoadResult, requests: int) -> tuple[str, str]:
    """This database's subsection of the Pages section: its heading and its text."""
    load_average = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    rows = "\n".join(measurement.row() for measurement in measurements)
    verdict = "met" if load.pages_per_second >= 150 and load.errors == 0 else "missed"
    heading = f"### {database_description()}, {requests:,} requests"
    return (
        heading,
        f"""{heading}

`python -m benchmarks.pages` (run by `make bench`) on {machine_description()}, an archive
of {requests:,} requests from `seed_bench`. Server time through Django's test client,
median and 95th percentile of the runs after 3 warm-up runs; measured
{dt.date.today():%d %B %Y}, load average {load_average} when it ended.

| page | median ms | p95 ms | queries | target | |
|---|---|---|---|---|---|
{rows}

Under load: gunicorn with `gunicorn.conf.py` (4 workers, the app preloaded), 20 concurrent
clients on loopback fetching the campaigner's request list for {load.seconds:.0f} s after a
warm-up: **{load.pages_per_second:.1f} list pages per second**, {load.errors} errors
(target ≥ 150 pages per second: {verdict}).
""",
    )


def database_description() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        return f"PostgreSQL {connection.pg_version // 10000}"  # type: ignore[attr-defined]
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--load-seconds", type=float, default=15.0)
    parser.add_argument("--no-write", action="store_true", help="print, leave the docs alone")
    options = parser.parse_args(argv)
    setup_django()
    from requests_app.models import FoiRequest

    measurements = page_measurements(runs=options.runs)
    load = load_test(seconds=options.load_seconds)
    heading, text = report(measurements, load, FoiRequest.objects.count())
    print(text)
    if not options.no_write:
        write_section("Pages", merge_subsection("Pages", NOTES, heading, text))
        record_json(f"pages, {heading[4:]}", measurements, load=asdict(load), date=dt.date.today())


if __name__ == "__main__":
    main()
