"""Batches: one question asked of many bodies, its members ordinary requests.

A `Batch` holds the text every member was written from; each member is a `FoiRequest`
with `batch` set, so deadlines, alerts, mail matching and insights treat it like any other
request. `AnswerField`/`Answer` are the values a campaign reads out of each member's reply,
each linked to the message it came from. `MemberAction` is the outbox of what a batch did
to a member (its letter sent, a chaser, a review, a withdrawal): unique per member, action
and key, so running an action twice does it once.
"""

from __future__ import annotations

import datetime as dt
import decimal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.db.models import Q
from django.urls import reverse

from requests_app.models.bodies import regime_choices
from requests_app.models.campaigns import Campaign, Role
from requests_app.models.correspondence import Message
from requests_app.models.requests import FoiRequest, campaign_ids_of


class SendMode(models.TextChoices):
    NOT_SENT = "", "Not sent yet"
    APP = "app", "Sent from the app"
    ELSEWHERE = "elsewhere", "Sent elsewhere"


class BatchQuerySet(models.QuerySet["Batch"]):
    def visible_to(self, user: User | AnonymousUser) -> BatchQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(owner=user) | Q(campaign_id__in=campaign_ids_of(user)))

    def editable_by(self, user: User | AnonymousUser) -> BatchQuerySet:
        if not user.is_authenticated:
            return self.none()
        editing = campaign_ids_of(user, roles=(Role.OWNER, Role.EDITOR))
        return self.filter(Q(owner=user) | Q(campaign_id__in=editing))

    def sending(self) -> BatchQuerySet:
        """Batches sending from the app whose letters are not all queued yet."""
        return self.filter(send_mode=SendMode.APP, send_finished_at__isnull=True)


class Batch(models.Model):
    title = models.CharField(max_length=255)
    text = models.TextField(
        help_text="The letter, with {{ body_name }}, {{ salutation }} and {{ our_reference }}."
    )
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="batches"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="batches"
    )
    regime = models.CharField(
        max_length=20,
        choices=regime_choices,
        blank=True,
        help_text="The law every member is asked under; blank for each body's usual law.",
    )
    send_mode = models.CharField(
        max_length=10, choices=SendMode.choices, blank=True, default=SendMode.NOT_SENT
    )
    sent_on = models.DateField(null=True, blank=True)
    throttle_per_minute = models.PositiveSmallIntegerField(
        default=20, help_text="Letters queued per minute when sending from the app."
    )
    send_started_at = models.DateTimeField(null=True, blank=True)
    send_finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "batches"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("batch_detail", kwargs={"pk": self.pk})

    @property
    def is_sent(self) -> bool:
        return self.send_mode != SendMode.NOT_SENT

    def can_edit(self, user: User | AnonymousUser) -> bool:
        """Who may change the batch: its owner (known without a query), or an owner or
        editor of its campaign."""
        if user.is_authenticated and self.owner_id == user.pk:
            return True
        return Batch.objects.editable_by(user).filter(pk=self.pk).exists()


class AnswerKind(models.TextChoices):
    NUMBER = "number", "A number"
    YES_NO = "yes_no", "Yes or no"
    DATE = "date", "A date"
    TEXT = "text", "Text"


class AnswerField(models.Model):
    """One value the campaign wants from every reply ("Number of therapists", "List kept?")."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="fields")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=AnswerKind.choices, default=AnswerKind.NUMBER)
    keywords = models.CharField(
        max_length=255,
        blank=True,
        help_text="Words to look for in replies, separated by commas; suggestions come from "
        "what is written next to them.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "name"], name="unique_answer_field_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def keyword_list(self) -> list[str]:
        words = [word.strip() for word in self.keywords.split(",")]
        return [word for word in words if word] or [self.name]


class Answer(models.Model):
    """The value of one field for one member, typed, and the message it was read from."""

    field = models.ForeignKey(AnswerField, on_delete=models.CASCADE, related_name="answers")
    request = models.ForeignKey(FoiRequest, on_delete=models.CASCADE, related_name="answers")
    # The value as text, normalised (a number without separators, an ISO date, yes/no),
    # and typed in the column of the field's kind, so the table sorts and sums.
    value_text = models.TextField()
    value_number = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    value_date = models.DateField(null=True, blank=True)
    value_bool = models.BooleanField(null=True, blank=True)
    source = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="answers"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["field", "request"]
        constraints = [
            models.UniqueConstraint(fields=["field", "request"], name="unique_answer_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.field}: {self.value_text}"

    @property
    def value(self) -> decimal.Decimal | dt.date | bool | str | None:
        """The typed value for exports: a number, a date, True/False or text."""
        if self.field.kind == AnswerKind.NUMBER:
            return self.value_number
        if self.field.kind == AnswerKind.DATE:
            return self.value_date
        if self.field.kind == AnswerKind.YES_NO:
            return self.value_bool
        return self.value_text


class MemberActionKind(models.TextChoices):
    SEND = "send", "Request sent"
    CHASER = "chaser", "Chaser sent"
    INTERNAL_REVIEW = "internal_review", "Internal review requested"
    WITHDRAWN = "withdrawn", "Withdrawn"


class MemberAction(models.Model):
    """Something a batch did to one member, at most once per (member, action, key).

    The key says what the action was about: a chaser is keyed by the date the reply was
    owed, so a second overdue spell (after an extension) can be chased again, but the same
    one never twice.
    """

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="actions")
    request = models.ForeignKey(FoiRequest, on_delete=models.CASCADE, related_name="batch_actions")
    action = models.CharField(max_length=20, choices=MemberActionKind.choices)
    key = models.CharField(max_length=64, blank=True)
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "action", "key"], name="unique_member_action"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.action} {self.key}"
