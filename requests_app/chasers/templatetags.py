"""A campaign's automatic chasers, on its page: `{% campaign_chasers campaign my_role %}`."""

from __future__ import annotations

from typing import Any

from django import template

from requests_app.chasers.forms import ChaserRuleForm
from requests_app.models import Campaign, ChaserRule, Role

register = template.Library()


@register.inclusion_tag("requests_app/_campaign_chasers.html", takes_context=True)
def campaign_chasers(
    context: template.Context, campaign: Campaign, role: str | None
) -> dict[str, Any]:
    rule = ChaserRule.objects.filter(campaign=campaign).first()
    initial = {"working_days_overdue": rule.working_days_overdue, "mode": rule.mode} if rule else {}
    return {
        "campaign": campaign,
        "rule": rule,
        "form": ChaserRuleForm(initial=initial, auto_id="campaign_chaser_%s")
        if role == Role.OWNER
        else None,
        "csrf_token": context.get("csrf_token"),
    }
