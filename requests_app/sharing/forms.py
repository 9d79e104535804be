"""Forms for a campaign and its members: who works on its requests, and in what role."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Q

from requests_app.models import Campaign, Membership, Role


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "description"]


class AddMemberForm(forms.Form):
    person = forms.CharField(label="Username or email", max_length=254)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.EDITOR)

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign

    def clean_person(self) -> User:
        text = self.cleaned_data["person"].strip()
        matches = list(
            get_user_model()
            .objects.filter(Q(username__iexact=text) | Q(email__iexact=text), is_active=True)
            .distinct()[:2]
        )
        if not matches:
            raise forms.ValidationError("No one with that username or email has an account.")
        if len(matches) > 1:
            raise forms.ValidationError("Several accounts match; give the username instead.")
        if self.campaign.memberships.filter(user=matches[0]).exists():
            raise forms.ValidationError("They are already a member of this campaign.")
        return matches[0]


class ChangeRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.membership = membership

    def clean_role(self) -> str:
        role: str = self.cleaned_data["role"]
        if role != Role.OWNER and is_last_owner(self.membership):
            raise forms.ValidationError("A campaign needs at least one owner.")
        return role


def is_last_owner(membership: Membership) -> bool:
    if membership.role != Role.OWNER:
        return False
    owners = Membership.objects.filter(campaign_id=membership.campaign_id, role=Role.OWNER)
    return not owners.exclude(pk=membership.pk).exists()
