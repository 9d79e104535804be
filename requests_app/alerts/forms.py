"""The alert preferences form: which kinds, immediately or as a daily digest, pause."""

from __future__ import annotations

from typing import Any

from django import forms

from requests_app.alerts.kinds import CHOSEN_KINDS, KIND_CHOICES
from requests_app.models import AlertDelivery, Profile

MAX_DUE_SOON_WORKING_DAYS = 20
HOUR_CHOICES = [(hour, f"{hour:02d}:00") for hour in range(24)]


class AlertPreferencesForm(forms.ModelForm[Profile]):
    wanted_kinds = forms.MultipleChoiceField(
        label="Alerts I want",
        choices=KIND_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Untick a kind to stop those emails.",
    )
    alert_delivery = forms.ChoiceField(
        label="When to send them",
        choices=AlertDelivery.choices,
        widget=forms.RadioSelect,
    )
    digest_hour = forms.TypedChoiceField(
        label="Digest hour",
        choices=HOUR_CHOICES,
        coerce=int,
        help_text="Local time; used when you choose the daily digest.",
    )
    due_soon_working_days = forms.IntegerField(
        label="Warn me this many working days before a deadline",
        min_value=1,
        max_value=MAX_DUE_SOON_WORKING_DAYS,
    )

    class Meta:
        model = Profile
        fields = ["alert_delivery", "digest_hour", "due_soon_working_days", "alerts_paused"]
        labels = {"alerts_paused": "Pause all alerts"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        muted = set(self.instance.muted_alert_kinds or ())
        self.fields["wanted_kinds"].initial = [code for code in CHOSEN_KINDS if code not in muted]

    def save(self, commit: bool = True) -> Profile:
        wanted = set(self.cleaned_data["wanted_kinds"])
        self.instance.muted_alert_kinds = [code for code in CHOSEN_KINDS if code not in wanted]
        return super().save(commit=commit)
