"""A realistic synthetic archive for benchmarks: bodies, people, campaigns, requests,
correspondence and attachment pages, inserted in bulk.

`scripts/seed_to.py N` tops the archive in DATABASE_URL up to N requests with it.
The rows are generated as tuples and written in bulk (COPY on PostgreSQL, see
bulk_load.py) with the search-index triggers off; the index is then built again set-wise
over the whole archive, and the triggers put back.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import connection, connections, transaction
from django.utils import timezone

from benchmarks.bulk_load import (
    SqliteLoadSettings,
    Table,
    Vectoriser,
    build_postgres_index,
    catch_up_sequences,
    create_vector_table,
    indexes_built_after,
    json_text,
    next_ids,
    vacuum_analyze,
    write_rows,
    write_vectors,
)
from benchmarks.vectors import VectorRow
from requests_app.deadlines.clock import ClockEvent, ClockEventKind, ClockInput, compute_deadlines
from requests_app.models import (
    Attachment,
    Campaign,
    Channel,
    Direction,
    DocumentPage,
    EventKind,
    ExtractionStatus,
    FoiRequest,
    Membership,
    Message,
    MessageKind,
    NonWorkingDay,
    PublicBody,
    ReferenceCounter,
    RequestEvent,
    Role,
    Status,
    Visibility,
)
from requests_app.models.documents import store_blob
from requests_app.models.requests import DEADLINE_FIELDS
from requests_app.search import indexing
from requests_app.search.plan import KIND_CODES, MESSAGE, PAGE, REQUEST, search_language

BATCH = 2_000
BENCH_PASSWORD = "bench-password"  # noqa: S105 - synthetic accounts on a benchmark database
# A member of every campaign: sees most of the archive, as an organisation's archivist would.
ARCHIVIST = "bench-archivist"

WORDS = (
    "performance data waiting times referrals recovery rate therapy service provider trust "
    "board minutes correspondence department audit inquiry ministerial submission briefing "
    "contract spending procurement consultant report review quarter financial year budget "
    "patients staff vacancies agency locum mental health talking therapies access target "
    "information commissioner exemption section public interest disclosure withheld redacted "
    "council housing repairs police custody incidents university admissions research grants "
    "prison education transport roads maintenance environment emissions water quality audit "
    "risk register governance assurance committee memorandum email letter meeting notes"
).split()
RARE_WORDS = ("zanthoxylum", "quillwort", "bathymetry", "ombudsperson", "palimpsest")
OUTCOMES = (Status.SUCCESSFUL, Status.PARTIALLY_SUCCESSFUL, Status.REFUSED, Status.NOT_HELD)


def sentence(rng: random.Random, words: int) -> str:
    # rng.choices(WORDS, k=words) spelled out, the same draws: it is called millions of times.
    draw, count = rng.random, len(WORDS)
    text = " ".join([WORDS[int(draw() * count)] for _ in range(words)])
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, size: int) -> str:
    parts: list[str] = []
    length = 0
    while length < size:
        part = sentence(rng, rng.randint(8, 20))
        if rng.random() < 0.002:
            part = part[:-1] + " " + rng.choice(RARE_WORDS) + "."
        parts.append(part)
        length += len(part) + 1
    return " ".join(parts)


@dataclass
class BenchArchive:
    requests: int
    seed: int = 20260101
    today: dt.date = field(default_factory=timezone.localdate)
    progress: Callable[[str, int, int], None] = lambda stage, done, total: None

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.generated = 0
        self.extra_days = NonWorkingDay.engine_days()
        self.deadline_rows: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self.vectoriser: Vectoriser | None = None

    def build(self) -> None:
        bodies = self.bodies(1_000)
        users = self.users(200)
        campaigns = self.campaigns(50, users)
        blob = self.shared_blob()
        backend = indexing.index_backend(connection)
        if backend is not None:
            backend.drop_triggers()
        loading: AbstractContextManager[None] = (
            SqliteLoadSettings(connection) if connection.vendor == "sqlite" else nullcontext()
        )
        with loading:
            try:
                self.load_requests(bodies, users, campaigns, blob)
            finally:
                if backend is not None:
                    backend.install_triggers()
            self.build_search_index()
        self.analyze()

    def load_requests(
        self,
        bodies: list[PublicBody],
        users: list[User],
        campaigns: list[Campaign],
        blob: tuple[str, str, int],
    ) -> None:
        self.ids = next_ids(TABLES)
        if connection.vendor == "postgresql" and search_index_installed():
            self.vectoriser = Vectoriser(search_language())
            self.vectoriser.learn(vocabulary())
            create_vector_table()
        batches = (
            self.generate(min(BATCH, self.requests - done), bodies, users, campaigns, blob)
            for done in range(0, self.requests, BATCH)
        )
        if connection.vendor == "postgresql":
            vectors = self.vectoriser.started() if self.vectoriser else nullcontext()
            with indexes_built_after(TABLES), vectors:
                self.insert_while_generating(batches)
        else:  # SQLite writes in this process anyway: nothing to overlap
            for batch in batches:
                self.insert_and_report(batch)
        catch_up_sequences(TABLES)
        self.bump_reference_counters()

    def build_search_index(self) -> None:
        """The whole index set-wise, not one trigger call per row."""
        if not search_index_installed():
            return
        started = time.perf_counter()
        if self.vectoriser is not None:
            total = build_postgres_index(search_language())
        else:
            total = indexing.rebuild(language=search_language(), chunk=10**9)
        self.progress(f"index {time.perf_counter() - started:.0f}s", total, total)

    def analyze(self) -> None:
        """What autovacuum would do after a while, now: bulk loads outrun it, stale planner
        statistics mislead, and PostgreSQL answers from an index alone only for pages
        VACUUM has marked all-visible."""
        if connection.vendor == "postgresql":
            vacuum_analyze()
            return
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    # --- people and bodies ----------------------------------------------------------

    def bodies(self, count: int) -> list[PublicBody]:
        existing = list(PublicBody.objects.filter(slug__startswith="bench-body-"))
        if len(existing) >= count:
            return existing[:count]
        nations = ["ENG"] * 8 + ["WLS", "SCT", "NIR"]
        rows = [
            PublicBody(
                name=f"Bench Body {n:04d} {self.rng.choice(WORDS).title()} Authority",
                short_name=f"BB{n:04d}",
                slug=f"bench-body-{n:04d}",
                nation=(nation := self.rng.choice(nations)),
                default_regime="scot-foisa" if nation == "SCT" else "uk-foia",
            )
            for n in range(len(existing), count)
        ]
        PublicBody.objects.bulk_create(rows, batch_size=BATCH)
        return list(PublicBody.objects.filter(slug__startswith="bench-body-"))

    def users(self, count: int) -> list[User]:
        password = self.password()
        rows = [
            User(username=f"bench{n:03d}", email=f"bench{n:03d}@example.org", password=password)
            for n in range(count)
        ]
        User.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
        bench_users = User.objects.filter(username__startswith="bench").exclude(username=ARCHIVIST)
        return list(bench_users.order_by("username"))

    def campaigns(self, count: int, users: list[User]) -> list[Campaign]:
        rows = [
            Campaign(name=f"Bench campaign {n:02d}", slug=f"bench-campaign-{n:02d}")
            for n in range(count)
        ]
        Campaign.objects.bulk_create(rows, ignore_conflicts=True)
        campaigns = list(Campaign.objects.filter(slug__startswith="bench-campaign-"))
        memberships = [
            Membership(campaign=campaign, user=user, role=self.rng.choice(list(Role)))
            for user in users
            for campaign in self.rng.sample(campaigns, 2)
        ]
        archivist, _ = User.objects.get_or_create(
            username=ARCHIVIST,
            defaults={"email": "archivist@example.org", "password": self.password()},
        )
        memberships += [
            Membership(campaign=campaign, user=archivist, role=Role.VIEWER)
            for campaign in campaigns
        ]
        Membership.objects.bulk_create(memberships, ignore_conflicts=True)
        return campaigns

    def password(self) -> str:
        """The accounts' one password, hashed once: hashing is slow on purpose."""
        if not hasattr(self, "_password"):
            self._password = make_password(BENCH_PASSWORD)
        return self._password

    def shared_blob(self) -> tuple[str, str, int]:
        return store_blob(io.BytesIO(b"%PDF-1.4\n% synthetic attachment for benchmarks\n"))

    # --- requests -------------------------------------------------------------------

    def insert_while_generating(self, batches: Iterator[Batch]) -> None:
        """The database writes one batch (on a connection of its own, in a thread that
        mostly waits for the server) while this thread generates the next."""
        with ThreadPoolExecutor(max_workers=1) as writer:
            pending: Future[None] | None = None
            for batch in batches:
                if pending is not None:
                    pending.result()
                pending = writer.submit(self.insert_and_report, batch)
            if pending is not None:
                pending.result()
            writer.submit(connections.close_all).result()  # the writer thread's own

    def insert_and_report(self, batch: Batch) -> None:
        batch.insert()
        self.progress("requests", batch.done, self.requests)

    def take_ids(self, table: Table, count: int) -> range:
        first = self.ids[table.name]
        self.ids[table.name] = first + count
        return range(first, first + count)

    def generate(
        self,
        size: int,
        bodies: list[PublicBody],
        users: list[User],
        campaigns: list[Campaign],
        blob: tuple[str, str, int],
    ) -> Batch:
        """The rows of `size` requests, numbered and ready to write."""
        plans = [
            self.plan(request_id, bodies, users, campaigns)
            for request_id in self.take_ids(REQUESTS, size)
        ]
        letters = [letter for plan in plans for letter in self.messages(plan)]
        for letter, message_id in zip(letters, self.take_ids(MESSAGES, len(letters)), strict=True):
            letter.id = message_id
        attachments = [(letter, self.rng.randint(1, 3)) for letter in letters if letter.kind]
        attachment_ids = self.take_ids(ATTACHMENTS, len(attachments))
        pages = [
            page
            for attachment_id, (letter, page_count) in zip(attachment_ids, attachments, strict=True)
            for page in self.pages(attachment_id, page_count)
        ]
        events = [event for plan in plans for event in plan.events()]
        self.generated += size
        now = timezone.now()
        batch = Batch(
            done=self.generated,
            now=now,
            rows={
                REQUESTS: [self.request_row(plan) for plan in plans],
                EVENTS: [
                    (event_id, *event)
                    for event_id, event in zip(
                        self.take_ids(EVENTS, len(events)), events, strict=True
                    )
                ],
                MESSAGES: [letter.row(now) for letter in letters],
                ATTACHMENTS: [
                    attachment_row(attachment_id, letter, page_count, blob)
                    for attachment_id, (letter, page_count) in zip(
                        attachment_ids, attachments, strict=True
                    )
                ],
                PAGES: [
                    (page_id, *page)
                    for page_id, page in zip(self.take_ids(PAGES, len(pages)), pages, strict=True)
                ],
            },
        )
        if self.vectoriser is not None:
            batch.vectors = self.vectors(self.vectoriser, plans, letters, batch.rows[PAGES])
        return batch

    def plan(
        self,
        request_id: int,
        bodies: list[PublicBody],
        users: list[User],
        campaigns: list[Campaign],
    ) -> Plan:
        body = self.rng.choice(bodies)
        owner = self.rng.choice(users)
        sent_on = self.today - dt.timedelta(days=self.rng.randint(1, 3 * 365))
        title = sentence(self.rng, self.rng.randint(4, 9))[:-1]
        reference = self.next_reference(sent_on.year)
        campaign = self.rng.choice(campaigns) if self.rng.random() < 0.7 else None
        plan = Plan(
            id=request_id,
            body=body,
            owner_id=owner.pk,
            title=title,
            reference=reference,
            campaign_id=campaign.pk if campaign else None,
            text=paragraph(self.rng, 600),
            sent_on=sent_on,
        )
        self.decide_fate(plan)
        return plan

    def decide_fate(self, plan: Plan) -> None:
        """Statuses as in real life: about a third overdue, most answered, some escalated."""
        roll = self.rng.random()
        if roll < 0.33:  # still waiting: overdue unless sent recently
            plan.status = Status.AWAITING_RESPONSE
            return
        answered_on = plan.sent_on + dt.timedelta(days=self.rng.randint(5, 60))
        if answered_on >= self.today:
            plan.status = Status.AWAITING_RESPONSE
            return
        outcome = self.rng.choice(OUTCOMES)
        plan.status = outcome
        plan.clock_events.append((EventKind.RESPONSE, answered_on))
        plan.outcome = outcome
        if outcome == Status.REFUSED and roll > 0.85:
            review_on = answered_on + dt.timedelta(days=7)
            if review_on < self.today:
                plan.clock_events.append((EventKind.REVIEW_REQUESTED, review_on))
                plan.status = Status.AWAITING_REVIEW

    def request_row(self, plan: Plan) -> tuple[Any, ...]:
        return (
            plan.id,
            plan.title,
            plan.reference,
            plan.body.pk,
            plan.body.default_regime,
            plan.campaign_id,
            plan.owner_id,
            Visibility.CAMPAIGN.value,
            plan.text,
            plan.sent_on,
            plan.sent_on,
            str(plan.status),
            *self.deadlines(plan),
        )

    def deadlines(self, plan: Plan) -> tuple[Any, ...]:
        """The engine's dates for the plan (its DEADLINE_FIELDS), as FoiRequest stores them.

        They depend only on the law, the nation, the dates and the status: many requests
        share them, so each set is worked out once."""
        key: tuple[Any, ...] = (
            plan.body.default_regime,
            plan.body.nation,
            plan.sent_on,
            plan.status,
            *plan.clock_events,
        )
        row = self.deadline_rows.get(key)
        if row is None:
            foi_request = FoiRequest(
                regime=plan.body.default_regime,
                sent_on=plan.sent_on,
                received_on=plan.sent_on,
                status=plan.status,
            )
            clock = ClockInput(
                regime=foi_request.regime,
                received_on=plan.sent_on,
                events=tuple(
                    ClockEvent(ClockEventKind(kind), on) for kind, on in plan.clock_events
                ),
                nation=plan.body.nation,
                extra_non_working_days=self.extra_days,
            )
            foi_request.apply_deadlines(compute_deadlines(clock))
            row = tuple(getattr(foi_request, name) for name in DEADLINE_FIELDS)
            row = (*row[:-1], json_text(EXPLANATIONS, row[-1]))
            self.deadline_rows[key] = row
        return row

    def next_reference(self, year: int) -> str:
        counters = self.__dict__.setdefault("_counters", {})
        if year not in counters:
            counters[year] = (
                ReferenceCounter.objects.filter(year=year)
                .values_list("last_number", flat=True)
                .first()
                or 0
            )
        counters[year] += 1
        return f"FOI-{year}-{counters[year]:04d}"

    def bump_reference_counters(self) -> None:
        for year, last in self.__dict__.get("_counters", {}).items():
            ReferenceCounter.objects.update_or_create(year=year, defaults={"last_number": last})

    def messages(self, plan: Plan) -> Iterator[Letter]:
        count = max(1, round(self.rng.gauss(5, 2)))
        for n in range(count):
            on = plan.sent_on + dt.timedelta(days=n * self.rng.randint(1, 9))
            incoming = n % 2 == 1
            kind = MessageKind.RESPONSE if incoming and n == count - 1 else MessageKind.OTHER
            yield Letter(
                plan=plan,
                number=n,
                incoming=incoming,
                sent_at=timezone.make_aware(dt.datetime.combine(on, dt.time(9 + n % 8))),
                body_text=paragraph(self.rng, 500),
                # Only the letters that carry an attachment have a kind.
                kind=kind.value if incoming and self.rng.random() < 0.4 else "",
            )

    def pages(self, attachment_id: int, page_count: int) -> Iterator[tuple[int, int, str]]:
        for number in range(1, page_count + 1):
            yield attachment_id, number, paragraph(self.rng, 2_000)

    def vectors(
        self,
        vectoriser: Vectoriser,
        plans: list[Plan],
        letters: list[Letter],
        pages: list[tuple[Any, ...]],
    ) -> Future[list[VectorRow]]:
        """The search index's text vectors for the batch's rows, made in the vectoriser's
        own process while this one goes on (see bulk_load)."""
        vectoriser.learn(plan.reference for plan in plans)
        request, message, page = (KIND_CODES[kind] for kind in (REQUEST, MESSAGE, PAGE))
        texts: list[VectorRow] = [
            # As the Source's texts: the title; reference, their reference, text, notes.
            (request, plan.id, plan.title, f"{plan.reference}  {plan.text} ", None)
            for plan in plans
        ]
        texts += [
            (message, letter.id, letter.subject, letter.body_text, None) for letter in letters
        ]
        texts += [(page, row[0], None, None, row[3]) for row in pages]
        return vectoriser.submit(texts)


def vocabulary() -> set[str]:
    """Every word the archive's texts are made of, as it can appear in them."""
    words = [*WORDS, *RARE_WORDS, "Re"]
    forms = {form for word in words for form in (word, word[0].upper() + word[1:])}
    return forms | {form + mark for form in forms for mark in ".:"}


def attachment_row(
    attachment_id: int, letter: Letter, page_count: int, blob: tuple[str, str, int]
) -> tuple[Any, ...]:
    name, sha256, size = blob
    return (
        attachment_id,
        letter.id,
        f"{letter.plan.reference} response.pdf",
        "application/pdf",
        size,
        sha256,
        name,
        ExtractionStatus.DONE.value,
        page_count,
    )


@dataclass
class Plan:
    id: int
    body: PublicBody
    owner_id: int
    title: str
    reference: str
    campaign_id: int | None
    text: str
    sent_on: dt.date
    status: str = Status.AWAITING_RESPONSE
    clock_events: list[tuple[str, dt.date]] = field(default_factory=list)
    outcome: str | None = None

    def events(self) -> Iterator[tuple[Any, ...]]:
        """RequestEvent rows, less their ids: (request, kind, on, details)."""
        yield (self.id, EventKind.SENT.value, self.sent_on, "{}")
        for kind, on in self.clock_events:
            details = {"outcome": str(self.outcome)} if kind == EventKind.RESPONSE else {}
            yield (self.id, str(kind), on, json_text(DETAILS, details))


@dataclass
class Letter:
    plan: Plan
    number: int
    incoming: bool
    sent_at: dt.datetime
    body_text: str
    kind: str
    id: int = 0

    @property
    def subject(self) -> str:
        return ("Re: " if self.incoming else "") + self.plan.title

    def row(self, now: dt.datetime) -> tuple[Any, ...]:
        plan = self.plan
        return (
            self.id,
            plan.id,
            Direction.INCOMING.value if self.incoming else Direction.OUTGOING.value,
            Channel.EMAIL.value,
            self.sent_at,
            f"foi@{plan.body.slug}.example.gov.uk" if self.incoming else "me@example.org",
            self.subject,
            self.body_text,
            f"<bench-{plan.reference}-{self.number}@example.org>",
            now,
            self.kind,
        )


REQUESTS = Table(
    FoiRequest,
    (
        "id",
        "title",
        "reference",
        "public_body_id",
        "regime",
        "campaign_id",
        "owner_id",
        "visibility",
        "text",
        "sent_on",
        "received_on",
        "status",
        *DEADLINE_FIELDS,
    ),
)
EVENTS = Table(RequestEvent, ("id", "request_id", "kind", "on", "details"))
MESSAGES = Table(
    Message,
    (
        "id",
        "request_id",
        "direction",
        "channel",
        "sent_at",
        "sender",
        "subject",
        "body_text",
        "message_id",
        "reviewed_at",
        "kind",
    ),
)
ATTACHMENTS = Table(
    Attachment,
    (
        "id",
        "message_id",
        "filename",
        "content_type",
        "size",
        "sha256",
        "file",
        "status",
        "page_count",
    ),
)
PAGES = Table(DocumentPage, ("id", "attachment_id", "number", "text"))
TABLES = (REQUESTS, EVENTS, MESSAGES, ATTACHMENTS, PAGES)  # in the order they are written
EXPLANATIONS = FoiRequest._meta.get_field("deadline_explanations")
DETAILS = RequestEvent._meta.get_field("details")


@dataclass
class Batch:
    done: int  # requests generated so far, this batch included
    now: dt.datetime
    rows: dict[Table, list[tuple[Any, ...]]]
    vectors: Future[list[VectorRow]] | None = None

    def insert(self) -> None:
        with transaction.atomic():
            for table in TABLES:
                write_rows(table, self.rows[table], self.now)
            if self.vectors is not None:
                write_vectors(self.vectors.result())


def stderr_progress(stage: str, done: int, total: int) -> None:
    if not sys.stderr.isatty():
        if done >= total:
            sys.stderr.write(f"{stage}: {done}/{total}\n")
        return
    width = 40
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r{stage:10} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def search_index_installed() -> bool:
    backend = indexing.index_backend(connection)
    return backend is not None and backend.is_installed()
