"""Forms for batches: writing one, choosing its bodies, sending it, acting on members,
defining the answers table and filling it in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q, QuerySet
from django.utils import timezone

from requests_app.batches import placeholders
from requests_app.batches.selection import (
    MAX_NAMES,
    names_from_file,
    names_from_text,
)
from requests_app.batches.services import BulkAction
from requests_app.dataio.tables import TableError
from requests_app.forms import DATE_INPUT
from requests_app.models import (
    AnswerField,
    AnswerKind,
    Batch,
    Campaign,
    Exemption,
    Message,
    Role,
    Tag,
)
from requests_app.models.bodies import regime_choices

MAX_THROTTLE = 600


class BatchForm(forms.Form):
    """The letter and the ways of choosing bodies; every way adds to the same list."""

    title = forms.CharField(max_length=255, help_text="Every member request gets this title.")
    text = forms.CharField(
        label="Letter",
        widget=forms.Textarea(attrs={"rows": 14}),
        initial=placeholders.DEFAULT_TEXT,
    )
    campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.none(),
        required=False,
        help_text="Its members see the batch; without one only you do.",
    )
    regime = forms.ChoiceField(label="Law", required=False)
    tags = forms.ModelMultipleChoiceField(
        label="Bodies with these tags",
        queryset=Tag.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    search = forms.CharField(label="Bodies whose name contains", required=False, max_length=100)
    from_batch = forms.ModelChoiceField(
        label="The bodies of an earlier batch", queryset=Batch.objects.none(), required=False
    )
    from_campaign = forms.ModelChoiceField(
        label="The bodies a campaign has asked",
        queryset=Campaign.objects.none(),
        required=False,
    )
    names = forms.CharField(
        label="Names of bodies, one a line",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Full names or short names, as in the list of bodies.",
    )
    names_file = forms.FileField(
        label="Or a CSV or Excel file of names",
        required=False,
        help_text="The column headed “name” (or “body”), otherwise the first column.",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        editing = Q(memberships__user=user, memberships__role__in=(Role.OWNER, Role.EDITOR))
        self.fields["campaign"].queryset = Campaign.objects.filter(editing).distinct()  # type: ignore[attr-defined]
        self.fields["from_batch"].queryset = Batch.objects.visible_to(user)  # type: ignore[attr-defined]
        self.fields["from_campaign"].queryset = Campaign.objects.visible_to(user)  # type: ignore[attr-defined]
        self.fields["regime"].choices = [("", "Each body's usual law"), *regime_choices()]  # type: ignore[attr-defined]
        names = ", ".join(
            f"{{{{ {name} }}}} ({label})" for name, label in placeholders.PLACEHOLDERS.items()
        )
        self.fields["text"].help_text = f"Placeholders: {names}."

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"]
        unknown = placeholders.unknown_placeholders(text)
        if unknown:
            listed = ", ".join(f"{{{{ {name} }}}}" for name in unknown)
            known = ", ".join(f"{{{{ {name} }}}}" for name in placeholders.PLACEHOLDERS)
            raise forms.ValidationError(f"Unknown placeholder {listed}: use {known}.")
        return text

    def clean_names_file(self) -> list[str]:
        upload: UploadedFile | None = self.cleaned_data.get("names_file")
        if upload is None:
            return []
        try:
            return names_from_file(upload.read(), upload.name or "")
        except TableError as error:
            raise forms.ValidationError(str(error)) from error

    def clean_names(self) -> list[str]:
        return names_from_text(self.cleaned_data.get("names") or "")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        names = [*cleaned.get("names", []), *cleaned.get("names_file", [])]
        if len(names) > MAX_NAMES:
            raise forms.ValidationError(f"List at most {MAX_NAMES:,} names.")
        cleaned["all_names"] = names
        return cleaned

    @property
    def chooses_bodies(self) -> bool:
        data = self.cleaned_data
        sources = ("tags", "search", "from_batch", "from_campaign", "all_names")
        return any(data.get(name) for name in sources)


class SendForm(forms.Form):
    APP = "app"
    ELSEWHERE = "elsewhere"
    mode = forms.ChoiceField(
        label="How",
        choices=[
            (APP, "Send from the app: each member by email, with its own reply address"),
            (ELSEWHERE, "Record as sent elsewhere (a portal, WhatDoTheyKnow, by post)"),
        ],
        widget=forms.RadioSelect,
        initial=APP,
    )
    throttle_per_minute = forms.IntegerField(
        label="Letters a minute",
        min_value=1,
        max_value=MAX_THROTTLE,
        initial=20,
        help_text="Sending is spread out so that a body's mail server does not take it for spam.",
    )
    sent_on = forms.DateField(
        label="Sent on", widget=DATE_INPUT, required=False, help_text="When sent elsewhere."
    )

    def clean_sent_on(self) -> dt.date | None:
        sent_on: dt.date | None = self.cleaned_data.get("sent_on")
        if sent_on and sent_on > timezone.localdate():
            raise forms.ValidationError("That date is in the future.")
        return sent_on

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("mode") == self.ELSEWHERE and not cleaned.get("sent_on"):
            self.add_error("sent_on", "Say when the batch was sent.")
        return cleaned


class BulkActionForm(forms.Form):
    action = forms.ChoiceField(choices=BulkAction.CHOICES, label="Action")
    exemption = forms.ModelChoiceField(
        queryset=Exemption.objects.all(),
        required=False,
        label="Exemption (for internal reviews)",
    )
    on = forms.DateField(label="Date (for “sent by post”)", widget=DATE_INPUT, required=False)

    def clean_on(self) -> dt.date | None:
        on: dt.date | None = self.cleaned_data.get("on")
        if on and on > timezone.localdate():
            raise forms.ValidationError("That date is in the future.")
        return on

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("action") == BulkAction.INTERNAL_REVIEW and not cleaned.get("exemption"):
            self.add_error("exemption", "Choose the exemption whose refusals should be reviewed.")
        return cleaned


class AnswerFieldForm(forms.ModelForm):
    class Meta:
        model = AnswerField
        fields = ["name", "kind", "keywords", "order"]
        labels = {"kind": "Kind of value"}

    def __init__(self, *args: Any, batch: Batch, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.batch = batch
        self.fields["order"].required = False

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        taken = AnswerField.objects.filter(batch=self.batch, name__iexact=name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("This batch already has a field of that name.")
        return name

    def save(self, commit: bool = True) -> AnswerField:
        field: AnswerField = super().save(commit=False)
        field.batch = self.batch
        if self.cleaned_data.get("order") is None:
            field.order = AnswerField.objects.filter(batch=self.batch).count() + 1
        if commit:
            field.save()
        return field


KIND_HINTS: dict[str, str] = {
    AnswerKind.NUMBER: "A number, e.g. 1,234.5",
    AnswerKind.YES_NO: "yes or no",
    AnswerKind.DATE: "A date, e.g. 31/03/2026",
    AnswerKind.TEXT: "",
}


class AnswersForm(forms.Form):
    """One text box per field (checked by the service, which knows the kinds) and a source."""

    source = forms.ModelChoiceField(
        queryset=Message.objects.none(),
        required=False,
        label="Read from",
        help_text="The message these values come from; exports link each value to it.",
    )

    def __init__(
        self,
        *args: Any,
        fields: list[AnswerField],
        messages: QuerySet[Message],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.answer_fields = fields
        self.fields["source"].queryset = messages  # type: ignore[attr-defined]
        for answer_field in fields:
            widget: forms.Widget = forms.TextInput()
            if answer_field.kind == AnswerKind.TEXT:
                widget = forms.Textarea(attrs={"rows": 2})
            self.fields[self.key(answer_field)] = forms.CharField(
                label=answer_field.name,
                required=False,
                widget=widget,
                help_text=KIND_HINTS.get(answer_field.kind, ""),
            )

    @staticmethod
    def key(answer_field: AnswerField) -> str:
        return f"field_{answer_field.pk}"

    def values(self) -> dict[int, str]:
        return {
            answer_field.pk: self.cleaned_data.get(self.key(answer_field)) or ""
            for answer_field in self.answer_fields
        }
