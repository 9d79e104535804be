"""A version of what the open and overdue counts are made of, kept by the database itself.

Figures counted over a whole archive (the dashboard's open and overdue requests, a
body's or a campaign's headline figures) are kept in the cache under this version.
Triggers (migrations 0018 and 0021) write a fresh random token into it whenever a
statement may change those figures — a request added, removed, or given another owner,
campaign, visibility, status, next deadline, body, regime or date (sent, received, due,
extended due); an event added, removed, or given another request, kind, date or details;
a body given another nation or subdivision; a reply added, removed, filed elsewhere or
reviewed; a membership added, removed or moved — whatever the path: `save()`,
`QuerySet.update()`, `bulk_update()`, `delete()`, a cascade, raw SQL.
The columns watched are what `visible_to`, `waiting()`, the overdue test,
`has_reply_to_review` and `request_statistics` read; a figure that reads another column
needs it added there.
The token is written in the writer's own transaction, so a reader sees the new version
exactly when it can see the change, and a version never comes back once it has changed.
"""

from __future__ import annotations

import hashlib

from django.db import connection

from requests_app.per_request import once_per_request

# A table of the database's own, not a model: it is no data of the archive (no backup,
# admin or flush copies it), only a mark of when the data last changed. Each row is one
# slot; the version is every slot's token. On PostgreSQL a writing transaction takes a
# slot no other open transaction holds (`FOR UPDATE SKIP LOCKED`), so writers never
# queue behind one another for it; SQLite has one writer at a time and one slot.
VERSION_TABLE = "requests_app_countsversion"


def counts_version() -> str:
    """The current version, short enough for a cache key: a digest of every slot's token,
    read from a few short rows however large the archive."""
    return once_per_request("counts_version", _read_version)


def _read_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {VERSION_TABLE} ORDER BY id")  # noqa: S608
        tokens = ",".join(token for (token,) in cursor.fetchall())
    return hashlib.sha256(tokens.encode()).hexdigest()[:32]
