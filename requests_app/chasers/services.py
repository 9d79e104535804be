"""Chasers: which are owed today, and sending one exactly once through the letter outbox.

State, not timing, as for alerts: a chaser is owed for a request that is overdue by at
least its rule's working days and has no chaser for the deadline it missed. Owed rows are
inserted on the unique key (request, deadline), so a repeated or concurrent sweep adds
nothing; each is then claimed by a conditional UPDATE before its letter is queued, in one
transaction with the letter, so a crash leaves it owed rather than half-sent.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from requests_app.casework.body_addresses import address_for
from requests_app.mail import sending
from requests_app.models import (
    Chaser,
    ChaserMode,
    ChaserRule,
    ChaserStatus,
    EventKind,
    FoiRequest,
    NonWorkingDay,
)
from requests_app.models.requests import replies_to_review

if TYPE_CHECKING:
    from django.contrib.auth.models import User

UNSENT = (ChaserStatus.AWAITING_APPROVAL, ChaserStatus.PENDING)


def owed_chasers(*, today: dt.date) -> list[Chaser]:
    """New outbox rows for requests overdue by their rule's working days, not yet chased."""
    extra_days = NonWorkingDay.engine_days()
    owed = []
    for foi_request in chaser_candidates(today):
        rule = rule_of(foi_request)
        days_left = foi_request.working_days_left(today, extra_days)
        if rule is None or days_left is None or -days_left < rule.working_days_overdue:
            continue
        status = (
            ChaserStatus.AWAITING_APPROVAL
            if rule.mode == ChaserMode.APPROVE
            else ChaserStatus.PENDING
        )
        assert foi_request.next_due_on is not None
        owed.append(
            Chaser(
                request=foi_request,
                deadline=foi_request.next_due_on,
                status=status,
                working_days_overdue=-days_left,
            )
        )
    return owed


def chaser_candidates(today: dt.date) -> QuerySet[FoiRequest]:
    """Overdue requests with a rule (their own or their campaign's), in one query.

    A reply waiting for review may well be the answer: nobody is chased meanwhile.
    """
    chased = Chaser.objects.filter(request=OuterRef("pk"), deadline=OuterRef("next_due_on"))
    with_rule = Q(chaser_rule__isnull=False) | Q(campaign__chaser_rule__isnull=False)
    overdue = FoiRequest.objects.overdue(today).filter(with_rule).exclude(Exists(chased))
    overdue = overdue.exclude(Exists(replies_to_review()))
    related = overdue.select_related("public_body", "chaser_rule", "campaign__chaser_rule")
    return related.defer("text", "notes", "deadline_explanations")


def rule_of(foi_request: FoiRequest) -> ChaserRule | None:
    """The request's own rule, else its campaign's."""
    own = getattr(foi_request, "chaser_rule", None)
    if own is not None:
        return own
    campaign = foi_request.campaign
    return getattr(campaign, "chaser_rule", None) if campaign is not None else None


def queue_owed_chasers(*, today: dt.date) -> int:
    """Insert the chasers owed today and send those that need no approval; how many sent."""
    cancel_stale_chasers(today=today)
    Chaser.objects.bulk_create(owed_chasers(today=today), ignore_conflicts=True)
    pending = Chaser.objects.filter(status=ChaserStatus.PENDING).values_list("pk", flat=True)
    return sum(send_chaser(chaser_id=pk) for pk in list(pending))


def cancel_stale_chasers(*, today: dt.date, chaser_id: int | None = None) -> int:
    """A chaser not yet sent whose request is no longer overdue on that deadline (answered,
    extended, withdrawn) is not sent; approving it later does nothing. All of them, or
    the one `chaser_id` names."""
    still_overdue = FoiRequest.objects.overdue(today).filter(
        pk=OuterRef("request_id"), next_due_on=OuterRef("deadline")
    )
    unsent = Chaser.objects.filter(status__in=UNSENT).exclude(Exists(still_overdue))
    if chaser_id is not None:
        unsent = unsent.filter(pk=chaser_id)
    return unsent.update(status=ChaserStatus.DISCARDED, done_at=timezone.now())


def send_chaser(*, chaser_id: int, approved_by: User | None = None) -> bool:
    """Claim the chaser and queue its letter, once; False when someone else had it."""
    claimable = (ChaserStatus.AWAITING_APPROVAL,) if approved_by else (ChaserStatus.PENDING,)
    with transaction.atomic():
        claimed = Chaser.objects.filter(pk=chaser_id, status__in=claimable).update(
            status=ChaserStatus.SENT, decided_by=approved_by, done_at=timezone.now()
        )
        if claimed != 1:
            return False
        chaser = Chaser.objects.select_related("request__public_body", "request__owner").get(
            pk=chaser_id
        )
        return _queue_letter(chaser, approved_by)


def _queue_letter(chaser: Chaser, approved_by: User | None) -> bool:
    foi_request = chaser.request
    author = approved_by or foi_request.owner
    to = address_for(foi_request.public_body, foi_request.owner).email
    if not to:
        Chaser.objects.filter(pk=chaser.pk).update(status=ChaserStatus.NO_ADDRESS)
        return False
    draft = sending.compose_letter(foi_request=foi_request, letter="chaser", author=author)
    message = sending.queue_letter(
        foi_request=foi_request,
        letter="chaser",
        to=to,
        subject=draft.subject,
        body=draft.body,
        author=author,
    )
    Chaser.objects.filter(pk=chaser.pk).update(message=message)
    foi_request.record_event(
        EventKind.CHASER_SENT,
        on=timezone.localdate(),
        actor=approved_by,
        note=(
            f"{chaser.working_days_overdue} working days after the "
            f"{chaser.deadline.day} {chaser.deadline:%B %Y} deadline."
        ),
        details={"message": message.pk, "chaser": chaser.pk, "to": to},
    )
    return True


def discard_chaser(*, chaser_id: int, actor: User) -> bool:
    """The person decided not to send it; it is not owed again for the same deadline."""
    return bool(
        Chaser.objects.filter(pk=chaser_id, status=ChaserStatus.AWAITING_APPROVAL).update(
            status=ChaserStatus.DISCARDED, decided_by=actor, done_at=timezone.now()
        )
    )


def set_rule(
    *,
    actor: User,
    working_days_overdue: int | None,
    mode: str,
    foi_request: FoiRequest | None = None,
    campaign_id: int | None = None,
) -> ChaserRule | None:
    """Opt in (or out, with no number of days) for a request or a campaign."""
    target = {"request": foi_request} if foi_request is not None else {"campaign_id": campaign_id}
    if working_days_overdue is None:
        ChaserRule.objects.filter(**target).delete()
        return None
    rule, _created = ChaserRule.objects.update_or_create(
        **target,
        defaults={"working_days_overdue": working_days_overdue, "mode": mode, "set_by": actor},
    )
    return rule
