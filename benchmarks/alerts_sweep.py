"""Time the alert sweep over N open requests on the database of DATABASE_URL.

    DATABASE_URL=postgres://… .venv/bin/python benchmarks/alerts_sweep.py --requests 100000

Creates N waiting requests (bulk inserts, stored dates spread over the last months so
that some are due soon, due today, overdue, very overdue, extended or under review),
runs the sweep twice — the first run inserts every owed alert, the second finds nothing
new — and prints the seconds and the number of queries of each. Removes what it made
unless --keep is given. Target: under 10 seconds, and a query count that does not
depend on N.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foi_tracker.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from requests_app.alerts.sweep import SweepResult, sweep  # noqa: E402
from requests_app.deadlines.calendars import calendar_for  # noqa: E402
from requests_app.models import (  # noqa: E402
    Alert,
    Campaign,
    FoiRequest,
    Membership,
    PublicBody,
    Role,
    Status,
    Visibility,
)

BATCH = 5000


def make_requests(count: int, run: str, today: dt.date) -> None:
    users = get_user_model()
    owner = users.objects.create_user(f"bench-{run}", f"bench-{run}@example.org")
    campaign = Campaign.objects.create(name=f"Bench {run}", slug=f"bench-{run}")
    Membership.objects.create(campaign=campaign, user=owner, role=Role.OWNER)
    for role in (Role.EDITOR, Role.VIEWER):
        member = users.objects.create_user(f"bench-{run}-{role}", f"{role}-{run}@example.org")
        Membership.objects.create(campaign=campaign, user=member, role=role)
    body = PublicBody.objects.create(
        name=f"Bench body {run}", short_name="BB", slug=f"bench-body-{run}", nation="ENG"
    )
    uk = calendar_for("uk")
    rows = (bench_request(i, run, today, uk, owner, campaign, body) for i in range(count))
    batch: list[FoiRequest] = []
    for foi_request in rows:
        batch.append(foi_request)
        if len(batch) == BATCH:
            FoiRequest.objects.bulk_create(batch)
            batch = []
    FoiRequest.objects.bulk_create(batch)


def bench_request(i: int, run: str, today: dt.date, uk, owner, campaign, body) -> FoiRequest:
    received = today - dt.timedelta(days=random.randint(0, 150))
    due = uk.add_working_days(received, 20)[0]
    very_overdue = uk.add_working_days(received, 40)[0]
    foi_request = FoiRequest(
        title=f"Bench request {i}", reference=f"B{run[:6]}-{i:07d}", public_body=body,
        owner=owner, campaign=campaign, visibility=Visibility.CAMPAIGN, sent_on=received,
        received_on=received, status=Status.AWAITING_RESPONSE, due_on=due,
        very_overdue_on=very_overdue, next_due_on=due,
    )  # fmt: skip
    if i % 10 == 1:
        foi_request.status = Status.EXTENDED
        foi_request.extended_due_on = foi_request.next_due_on = very_overdue
    elif i % 10 == 2:
        foi_request.status = Status.AWAITING_REVIEW
        review_due = uk.add_working_days(received + dt.timedelta(days=30), 20)[0]
        foi_request.review_due_on = foi_request.next_due_on = review_due
        foi_request.escalation_closes_on = review_due + dt.timedelta(weeks=6)
    return foi_request


def timed_sweep(today: dt.date) -> tuple[float, int, SweepResult]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = sweep(today=today)
        seconds = time.perf_counter() - started
    if os.environ.get("BENCH_SHOW_QUERIES"):
        for query in queries.captured_queries:
            print(f"  {query['time']}s  {query['sql'][:90]}")
    return seconds, len(queries), result


def remove(run: str) -> None:
    requests = FoiRequest.objects.filter(reference__startswith=f"B{run[:6]}-")
    Alert.objects.filter(request__in=requests).delete()
    requests.delete()
    PublicBody.objects.filter(slug=f"bench-body-{run}").delete()
    Campaign.objects.filter(slug=f"bench-{run}").delete()
    get_user_model().objects.filter(username__startswith=f"bench-{run}").delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the generated rows")
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    random.seed(7)
    run, today = uuid.uuid4().hex[:8], timezone.localdate()
    started = time.perf_counter()
    make_requests(options.requests, run, today)
    print(f"{options.requests} open requests created in {time.perf_counter() - started:.1f} s "
          f"({connection.vendor})")  # fmt: skip
    try:
        for label in ("first sweep", "repeated sweep"):
            seconds, queries, result = timed_sweep(today)
            print(f"{label}: {seconds:.2f} s, {queries} queries, {result.candidates} candidate "
                  f"requests, {result.created} alerts created")  # fmt: skip
    finally:
        if not options.keep:
            remove(run)


if __name__ == "__main__":
    main()
