"""The batch page's grid: one row per member, read in a fixed number of queries.

The members come in one query (with their body and the newest message's date), their
exemptions in one more, and the first answer of each, the newest message of each and the
state of each member's letter in one query apiece for the whole batch, so 500 members
cost what 5 do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery

from requests_app.deadlines.calendars import ExtraNonWorkingDay
from requests_app.models import (
    Batch,
    EventKind,
    Exemption,
    FoiRequest,
    MemberAction,
    MemberActionKind,
    Message,
    RequestEvent,
    SendStatus,
    Status,
)

OUTCOME_LABELS = dict(Status.choices)

# ?sort= values and the ordering each stands for.
MEMBER_SORTS: dict[str, tuple[Any, ...]] = {
    "body": ("public_body__name", "pk"),
    "-body": ("-public_body__name", "pk"),
    "status": ("status", "public_body__name"),
    "-status": ("-status", "public_body__name"),
    "due": (F("next_due_on").asc(nulls_last=True), "public_body__name"),
    "-due": (F("next_due_on").desc(nulls_last=True), "public_body__name"),
    "last": (F("last_message_at").desc(nulls_last=True), "public_body__name"),
    "-last": (F("last_message_at").asc(nulls_last=True), "public_body__name"),
    "reference": ("reference",),
    "-reference": ("-reference",),
}
DEFAULT_SORT = "body"


@dataclass(frozen=True)
class LastMessage:
    pk: int
    sent_at: dt.datetime
    incoming: bool
    subject: str


@dataclass(frozen=True)
class MemberRow:
    member: FoiRequest
    days_left: int | None
    is_overdue: bool
    outcome: str
    answered_on: dt.date | None
    exemptions: tuple[str, ...]
    last_message: LastMessage | None
    letter_status: str  # the request letter's send status, "" when not sent from the app

    @property
    def working_days_overdue(self) -> int:
        return -self.days_left if self.is_overdue and self.days_left is not None else 0

    @property
    def problem(self) -> str:
        """What stops the member going out, for the grid to say."""
        body = self.member.public_body
        if self.letter_status == SendStatus.FAILED:
            return "The letter could not be sent"
        if self.member.status != Status.DRAFT or self.letter_status:
            return ""
        if not body.foi_email:
            return "No FOI email address: record as sent by post or web form"
        if body.email_failing:
            return "Email address failing: record as sent by post or web form"
        return ""


def grid_members(batch: Batch, visible: QuerySet[FoiRequest]) -> QuerySet[FoiRequest]:
    """The members the user may see, with what the grid shows of each."""
    newest = Message.objects.filter(request=OuterRef("pk")).order_by("-sent_at", "-pk")
    return (
        visible.filter(batch=batch)
        .select_related("public_body")
        .defer("text", "notes", "deadline_explanations")
        .annotate(
            last_message_at=Subquery(newest.values("sent_at")[:1]),
            last_message_pk=Subquery(newest.values("pk")[:1]),
        )
    )


def sort_members(members: QuerySet[FoiRequest], sort: str | None) -> QuerySet[FoiRequest]:
    return members.order_by(*MEMBER_SORTS.get(sort or DEFAULT_SORT, MEMBER_SORTS[DEFAULT_SORT]))


def member_rows(
    batch: Batch,
    members: Iterable[FoiRequest],
    today: dt.date,
    extra_days: tuple[ExtraNonWorkingDay, ...],
) -> list[MemberRow]:
    members = list(members)
    answers = first_answers(batch)
    letters = letter_states(batch)
    cited = exemptions_cited(batch)
    newest = newest_messages([m.last_message_pk for m in members if m.last_message_pk])  # type: ignore[attr-defined]
    rows = []
    for member in members:
        answered_on, outcome = answers.get(member.pk, (None, ""))
        rows.append(
            MemberRow(
                member=member,
                days_left=member.working_days_left(today, extra_days),
                is_overdue=member.is_overdue(today),
                outcome=str(OUTCOME_LABELS.get(outcome, outcome)),
                answered_on=answered_on,
                exemptions=cited.get(member.pk, ()),
                last_message=newest.get(member.last_message_pk),  # type: ignore[attr-defined]
                letter_status=letters.get(member.pk, ""),
            )
        )
    return rows


def first_answers(batch: Batch) -> dict[int, tuple[dt.date, str]]:
    """Each member's first response: its date and outcome."""
    events = RequestEvent.objects.filter(request__batch=batch, kind=EventKind.RESPONSE)
    found: dict[int, tuple[dt.date, str]] = {}
    for request_id, on, details in events.order_by("-on", "-pk").values_list(
        "request_id", "on", "details"
    ):
        found[request_id] = (on, str((details or {}).get("outcome", "")))
    return found


def exemptions_cited(batch: Batch) -> dict[int, tuple[str, ...]]:
    """Each member's exemptions as citations, read in one query (not a manager a row)."""
    through = FoiRequest.exemptions.through.objects.filter(foirequest__batch=batch)
    rows = through.order_by("exemption__law", "exemption_id").values_list(
        "foirequest_id", "exemption__law", "exemption__section"
    )
    found: dict[int, list[str]] = {}
    for request_id, law, section in rows:
        found.setdefault(request_id, []).append(Exemption(law=law, section=section).citation)
    return {request_id: tuple(citations) for request_id, citations in found.items()}


def letter_states(batch: Batch) -> dict[int, str]:
    sent = MemberAction.objects.filter(batch=batch, action=MemberActionKind.SEND)
    rows = sent.exclude(message=None).values_list("request_id", "message__send_status")
    return {request_id: status or "" for request_id, status in rows}


def newest_messages(ids: Sequence[int]) -> dict[int, LastMessage]:
    if not ids:
        return {}
    rows = Message.objects.filter(pk__in=list(ids)).values_list(
        "pk", "sent_at", "direction", "subject"
    )
    return {
        pk: LastMessage(pk, sent_at, direction == "in", subject)
        for pk, sent_at, direction, subject in rows
    }


@dataclass(frozen=True)
class Counts:
    members: int
    drafts: int
    without_email: int
    send_failed: int


def member_counts(batch: Batch, visible: QuerySet[FoiRequest]) -> Counts:
    """How many members there are, not sent yet, with no address to email, whose letter failed."""
    members = visible.filter(batch=batch)
    draft = Q(status=Status.DRAFT)
    no_email = draft & (Q(public_body__foi_email="") | Q(public_body__email_failing=True))
    totals = members.aggregate(
        members=Count("pk"),
        drafts=Count("pk", filter=draft),
        without_email=Count("pk", filter=no_email),
    )
    failed = MemberAction.objects.filter(
        batch=batch,
        action=MemberActionKind.SEND,
        message__send_status=SendStatus.FAILED,
        request__in=members.values("pk"),
    ).count()
    return Counts(totals["members"], totals["drafts"], totals["without_email"], failed)
