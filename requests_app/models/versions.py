"""A version of what the open and overdue counts are made of, kept by the database itself.

Figures counted over a whole archive (the dashboard's open and overdue requests) are
kept in the cache under this version. Triggers (migration 0018) write a fresh random
token into it whenever a statement may change those counts — a request added, removed,
or given another owner, campaign, visibility, status or next deadline; a reply added,
removed, filed elsewhere or reviewed; a membership added, removed or moved — whatever
the path: `save()`, `QuerySet.update()`, `bulk_update()`, `delete()`, a cascade, raw SQL.
The columns watched are what `visible_to`, `waiting()`, the overdue test and
`has_reply_to_review` read; a figure that reads another column needs it added there.
The token is written in the writer's own transaction, so a reader sees the new version
exactly when it can see the change, and a version never comes back once it has changed.
"""

from __future__ import annotations

from django.db import models

from requests_app.per_request import once_per_request


class CountsVersion(models.Model):
    """One slot of the version; the version is every slot's token.

    On PostgreSQL a writing transaction takes a slot no other open transaction holds
    (`FOR UPDATE SKIP LOCKED`), so writers never queue behind one another for it; SQLite
    has one writer at a time and one slot.
    """

    id = models.PositiveSmallIntegerField(primary_key=True)
    token = models.CharField(max_length=36)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.pk}: {self.token}"


def counts_version() -> str:
    """The current version: a few short rows, however large the archive."""
    return once_per_request(
        "counts_version",
        lambda: ",".join(CountsVersion.objects.order_by("id").values_list("token", flat=True)),
    )
