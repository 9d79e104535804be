"""Forms for requests and their events: logging and editing a request, recording what happened."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse_lazy
from django.utils import timezone

from requests_app.audit import changes_between, record_audit, snapshot
from requests_app.casework.date_checks import (
    event_date_error,
    latest_sent_on,
    request_date_errors,
    uncountable,
)
from requests_app.casework.services import EDITABLE_FIELDS
from requests_app.forms import DATE_INPUT, QuickSelect, date_limits
from requests_app.models import (
    Campaign,
    EventKind,
    Exemption,
    FoiRequest,
    PublicBody,
    RequestEvent,
    Role,
    Status,
    Tag,
)
from requests_app.models.bodies import regime_choices
from requests_app.models.requests import (
    OUTCOME_STATUSES,
    extension_left_to_body,
    extension_rule_words,
)
from requests_app.reports.statistics import COMPLAINT_OUTCOMES

# What an event may change on its request, as the audit trail records it.
AUDITED_BY_EVENTS = ("status", "next_due_on", "due_on", "extended_due_on", "review_due_on")

# Kinds a person records by hand; `created`, `edited` and `message_logged` are written by
# the app itself.
USER_EVENT_KINDS = tuple(
    kind
    for kind in EventKind
    if kind
    not in (EventKind.CREATED, EventKind.EDITED, EventKind.MESSAGE_LOGGED, EventKind.CHASER_SENT)
)
OUTCOME_CHOICES = [(status.value, status.label) for status in OUTCOME_STATUSES]
RESULTING_STATUS_CHOICES = [*OUTCOME_CHOICES, (Status.CLOSED.value, Status.CLOSED.label)]


class BodySelect(QuickSelect):
    """A <select> of bodies that tells the picker script each body's usual law."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        search = {"data-body-search": "true", "data-search-url": reverse_lazy("body_search")}
        super().__init__({**search, **(attrs or {})})

    def option_attributes(self, value: Any) -> dict[str, Any]:
        body = getattr(value, "instance", None)
        return {"data-default-regime": body.default_regime} if body is not None else {}


class BodyChoiceField(forms.ModelChoiceField):
    widget = BodySelect

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


class FoiRequestForm(forms.ModelForm):
    public_body = BodyChoiceField(
        queryset=PublicBody.objects.none(),
        help_text="Type to search when scripts are on; otherwise pick from the list.",
    )
    regime = forms.ChoiceField(
        label="Law",
        required=False,
        help_text="Leave blank to use the body's usual law.",
    )
    tags = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = FoiRequest
        fields = list(EDITABLE_FIELDS)
        widgets = {"sent_on": DATE_INPUT, "received_on": DATE_INPUT}
        labels = {"text": "Request text", "their_reference": "Their reference"}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance
        bodies = Q(is_active=True) | Q(pk=current.public_body_id)
        self.fields["public_body"].queryset = PublicBody.objects.filter(bodies)  # type: ignore[attr-defined]
        editable = Q(memberships__user=user, memberships__role__in=(Role.OWNER, Role.EDITOR))
        campaigns = Campaign.objects.filter(editable | Q(pk=current.campaign_id)).distinct()
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]
        self.fields["regime"].choices = [("", "The body's usual law"), *regime_choices()]  # type: ignore[attr-defined]
        self.fields["regime"].widget.attrs["data-regime"] = "true"
        for name in ("sent_on", "received_on"):
            self.fields[name].widget.attrs.update(date_limits(latest_sent_on(timezone.localdate())))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        body = cleaned.get("public_body")
        if not cleaned.get("regime") and body is not None:
            cleaned["regime"] = body.default_regime
            self.instance.regime = body.default_regime
        errors = request_date_errors(
            sent_on=cleaned.get("sent_on"),
            received_on=cleaned.get("received_on"),
            today=timezone.localdate(),
            foi_request=self.instance,
        )
        for field, message in errors.items():
            self.add_error(field, message)
        return cleaned

    def sent_in_future(self) -> bool:
        """A sent date of tomorrow is accepted, and the page says so (see date_checks)."""
        sent_on = self.cleaned_data.get("sent_on")
        return sent_on is not None and sent_on > timezone.localdate()


class EventForm(forms.Form):
    """The date and note every event has; subclasses add what their kind needs."""

    on = forms.DateField(label="Date", widget=DATE_INPUT)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, kind: str, foi_request: FoiRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.foi_request = foi_request
        self.fields["on"].initial = timezone.localdate
        self.fields["on"].help_text = "The day it happened (or you received it)."
        today = timezone.localdate()
        latest = latest_sent_on(today) if kind == EventKind.SENT else today
        self.fields["on"].widget.attrs.update(date_limits(latest))

    def clean_on(self) -> dt.date:
        on: dt.date = self.cleaned_data["on"]
        today = timezone.localdate()
        if problem := event_date_error(
            kind=self.kind, on=on, foi_request=self.foi_request, today=today
        ):
            raise forms.ValidationError(problem)
        return on

    def extra_arguments(self) -> dict[str, Any]:
        return {}

    def record(self, actor: User, request: HttpRequest | None = None) -> RequestEvent:
        """Record the event, and in the audit trail what it changed on the request."""
        before = snapshot(self.foi_request, AUDITED_BY_EVENTS)
        with transaction.atomic():
            event = self.record_event(actor)
            after = snapshot(self.foi_request, AUDITED_BY_EVENTS)
            changes = changes_between(before, after)
            record_audit(
                actor=actor, action="event.recorded", obj=event, changes=changes, request=request
            )
        return event

    def record_event(self, actor: User) -> RequestEvent:
        data = self.cleaned_data
        return self.foi_request.record_event(
            self.kind, on=data["on"], actor=actor, note=data["note"], **self.extra_arguments()
        )


class ResponseEventForm(EventForm):
    outcome = forms.ChoiceField(choices=OUTCOME_CHOICES)
    exemptions = forms.ModelMultipleChoiceField(
        queryset=Exemption.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The exemptions the body cited, if any.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["exemptions"].queryset = exemptions_for(self.foi_request.regime)  # type: ignore[attr-defined]

    def record_event(self, actor: User) -> RequestEvent:
        data = self.cleaned_data
        return self.foi_request.record_response(
            on=data["on"],
            outcome=data["outcome"],
            actor=actor,
            exemptions=data["exemptions"],
            note=data["note"],
        )


def exemptions_for(regime: str) -> QuerySet[Exemption]:
    """The regime's own exemptions; every exemption when the catalogue has none for it."""
    own = Exemption.objects.filter(law=regime)
    return own if own.exists() else Exemption.objects.all()


class ExtensionEventForm(EventForm):
    new_due_on = forms.DateField(
        label="New date the body gave",
        required=False,
        widget=DATE_INPUT,
        help_text="The date in the extension notice; leave blank for the statutory extension.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regime = self.foi_request.regime_info
        if extension_left_to_body(regime):
            # OIA s.15A, ATIA s.9(1): no period to count, so the body's date is the deadline.
            field = self.fields["new_due_on"]
            field.required = True
            field.help_text = (
                f"The date in the extension notice. The law sets no fixed period "
                f"({extension_rule_words(regime)}), so the body's date is the deadline."
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        on, new_due_on = cleaned.get("on"), cleaned.get("new_due_on")
        if new_due_on and (problem := uncountable(new_due_on)):
            self.add_error("new_due_on", problem)
        elif on and new_due_on and new_due_on <= on:
            self.add_error("new_due_on", "The new due date must be after the date of the notice.")
        return cleaned

    def extra_arguments(self) -> dict[str, Any]:
        return {"new_due_on": self.cleaned_data["new_due_on"]}


class ReviewDecidedEventForm(EventForm):
    outcome = forms.ChoiceField(
        label="Review outcome",
        choices=[
            ("upheld", "Original decision upheld"),
            ("overturned", "Original decision overturned"),
            ("partly", "Partly upheld"),
        ],
    )
    status = forms.ChoiceField(label="Resulting status", choices=RESULTING_STATUS_CHOICES)

    def extra_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"status": data["status"], "details": {"outcome": data["outcome"]}}


class DecisionNoticeEventForm(EventForm):
    outcome = forms.ChoiceField(label="Decision", choices=COMPLAINT_OUTCOMES)
    status = forms.ChoiceField(label="Resulting status", choices=RESULTING_STATUS_CHOICES)

    def extra_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"status": data["status"], "details": {"outcome": data["outcome"]}}


EVENT_FORMS: dict[str, type[EventForm]] = {
    EventKind.RESPONSE: ResponseEventForm,
    EventKind.EXTENSION_CLAIMED: ExtensionEventForm,
    EventKind.REVIEW_DECIDED: ReviewDecidedEventForm,
    EventKind.DECISION_NOTICE: DecisionNoticeEventForm,
}


def event_form_class(kind: str) -> type[EventForm]:
    return EVENT_FORMS.get(kind, EventForm)
