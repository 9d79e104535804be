"""Time the batch page for a batch of N members (default 500), through Django's test client.

    .venv/bin/python benchmarks/batches.py --members 500
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/batches.py --members 500

Builds a throwaway database (a temporary SQLite file, or a `bench_batches` PostgreSQL
database), creates a batch to N bodies the way the app does, records it as sent 40 days
ago, answers half of the members (a fifth of those refused citing an exemption), gives
each member two letters, then times the batch page (the grid of every member, the
progress summary and the figures), the grid filtered to overdue members, and the answers
table. Target: the batch page under 300 ms for 500 members, with a number of queries that
does not grow with the members (tests/batches/test_views.py checks 5 against 50). Writes
the figures under "## Batch page" in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import machine_description, setup_django, write_section

setup_django()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from benchmarks.insights import PageTiming, measure  # noqa: E402
from requests_app.batches import services  # noqa: E402
from requests_app.models import (  # noqa: E402
    Answer,
    AnswerField,
    Campaign,
    Direction,
    Exemption,
    Membership,
    Message,
    PublicBody,
    Role,
)

SCRATCH = tempfile.TemporaryDirectory(prefix="bench-batches-")


def create_database() -> str:
    test_settings = connection.settings_dict["TEST"]
    if connection.vendor == "sqlite":
        test_settings["NAME"] = str(Path(SCRATCH.name) / "bench.sqlite3")
    else:
        test_settings["NAME"] = "bench_batches"
    return connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=False, serialize=False
    )


def build(count: int) -> tuple[object, int]:
    users = get_user_model()
    owner = users.objects.create_user("bench-owner", "owner@example.org")
    campaign = Campaign.objects.create(name="Bench batch campaign", slug="bench-batch")
    Membership.objects.create(campaign=campaign, user=owner, role=Role.OWNER)
    bodies = PublicBody.objects.bulk_create(
        PublicBody(
            name=f"Bench Trust {n:04d}", short_name=f"BT{n:04d}", slug=f"bench-trust-{n:04d}",
            foi_email=f"foi@trust-{n:04d}.nhs.example", nation=("ENG", "WLS", "SCT", "NIR")[n % 4],
        )
        for n in range(count)
    )  # fmt: skip
    today = timezone.localdate()
    batch = services.create_batch(
        title="Bench batch", text="{{ salutation }},\nHow many?\n{{ our_reference }}",
        owner=owner, bodies=bodies, campaign=campaign,
    )  # fmt: skip
    services.record_sent_elsewhere(batch=batch, on=today - dt.timedelta(days=40), actor=owner)
    exemption = Exemption.objects.filter(law="uk-foia").first()
    members = list(batch.members.order_by("pk"))
    answered_on = today - dt.timedelta(days=15)
    for number, member in enumerate(members[: count // 2]):
        refused = number % 5 == 0 and exemption is not None
        member.record_response(
            on=answered_on,
            outcome="refused" if refused else "successful",
            exemptions=[exemption] if refused and exemption else [],
        )
    start = timezone.now() - dt.timedelta(days=40)
    Message.objects.bulk_create(
        Message(
            request=member, direction=direction, sent_at=start + dt.timedelta(days=day),
            subject="Letter", body_text="Therapists: 12",
        )
        for member in members
        for direction, day in ((Direction.OUTGOING, 0), (Direction.INCOMING, 25))
    )  # fmt: skip
    therapists = AnswerField.objects.create(batch=batch, name="Therapists", kind="number")
    Answer.objects.bulk_create(
        Answer(field=therapists, request=member, value_text="12", value_number=12)
        for member in members[: count // 2]
    )
    return owner, batch.pk


def run(count: int, runs: int) -> tuple[list[PageTiming], float]:
    started = time.perf_counter()
    owner, batch_id = build(count)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    seconds = time.perf_counter() - started
    print(f"batch of {count} built in {seconds:.1f} s ({connection.vendor})")
    client = Client()
    client.force_login(owner)  # type: ignore[arg-type]
    page = f"/batches/{batch_id}/"
    return [
        measure(client, f"batch page, {count} members", page, runs, "< 300 ms"),
        measure(client, "batch page, overdue members only", f"{page}?overdue=on&sort=due", runs),
        measure(client, "answers table", f"{page}answers/", runs),
    ], seconds


def report(count: int, runs: int, results: list[PageTiming], seconds: float) -> str:
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    header = (
        f"### {'PostgreSQL' if connection.vendor == 'postgresql' else 'SQLite'}\n\n"
        f"`benchmarks/batches.py --members {count} --repeat {runs}` on {connection.vendor} "
        f"({machine_description()}; load average {load} while it ran), "
        f"{timezone.localdate():%-d %B %Y}. One batch of {count} members built in "
        f"{seconds:.0f} s: sent 40 days ago, half answered (a fifth of those refused citing "
        "an exemption), two letters each, one answer field. Server time through Django's test "
        f"client, {runs} runs after 3 warm-up runs; CPU is Django's and the database's.\n\n"
        "| page | median ms | p95 ms | CPU median ms | queries | target | |\n"
        "|---|---|---|---|---|---|---|\n"
    )
    return header + "\n".join(result.row() for result in results) + "\n"


NOTES = """The batch page shows every member of the batch on one page (a batch may ask at most
`FOI_BATCH_MAX_BODIES`, 500 by default): the members with their bodies in one query,
their exemptions in one more, and each member's first answer, newest message and letter
state in one query apiece for the whole batch; the progress summary and the figures are
the insights module's grouped queries over the members. Working days overdue are counted
in Python with the deadline engine's cached calendars. The number of queries is the same
for 5 and 50 members (`tests/batches/test_views.py`).
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--no-write", action="store_true")
    options = parser.parse_args()
    setup_test_environment()
    old_name = create_database()
    try:
        results, seconds = run(options.members, options.repeat)
        text = report(options.members, options.repeat, results, seconds)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    print(text)
    if not options.no_write:
        write_report(text)


def write_report(text: str) -> None:
    """One ### part per database under ## Batch page, keeping the other database's."""
    from benchmarks.common import REPORT

    vendor = text.split("\n", 1)[0]
    parts = {vendor: text}
    if REPORT.exists() and "## Batch page\n" in REPORT.read_text():
        section = REPORT.read_text().split("## Batch page\n", 1)[1].split("\n## ", 1)[0]
        for part in section.split("\n### ")[1:]:
            heading = "### " + part.split("\n", 1)[0]
            parts.setdefault(heading, f"### {part.rstrip()}\n")
    write_section("Batch page", "\n".join([NOTES, *[parts[name] for name in sorted(parts)]]))


if __name__ == "__main__":
    main()
