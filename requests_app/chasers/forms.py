"""The opt-in form for automatic chasers."""

from __future__ import annotations

from django import forms

from requests_app.models import ChaserMode, ChaserRule, FoiRequest


class ChaserRuleForm(forms.Form):
    working_days_overdue = forms.IntegerField(
        label="Chase when overdue by (working days)",
        required=False,
        min_value=1,
        max_value=60,
        help_text="Leave empty to stop chasing automatically.",
    )
    mode = forms.ChoiceField(label="Then", choices=ChaserMode.choices, initial=ChaserMode.APPROVE)


def chaser_rule_form(foi_request: FoiRequest) -> ChaserRuleForm:
    """The form filled with the request's own rule, if it has one."""
    rule = ChaserRule.objects.filter(request=foi_request).first()
    initial = {"working_days_overdue": rule.working_days_overdue, "mode": rule.mode} if rule else {}
    return ChaserRuleForm(initial=initial, auto_id="chaser_%s")
