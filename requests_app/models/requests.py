"""FOI requests, their append-only history, and the stored statutory deadlines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from requests_app.deadlines.calendars import Calendar, ExtraNonWorkingDay, calendar_for
from requests_app.deadlines.clock import (
    ClockEvent,
    ClockEventKind,
    ClockInput,
    Deadline,
    Deadlines,
    compute_deadlines,
)
from requests_app.deadlines.regimes import ReasonablePeriod, Regime, get_regime
from requests_app.deadlines.review_request import review_request_closes
from requests_app.models.bodies import PublicBody, Tag, regime_choices
from requests_app.models.campaigns import Campaign, Membership, Role
from requests_app.models.law import Exemption, NonWorkingDay
from requests_app.models.versions import kept_under_version

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler, _AsSqlType


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_RESPONSE = "awaiting_response", "Awaiting response"
    AWAITING_CLARIFICATION = "awaiting_clarification", "Clarification asked"
    EXTENDED = "extended", "Extended"
    SUCCESSFUL = "successful", "Successful"
    PARTIALLY_SUCCESSFUL = "partially_successful", "Partially successful"
    REFUSED = "refused", "Refused"
    NOT_HELD = "not_held", "Information not held"
    AWAITING_REVIEW = "awaiting_review", "Awaiting internal review"
    WITH_REGULATOR = "with_regulator", "With the regulator"
    AT_TRIBUNAL = "at_tribunal", "At tribunal"
    WITHDRAWN = "withdrawn", "Withdrawn"
    CLOSED = "closed", "Closed"


# Statuses in which the body owes us something by a date.
WAITING_STATUSES = (
    Status.AWAITING_RESPONSE,
    Status.AWAITING_CLARIFICATION,
    Status.EXTENDED,
    Status.AWAITING_REVIEW,
)
OUTCOME_STATUSES = (
    Status.SUCCESSFUL,
    Status.PARTIALLY_SUCCESSFUL,
    Status.REFUSED,
    Status.NOT_HELD,
)
FINISHED_STATUSES = (Status.WITHDRAWN, Status.CLOSED)
# Outcomes the requester may want reviewed: everything but full success.
REVIEWABLE_OUTCOMES = (Status.PARTIALLY_SUCCESSFUL, Status.REFUSED, Status.NOT_HELD)


class Visibility(models.TextChoices):
    PRIVATE = "private", "Only me"
    CAMPAIGN = "campaign", "Campaign members"


class EventKind(models.TextChoices):
    CREATED = "created", "Logged"
    SENT = "sent", "Sent"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    CLARIFICATION_REQUESTED = "clarification_requested", "Clarification asked"
    CLARIFICATION_ANSWERED = "clarification_answered", "Clarification answered"
    FEE_NOTICE = "fee_notice", "Fees notice received"
    FEE_PAID = "fee_paid", "Fee paid"
    EXTENSION_CLAIMED = "extension_claimed", "Extension claimed"
    RESPONSE = "response", "Response received"
    REVIEW_REQUESTED = "review_requested", "Internal review requested"
    REVIEW_DECIDED = "review_decided", "Internal review decided"
    COMPLAINT_LODGED = "complaint_lodged", "Complaint to the regulator"
    DECISION_NOTICE = "decision_notice", "Decision notice"
    TRIBUNAL_APPEAL = "tribunal_appeal", "Appeal to the tribunal"
    WITHDRAWN = "withdrawn", "Withdrawn"
    CLOSED = "closed", "Closed"
    EDITED = "edited", "Details edited"
    MESSAGE_LOGGED = "message_logged", "Correspondence logged"
    CHASER_SENT = "chaser_sent", "Chaser sent automatically"


# The events that move the statutory clock, as the deadline engine names them.
CLOCK_EVENT_KINDS = {kind.value for kind in ClockEventKind}

# The status each event leaves the request in; None keeps the current one, and
# events carrying an outcome (response, review, decision) take it from `details`.
STATUS_AFTER_EVENT: dict[str, str | None] = {
    EventKind.CREATED: None,
    EventKind.SENT: Status.AWAITING_RESPONSE,
    EventKind.ACKNOWLEDGED: None,
    EventKind.CLARIFICATION_REQUESTED: Status.AWAITING_CLARIFICATION,
    EventKind.CLARIFICATION_ANSWERED: Status.AWAITING_RESPONSE,
    EventKind.FEE_NOTICE: None,
    EventKind.FEE_PAID: None,
    EventKind.EXTENSION_CLAIMED: Status.EXTENDED,
    EventKind.RESPONSE: None,
    EventKind.REVIEW_REQUESTED: Status.AWAITING_REVIEW,
    EventKind.REVIEW_DECIDED: None,
    EventKind.COMPLAINT_LODGED: Status.WITH_REGULATOR,
    EventKind.DECISION_NOTICE: None,
    EventKind.TRIBUNAL_APPEAL: Status.AT_TRIBUNAL,
    EventKind.WITHDRAWN: Status.WITHDRAWN,
    EventKind.CLOSED: Status.CLOSED,
    EventKind.EDITED: None,
    EventKind.MESSAGE_LOGGED: None,
    EventKind.CHASER_SENT: None,
}


NATION_CALENDARS = {
    "ENG": "gb-eng",
    "WLS": "gb-wls",
    "SCT": "gb-sct",
    "NIR": "gb-nir",
    "US": "us",
    "IE": "ie",
    "AU": "au",
    "NZ": "nz",
    "CA": "ca",
}


def deadline_calendar(
    regime: str,
    nation: str,
    extra_days: tuple[ExtraNonWorkingDay, ...] = (),
    subdivision: str = "",
) -> Calendar:
    """The calendar a regime counts working days in (UK SAR: the body's nation; Australia
    and Canada: the body's state, territory or province)."""
    info = get_regime(regime)
    code = info.calendar or NATION_CALENDARS.get(nation, "gb-eng")
    where = subdivision if subdivision in info.calendar_rule.subdivisions else None
    return calendar_for(code, extra_days, where)


# The dates the engine computes, and every field a refresh writes.
ENGINE_DEADLINES = (
    "due_on",
    "extended_due_on",
    "review_due_on",
    "very_overdue_on",
    "escalation_closes_on",
)
DEADLINE_FIELDS = (
    *ENGINE_DEADLINES,
    "review_request_closes_on",
    "next_due_on",
    "deadline_explanations",
)

# The statuses in which each stored date still applies. A date the request has moved
# past (the response came, the review was decided, the complaint was made) is history.
LIVE_STATUSES: dict[str, tuple[str, ...]] = {
    "due_on": (Status.AWAITING_RESPONSE, Status.AWAITING_CLARIFICATION, Status.EXTENDED),
    "extended_due_on": (Status.EXTENDED,),
    "very_overdue_on": (Status.AWAITING_RESPONSE, Status.EXTENDED),
    "review_due_on": (Status.AWAITING_REVIEW,),
    "review_request_closes_on": REVIEWABLE_OUTCOMES,
    "escalation_closes_on": (*REVIEWABLE_OUTCOMES, Status.AWAITING_REVIEW),
}


def live_dates_of(status: str, dates: dict[str, dt.date | None]) -> dict[str, dt.date]:
    """Of a request's stored dates (LIVE_STATUSES' fields), those that still apply in
    `status`: FoiRequest.live_dates, for rows read without the model."""
    live = {
        field: on
        for field, statuses in LIVE_STATUSES.items()
        if status in statuses and (on := dates.get(field)) is not None
    }
    extended = dates.get("extended_due_on")
    if extended is not None and "extended_due_on" in live:
        # The extension replaced the original date; "very overdue" before the new
        # date would say something untrue.
        live.pop("due_on", None)
        if (live.get("very_overdue_on") or dt.date.max) <= extended:
            live.pop("very_overdue_on")
    return live


def extension_left_to_body(regime: Regime) -> bool:
    """Whether the law lets the body name its own extended date.

    OIA s.15A (New Zealand) and ATIA s.9(1) (Canada) allow "a reasonable period" that
    the body must state in its extension notice: the date is the body's, not a count.
    """
    return isinstance(regime.extension, ReasonablePeriod)


def extension_rule_words(regime: Regime) -> str:
    """The statute's words for an extension whose date the body gives."""
    period = regime.extension
    if isinstance(period, ReasonablePeriod):
        return f'{period.section}: "{period.words}"'
    return regime.extension_section


class ReferenceCounter(models.Model):
    """The last number handed out per year, so references are assigned race-free."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"

    @classmethod
    def next_reference(cls, year: int) -> str:
        with transaction.atomic():
            # The UPDATE takes a row lock that is held until the transaction commits,
            # so two concurrent callers can never read the same number.
            if not cls.objects.filter(year=year).update(last_number=F("last_number") + 1):
                try:
                    with transaction.atomic():
                        cls.objects.create(year=year, last_number=1)
                except IntegrityError:
                    cls.objects.filter(year=year).update(last_number=F("last_number") + 1)
            number = cls.objects.values_list("last_number", flat=True).get(year=year)
        return f"FOI-{year}-{number:04d}"

    @classmethod
    def next_references(cls, year: int, count: int) -> list[str]:
        """`count` consecutive references in one step, as race-free as `next_reference`."""
        if count < 1:
            return []
        with transaction.atomic():
            if not cls.objects.filter(year=year).update(last_number=F("last_number") + count):
                try:
                    with transaction.atomic():
                        cls.objects.create(year=year, last_number=count)
                except IntegrityError:
                    cls.objects.filter(year=year).update(last_number=F("last_number") + count)
            last = cls.objects.values_list("last_number", flat=True).get(year=year)
        return [f"FOI-{year}-{number:04d}" for number in range(last - count + 1, last + 1)]


def campaign_ids_of(user: User, roles: Iterable[str] | None = None) -> list[int]:
    """The campaigns a user belongs to (in one of `roles`, if given), read once so the
    request filter is a plain IN list.

    A literal list lets PostgreSQL combine the owner and campaign indexes (a bitmap OR)
    instead of testing a subquery against every request of a large archive. The user's
    memberships are read with their roles and kept under the version (a membership's
    every change changes it): a page asking both what the user may see and what they
    may edit, and the next page, do not ask the database again.
    """

    def read() -> tuple[tuple[int, str], ...]:
        memberships = Membership.objects.filter(user=user).order_by()
        return tuple(memberships.values_list("campaign_id", "role"))

    memberships = kept_under_version(("memberships_of", user.pk), read)
    wanted = None if roles is None else frozenset(roles)
    return [campaign for campaign, role in memberships if wanted is None or role in wanted]


class CodePointOrder(models.Func):
    """A text column in code point order, as Python sorts strings: PostgreSQL's "C"
    collation, whatever the database's own; SQLite's own order (BINARY) already is."""

    template = '%(expressions)s COLLATE "C"'

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> _AsSqlType:
        return compiler.compile(self.get_source_expressions()[0])


def visible_to_q(user: User, through: str = "") -> Q:
    """Requests a signed-in user may see: their own, and those shared with a campaign of
    theirs. `through` names the path from another model ("request__")."""
    shared = Q(
        **{
            f"{through}visibility": Visibility.CAMPAIGN,
            f"{through}campaign_id__in": campaign_ids_of(user),
        }
    )
    return Q(**{f"{through}owner": user}) | shared


def overdue_on(today: dt.date) -> Q:
    """Still waiting, and the deadline in force is past: overdue is derived, never stored."""
    return Q(status__in=WAITING_STATUSES, next_due_on__lt=today)


def replies_to_review() -> models.QuerySet[Any]:
    """Replies to the outer request that wait for review (correspondence.AWAITING_REVIEW)."""
    from requests_app.models.correspondence import AWAITING_REVIEW, Message

    return Message.objects.filter(AWAITING_REVIEW, request=OuterRef("pk"))


class FoiRequestQuerySet(models.QuerySet["FoiRequest"]):
    def visible_to(self, user: User | AnonymousUser) -> FoiRequestQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(visible_to_q(user))

    def editable_by(self, user: User | AnonymousUser) -> FoiRequestQuerySet:
        if not user.is_authenticated:
            return self.none()
        editing = campaign_ids_of(user, roles=(Role.OWNER, Role.EDITOR))
        shared = Q(visibility=Visibility.CAMPAIGN, campaign_id__in=editing)
        return self.filter(Q(owner=user) | shared)

    def shared_with_campaign(self, campaign: Campaign) -> FoiRequestQuerySet:
        """What every member of the campaign may see: not a member's "only me" requests."""
        return self.filter(campaign=campaign, visibility=Visibility.CAMPAIGN)

    def waiting(self) -> FoiRequestQuerySet:
        return self.filter(status__in=WAITING_STATUSES)

    def overdue(self, today: dt.date) -> FoiRequestQuerySet:
        return self.filter(overdue_on(today))

    def due_between(self, first: dt.date, last: dt.date) -> FoiRequestQuerySet:
        return self.waiting().filter(next_due_on__gte=first, next_due_on__lte=last)

    def by_next_deadline(self) -> FoiRequestQuerySet:
        return self.order_by(F("next_due_on").asc(nulls_last=True), "-id")

    def with_list_relations(self) -> FoiRequestQuerySet:
        # Lists never show the long text or the reasoning; leave them in the database.
        related = self.select_related("public_body", "campaign", "owner")
        return related.defer("text", "notes", "deadline_explanations").with_reply_to_review()

    def with_reply_to_review(self) -> FoiRequestQuerySet:
        """Each row knows whether a reply waits for review, in the same query."""
        return self.annotate(has_reply_to_review=Exists(replies_to_review()))


class FoiRequest(models.Model):
    title = models.CharField(max_length=255)
    reference = models.CharField(max_length=20, unique=True, editable=False)
    their_reference = models.CharField(max_length=100, blank=True)
    public_body = models.ForeignKey(PublicBody, on_delete=models.PROTECT, related_name="requests")
    regime = models.CharField(max_length=20, choices=regime_choices, default="uk-foia")
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="foi_requests"
    )
    text = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    sent_on = models.DateField(null=True, blank=True)
    received_on = models.DateField(
        null=True, blank=True, help_text="The day the body received it; the sent date if blank."
    )
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.DRAFT)
    exemptions = models.ManyToManyField(Exemption, blank=True, related_name="requests")
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.CAMPAIGN
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="requests")
    # The batch this request was sent in, one question to many bodies (models/batches.py).
    batch = models.ForeignKey(
        "requests_app.Batch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )

    # Stored deadlines, recomputed whenever a clock event is recorded.
    due_on = models.DateField(null=True, blank=True)
    extended_due_on = models.DateField(null=True, blank=True)
    review_due_on = models.DateField(null=True, blank=True)
    very_overdue_on = models.DateField(null=True, blank=True)
    escalation_closes_on = models.DateField(null=True, blank=True)
    # The last day to ask the body for an internal review of its response.
    review_request_closes_on = models.DateField(null=True, blank=True)
    # The date the body must answer by now, for sorting and the overdue test.
    next_due_on = models.DateField(null=True, blank=True, editable=False)
    deadline_explanations = models.JSONField(default=dict, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FoiRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "FOI request"
        indexes = [
            models.Index(fields=["status", "next_due_on"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["campaign", "status"]),
            models.Index(fields=["public_body", "status"]),
            models.Index(fields=["sent_on"]),
            # The lists' default order (next deadline first, PostgreSQL puts nulls last on
            # an ascending index): a page is read off the index, not sorted from every row,
            # and with the visibility columns in it a deep page's keys are found in the
            # index alone (KeysFirstPaginator).
            models.Index(
                fields=["next_due_on", "-id", "owner", "campaign", "visibility"],
                name="request_by_next_deadline",
            ),
            # Everything `visible_to` and the dashboard's counts test, in a narrow index:
            # counting tens of thousands of visible requests reads it alone, not the table
            # with every request's text.
            models.Index(
                fields=["owner", "campaign", "visibility", "status", "next_due_on"],
                name="request_visibility",
            ),
            # The calendar's dates (casework/deadline_dates.py), each day's in reference
            # order (code point order, as the month's entries are ranked) with what
            # filters them: a month is a range of each date, read from the index alone,
            # not a scan of every request for five dates at once. SQLite has no INCLUDE:
            # what filters is in the key, after the unique reference, where it changes
            # no order.
            *(
                models.Index(
                    F(field),
                    CodePointOrder("reference"),
                    *(F(column) for column in ("status", "owner", "campaign", "visibility")),
                    *(F(column) for column in extra),
                    include=["id"],
                    condition=Q(**{f"{field}__isnull": False}),
                    name=name,
                )
                for field, name, extra in (
                    ("due_on", "calendar_due_on", ["extended_due_on"]),
                    ("extended_due_on", "calendar_extended_due_on", []),
                    ("review_due_on", "calendar_review_due_on", []),
                    ("review_request_closes_on", "calendar_review_request_closes", []),
                    ("escalation_closes_on", "calendar_escalation_closes", []),
                )
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.reference:
            year = (self.sent_on or timezone.localdate()).year
            self.reference = ReferenceCounter.next_reference(year)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("request_detail", kwargs={"reference": self.reference})

    # --- permissions -------------------------------------------------------------

    def can_edit(self, user: User | AnonymousUser) -> bool:
        """Who may change the request, for the web and the API alike: its owner, or an
        owner or editor of the campaign it is shared with (`editable_by`'s rule, asked of
        the request in hand: only the user's campaigns are read, once per page view)."""
        if not user.is_authenticated:
            return False
        if self.owner_id == user.pk:
            return True
        if self.visibility != Visibility.CAMPAIGN or self.campaign_id is None:
            return False
        return self.campaign_id in campaign_ids_of(user, roles=(Role.OWNER, Role.EDITOR))

    # --- derived state -----------------------------------------------------------

    @property
    def regime_info(self) -> Regime:
        return get_regime(self.regime)

    @property
    def is_waiting(self) -> bool:
        return self.status in WAITING_STATUSES

    @property
    def clock_started_on(self) -> dt.date | None:
        return self.received_on or self.sent_on

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_waiting and self.next_due_on is not None and self.next_due_on < today

    def working_days_left(
        self, today: dt.date, extra_days: tuple[ExtraNonWorkingDay, ...] | None = None
    ) -> int | None:
        """Working days from today to the current deadline; negative when overdue.

        Pass `extra_days` (NonWorkingDay.engine_days()) when calling for many rows, so
        the non-working days are read once per page rather than once per row.
        """
        if not self.is_waiting or self.next_due_on is None:
            return None
        if extra_days is None:
            extra_days = NonWorkingDay.engine_days()
        body = self.public_body
        calendar = deadline_calendar(self.regime, body.nation, extra_days, body.subdivision)
        return calendar.working_days_between(today, self.next_due_on)

    # --- transitions -------------------------------------------------------------

    def record_event(
        self,
        kind: str,
        *,
        on: dt.date,
        actor: User | None = None,
        note: str = "",
        details: dict[str, Any] | None = None,
        new_due_on: dt.date | None = None,
        status: str | None = None,
        exemptions: Iterable[Exemption] = (),
    ) -> RequestEvent:
        """Append an event, move the status it implies and recompute the deadlines."""
        details = dict(details or {})
        if new_due_on is not None:
            details["new_due_on"] = new_due_on.isoformat()
        with transaction.atomic():
            locked = FoiRequest.objects.select_for_update().get(pk=self.pk)
            event = RequestEvent.objects.create(
                request=locked, kind=kind, on=on, actor=actor, note=note, details=details
            )
            next_status = status or STATUS_AFTER_EVENT.get(kind)
            if next_status and next_status != locked.status:
                event.details["status_from"] = locked.status
                event.details["status_to"] = next_status
                event.save(update_fields=["details"])
                locked.status = next_status
            if kind == EventKind.SENT:
                locked.sent_on = locked.sent_on or on
                locked.received_on = locked.received_on or on
            exemptions = list(exemptions)
            if exemptions:
                locked.exemptions.add(*exemptions)
            locked.refresh_deadlines(save=False)
            locked.save()
        self.refresh_from_db()
        return event

    def record_response(
        self,
        *,
        on: dt.date,
        outcome: str,
        actor: User | None = None,
        exemptions: Iterable[Exemption] = (),
        note: str = "",
    ) -> RequestEvent:
        if outcome not in OUTCOME_STATUSES:
            raise ValueError(f"Not an outcome: {outcome}")
        return self.record_event(
            EventKind.RESPONSE,
            on=on,
            actor=actor,
            note=note,
            status=outcome,
            details={"outcome": outcome},
            exemptions=exemptions,
        )

    def mark_sent(self, *, on: dt.date, actor: User | None = None) -> RequestEvent:
        return self.record_event(EventKind.SENT, on=on, actor=actor)

    # --- deadlines ---------------------------------------------------------------

    def clock_input(self, extra_days: tuple[Any, ...] | None = None) -> ClockInput | None:
        started = self.clock_started_on
        if started is None:
            return None
        # .all() (not a new query) so that prefetch_related("events") serves bulk refreshes.
        ordered = sorted(self.events.all(), key=lambda event: (event.on, event.pk))
        events = tuple(
            ClockEvent(kind=ClockEventKind(event.kind), on=event.on, new_due_on=event.new_due_on)
            for event in ordered
            if event.kind in CLOCK_EVENT_KINDS and event.kind != EventKind.SENT
        )
        return ClockInput(
            regime=self.regime,
            received_on=started,
            events=events,
            nation=self.public_body.nation,
            subdivision=self.public_body.subdivision or None,
            is_school=any(tag.slug == "school" for tag in self.public_body.tags.all()),
            extra_non_working_days=(
                extra_days if extra_days is not None else NonWorkingDay.engine_days()
            ),
        )

    def refresh_deadlines(
        self, *, save: bool = True, extra_days: tuple[Any, ...] | None = None
    ) -> None:
        clock = self.clock_input(extra_days)
        self.apply_deadlines(compute_deadlines(clock) if clock else None, clock)
        if save:
            self.save(update_fields=[*DEADLINE_FIELDS, "updated_at"])

    def apply_deadlines(self, deadlines: Deadlines | None, clock: ClockInput | None = None) -> None:
        """Store the engine's dates and reasoning on this (unsaved) request.

        With the clock's events, also the dates the app adds to the engine's: the body's
        own extended date where the law leaves it to the body, and the last day to ask
        for an internal review.
        """
        if deadlines is not None:
            deadlines = self._only_dates_the_law_gives(deadlines)
        explanations: dict[str, Any] = {}
        for name in ENGINE_DEADLINES:
            deadline: Deadline | None = getattr(deadlines, name) if deadlines else None
            setattr(self, name, deadline.due if deadline else None)
            if deadline:
                explanations[name] = deadline.explanation.as_dict()
        review_by = self._review_request_deadline(clock) if deadlines else None
        self.review_request_closes_on = review_by.due if review_by else None
        if review_by:
            explanations["review_request_closes_on"] = review_by.explanation.as_dict()
        self.deadline_explanations = explanations
        self.next_due_on = self.current_due_on()

    def _only_dates_the_law_gives(self, deadlines: Deadlines) -> Deadlines:
        """Where the statute leaves the extension to the body, its date is the last word.

        "Very overdue" means later than the longest standard extension; with the body's
        own date there is none, and the body's date is the one that counts.
        """
        extended = deadlines.extended_due_on
        if extended is None or extended.due is None or not extension_left_to_body(self.regime_info):
            return deadlines
        return replace(deadlines, very_overdue_on=None)

    def _review_request_deadline(self, clock: ClockInput | None) -> Deadline | None:
        """The last day to ask for a review of the latest response, until one is asked for."""
        kinds = (ClockEventKind.RESPONSE, ClockEventKind.REVIEW_REQUESTED)
        events = [e for e in clock.events if e.kind in kinds] if clock else []
        responses = [e for e in events if e.kind == ClockEventKind.RESPONSE]
        if clock is None or not responses or events[-1].kind != ClockEventKind.RESPONSE:
            return None
        calendar = deadline_calendar(
            self.regime, clock.nation or "", clock.extra_non_working_days, clock.subdivision or ""
        )
        return review_request_closes(
            self.regime_info, calendar, responded_on=responses[-1].on, due_on=self.due_on
        )

    def current_due_on(self) -> dt.date | None:
        """The date the body must answer by in the request's present state."""
        if self.status == Status.AWAITING_REVIEW:
            return self.review_due_on
        if self.status == Status.EXTENDED and self.awaits_body_date():
            return None
        if self.status in WAITING_STATUSES:
            return self.extended_due_on or self.due_on
        return None

    def awaits_body_date(self) -> bool:
        """Extended under a law that leaves the date to the body, with no date recorded."""
        return (
            self.status == Status.EXTENDED
            and self.extended_due_on is None
            and extension_left_to_body(self.regime_info)
        )

    def live_dates(self) -> dict[str, dt.date]:
        """The stored dates that still apply in the request's present state."""
        return live_dates_of(self.status, {field: getattr(self, field) for field in LIVE_STATUSES})


class RequestEvent(models.Model):
    """The append-only history of a request; its clock events drive the deadlines."""

    request = models.ForeignKey(FoiRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    on = models.DateField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "created_at", "id"]
        indexes = [models.Index(fields=["request", "on"])]

    def __str__(self) -> str:
        return f"{self.request.reference} {self.get_kind_display()} {self.on}"

    @property
    def new_due_on(self) -> dt.date | None:
        value = self.details.get("new_due_on")
        return dt.date.fromisoformat(value) if value else None

    @property
    def is_clock_event(self) -> bool:
        return self.kind in CLOCK_EVENT_KINDS
