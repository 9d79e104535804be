"""Time a campaign's insights dashboard over N requests, through Django's test client.

    .venv/bin/python benchmarks/insights.py --requests 10000
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/insights.py --requests 10000

Builds a throwaway database (a temporary SQLite file, or a `bench_insights` PostgreSQL
database next to the configured one), bulk-creates one campaign of N requests to 40
bodies in all four UK nations over two years — sent, answered early, on time or late,
extended, refused with exemptions, reviewed and taken to the regulator, or still waiting —
then times the campaign dashboard, its league table and one body's page: the median and
95th percentile over the repetitions, and the number of queries. Target: dashboard under
300 ms. Writes the figures under "## Insights" in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import (
    REPORT,
    Measurement,
    machine_description,
    setup_django,
    summarise,
    time_it,
    write_section,
)

setup_django()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)
from django.utils import timezone  # noqa: E402

from requests_app.deadlines.calendars import Calendar  # noqa: E402
from requests_app.models import (  # noqa: E402
    Campaign,
    EventKind,
    Exemption,
    FoiRequest,
    Membership,
    PublicBody,
    RequestEvent,
    Role,
    Status,
    Visibility,
)
from requests_app.models.requests import deadline_calendar  # noqa: E402
from requests_app.reports.statistics import ComplaintOutcome, ReviewOutcome  # noqa: E402

TARGET_MS = 300
SCRATCH = tempfile.TemporaryDirectory(prefix="bench-insights-")  # removed at exit
BODIES = 40
BATCH = 2000
NATIONS = ("ENG", "ENG", "ENG", "WLS", "SCT", "NIR")

# How a request ends up, with its weight: (status of the first answer or None, weight).
OUTCOMES = (
    (Status.SUCCESSFUL, 40),
    (Status.PARTIALLY_SUCCESSFUL, 15),
    (Status.REFUSED, 20),
    (Status.NOT_HELD, 7),
    (None, 18),  # still waiting, withdrawn, or never answered
)


@dataclass
class Body:
    body: PublicBody
    regime: str
    calendar: Calendar
    exemptions: list[Exemption]


# --- a throwaway database ---------------------------------------------------------------


def create_database() -> str:
    """A fresh, migrated database; returns the old name to restore afterwards."""
    test_settings = connection.settings_dict["TEST"]
    if connection.vendor == "sqlite":
        test_settings["NAME"] = str(Path(SCRATCH.name) / "bench.sqlite3")
    else:
        test_settings["NAME"] = "bench_insights"
    return connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=False, serialize=False
    )


# --- the campaign ----------------------------------------------------------------------


def make_bodies(rng: random.Random) -> list[Body]:
    catalogue: dict[str, list[Exemption]] = {}
    for exemption in Exemption.objects.all():
        catalogue.setdefault(exemption.law, []).append(exemption)
    bodies = []
    for number in range(BODIES):
        nation = NATIONS[number % len(NATIONS)]
        regime = "scot-foisa" if nation == "SCT" else rng.choice(["uk-foia"] * 4 + ["uk-eir"])
        body = PublicBody.objects.create(
            name=f"Bench Authority {number:02d}", short_name=f"BA{number:02d}",
            slug=f"bench-authority-{number:02d}", nation=nation, default_regime=regime,
        )  # fmt: skip
        calendar = deadline_calendar(regime, nation)
        bodies.append(Body(body, regime, calendar, catalogue.get(regime, [])))
    return bodies


def make_campaign(count: int, today: dt.date, rng: random.Random) -> tuple[Any, Campaign]:
    users = get_user_model()
    owner = users.objects.create_user("bench-owner", "owner@example.org")
    others = [users.objects.create_user(f"bench-{n}", f"bench-{n}@example.org") for n in (1, 2)]
    campaign = Campaign.objects.create(name="Bench campaign", slug="bench-campaign")
    Membership.objects.create(campaign=campaign, user=owner, role=Role.OWNER)
    for other in others:
        Membership.objects.create(campaign=campaign, user=other, role=Role.EDITOR)
    bodies = make_bodies(rng)
    people = [owner, *others]
    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        built = [build(start + n, today, rng, bodies, people, campaign) for n in range(size)]
        save([request for request, _, _ in built], built)
    return owner, campaign


def build(
    number: int,
    today: dt.date,
    rng: random.Random,
    bodies: list[Body],
    people: list[Any],
    campaign: Campaign,
) -> tuple[FoiRequest, list[RequestEvent], list[Exemption]]:
    where = rng.choice(bodies)
    received = today - dt.timedelta(days=rng.randint(0, 730))
    due = where.calendar.add_working_days(received, 20)[0]
    request = FoiRequest(
        title=f"Bench request {number}", reference=f"BI-{number:07d}", public_body=where.body,
        regime=where.regime, campaign=campaign, owner=rng.choice(people),
        visibility=Visibility.PRIVATE if rng.random() < 0.05 else Visibility.CAMPAIGN,
        sent_on=received, received_on=received, due_on=due, status=Status.AWAITING_RESPONSE,
    )  # fmt: skip
    events = [RequestEvent(request=request, kind=EventKind.SENT, on=received)]
    cited: list[Exemption] = []
    if where.regime != "scot-foisa" and rng.random() < 0.12:
        request.extended_due_on = where.calendar.add_working_days(received, 40)[0]
        claimed = where.calendar.add_working_days(received, 18)[0]
        events.append(RequestEvent(request=request, kind=EventKind.EXTENSION_CLAIMED, on=claimed))
    outcome = rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
    answered = where.calendar.add_working_days(received, answer_days(rng))[0]
    if outcome is None or answered > today:
        wait(request, rng, today)
    else:
        answer(request, events, cited, where, rng, outcome, answered, today)
    return request, events, cited


def answer_days(rng: random.Random) -> int:
    """Most answers near the 20-day limit, some early, a long tail of late ones."""
    return max(0, min(120, round(rng.lognormvariate(2.9, 0.45))))


def wait(request: FoiRequest, rng: random.Random, today: dt.date) -> None:
    if rng.random() < 0.1:
        request.status, request.due_on, request.extended_due_on = Status.WITHDRAWN, None, None
        return
    request.status = Status.EXTENDED if request.extended_due_on else Status.AWAITING_RESPONSE
    request.next_due_on = request.extended_due_on or request.due_on


def answer(
    request: FoiRequest,
    events: list[RequestEvent],
    cited: list[Exemption],
    where: Body,
    rng: random.Random,
    outcome: str,
    answered: dt.date,
    today: dt.date,
) -> None:
    request.status = outcome
    details = {"outcome": outcome}
    events.append(
        RequestEvent(request=request, kind=EventKind.RESPONSE, on=answered, details=details)
    )
    if outcome in (Status.REFUSED, Status.PARTIALLY_SUCCESSFUL) and where.exemptions:
        cited.extend(rng.sample(where.exemptions, k=min(len(where.exemptions), rng.randint(1, 2))))
        if rng.random() < 0.35:
            challenge(request, events, rng, answered, today)


def challenge(
    request: FoiRequest,
    events: list[RequestEvent],
    rng: random.Random,
    answered: dt.date,
    today: dt.date,
) -> None:
    """An internal review, then sometimes a complaint to the regulator."""
    first_outcome = request.status
    steps = [
        (EventKind.REVIEW_REQUESTED, 5, None, Status.AWAITING_REVIEW),
        (EventKind.REVIEW_DECIDED, 35, rng.choice(list(ReviewOutcome)), first_outcome),
        (EventKind.COMPLAINT_LODGED, 50, None, Status.WITH_REGULATOR),
        (EventKind.DECISION_NOTICE, 200, rng.choice(list(ComplaintOutcome)), first_outcome),
    ]
    for index, (kind, after, outcome, status) in enumerate(steps):
        on = answered + dt.timedelta(days=after)
        if on > today or (index == 2 and rng.random() < 0.5):
            return
        details = {"outcome": str(outcome)} if outcome else {}
        events.append(RequestEvent(request=request, kind=kind, on=on, details=details))
        request.status = status
        # A review is owed 20 working days (about four weeks) after it is asked for.
        request.next_due_on = (
            on + dt.timedelta(days=28) if kind == EventKind.REVIEW_REQUESTED else None
        )


def save(
    requests: list[FoiRequest], built: list[tuple[FoiRequest, list[RequestEvent], list[Exemption]]]
) -> None:
    FoiRequest.objects.bulk_create(requests)
    RequestEvent.objects.bulk_create(event for _, events, _ in built for event in events)
    through = FoiRequest.exemptions.through
    through.objects.bulk_create(
        through(foirequest=request, exemption=exemption)
        for request, _, cited in built
        for exemption in cited
    )


# --- measuring -------------------------------------------------------------------------


def cpu_seconds() -> float:
    """CPU time of this process and, with PostgreSQL on this machine, of its server process."""
    return time.process_time() + database_server_cpu()


def database_server_cpu() -> float:
    if connection.vendor != "postgresql":
        return 0.0  # SQLite runs inside this process
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():  # a server on another machine: leave it out
        return 0.0
    # utime and stime, fields 14 and 15 of proc(5), counted after the command name.
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class PageTiming:
    measurement: Measurement
    cpu_median_ms: float  # Django and the database, without waiting for a CPU

    def row(self) -> str:
        m = self.measurement
        return (
            f"| {m.name} | {m.median_ms:.0f} | {m.p95_ms:.0f} | {self.cpu_median_ms:.0f} "
            f"| {m.queries} | {m.target} | {m.verdict} |"
        )


def measure(client: Client, name: str, url: str, runs: int, target: str = "") -> PageTiming:
    def fetch() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    with CaptureQueriesContext(connection) as queries:
        fetch()
    count = len(queries)  # read now: the next request empties the log
    cpu: list[float] = []

    def timed_fetch() -> None:
        started = cpu_seconds()
        fetch()
        cpu.append((cpu_seconds() - started) * 1000)

    samples = time_it(timed_fetch, warmup=3, runs=runs)
    result = summarise(name, samples, queries=count, target=target)
    if target:
        result.verdict = "met" if result.median_ms < TARGET_MS else "missed"
    timing = PageTiming(result, statistics.median(cpu[-runs:]))
    print(f"{name}: median {result.median_ms:.1f} ms, p95 {result.p95_ms:.1f} ms, "
          f"CPU {timing.cpu_median_ms:.1f} ms, {result.queries} queries")  # fmt: skip
    return timing


def report(count: int, runs: int, results: list[PageTiming], seconds: float) -> str:
    vendor = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    rows = "\n".join(result.row() for result in results)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return f"""### {vendor}

`benchmarks/insights.py --requests {count} --repeat {runs}` on {vendor}
({machine_description()}; load average {load} while it ran), {dt.date.today():%d %B %Y}.
One campaign of {count:,} requests to {BODIES} bodies in the four UK nations over two years
(built in {seconds:.0f} s): answered early, on time or late, extended, refused with
exemptions, reviewed and taken to the regulator, or still waiting. Server time through
Django's test client, {runs} runs after 3 warm-up runs. "CPU" is the processor time the
page took (Django, and the database: SQLite in the same process, or the PostgreSQL server
process on this machine): the server time with no waiting for a CPU on a busy machine.

| page | median ms | p95 ms | CPU median ms | queries | target | |
|---|---|---|---|---|---|---|
{rows}
"""


NOTES = """Server time of a campaign's insights dashboard (target: under 300 ms for 10,000
requests), its league table, one body's insights page and a filtered insights page.

- Counts, on-time counts, exemption frequencies, review and complaint outcomes and
  monthly counts are aggregations in the database: the requests and their first answers
  grouped by body and month sent, reviews and complaints grouped by body, exemptions
  grouped by exemption. The headline figures add up the bodies' rows.
- Working days to answer come from one query of (received, answered, law, nation) per
  answered request, counted in Python with the deadline engine's cached calendars (two
  binary searches per request).
- The query count does not depend on the number of requests or bodies
  (`tests/insights/test_query_counts.py`).
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--no-write", action="store_true", help="print, leave the docs alone")
    options = parser.parse_args()
    setup_test_environment()
    old_name = create_database()
    try:
        results, seconds = run(options.requests, options.repeat)
        text = report(options.requests, options.repeat, results, seconds)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    if not options.no_write:
        write_report(text)


def write_report(text: str) -> None:
    """Keep the other database's figures: one ### part per database under ## Insights."""
    vendor = text.split("\n", 1)[0]
    parts = {vendor: text}
    if REPORT.exists() and "## Insights\n" in REPORT.read_text():
        section = REPORT.read_text().split("## Insights\n", 1)[1].split("\n## ", 1)[0]
        for part in section.split("\n### ")[1:]:  # the notes come first
            heading = "### " + part.split("\n", 1)[0]
            parts.setdefault(heading, f"### {part.rstrip()}\n")
    ordered = [parts[name] for name in sorted(parts)]
    write_section("Insights", "\n".join([NOTES, *ordered]))


def run(count: int, runs: int) -> tuple[list[PageTiming], float]:
    started = time.perf_counter()
    owner, campaign = make_campaign(count, timezone.localdate(), random.Random(9))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum does after a bulk load
    seconds = time.perf_counter() - started
    print(f"{count} requests built in {seconds:.1f} s ({connection.vendor})")
    client = Client()
    client.force_login(owner)
    slug = campaign.slug
    return [
        measure(client, "campaign dashboard", f"/campaigns/{slug}/insights/", runs, "< 300 ms"),
        measure(client, "league table of bodies", f"/campaigns/{slug}/league/", runs),
        measure(client, "one body's insights", "/bodies/bench-authority-00/insights/", runs),
        measure(
            client,
            "filtered: refused this campaign",
            f"/insights/?campaign={slug}&status=refused",
            runs,
        ),
    ], seconds


if __name__ == "__main__":
    main()
