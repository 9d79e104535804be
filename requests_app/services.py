"""Workflows that span several models."""

from __future__ import annotations

from django.db import transaction

from requests_app.models import FoiRequest, NonWorkingDay
from requests_app.models.requests import DEADLINE_FIELDS, FINISHED_STATUSES

REFRESH_CHUNK = 500


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
