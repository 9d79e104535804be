"""The sweep: which alerts are owed as of a day, worked out from the stored dates.

State, not timing: the sweep never asks "what fell due since the last run". It asks
which alerts are owed today and inserts those missing, keyed on (user, request, kind,
deadline), so a missed run is caught up by the next one and a repeated run (or two at
once) adds nothing. Pending alerts about a date that has since moved are cancelled, and
alerts stuck in "sending" after a crash go back to pending.

The number of queries is fixed, whatever the number of requests: the candidate rows are
narrowed in SQL, and working days are counted in Python from the loaded rows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.expressions import RawSQL
from django.utils import timezone

from requests_app.alerts.kinds import (
    CLARIFICATION_REMINDER_WORKING_DAYS,
    DEADLINE_KINDS,
    DEFAULT_DUE_SOON_WORKING_DAYS,
    REVIEW_REQUEST_WARNING_DAYS,
    VIEWER_KINDS,
    AlertKind,
    Kind,
    Owed,
    RequestDates,
    is_owed,
    regulator_warning_days,
)
from requests_app.chasers.services import queue_owed_chasers
from requests_app.deadlines.calendars import (
    CALENDAR_CODES,
    Calendar,
    ExtraNonWorkingDay,
    calendar_for,
)
from requests_app.models import (
    Alert,
    AlertDelivery,
    AlertStatus,
    EventKind,
    FoiRequest,
    Membership,
    NonWorkingDay,
    Profile,
    RequestEvent,
    Role,
    Status,
    Visibility,
)
from requests_app.models.requests import deadline_calendar

OWNER_OF_REQUEST = "requester"  # the request's own owner, whatever their campaign role


# The deadline kinds that can be owed in each status, so a row checks only those.
KINDS_BY_STATUS: dict[str, tuple[AlertKind, ...]] = {
    status: tuple(kind for kind in DEADLINE_KINDS if status in kind.statuses)
    for status in {status for kind in DEADLINE_KINDS for status in kind.statuses}
}


def sending_timeout() -> dt.timedelta:
    """How long an alert may stay "sending" before the sweep takes it back."""
    return dt.timedelta(seconds=int(getattr(settings, "FOI_ALERT_SENDING_TIMEOUT", 15 * 60)))


@dataclass(frozen=True)
class Preferences:
    muted: frozenset[str] = frozenset()
    delivery: str = AlertDelivery.IMMEDIATE
    digest_hour: int = 7
    paused: bool = False
    due_soon_working_days: int = DEFAULT_DUE_SOON_WORKING_DAYS

    def wants(self, kind: str) -> bool:
        return not self.paused and kind not in self.muted

    @classmethod
    def of(cls, profile: Profile | None) -> Preferences:
        if profile is None:
            return cls()
        return cls(
            frozenset(profile.muted_alert_kinds or ()),
            profile.alert_delivery,
            profile.digest_hour,
            profile.alerts_paused,
            profile.due_soon_working_days,
        )


@dataclass(frozen=True)
class Recipient:
    user_id: int
    role: str
    preferences: Preferences

    @property
    def due_soon_working_days(self) -> int:
        return self.preferences.due_soon_working_days

    def receives(self, kind: str) -> bool:
        allowed = self.role != Role.VIEWER or kind in VIEWER_KINDS
        return allowed and self.preferences.wants(kind)


@dataclass(frozen=True)
class SweepResult:
    today: dt.date
    candidates: int  # requests that might owe an alert
    created: int
    cancelled: int
    recovered: int  # taken back from "sending" after a crash
    chasers: int = 0  # automatic chasers sent (chasers/services.py)


def sweep(*, today: dt.date, now: dt.datetime | None = None) -> SweepResult:
    now = now or timezone.now()
    recovered = recover_stuck_sending(now=now)
    cancelled = cancel_stale_alerts(today=today)
    candidates, created = create_owed_alerts(today=today)
    chasers = queue_owed_chasers(today=today)
    return SweepResult(today, candidates, created, cancelled, recovered, chasers)


# --- recovery and cancellation -------------------------------------------------------


def recover_stuck_sending(*, now: dt.datetime) -> int:
    """A worker that died mid-send leaves its alert in "sending"; send it again."""
    stuck = Alert.objects.filter(status=AlertStatus.SENDING, claimed_at__lt=now - sending_timeout())
    return stuck.update(
        status=AlertStatus.PENDING,
        next_attempt_at=None,
        last_error="Taken back after the sending worker stopped without finishing.",
    )


def cancel_stale_alerts(*, today: dt.date) -> int:
    """Cancel pending alerts whose date moved or whose request no longer owes them."""
    stale = reduce(or_, (Q(kind=kind.code) & _stale(kind, today) for kind in DEADLINE_KINDS))
    pending = Alert.objects.filter(status=AlertStatus.PENDING).filter(stale)
    return pending.update(
        status=AlertStatus.CANCELLED,
        last_error="Cancelled: the date it was about moved or no longer applies.",
    )


def _stale(kind: AlertKind, today: dt.date) -> Q:
    current = FoiRequest.objects.filter(pk=OuterRef("request_id"), status__in=kind.statuses)
    if kind.code == Kind.CLARIFICATION_OWED:
        current = current.filter(
            events__kind=EventKind.CLARIFICATION_REQUESTED, events__on=OuterRef("deadline")
        )
    else:
        current = current.filter(**{kind.date_field or "": OuterRef("deadline")})
    stale = Q(~Exists(current))
    # Overtaken by the next kind: "due soon" on the day itself, "due today" after it.
    if kind.code == Kind.DUE_SOON:
        stale |= Q(deadline__lte=today)
    elif kind.code == Kind.DUE_TODAY:
        stale |= Q(deadline__lt=today)
    return stale


# --- creating what is owed -----------------------------------------------------------

CANDIDATE_FIELDS = (
    "pk",
    "status",
    "regime",
    "public_body__nation",
    "public_body__subdivision",
    "owner_id",
    "owner__is_active",
    "campaign_id",
    "visibility",
    "due_on",
    "extended_due_on",
    "review_due_on",
    "very_overdue_on",
    "escalation_closes_on",
    "review_request_closes_on",
    "next_due_on",
    "clarification_asked_on",
)


def create_owed_alerts(*, today: dt.date) -> tuple[int, int]:
    """Insert the owed alerts that are missing; (candidate requests, alerts created)."""
    extra_days = NonWorkingDay.engine_days()
    preferences = load_preferences()
    longest = max((p.due_soon_working_days for p in preferences.values()), default=0)
    longest = max(longest, DEFAULT_DUE_SOON_WORKING_DAYS)
    candidates = candidate_requests(today, due_soon_until(today, longest, extra_days))
    rows = list(candidates.values(*CANDIDATE_FIELDS))
    members = campaign_members({row["campaign_id"] for row in rows if row["campaign_id"]})
    owed = OwedAlerts(today, extra_days, preferences, members)
    keys = {key for row in rows for key in owed.for_row(row)}
    new = sorted(keys - existing_keys(candidates, [row["pk"] for row in rows]))
    return len(rows), insert_alerts(new, today)


def load_preferences() -> dict[int, Preferences]:
    return {profile.user_id: Preferences.of(profile) for profile in Profile.objects.all()}


def due_soon_until(
    today: dt.date, working_days: int, extra_days: tuple[ExtraNonWorkingDay, ...]
) -> dt.date:
    """The latest date any calendar reaches `working_days` working days after today."""
    return max(
        calendar_for(code, extra_days).add_working_days(today, working_days)[0]
        for code in CALENDAR_CODES
    )


def candidate_requests(today: dt.date, due_soon_until: dt.date) -> QuerySet[FoiRequest]:
    """Requests that may owe an alert today: a coarse SQL window per kind.

    Kinds whose moment is the same for every recipient skip requests that already
    have that alert, so a request is loaded again only while something is missing.
    """
    asked_on = (
        RequestEvent.objects.filter(request=OuterRef("pk"), kind=EventKind.CLARIFICATION_REQUESTED)
        .order_by("-on")
        .values("on")[:1]
    )
    clarification_asked_on = Case(
        When(status=Status.AWAITING_CLARIFICATION, then=Subquery(asked_on))
    )
    statuses = {status for kind in DEADLINE_KINDS for status in kind.statuses}
    windows = [_window(kind, today, due_soon_until) for kind in DEADLINE_KINDS]
    return (
        FoiRequest.objects.filter(status__in=statuses)
        .annotate(clarification_asked_on=clarification_asked_on)
        .filter(reduce(or_, windows))
        .order_by()
    )


def _window(kind: AlertKind, today: dt.date, due_soon_until: dt.date) -> Q:
    window = Q(status__in=kind.statuses) & _dates(kind.code, today, due_soon_until)
    if kind.same_for_everyone:
        already = Alert.objects.filter(
            request=OuterRef("pk"), kind=kind.code, deadline=OuterRef(kind.date_field or "")
        )
        window &= Q(~Exists(already))
    return window


def _dates(code: str, today: dt.date, due_soon_until: dt.date) -> Q:
    not_very_overdue = Q(very_overdue_on__isnull=True) | Q(very_overdue_on__gt=today)
    if code == Kind.DUE_SOON:
        return Q(next_due_on__gt=today, next_due_on__lte=due_soon_until)
    if code == Kind.DUE_TODAY:
        return Q(next_due_on=today)
    if code == Kind.OVERDUE:
        return Q(due_on__lt=today) & not_very_overdue
    if code == Kind.EXTENDED_OVERDUE:
        return Q(extended_due_on__lt=today) & not_very_overdue
    if code == Kind.VERY_OVERDUE:
        return Q(very_overdue_on__lte=today, next_due_on__lt=today)
    if code == Kind.REVIEW_OVERDUE:
        return Q(review_due_on__lt=today)
    if code == Kind.REGULATOR_WINDOW_CLOSING:
        warn_from = today + dt.timedelta(days=regulator_warning_days())
        return Q(escalation_closes_on__gte=today, escalation_closes_on__lte=warn_from)
    if code == Kind.REVIEW_REQUEST_CLOSING:
        warn_from = today + dt.timedelta(days=REVIEW_REQUEST_WARNING_DAYS)
        return Q(review_request_closes_on__gte=today, review_request_closes_on__lte=warn_from)
    if code == Kind.CLARIFICATION_OWED:
        # N working days are at least N calendar days: the exact count is done in Python.
        asked_by = today - dt.timedelta(days=CLARIFICATION_REMINDER_WORKING_DAYS)
        return Q(clarification_asked_on__lte=asked_by)
    raise ValueError(f"{code} is not a deadline alert")


def campaign_members(campaign_ids: Iterable[int]) -> dict[int, list[tuple[int, str]]]:
    """campaign id → [(user id, role)] of the active members."""
    members: dict[int, list[tuple[int, str]]] = defaultdict(list)
    rows = Membership.objects.filter(campaign_id__in=list(campaign_ids), user__is_active=True)
    for campaign_id, user_id, role in rows.values_list("campaign_id", "user_id", "role"):
        members[campaign_id].append((user_id, role))
    return members


# SQLite refuses queries with more parameters than this; beyond it the candidate query is
# repeated as a subquery instead. PostgreSQL (client-side binding) has no such limit.
SQLITE_ID_LIST_LIMIT = 30_000


def existing_keys(candidates: QuerySet[FoiRequest], ids: list[int]) -> set[AlertKey]:
    """The alert keys that already exist for the candidate requests (one query)."""
    if connection.vendor == "postgresql":
        # One array parameter rather than one parameter per id.
        ids_array = RawSQL("SELECT unnest(%s::bigint[])", [ids])
        alerts = Alert.objects.filter(request_id__in=ids_array)
    elif len(ids) <= SQLITE_ID_LIST_LIMIT:
        alerts = Alert.objects.filter(request_id__in=ids)
    else:
        alerts = Alert.objects.filter(request_id__in=candidates.values("pk"))
    return set(alerts.values_list("user_id", "request_id", "kind", "deadline"))


AlertKey = tuple[int, int, str, dt.date]  # (user, request, kind, deadline): the unique key

INSERT_UNNESTED = """
    INSERT INTO {table} (user_id, request_id, kind, deadline, status, attempts, last_error,
                         created_at, details)
    SELECT owed.user_id, owed.request_id, owed.kind, owed.deadline, %s, 0, '', %s, %s::jsonb
    FROM unnest(%s::bigint[], %s::bigint[], %s::varchar[], %s::date[])
        AS owed(user_id, request_id, kind, deadline)
    ON CONFLICT (user_id, request_id, kind, deadline) DO NOTHING
"""


def insert_alerts(keys: list[AlertKey], today: dt.date) -> int:
    """Insert the alerts, skipping any another sweep inserted meanwhile; the count added.

    On PostgreSQL one statement inserts them all, however many (arrays unnested);
    elsewhere Django's bulk_create splits them into batches.
    """
    if not keys:
        return 0
    details = {"owed_on": today.isoformat()}
    if connection.vendor != "postgresql":
        alerts = [
            Alert(user_id=u, request_id=r, kind=k, deadline=d, details=details)
            for u, r, k, d in keys
        ]
        return len(Alert.objects.bulk_create(alerts, ignore_conflicts=True))
    users, requests, kinds, deadlines = ([*column] for column in zip(*keys, strict=True))
    sql = INSERT_UNNESTED.format(table=connection.ops.quote_name(Alert._meta.db_table))
    params: list[Any] = [
        AlertStatus.PENDING,
        timezone.now(),
        json.dumps(details),
        users,
        requests,
        kinds,
        deadlines,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


class OwedAlerts:
    """Turns loaded request rows into the Alert rows owed today (no queries)."""

    def __init__(
        self,
        today: dt.date,
        extra_days: tuple[ExtraNonWorkingDay, ...],
        preferences: dict[int, Preferences],
        members: dict[int, list[tuple[int, str]]],
    ) -> None:
        self.today, self.extra_days = today, extra_days
        self.preferences, self.members = preferences, members
        self._calendars: dict[tuple[str, str, str], Calendar] = {}
        self._recipients: dict[tuple[int, bool, int | None], list[Recipient]] = {}

    def calendar(self, regime: str, nation: str, subdivision: str = "") -> Calendar:
        key = (regime, nation, subdivision)
        if key not in self._calendars:
            self._calendars[key] = deadline_calendar(regime, nation, self.extra_days, subdivision)
        return self._calendars[key]

    def recipients(self, row: dict[str, Any]) -> list[Recipient]:
        """The owner and, for a shared request, its campaign's members (cached per pair)."""
        shared = bool(row["campaign_id"]) and row["visibility"] == Visibility.CAMPAIGN
        key = (row["owner_id"], row["owner__is_active"], row["campaign_id"] if shared else None)
        if key not in self._recipients:
            self._recipients[key] = self._find_recipients(*key)
        return self._recipients[key]

    def _find_recipients(
        self, owner: int, owner_active: bool, campaign_id: int | None
    ) -> list[Recipient]:
        found: dict[int, Recipient] = {}
        if owner_active:
            found[owner] = Recipient(owner, OWNER_OF_REQUEST, self._preferences(owner))
        for user_id, role in self.members.get(campaign_id or 0, ()):
            found.setdefault(user_id, Recipient(user_id, role, self._preferences(user_id)))
        return list(found.values())

    def for_row(self, row: dict[str, Any]) -> list[AlertKey]:
        recipients = self.recipients(row)
        if not recipients:
            return []
        dates = RequestDates(**{name: row[name] for name in RequestDates.__dataclass_fields__})
        calendar = self.calendar(
            row["regime"], row["public_body__nation"], row["public_body__subdivision"]
        )
        alerts = []
        for kind in KINDS_BY_STATUS.get(row["status"], ()):
            # "Due soon" depends on each user's number of days; the others do not.
            owed_for: dict[int, Owed | None] = {}
            for recipient in recipients:
                if not recipient.receives(kind.code):
                    continue
                days = (
                    recipient.preferences.due_soon_working_days if not kind.same_for_everyone else 0
                )
                if days not in owed_for:
                    owed_for[days] = is_owed(kind, dates, self.today, calendar, days)
                owed = owed_for[days]
                if owed is not None:
                    alerts.append((recipient.user_id, row["pk"], owed.kind, owed.deadline))
        return alerts

    def _preferences(self, user_id: int) -> Preferences:
        return self.preferences.get(user_id) or Preferences()


def recipients_of_request(foi_request: FoiRequest) -> list[Recipient]:
    """Who hears about one request: its owner and, if shared, its campaign's members."""
    row: dict[str, Any] = {
        "owner_id": foi_request.owner_id,
        "owner__is_active": foi_request.owner.is_active,
        "campaign_id": foi_request.campaign_id,
        "visibility": foi_request.visibility,
    }
    members = campaign_members([foi_request.campaign_id] if foi_request.campaign_id else [])
    user_ids = [
        foi_request.owner_id,
        *(user_id for user_id, _ in members.get(foi_request.campaign_id or 0, ())),
    ]
    profiles = Profile.objects.filter(user_id__in=user_ids)
    preferences = {profile.user_id: Preferences.of(profile) for profile in profiles}
    return OwedAlerts(timezone.localdate(), (), preferences, members).recipients(row)
