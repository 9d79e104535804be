"""A realistic synthetic archive for benchmarks: bodies, people, campaigns, requests,
correspondence and attachment pages, inserted in bulk.

`scripts/seed_to.py N` tops the archive in DATABASE_URL up to N requests with it.
The rows go in set-wise with the search-index triggers off; the index is then built again
in one statement over the whole archive, and the triggers put back.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import connection, connections, transaction
from django.utils import timezone

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
from requests_app.search import indexing
from requests_app.search.plan import search_language

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
    text = " ".join(rng.choices(WORDS, k=words))
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

    def build(self) -> None:
        bodies = self.bodies(1_000)
        users = self.users(200)
        campaigns = self.campaigns(50, users)
        blob = self.shared_blob()
        backend = indexing.index_backend(connection)
        if backend is not None:
            backend.drop_triggers()
        try:
            batches = (
                self.generate(min(BATCH, self.requests - done), bodies, users, campaigns, blob)
                for done in range(0, self.requests, BATCH)
            )
            if connection.vendor == "postgresql":
                self.insert_while_generating(batches)
            else:  # SQLite writes in this process anyway: nothing to overlap
                for batch in batches:
                    batch.insert()
                    self.progress("requests", batch.done, self.requests)
            self.bump_reference_counters()
        finally:
            if backend is not None:
                backend.install_triggers()
        self.build_search_index()
        self.analyze()

    def build_search_index(self) -> None:
        """The whole index in one statement, not one trigger call per row."""
        if indexing.index_backend(connection) is None:
            return
        started = time.perf_counter()
        postgres = connection.vendor == "postgresql"
        if postgres:  # a GIN index is built far faster at once than entry by entry
            with connection.cursor() as cursor:
                cursor.execute("DROP INDEX IF EXISTS search_entry_document")
        total = indexing.rebuild(language=search_language(), chunk=10**9)
        if postgres:  # the index's own CREATE INDEX IF NOT EXISTS puts it back
            with connection.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '256MB'")
            indexing.install(connection, search_language())
        self.progress(f"index {time.perf_counter() - started:.0f}s", total, total)

    def analyze(self) -> None:
        """What autovacuum would do after a while, now: bulk loads outrun it, stale planner
        statistics mislead, and PostgreSQL answers from an index alone only for pages
        VACUUM has marked all-visible."""
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

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
        password = make_password(BENCH_PASSWORD)
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
            defaults={"email": "archivist@example.org", "password": make_password(BENCH_PASSWORD)},
        )
        memberships += [
            Membership(campaign=campaign, user=archivist, role=Role.VIEWER)
            for campaign in campaigns
        ]
        Membership.objects.bulk_create(memberships, ignore_conflicts=True)
        return campaigns

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

    def generate(
        self,
        size: int,
        bodies: list[PublicBody],
        users: list[User],
        campaigns: list[Campaign],
        blob: tuple[str, str, int],
    ) -> Batch:
        """The rows of `size` requests, not yet saved: Django fills in the foreign keys
        from the related rows when they are inserted, in order."""
        plans = [self.plan(bodies, users, campaigns) for _ in range(size)]
        messages = [message for plan in plans for message in self.messages(plan)]
        attachments = [self.attachment(message, blob) for message in messages if message.kind]
        self.generated += size
        return Batch(
            done=self.generated,
            requests=[plan.foi_request for plan in plans],
            events=[event for plan in plans for event in plan.events()],
            messages=messages,
            attachments=attachments,
            pages=[page for attachment in attachments for page in self.pages(attachment)],
        )

    def plan(self, bodies: list[PublicBody], users: list[User], campaigns: list[Campaign]) -> Plan:
        body = self.rng.choice(bodies)
        owner = self.rng.choice(users)
        sent_on = self.today - dt.timedelta(days=self.rng.randint(1, 3 * 365))
        foi_request = FoiRequest(
            title=sentence(self.rng, self.rng.randint(4, 9))[:-1],
            reference=self.next_reference(sent_on.year),
            public_body=body,
            regime=body.default_regime,
            campaign=self.rng.choice(campaigns) if self.rng.random() < 0.7 else None,
            owner=owner,
            visibility=Visibility.CAMPAIGN,
            text=paragraph(self.rng, 600),
            sent_on=sent_on,
            received_on=sent_on,
        )
        plan = Plan(foi_request=foi_request, body=body)
        self.decide_fate(plan)
        clock = ClockInput(
            regime=foi_request.regime,
            received_on=sent_on,
            events=tuple(ClockEvent(ClockEventKind(kind), on) for kind, on in plan.clock_events),
            nation=body.nation,
            extra_non_working_days=self.extra_days,
        )
        foi_request.apply_deadlines(compute_deadlines(clock))
        return plan

    def decide_fate(self, plan: Plan) -> None:
        """Statuses as in real life: about a third overdue, most answered, some escalated."""
        sent_on = plan.foi_request.sent_on
        assert sent_on is not None
        roll = self.rng.random()
        if roll < 0.33:  # still waiting: overdue unless sent recently
            plan.foi_request.status = Status.AWAITING_RESPONSE
            return
        answered_on = sent_on + dt.timedelta(days=self.rng.randint(5, 60))
        if answered_on >= self.today:
            plan.foi_request.status = Status.AWAITING_RESPONSE
            return
        outcome = self.rng.choice(OUTCOMES)
        plan.foi_request.status = outcome
        plan.clock_events.append((EventKind.RESPONSE, answered_on))
        plan.outcome = outcome
        if outcome == Status.REFUSED and roll > 0.85:
            review_on = answered_on + dt.timedelta(days=7)
            if review_on < self.today:
                plan.clock_events.append((EventKind.REVIEW_REQUESTED, review_on))
                plan.foi_request.status = Status.AWAITING_REVIEW

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

    def messages(self, plan: Plan) -> Iterator[Message]:
        foi_request = plan.foi_request
        assert foi_request.sent_on is not None
        count = max(1, round(self.rng.gauss(5, 2)))
        for n in range(count):
            on = foi_request.sent_on + dt.timedelta(days=n * self.rng.randint(1, 9))
            incoming = n % 2 == 1
            kind = MessageKind.RESPONSE if incoming and n == count - 1 else MessageKind.OTHER
            yield Message(
                request=foi_request,
                direction=Direction.INCOMING if incoming else Direction.OUTGOING,
                channel=Channel.EMAIL,
                sent_at=timezone.make_aware(dt.datetime.combine(on, dt.time(9 + n % 8))),
                sender=f"foi@{plan.body.slug}.example.gov.uk" if incoming else "me@example.org",
                subject=("Re: " if incoming else "") + foi_request.title,
                body_text=paragraph(self.rng, 500),
                message_id=f"<bench-{foi_request.reference}-{n}@example.org>",
                reviewed_at=timezone.now(),
                # Marks which messages carry an attachment; reset below.
                kind=kind if incoming and self.rng.random() < 0.4 else "",
            )

    def attachment(self, message: Message, blob: tuple[str, str, int]) -> Attachment:
        message.kind = message.kind or MessageKind.OTHER
        name, sha256, size = blob
        return Attachment(
            message=message,
            filename=f"{message.request.reference} response.pdf",  # type: ignore[union-attr]
            content_type="application/pdf",
            size=size,
            sha256=sha256,
            file=name,
            status=ExtractionStatus.DONE,
            page_count=self.rng.randint(1, 3),
        )

    def pages(self, attachment: Attachment) -> Iterator[DocumentPage]:
        for number in range(1, (attachment.page_count or 1) + 1):
            yield DocumentPage(
                attachment=attachment, number=number, text=paragraph(self.rng, 2_000)
            )


@dataclass
class Batch:
    done: int  # requests generated so far, this batch included
    requests: list[FoiRequest]
    events: list[RequestEvent]
    messages: list[Message]
    attachments: list[Attachment]
    pages: list[DocumentPage]

    def insert(self) -> None:
        with transaction.atomic():
            FoiRequest.objects.bulk_create(self.requests, batch_size=BATCH)
            RequestEvent.objects.bulk_create(self.events, batch_size=BATCH)
            Message.objects.bulk_create(self.messages, batch_size=BATCH)
            Attachment.objects.bulk_create(self.attachments, batch_size=BATCH)
            DocumentPage.objects.bulk_create(self.pages, batch_size=BATCH)


@dataclass
class Plan:
    foi_request: FoiRequest
    body: PublicBody
    clock_events: list[tuple[str, dt.date]] = field(default_factory=list)
    outcome: str | None = None

    def events(self) -> Iterator[RequestEvent]:
        assert self.foi_request.sent_on is not None
        yield RequestEvent(
            request=self.foi_request, kind=EventKind.SENT, on=self.foi_request.sent_on
        )
        for kind, on in self.clock_events:
            details = {"outcome": self.outcome} if kind == EventKind.RESPONSE else {}
            yield RequestEvent(request=self.foi_request, kind=kind, on=on, details=details)


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
