"""Adding a non-working day (a newly proclaimed holiday) and moving the deadlines it moves.

Staff first see what the day would change: the stored deadlines of the open requests are
worked out again with the day added, in memory, and compared with what is stored. On
confirmation the day is saved, the same recomputation is stored, the audit trail records
the day and every request whose dates moved, and each person who follows a moved request
gets one alert listing their moves.

The work is done in chunks of requests with their events and tags prefetched: the
number of queries grows with the number of chunks, not of requests.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from requests_app.alerts.kinds import Kind
from requests_app.alerts.sweep import OwedAlerts, campaign_members, load_preferences
from requests_app.alerts.tasks import queue_delivery
from requests_app.audit import audit_entry, record_audit
from requests_app.casework.deadline_dates import DATE_KINDS
from requests_app.deadlines.calendars import ExtraNonWorkingDay
from requests_app.models import Alert, AuditEntry, FoiRequest, NonWorkingDay
from requests_app.models.requests import DEADLINE_FIELDS, FINISHED_STATUSES

CHUNK = 500

# The stored dates a new non-working day can move, as the preview names them.
MOVABLE_DATES = {
    "due_on": "Response due",
    "extended_due_on": "Extended deadline",
    "review_due_on": "Internal review due",
    "very_overdue_on": "Very overdue from",
    "review_request_closes_on": DATE_KINDS["review_request_closes_on"][1],
    "escalation_closes_on": "Window to complain to the regulator closes",
}


class AlreadyAdded(Exception):
    """The day is already a non-working day of that calendar."""


@dataclass(frozen=True)
class DateMove:
    foi_request: FoiRequest
    field: str
    before: dt.date
    after: dt.date

    @property
    def label(self) -> str:
        return MOVABLE_DATES[self.field]

    @property
    def days_later(self) -> int:
        return (self.after - self.before).days

    def as_dict(self) -> dict[str, str]:
        return {
            "reference": self.foi_request.reference,
            "title": self.foi_request.title,
            "label": self.label,
            "before": self.before.isoformat(),
            "after": self.after.isoformat(),
        }


@dataclass(frozen=True)
class Added:
    day: NonWorkingDay
    moves: list[DateMove]
    alerts: int

    @property
    def requests_moved(self) -> int:
        return len({move.foi_request.pk for move in self.moves})


def preview_moves(day: ExtraNonWorkingDay) -> list[DateMove]:
    """What adding `day` would move; nothing is saved."""
    extra = (*NonWorkingDay.engine_days(), day)
    return [move for chunk in _recomputed_chunks(day.on, extra) for move in chunk[1]]


def add_non_working_day(
    *, day: ExtraNonWorkingDay, actor: User, http_request: HttpRequest | None = None
) -> Added:
    """Save the day, store the moved deadlines, audit them and alert who follows them."""
    with transaction.atomic():
        holiday = _create(day, actor)
        extra = NonWorkingDay.engine_days()
        moves: list[DateMove] = []
        for changed, chunk_moves in _recomputed_chunks(day.on, extra):
            FoiRequest.objects.bulk_update(changed, [*DEADLINE_FIELDS, "updated_at"])
            moves += chunk_moves
        _audit(holiday, moves, actor, http_request)
        alerts = alert_followers(holiday, moves)
    return Added(holiday, moves, alerts)


def _create(day: ExtraNonWorkingDay, actor: User) -> NonWorkingDay:
    try:
        with transaction.atomic():
            return NonWorkingDay.objects.create(
                on=day.on, name=day.name, calendar=day.calendar, created_by=actor
            )
    except IntegrityError as error:
        raise AlreadyAdded(f"{day.on.isoformat()} is already a non-working day there.") from error


def open_requests_around(on: dt.date) -> QuerySet[FoiRequest]:
    """Open requests whose clock started by `on` and with a stored date on or after it:
    only those can move."""
    later = Q()
    for field in MOVABLE_DATES:
        later |= Q(**{f"{field}__gte": on})
    started = Q(received_on__lte=on) | Q(received_on__isnull=True, sent_on__lte=on)
    return (
        FoiRequest.objects.exclude(status__in=FINISHED_STATUSES)
        .filter(started)
        .filter(later)
        .order_by("pk")
    )


def _recomputed_chunks(
    on: dt.date, extra: tuple[ExtraNonWorkingDay, ...]
) -> Iterator[tuple[list[FoiRequest], list[DateMove]]]:
    ids = list(open_requests_around(on).values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = FoiRequest.objects.filter(pk__in=ids[start : start + CHUNK]).order_by("pk")
        chunk = chunk.select_related("public_body", "owner")
        yield _recompute(chunk.prefetch_related("events", "public_body__tags"), extra)


def _recompute(
    requests: Iterable[FoiRequest], extra: tuple[ExtraNonWorkingDay, ...]
) -> tuple[list[FoiRequest], list[DateMove]]:
    changed, moves = [], []
    for foi_request in requests:
        before = {field: getattr(foi_request, field) for field in DEADLINE_FIELDS}
        foi_request.refresh_deadlines(save=False, extra_days=extra)
        found = [
            DateMove(foi_request, field, before[field], after)
            for field in MOVABLE_DATES
            if before[field] and (after := getattr(foi_request, field)) and after != before[field]
        ]
        moves += found
        if any(before[field] != getattr(foi_request, field) for field in DEADLINE_FIELDS):
            foi_request.updated_at = timezone.now()
            changed.append(foi_request)
    return changed, moves


def _audit(
    holiday: NonWorkingDay, moves: list[DateMove], actor: User, http_request: HttpRequest | None
) -> None:
    record_audit(
        actor=actor,
        action="non_working_day.added",
        obj=holiday,
        changes={
            "on": [None, holiday.on],
            "calendar": [None, holiday.calendar],
            "name": [None, holiday.name],
            "requests_moved": [None, len({move.foi_request.pk for move in moves})],
        },
        request=http_request,
    )
    by_request: dict[int, dict[str, list[Any]]] = defaultdict(dict)
    requests = {}
    for move in moves:
        by_request[move.foi_request.pk][move.field] = [move.before, move.after]
        requests[move.foi_request.pk] = move.foi_request
    entries = [
        audit_entry(
            actor=actor,
            action="request.deadlines_moved",
            obj=requests[pk],
            changes={**changes, "non_working_day": [None, str(holiday)]},
            request=http_request,
        )
        for pk, changes in by_request.items()
    ]
    AuditEntry.objects.bulk_create(entries)


def alert_followers(holiday: NonWorkingDay, moves: list[DateMove]) -> int:
    """One alert per person who follows a moved request, listing their moves.

    Keyed like every alert on (user, request, kind, deadline): the user's first moved
    request and the day itself, so a repeated call adds nothing; delivery then claims
    each alert with a conditional UPDATE.
    """
    moved = {move.foi_request.pk: move.foi_request for move in moves}
    if not moved:
        return 0
    followers = _followers(list(moved.values()))
    by_user: dict[int, list[int]] = defaultdict(list)
    for request_id, user_ids in followers.items():
        for user_id in user_ids:
            by_user[user_id].append(request_id)
    alerts = [
        Alert(
            user_id=user_id,
            request_id=min(request_ids),
            kind=Kind.DEADLINES_MOVED,
            deadline=holiday.on,
            details={
                "non_working_day": holiday.pk,
                "holiday_name": holiday.name,
                "moves": [m.as_dict() for m in moves if m.foi_request.pk in request_ids],
            },
        )
        for user_id, request_ids in by_user.items()
    ]
    Alert.objects.bulk_create(alerts, ignore_conflicts=True)
    created = Alert.objects.filter(
        kind=Kind.DEADLINES_MOVED,
        deadline=holiday.on,
        details__non_working_day=holiday.pk,
    ).values_list("pk", flat=True)
    ids = list(created)
    for alert_id in ids:
        queue_delivery(alert_id)
    return len(ids)


def _followers(requests: list[FoiRequest]) -> dict[int, list[int]]:
    """request id → the users who hear about it and want this kind of alert."""
    members = campaign_members({r.campaign_id for r in requests if r.campaign_id})
    owed = OwedAlerts(timezone.localdate(), (), load_preferences(), members)
    found = {}
    for foi_request in requests:
        row = {
            "owner_id": foi_request.owner_id,
            "owner__is_active": foi_request.owner.is_active,
            "campaign_id": foi_request.campaign_id,
            "visibility": foi_request.visibility,
        }
        recipients = owed.recipients(row)
        found[foi_request.pk] = [r.user_id for r in recipients if r.receives(Kind.DEADLINES_MOVED)]
    return found
