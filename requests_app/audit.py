"""The audit trail: who changed a request, its events, messages and memberships, and how.

Every change made through the web is recorded by an explicit call in the view that makes
it, so a reader can see where the trail comes from:

    record_audit(actor=user, action="request.edited", obj=foi_request, changes=diff,
                 request=http_request)
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.http import HttpRequest

from requests_app.models import AuditEntry, FoiRequest
from requests_app.security.addresses import client_ip

Changes = dict[str, list[Any]]


def record_audit(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    obj: models.Model,
    changes: Mapping[str, Iterable[Any]] | None = None,
    request: HttpRequest | None = None,
) -> AuditEntry:
    """Append one entry: `action` ("request.edited", "membership.removed" …) done to `obj`.

    `changes` maps a field to its [old, new] values; `request` is the web request the
    change came through (its client address is kept), or None for the app's own work.
    """
    entry = audit_entry(actor=actor, action=action, obj=obj, changes=changes, request=request)
    entry.save()
    return entry


def audit_entry(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    obj: models.Model,
    changes: Mapping[str, Iterable[Any]] | None = None,
    request: HttpRequest | None = None,
) -> AuditEntry:
    """The entry `record_audit` writes, unsaved: for one bulk_create over many objects."""
    return AuditEntry(
        actor=actor if isinstance(actor, User) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        request_id=foi_request_id_of(obj),
        changes={name: [plain(value) for value in pair] for name, pair in (changes or {}).items()},
        ip=client_ip(request) if request is not None else None,
    )


def foi_request_id_of(obj: models.Model) -> int | None:
    """The request an object belongs to: itself, or the `request` it points at."""
    if isinstance(obj, FoiRequest):
        return obj.pk
    request_id = getattr(obj, "request_id", None)
    return request_id if isinstance(request_id, int) else None


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The audited fields of an object as plain values, taken before and after a change."""
    values: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            values[name] = sorted(str(item) for item in getattr(obj, name).all())
        else:
            values[name] = plain(getattr(obj, name))
    return values


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> Changes:
    """{field: [old, new]} for every field whose value differs."""
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def plain(value: Any) -> Any:
    """A value JSON can hold: dates as ISO text, objects by their name."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    return str(value)
