"""The redaction panel on a document page: its redacted versions and a "Redact" link."""

from __future__ import annotations

from typing import Any

from django import template

from requests_app.models import Attachment, RedactedVersion
from requests_app.redaction.services import may_redact, version_of

register = template.Library()


@register.inclusion_tag("requests_app/redaction/_panel.html", takes_context=True)
def redaction_panel(context: dict[str, Any], attachment: Attachment) -> dict[str, Any]:
    user = context["request"].user
    versions = (
        RedactedVersion.objects.filter(original=attachment)
        .select_related("attachment", "created_by")
        .order_by("-created_at", "-pk")
    )
    return {
        "attachment": attachment,
        "versions": list(versions),
        "version": version_of(attachment),
        "can_redact": may_redact(user, attachment),
    }
