"""What a batch does: create its members, send them, act on many at once, keep answers.

Every member is an ordinary request, so the work on each goes through the request's own
methods (`record_event`, `queue_letter`) and is logged on it. Whatever must happen once
per member (its letter, a chaser for an overdue reply, a review, a withdrawal) is claimed
first by inserting a `MemberAction` row under a unique key: a second run, or two at
once, finds the row there and does nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from requests_app.audit import record_audit
from requests_app.batches import placeholders
from requests_app.batches.answers import InvalidAnswer, NormalisedValue, normalise
from requests_app.mail import sending
from requests_app.models import (
    Answer,
    AnswerField,
    Batch,
    Campaign,
    EventKind,
    Exemption,
    FoiRequest,
    MemberAction,
    MemberActionKind,
    Message,
    PublicBody,
    ReferenceCounter,
    RequestEvent,
    SendMode,
    Status,
    Visibility,
)
from requests_app.models.requests import FINISHED_STATUSES, FoiRequestQuerySet
from requests_app.queueing import enqueue_on_commit

REFUSALS = (Status.REFUSED, Status.PARTIALLY_SUCCESSFUL)
SENT_BY_POST = "post or web form"


class BatchError(ValueError):
    """The batch cannot do that now; the message says why."""


# --- creating ------------------------------------------------------------------------------


def create_batch(
    *,
    title: str,
    text: str,
    owner: User,
    bodies: Sequence[PublicBody],
    campaign: Campaign | None = None,
    regime: str = "",
    http_request: HttpRequest | None = None,
) -> Batch:
    """The batch and one draft request per body, each with its own reference and letter."""
    with transaction.atomic():
        batch = Batch.objects.create(
            title=title, text=text, owner=owner, campaign=campaign, regime=regime
        )
        year = timezone.localdate().year
        references = ReferenceCounter.next_references(year, len(bodies))
        members = FoiRequest.objects.bulk_create(
            _member(batch, body, reference)
            for body, reference in zip(bodies, references, strict=True)
        )
        today = timezone.localdate()
        RequestEvent.objects.bulk_create(
            RequestEvent(
                request=member, kind=EventKind.CREATED, on=today, actor=owner,
                details={"batch": batch.pk},
            )
            for member in members
        )  # fmt: skip
        record_audit(
            actor=owner,
            action="batch.created",
            obj=batch,
            changes={"members": [None, len(members)], "title": [None, title]},
            request=http_request,
        )
    return batch


def _member(batch: Batch, body: PublicBody, reference: str) -> FoiRequest:
    values = placeholders.values_for(body, reference)
    return FoiRequest(
        title=batch.title,
        reference=reference,
        public_body=body,
        regime=batch.regime or body.default_regime,
        campaign=batch.campaign,
        owner=batch.owner,
        text=placeholders.fill(batch.text, values),
        visibility=Visibility.CAMPAIGN if batch.campaign_id else Visibility.PRIVATE,
        status=Status.DRAFT,
        batch=batch,
    )


# --- sending -------------------------------------------------------------------------------


def emailable(members: QuerySet[FoiRequest]) -> QuerySet[FoiRequest]:
    """Members whose body has an FOI address that has not bounced."""
    return members.exclude(public_body__foi_email="").filter(public_body__email_failing=False)


def unsent(batch: Batch) -> QuerySet[FoiRequest]:
    """Draft members whose letter has not been claimed by any way of sending."""
    claimed = MemberAction.objects.filter(batch=batch, action=MemberActionKind.SEND)
    return batch.members.filter(status=Status.DRAFT).exclude(pk__in=claimed.values("request_id"))


def start_sending(*, batch: Batch, actor: User, throttle_per_minute: int) -> bool:
    """Send from the app: the first letters go now, then `throttle_per_minute` a minute.

    False if the batch was already sent (one way or the other).
    """
    now = timezone.now()
    claimed = Batch.objects.filter(pk=batch.pk, send_mode=SendMode.NOT_SENT).update(
        send_mode=SendMode.APP,
        send_started_at=now,
        sent_on=timezone.localdate(),
        throttle_per_minute=max(1, throttle_per_minute),
    )
    if claimed != 1:
        return False
    record_audit(
        actor=actor, action="batch.sending", obj=batch,
        changes={"send_mode": ["", SendMode.APP], "throttle": [None, throttle_per_minute]},
    )  # fmt: skip
    from requests_app.batches.tasks import send_batch_letters

    enqueue_on_commit(send_batch_letters, batch.pk)
    return True


def send_next_letters(*, batch_id: int) -> int:
    """Queue the next letters of a batch sending from the app, at most its throttle's worth.

    Called every minute by beat (and once when sending starts), so the letters go out at
    the throttle's rate; a run that is missed or repeated changes nothing, because which
    members are still owed a letter is read from the database. A letter that fails is
    retried by the mail task on its own and never holds up the rest.
    """
    with transaction.atomic():
        batch = Batch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.send_mode != SendMode.APP or batch.send_finished_at:
            return 0
        owed = emailable(unsent(batch)).select_related("public_body", "owner").order_by("pk")
        queued = sum(_send_member(batch, member) for member in owed[: batch.throttle_per_minute])
        if not emailable(unsent(batch)).exists():
            batch.send_finished_at = timezone.now()
            batch.save(update_fields=["send_finished_at"])
    return queued


def _send_member(batch: Batch, member: FoiRequest) -> bool:
    action = _claim(batch, member, MemberActionKind.SEND, actor=batch.owner)
    if action is None:
        return False
    message = sending.queue_letter(
        foi_request=member,
        letter="request",
        to=member.public_body.foi_email,
        subject=f"Freedom of Information request: {member.title} [{member.reference}]",
        body=member.text,
        author=batch.owner,
    )
    MemberAction.objects.filter(pk=action.pk).update(message=message)
    return True


def _claim(
    batch: Batch, member: FoiRequest, action: str, *, actor: User | None, key: str = ""
) -> MemberAction | None:
    """The action's row, newly inserted; None when it was done (or claimed) before."""
    try:
        with transaction.atomic():
            return MemberAction.objects.create(
                batch=batch, request=member, action=action, key=key, actor=actor
            )
    except IntegrityError:
        return None


def record_sent_elsewhere(*, batch: Batch, on: dt.date, actor: User) -> list[str]:
    """The batch went out another way (a portal, WhatDoTheyKnow): every draft sent on `on`."""
    claimed = Batch.objects.filter(pk=batch.pk, send_mode=SendMode.NOT_SENT).update(
        send_mode=SendMode.ELSEWHERE, sent_on=on, send_finished_at=timezone.now()
    )
    if claimed != 1:
        raise BatchError("This batch has already been sent.")
    record_audit(
        actor=actor, action="batch.sent_elsewhere", obj=batch,
        changes={"send_mode": ["", SendMode.ELSEWHERE], "sent_on": [None, on]},
    )  # fmt: skip
    return record_sent_by_hand(
        batch=batch, members=unsent(batch), on=on, actor=actor, how="elsewhere"
    )


def record_sent_by_hand(
    *,
    batch: Batch,
    members: QuerySet[FoiRequest],
    on: dt.date,
    actor: User,
    how: str = SENT_BY_POST,
) -> list[str]:
    """Record drafts as sent on `on` without a letter from the app (post, web form, portal)."""
    done = []
    for member in members.filter(status=Status.DRAFT).select_related("public_body"):
        if _claim(batch, member, MemberActionKind.SEND, actor=actor) is None:
            continue
        member.record_event(
            EventKind.SENT, on=on, actor=actor, details={"batch": batch.pk, "sent": how}
        )
        done.append(member.reference)
    return done


# --- acting on many members ----------------------------------------------------------------


class BulkAction:
    CHASER = "chaser"
    INTERNAL_REVIEW = "internal_review"
    WITHDRAWN = "withdrawn"
    SENT_BY_POST = "sent_by_post"
    RESEND = "resend"
    CHOICES = (
        (CHASER, "Send a chaser to every overdue member"),
        (INTERNAL_REVIEW, "Ask for an internal review of every refusal citing an exemption"),
        (WITHDRAWN, "Record as withdrawn"),
        (SENT_BY_POST, "Record as sent by post or web form"),
        (RESEND, "Send again letters that failed"),
    )


@dataclass
class ActionResult:
    done: list[str] = field(default_factory=list)  # references
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (reference, why)

    def summary(self, label: str) -> str:
        text = f"{label}: done for {len(self.done)} member{'s' if len(self.done) != 1 else ''}"
        if self.skipped:
            text += f", {len(self.skipped)} left alone"
        return text + "."


def run_bulk_action(
    *,
    batch: Batch,
    action: str,
    members: QuerySet[FoiRequest],
    actor: User,
    today: dt.date,
    exemption: Exemption | None = None,
    on: dt.date | None = None,
    http_request: HttpRequest | None = None,
) -> ActionResult:
    """Do `action` to each of `members` it applies to, once per member, logged on each."""
    members = members.filter(batch=batch).select_related("public_body").order_by("pk")
    if action == BulkAction.CHASER:
        return _chase(batch, members, actor, today, http_request)
    if action == BulkAction.INTERNAL_REVIEW:
        if exemption is None:
            raise BatchError("Choose the exemption whose refusals should be reviewed.")
        return _ask_for_reviews(batch, members, actor, exemption, http_request)
    if action == BulkAction.WITHDRAWN:
        return _withdraw(batch, members, actor, today, http_request)
    if action == BulkAction.SENT_BY_POST:
        done = record_sent_by_hand(batch=batch, members=members, on=on or today, actor=actor)
        return ActionResult(done=done)
    if action == BulkAction.RESEND:
        return _resend(members)
    raise BatchError(f"Unknown action: {action}")


def _chase(
    batch: Batch,
    members: QuerySet[FoiRequest],
    actor: User,
    today: dt.date,
    http: HttpRequest | None,
) -> ActionResult:
    result = ActionResult()
    assert isinstance(members, FoiRequestQuerySet)
    for member in members.overdue(today):
        # Keyed by the date owed: the same overdue reply is chased once, whoever asks.
        key = member.next_due_on.isoformat() if member.next_due_on else ""
        result_of = _letter_action(batch, member, MemberActionKind.CHASER, key, actor, "chaser")
        _note(result, member, result_of, actor, "batch.chaser", http)
    return result


def _ask_for_reviews(
    batch: Batch,
    members: QuerySet[FoiRequest],
    actor: User,
    exemption: Exemption,
    http: HttpRequest | None,
) -> ActionResult:
    result = ActionResult()
    refusals = members.filter(status__in=REFUSALS, exemptions=exemption).distinct()
    for member in refusals:
        why = _letter_action(
            batch, member, MemberActionKind.INTERNAL_REVIEW, "", actor, "internal_review"
        )
        _note(result, member, why, actor, "batch.internal_review", http)
    return result


def _letter_action(
    batch: Batch, member: FoiRequest, kind: str, key: str, actor: User, letter: str
) -> str:
    """Compose and queue one letter for the member; "" when sent, else why not."""
    if not member.public_body.foi_email:
        return "no FOI email address for this body"
    with transaction.atomic():
        action = _claim(batch, member, kind, actor=actor, key=key)
        if action is None:
            return "already done"
        draft = sending.compose_letter(foi_request=member, letter=letter, author=actor)
        message = sending.queue_letter(
            foi_request=member,
            letter=letter,
            to=draft.to,
            subject=draft.subject,
            body=draft.body,
            author=actor,
        )
        MemberAction.objects.filter(pk=action.pk).update(message=message)
    return ""


def _note(
    result: ActionResult,
    member: FoiRequest,
    why_not: str,
    actor: User,
    action: str,
    http: HttpRequest | None,
) -> None:
    if why_not:
        result.skipped.append((member.reference, why_not))
        return
    result.done.append(member.reference)
    record_audit(actor=actor, action=action, obj=member, request=http)


def _withdraw(
    batch: Batch,
    members: QuerySet[FoiRequest],
    actor: User,
    today: dt.date,
    http: HttpRequest | None,
) -> ActionResult:
    result = ActionResult()
    for member in members.exclude(status__in=FINISHED_STATUSES):
        with transaction.atomic():
            if _claim(batch, member, MemberActionKind.WITHDRAWN, actor=actor) is None:
                result.skipped.append((member.reference, "already withdrawn"))
                continue
            member.record_event(
                EventKind.WITHDRAWN, on=today, actor=actor, details={"batch": batch.pk}
            )
        _note(result, member, "", actor, "batch.withdrawn", http)
    return result


def _resend(members: QuerySet[FoiRequest]) -> ActionResult:
    result = ActionResult()
    failed = Message.objects.filter(request__in=members, send_status="failed")
    for message in failed.select_related("request"):
        sending.resend(message=message)
        result.done.append(message.request.reference if message.request else "")
    return result


# --- answers -------------------------------------------------------------------------------


@dataclass
class AnswerErrors:
    by_field: dict[int, str] = field(default_factory=dict)


def save_answers(
    *,
    member: FoiRequest,
    values: dict[int, str],
    source: Message | None,
    actor: User,
    fields: Iterable[AnswerField],
    http_request: HttpRequest | None = None,
) -> AnswerErrors:
    """Check every value, then store all of them or none; a blank value clears the answer."""
    errors = AnswerErrors()
    cleaned: dict[AnswerField, NormalisedValue | None] = {}
    for answer_field in fields:
        raw = values.get(answer_field.pk, "").strip()
        try:
            cleaned[answer_field] = normalise(answer_field.kind, raw) if raw else None
        except InvalidAnswer as error:
            errors.by_field[answer_field.pk] = str(error)
    if errors.by_field:
        return errors
    with transaction.atomic():
        for answer_field, value in cleaned.items():
            _store_answer(member, answer_field, value, source, actor, http_request)
    return errors


def _store_answer(
    member: FoiRequest,
    answer_field: AnswerField,
    value: NormalisedValue | None,
    source: Message | None,
    actor: User,
    http: HttpRequest | None,
) -> None:
    existing = Answer.objects.filter(field=answer_field, request=member).first()
    before = existing.value_text if existing else None
    if value is None:
        if existing is not None:
            existing.delete()
            record_audit(
                actor=actor, action="answer.cleared", obj=member,
                changes={answer_field.name: [before, None]}, request=http,
            )  # fmt: skip
        return
    if existing is not None and before == value.text and existing.source_id == _pk(source):
        return
    answer, _ = Answer.objects.update_or_create(
        field=answer_field,
        request=member,
        defaults={
            "value_text": value.text,
            "value_number": value.number,
            "value_date": value.date,
            "value_bool": value.boolean,
            "source": source,
            "entered_by": actor,
        },
    )
    record_audit(
        actor=actor, action="answer.saved", obj=answer,
        changes={answer_field.name: [before, value.text]}, request=http,
    )  # fmt: skip


def _pk(source: Message | None) -> int | None:
    return source.pk if source is not None else None


def members_with_emails(batch: Batch) -> dict[str, int]:
    """How many draft members the app can email, and how many it cannot."""
    drafts = unsent(batch)
    can = emailable(drafts).count()
    return {"can_email": can, "cannot_email": drafts.count() - can}


def bodies_without_email(batch: Batch) -> QuerySet[FoiRequest]:
    drafts = unsent(batch)
    return drafts.filter(Q(public_body__foi_email="") | Q(public_body__email_failing=True))
