"""The form that asks for a two-factor code."""

from __future__ import annotations

from typing import Any

from django import forms
from django_otp.plugins.otp_totp.models import TOTPDevice


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Six-digit code",
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
        help_text="The code your authenticator app shows now.",
    )

    def __init__(self, *args: Any, device: TOTPDevice | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        # verify_token throttles itself: each wrong code doubles the wait before the next.
        if self.device is None or not self.device.verify_token(code):
            raise forms.ValidationError("That code is not right, or has expired. Try the next one.")
        return code
