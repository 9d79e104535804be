"""Work a worker leases: a row waits in one status, is worked on in another, and carries
`lease_until` (when its worker is presumed dead) and `created_at`.

The stranded-work sweep asks two questions of every such table; they are answered once here.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Self, TypeVar

from django.db import models
from django.db.models import F, Q

_Row = TypeVar("_Row", bound=models.Model)


class LeasedWorkQuerySet(models.QuerySet[_Row]):
    waiting_status: ClassVar[str]
    working_status: ClassVar[str]

    def stranded(self, now: dt.datetime, waited: dt.timedelta) -> Self:
        """Waiting past their lease (or, never leased, created `waited` ago)."""
        overdue = Q(lease_until__lt=now) | Q(lease_until__isnull=True, created_at__lt=now - waited)
        return self.filter(overdue, status=self.waiting_status)

    def abandoned(self, now: dt.datetime) -> Self:
        """Being worked on by a worker whose lease has run out: it died mid-run."""
        expired = Q(lease_until__lt=now) | Q(lease_until__isnull=True)
        return self.filter(expired, status=self.working_status)


class ClaimedWorkQuerySet(LeasedWorkQuerySet[_Row]):
    """Leased work one run at a time takes by a claim: the run that raised `attempts` holds
    the row, and its writes count only while it still does (`held`)."""

    def claim(self, pk: int, *, now: dt.datetime, lease: dt.timedelta) -> bool:
        """Take the row for this run if it waits, or its worker's lease has run out."""
        claimable = Q(status=self.waiting_status) | Q(
            status=self.working_status, lease_until__lt=now
        )
        claimed = self.filter(claimable, pk=pk).update(
            status=self.working_status,
            started_at=now,
            progress=1,
            attempts=F("attempts") + 1,
            lease_until=now + lease,
        )
        return claimed == 1

    def held(self, pk: int, attempts: int) -> Self:
        """The row while the run that made attempt `attempts` still holds the claim."""
        return self.filter(pk=pk, status=self.working_status, attempts=attempts)
