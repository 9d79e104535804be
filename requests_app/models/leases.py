"""Work a worker leases: a row waits in one status, is worked on in another, and carries
`lease_until` (when its worker is presumed dead) and `created_at`.

The stranded-work sweep asks two questions of every such table; they are answered once here.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Self, TypeVar

from django.db import models
from django.db.models import Q

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
