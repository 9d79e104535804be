"""The account form: display name, email address and the signature used in letters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from requests_app.models import Profile


class AccountForm(forms.ModelForm[Profile]):
    email = forms.EmailField(
        label="Email address",
        required=False,
        help_text=(
            "Alerts and digests go here. A new address is used once you follow the link "
            "we send to it; until then they keep going to the old one."
        ),
    )

    class Meta:
        model = Profile
        fields = ["display_name", "letter_signature"]
        labels = {"display_name": "Display name", "letter_signature": "Signature in letters"}
        help_texts = {
            "display_name": "How the app names you to your campaign.",
            "letter_signature": (
                "The lines your letters end with, after “Yours faithfully,” — your name, "
                "and your organisation if you write for one. Empty: your display name."
            ),
        }
        widgets = {"letter_signature": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.instance.user
        self.fields["email"].initial = self.instance.pending_email or user.email

    def clean_email(self) -> str:
        address = str(self.cleaned_data["email"]).strip()
        if not address:
            return address
        taken = get_user_model().objects.filter(email__iexact=address)
        if taken.exclude(pk=self.instance.user_id).exists():
            raise forms.ValidationError("Another account uses this address.")
        return address

    @property
    def new_email(self) -> str | None:
        """The address asked for, if it is not the one already confirmed."""
        address: str = self.cleaned_data.get("email", "")
        if not address or address.lower() == self.instance.user.email.lower():
            return None
        return address
