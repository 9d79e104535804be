"""The redaction form: boxes (drawn or typed), patterns, words, and one reason for them."""

from __future__ import annotations

from typing import Any

from django import forms

from requests_app.models import Exemption, ReasonKind
from requests_app.redaction.matching import BadPattern, compile_patterns
from requests_app.redaction.services import (
    RedactionError,
    RedactionOrder,
    make_reason,
    parse_boxes,
)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class RedactionForm(forms.Form):
    boxes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=(
            "One a line: PAGE:X0,Y0,X1,Y1 — the page number, then the left, top, right and "
            "bottom edges in points (1/72 inch) from the page's top-left corner. Drawing on "
            "a page below fills this in."
        ),
    )
    patterns = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
        help_text="Regular expressions, one a line, e.g. \\d{5} \\d{6} for phone numbers.",
    )
    words = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Words or names, one a line; case is ignored.",
    )
    reason_kind = forms.ChoiceField(
        label="Reason", choices=ReasonKind.choices, initial=ReasonKind.PERSONAL_DATA
    )
    exemption = forms.ModelChoiceField(
        queryset=Exemption.objects.all(), required=False, empty_label="(choose an exemption)"
    )
    reason_text = forms.CharField(
        label="Explanation",
        required=False,
        max_length=500,
        help_text="Needed for “Other”; printed in the log beside each box.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            reason = make_reason(
                kind=data["reason_kind"], text=data["reason_text"], exemption=data["exemption"]
            )
            compile_patterns(_lines(data["patterns"]), [])
            data["order"] = RedactionOrder(
                boxes=parse_boxes(data["boxes"], reason),
                patterns=_lines(data["patterns"]),
                words=_lines(data["words"]),
                reason=reason,
            )
        except (RedactionError, BadPattern) as error:
            raise forms.ValidationError(str(error)) from error
        if data["order"].is_empty:
            raise forms.ValidationError("Draw or type a box, or give a pattern or words.")
        return data
