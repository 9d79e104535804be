"""Workflows that span several models."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from requests_app.audit import changes_between, record_audit, snapshot
from requests_app.models import EventKind, FoiRequest, NonWorkingDay, Status
from requests_app.models.requests import DEADLINE_FIELDS, FINISHED_STATUSES

REFRESH_CHUNK = 500

# The fields a person edits on the request form, and with the status what the audit trail
# records of a request.
EDITABLE_FIELDS = (
    "title",
    "public_body",
    "regime",
    "campaign",
    "their_reference",
    "text",
    "notes",
    "sent_on",
    "received_on",
    "visibility",
    "tags",
)
AUDITED_FIELDS = (*EDITABLE_FIELDS, "status")


def refresh_open_deadlines() -> int:
    """Recompute the stored deadlines of every request that is not finished.

    Runs when a non-working day is added or removed, so that no open request keeps a
    stale date. Reads the non-working days once and events in bulk: a constant number
    of queries per chunk, not per request.
    """
    extra_days = NonWorkingDay.engine_days()
    pending = (
        FoiRequest.objects.exclude(status__in=FINISHED_STATUSES)
        .exclude(sent_on__isnull=True, received_on__isnull=True)
        .order_by("pk")
    )
    ids = list(pending.values_list("pk", flat=True))
    for start in range(0, len(ids), REFRESH_CHUNK):
        _refresh_chunk(ids[start : start + REFRESH_CHUNK], extra_days)
    return len(ids)


def refresh_planner_statistics() -> bool:
    """SQLite's planner statistics brought up to date; True if there was work to do.

    SQLite plans from what ANALYZE last wrote and never refreshes it itself. An index that
    was empty then (the replies waiting for review, on a new archive) has no statistics
    at all, and SQLite then prefers one it has figures for: the dashboard walked every
    reply's date to find fifty waiting. Every row is read (0.2 s at 20,000 requests): the
    sampled figures of `analysis_limit` misled it into a 38 ms plan for the dashboard's
    open requests. PostgreSQL's autovacuum does this by itself.
    """
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return True


def _refresh_chunk(ids: list[int], extra_days: tuple[object, ...]) -> None:
    chunk = FoiRequest.objects.filter(pk__in=ids).select_related("public_body")
    chunk = chunk.prefetch_related("events", "public_body__tags")
    changed = []
    for foi_request in chunk:
        before = [getattr(foi_request, field) for field in DEADLINE_FIELDS]
        foi_request.refresh_deadlines(save=False, extra_days=extra_days)
        if before != [getattr(foi_request, field) for field in DEADLINE_FIELDS]:
            changed.append(foi_request)
    with transaction.atomic():
        FoiRequest.objects.bulk_update(changed, DEADLINE_FIELDS)


def record_creation(
    foi_request: FoiRequest, user: User, *, http_request: HttpRequest | None = None
) -> None:
    """After a new request is saved, web or API: the audit entry, its first event, and
    its clock started when it was already sent."""
    record_audit(
        actor=user,
        action="request.created",
        obj=foi_request,
        changes=changes_between({}, snapshot(foi_request, AUDITED_FIELDS)),
        request=http_request,
    )
    foi_request.record_event(EventKind.CREATED, on=timezone.localdate(), actor=user)
    if foi_request.sent_on:
        foi_request.mark_sent(on=foi_request.sent_on, actor=user)


def record_edit(
    foi_request: FoiRequest,
    user: User,
    *,
    before: dict[str, Any] | None,
    changed: list[str],
    http_request: HttpRequest | None = None,
) -> None:
    """After an edit is saved, web or API: the audit entry of what it changed (from the
    `before` snapshot), the history event naming the fields, and a draft given a sent
    date sent."""
    audited = changes_between(before, snapshot(foi_request, AUDITED_FIELDS)) if before else {}
    if audited:
        record_audit(
            actor=user,
            action="request.edited",
            obj=foi_request,
            changes=audited,
            request=http_request,
        )
    if changed:
        foi_request.record_event(
            EventKind.EDITED,
            on=timezone.localdate(),
            actor=user,
            details={"fields": changed},
        )
    if foi_request.status == Status.DRAFT and foi_request.sent_on:
        foi_request.mark_sent(on=foi_request.sent_on, actor=user)
