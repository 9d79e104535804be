"""Full-text search benchmark on the database of DATABASE_URL (PostgreSQL or SQLite).

    DATABASE_URL=postgres://… python -m benchmarks.search --requests 100000
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python -m benchmarks.search --requests 20000
    DATABASE_URL=postgres://…/foi_bench_100k python -m benchmarks.search --users bench-archivist

Makes (or reuses) an archive of N requests, each with 5 letters and one attachment of 2
pages of about 2 KB, written like FOI correspondence, inserted in bulk (the index triggers
run as they would in production). Then times `search()` for a common word, a rare word,
a phrase and a filtered search — as a member of every campaign, who sees all N requests,
and as a campaigner who sees 2,000 — and the bare SQL of the same searches, and writes
the figures under "## Search" in docs/benchmarks.md.

With --users, it times the same searches as those existing users over the database as it
is (the page benchmark's, say), and only prints: nothing is migrated, generated or written.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import os
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from itertools import accumulate
from typing import Any

from benchmarks.common import (
    REPORT,
    machine_description,
    merge_subsection,
    percentile,
    setup_django,
    time_it,
    write_section,
)

PREFIX = "SB-"  # references of the benchmark's requests
BATCH = 1000
TEAM_REQUESTS = 2000
RARE_WORD = "quillwort"
RARE_PAGES = 20

FUNCTION_WORDS = (
    "the of and to in for is that on with as by this we be are from at or an have has not "
    "which it was were will would can may been any all our your their these those such under "
    "within about into than other also only its there if no more some each per"
).split()
DOMAIN_WORDS = (
    "information request department contract data report review council service staff "
    "health public cost payment trust budget policy meeting records year total number "
    "minister office agency board decision letter email response section act exemption "
    "disclosure interest commercial personal scheme funding grant spending procurement "
    "supplier invoice consultant fee audit risk register incident complaint appeal "
    "hospital patient ward nurse doctor waiting list referral ambulance school pupil "
    "teacher housing tenant repair road vehicle police custody prison transport water "
    "emissions environment planning application licence permit inspection enforcement "
    "investigation breach settlement agreement salary pension overtime travel expenses "
    "hospitality gift lobbying adviser briefing submission minutes agenda committee "
    "governance assurance framework tender award value estimate forecast projection "
    "quarter month figures table spreadsheet dataset statistics publication withheld "
    "redacted released refused held searched located retrieved provided attached enclosed "
    "considered confirm confirmed applies applied prejudice balance outweighs favour "
    "maintaining exemptions absolute qualified regulation environmental internal external "
    "independent national regional local annual quarterly monthly weekly daily senior "
    "junior temporary permanent contractor employee officer manager director chief "
    "executive finance legal counsel solicitor tribunal commissioner decision notice "
    "guidance code practice duty advice assistance clarification extension deadline "
    "working days calendar receipt acknowledge acknowledgement reference case team "
    "unit directorate division programme project contractor delivery outcome target "
    "performance measure indicator benchmark baseline survey questionnaire consultation "
    "correspondence telephone meeting visit site building estate asset equipment system "
    "software licence maintenance support upgrade replacement network security cyber "
    "website portal online digital paper copy format electronic archive retention "
    "destruction schedule file folder database extract sample cases category type"
).split()
BOILERPLATE = (
    "Thank you for your request for information, which we received on {date}.",
    "We can confirm that the {body} holds information within the scope of your request.",
    "Section 43(2) of the Freedom of Information Act exempts information whose disclosure "
    "would prejudice commercial interests.",
    "If you are unhappy with the way your request has been handled, you may ask for an "
    "internal review within 40 working days.",
    "If you remain dissatisfied after the internal review, you may complain to the "
    "Information Commissioner.",
    "We have withheld the names of junior staff under section 40(2).",
    "Please find attached the information you asked for.",
    "Dear {body}, please provide the following information under the Freedom of "
    "Information Act 2000.",
    "Yours faithfully,",
)
CONTENT_TYPES = (
    ("response.pdf", "application/pdf"),
    ("response.pdf", "application/pdf"),
    ("response.pdf", "application/pdf"),
    (
        "figures.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "letter.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
)
STATUSES = (
    "awaiting_response",
    "successful",
    "partially_successful",
    "refused",
    "not_held",
    "awaiting_review",
    "closed",
)


# --- writing like a public body ------------------------------------------------------


class Writer:
    """Sentences with a Zipf-like vocabulary: a few very common words, a long tail of names."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        syllables = "ba ce di fo gu ha je ki lo mu na pe ri so tu va we ya zo br cl dr st th"
        self.names = sorted(
            {self._name(syllables.split()) for _ in range(40_000)}, key=lambda _: self.rng.random()
        )
        self.domain_weights = list(accumulate(1 / (rank + 1) for rank in range(len(DOMAIN_WORDS))))
        self.name_weights = list(
            accumulate(1 / (rank + 1) ** 1.1 for rank in range(len(self.names)))
        )
        self.pool = [self._sentence() for _ in range(60_000)]

    def _name(self, syllables: list[str]) -> str:
        return "".join(self.rng.choice(syllables) for _ in range(self.rng.randint(2, 4)))

    def _pick(self, words: list[str] | tuple[str, ...], weights: list[float]) -> str:
        point = self.rng.random() * weights[-1]
        return words[min(bisect.bisect(weights, point), len(words) - 1)]

    def _word(self) -> str:
        roll = self.rng.random()
        if roll < 0.45:
            return self.rng.choice(FUNCTION_WORDS)
        if roll < 0.92:
            return self._pick(DOMAIN_WORDS, self.domain_weights)
        if roll < 0.97:
            return self._pick(self.names, self.name_weights).capitalize()
        return str(self.rng.randint(2, 250_000))

    def _sentence(self) -> str:
        words = [self._word() for _ in range(self.rng.randint(8, 24))]
        return " ".join(words).capitalize() + "."

    def text(self, size: int, body: str = "the department") -> str:
        parts: list[str] = []
        length = 0
        while length < size:
            if self.rng.random() < 0.12:
                template = self.rng.choice(BOILERPLATE)
                date = f"{self.rng.randint(1, 28)} March {self.rng.randint(2016, 2026)}"
                part = template.format(date=date, body=body)
            else:
                part = self.rng.choice(self.pool)
            parts.append(part)
            length += len(part) + 1
        return " ".join(parts)

    def title(self) -> str:
        words = [
            self._pick(DOMAIN_WORDS, self.domain_weights) for _ in range(self.rng.randint(3, 7))
        ]
        return " ".join(words).capitalize()


# --- the archive ---------------------------------------------------------------------


@dataclass
class People:
    reader: Any
    campaigner: Any
    owners: list[Any]
    archive: Any
    team: Any
    bodies: list[Any] = field(default_factory=list)


def people() -> People:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User

    from requests_app.models import Campaign, Membership, PublicBody, Role

    password = make_password("search-bench")
    owners = [
        User.objects.get_or_create(username=f"searchbench{n:03d}", defaults={"password": password})[
            0
        ]
        for n in range(50)
    ]
    reader = User.objects.get_or_create(
        username="searchbench-reader", defaults={"password": password}
    )[0]
    campaigner = User.objects.get_or_create(
        username="searchbench-campaigner", defaults={"password": password}
    )[0]
    archive = Campaign.objects.get_or_create(
        slug="search-bench-archive", defaults={"name": "Search bench archive"}
    )[0]
    team = Campaign.objects.get_or_create(
        slug="search-bench-team", defaults={"name": "Search bench team"}
    )[0]
    for campaign, user in ((archive, reader), (team, reader), (team, campaigner)):
        Membership.objects.get_or_create(
            campaign=campaign, user=user, defaults={"role": Role.VIEWER}
        )
    bodies = [
        PublicBody.objects.get_or_create(
            slug=f"search-bench-body-{n:03d}", defaults={"name": f"Search Bench Authority {n:03d}"}
        )[0]
        for n in range(300)
    ]
    return People(reader, campaigner, owners, archive, team, bodies)


def existing_requests() -> int:
    from requests_app.models import FoiRequest

    return FoiRequest.objects.filter(reference__startswith=PREFIX).count()


def build(total: int, seed: int, progress: Callable[[int, int], None]) -> None:
    """Add benchmark requests until there are `total` (bulk inserts, triggers index them)."""
    from django.db import transaction

    team = people()
    writer = Writer(seed)
    done = existing_requests()
    rare = set(writer.rng.sample(range(total), RARE_PAGES))
    while done < total:
        size = min(BATCH, total - done)
        with transaction.atomic():
            add_batch(team, writer, range(done, done + size), rare, total)
        done += size
        progress(done, total)


def add_batch(team: People, writer: Writer, numbers: range, rare: set[int], total: int) -> None:
    from django.utils import timezone

    from requests_app.models import Attachment, DocumentPage, FoiRequest, Message, Visibility

    rng = writer.rng
    requests = []
    for number in numbers:
        body = rng.choice(team.bodies)
        # Ten years of requests, oldest first; every so often one for the small team.
        sent_on = dt.date(2016, 1, 1) + dt.timedelta(days=number * 3650 // total)
        in_team = number % max(total // TEAM_REQUESTS, 1) == 0
        campaign = team.team if in_team else team.archive
        requests.append(
            FoiRequest(
                title=writer.title(),
                reference=f"{PREFIX}{number:07d}",
                public_body=body,
                owner=rng.choice(team.owners),
                campaign=campaign,
                visibility=Visibility.CAMPAIGN,
                status=rng.choice(STATUSES),
                text=writer.text(800, body.name),
                sent_on=sent_on,
            )
        )
    FoiRequest.objects.bulk_create(requests)
    messages = []
    for foi_request in requests:
        sent_on = foi_request.sent_on or dt.date(2016, 1, 1)
        for n in range(5):
            moment = dt.datetime.combine(sent_on + dt.timedelta(days=3 * n), dt.time(9 + n))
            messages.append(
                Message(
                    request=foi_request,
                    direction="in" if n % 2 else "out",
                    sent_at=timezone.make_aware(moment),
                    subject=("Re: " if n % 2 else "") + foi_request.title,
                    body_text=writer.text(600, foi_request.public_body.name),
                )
            )
    Message.objects.bulk_create(messages)
    attachments = []
    for index, foi_request in enumerate(requests):
        filename, content_type = rng.choice(CONTENT_TYPES)
        attachments.append(
            Attachment(
                message=messages[index * 5 + 3],
                filename=filename,
                content_type=content_type,
                size=4096,
                sha256=f"{foi_request.reference:0>64}"[-64:],
                file="blobs/search-bench",
                status="done",
            )
        )
    Attachment.objects.bulk_create(attachments)
    pages = []
    for number, attachment in zip(numbers, attachments, strict=True):
        for page in (1, 2):
            text = writer.text(2000)
            if page == 2 and number in rare:
                text += f" The {RARE_WORD} survey was commissioned separately."
            pages.append(DocumentPage(attachment=attachment, number=page, text=text))
    DocumentPage.objects.bulk_create(pages)


def forget_new_entries() -> None:
    """The saved-search queue: a benchmark archive is not news."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_new_entry")


def analyse() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- timing --------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    query: str
    filters: dict[str, Any]


CASES = (
    Case("common word", "contract", {}),
    Case("rare word", RARE_WORD, {}),
    Case("phrase", '"internal review"', {}),
    Case("filtered", "contract", {"kind": "page", "status": "refused"}),
)


@dataclass
class Row:
    user: str
    case: Case
    matches: str
    app: list[float]
    sql: list[float]

    def cells(self) -> str:
        app_median, sql_median = statistics.median(self.app), statistics.median(self.sql)
        filters = ", ".join(f"{name}={value}" for name, value in self.case.filters.items())
        search = f"{self.case.name} (`{self.case.query}`{' + ' + filters if filters else ''})"
        figures = (
            app_median,
            percentile(self.app, 0.95),
            sql_median,
            percentile(self.sql, 0.95),
        )
        cells = " | ".join(f"{figure:.1f}" for figure in figures)
        # beside the ratio, what the app adds in milliseconds: where the SQL takes a tenth
        # of a millisecond, parsing the query and building the statement are most of it
        return (
            f"| {self.user} | {search} | {self.matches} | {cells} "
            f"| {app_median / sql_median:.2f} | {app_median - sql_median:.2f} |"
        )


def bare_sql(run: Callable[[], object]) -> Callable[[], object]:
    """Every statement `run()` sends (the user's campaigns' version read included), sent
    again straight to the driver's cursor, in the same order, every row fetched."""
    from django.db import connection

    statements: list[tuple[str, Any]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        run()
    raw = connection.cursor().cursor  # the driver's own, kept open for the runs
    send = raw.execute
    if connection.vendor == "sqlite":  # in SQLite's own style, as its wrapper sends it
        statements = [(in_qmark_style(raw, sql, params), params) for sql, params in statements]
        send = partial(sqlite3.Cursor.execute, raw)

    def bare() -> object:
        rows = []
        for sql, params in statements:
            send(sql, params or ())
            rows.append(raw.fetchall())
        return rows

    return bare


def in_qmark_style(raw: Any, sql: str, params: Any) -> str:
    if params is None:
        return sql
    names = list(params) if isinstance(params, dict) else None
    return str(raw.convert_query(sql, param_names=names))


def measure(user: Any, label: str, case: Case, runs: int) -> Row:
    from requests_app.search import search

    results = search(user, case.query, **case.filters)
    matches = f"{'> ' if results.more_than_total else ''}{results.total:,}"
    sql = bare_sql(partial(search, user, case.query, **case.filters))
    app: list[float] = []
    bare: list[float] = []
    time_it(lambda: search(user, case.query, **case.filters), warmup=3, runs=0)
    time_it(sql, warmup=3, runs=0)
    # Alternating the two, so that a burst of load elsewhere on the machine weighs on both.
    for _ in range(runs):
        app += time_it(lambda: search(user, case.query, **case.filters), warmup=0, runs=1)
        bare += time_it(sql, warmup=0, runs=1)
    return Row(label, case, matches, app, bare)


# --- the report ----------------------------------------------------------------------

TARGETS = (
    "Targets: median < 50 ms and p95 < 150 ms on PostgreSQL at 100,000 requests; the app "
    "within 1.5× of its bare SQL; SQLite within 3× of PostgreSQL."
)


def report(vendor: str, version: str, total: int, counts: dict[str, int], rows: list[Row]) -> None:
    heading = f"### {vendor}, {total:,} requests"
    lines = [
        heading,
        "",
        f"{version}; {counts['entries']:,} index entries ({counts['messages']:,} letters, "
        f"{counts['pages']:,} document pages); {machine_description()}. "
        f"Measured {time.strftime('%Y-%m-%d')}, {len(rows[0].app)} runs each after 3 warm-ups "
        "(app and SQL in turn), "
        f"load average {load_average()} (the machine is shared: other jobs ran alongside).",
        "",
        "| who | search | matches | app median ms | app p95 ms | SQL median ms | SQL p95 ms "
        "| app ÷ SQL | app − SQL ms |",
        "|---|---|---|---|---|---|---|---|---|",
        *(row.cells() for row in rows),
    ]
    write_section("Search", merge_subsection("Search", INTRO, heading, "\n".join(lines)))


INTRO = f"""
`python -m benchmarks.search --requests N` on the database of `DATABASE_URL`. Each
request has 5 letters and one attachment of 2 pages (~2 KB each) of generated FOI-style
text — boilerplate, a Zipf-distributed vocabulary and a long tail of names — inserted in
bulk with the index triggers running. "everything" is a member of every campaign and sees
all the requests; "campaigner" sees only a small team's (how many in brackets).
"matches" is what search() counted: "> 1,000" means more matches than the window
(`plan.MATCH_WINDOW`), in which case the results are ranked, faceted and counted among the
1,000 most recently indexed. "SQL" is every statement search() sends (the version its
memory of the user's campaigns is kept under, the search, on SQLite the hits' highlights
and the facets' names), captured and sent again to the driver's cursor; the app adds
parsing the query, building the statements, and in Python ranking and counting the
window's rows (on SQLite) and building the hits.

{TARGETS}
"""


# --- main ----------------------------------------------------------------------------


def measure_existing(usernames: list[str], runs: int) -> None:
    """Print the rows for existing users over the database as it is (it is left untouched)."""
    from django.contrib.auth.models import User

    from requests_app.models import FoiRequest

    print(f"{FoiRequest.objects.count():,} requests; {database_version()[1]}")
    for username in usernames:
        user = User.objects.get(username=username)
        label = f"{username} ({FoiRequest.objects.visible_to(user).count():,})"
        for case in CASES:
            print(measure(user, label, case, runs).cells(), flush=True)


def progress_bar(done: int, total: int) -> None:
    filled = 40 * done // max(total, 1)
    sys.stderr.write(f"\rGenerating [{'#' * filled}{'.' * (40 - filled)}] {done}/{total}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def load_average() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def counts() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT kind, count(*) FROM search_entry GROUP BY kind")
        by_kind = dict(cursor.fetchall())
    return {
        "entries": sum(by_kind.values()),
        "messages": by_kind.get(2, 0),
        "pages": by_kind.get(3, 0),
    }


def database_version() -> tuple[str, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return "PostgreSQL", f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return "SQLite", f"SQLite {cursor.fetchone()[0]} (FTS5)"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--no-report", action="store_true", help="Print, do not write the docs.")
    parser.add_argument(
        "--users",
        help="Comma-separated usernames: time their searches over the archive as it is.",
    )
    options = parser.parse_args(argv)

    setup_django()
    if options.users:
        measure_existing(options.users.split(","), options.runs)
        return
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    have = existing_requests()
    if have < options.requests:
        started = time.perf_counter()
        build(options.requests, options.seed, progress_bar)
        forget_new_entries()
        analyse()
        seconds = time.perf_counter() - started
        print(f"Generated {options.requests - have:,} requests in {seconds:.0f} s")
    elif have > options.requests:
        print(f"Note: the database already holds {have:,} benchmark requests; measuring those.")
    team = people()
    from requests_app.models import FoiRequest

    sees = FoiRequest.objects.visible_to(team.campaigner).count()
    users = ((team.reader, "everything"), (team.campaigner, f"campaigner ({sees:,})"))
    rows = [measure(user, label, case, options.runs) for user, label in users for case in CASES]
    vendor, version = database_version()
    total = max(have, options.requests)
    for row in rows:
        print(row.cells())
    if not options.no_report:
        report(vendor, version, total, counts(), rows)
        print(f"Wrote the figures to {REPORT}")


if __name__ == "__main__":
    main()
