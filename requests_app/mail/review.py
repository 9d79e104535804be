"""The "What is this reply?" panel: the classifier's suggestion and the form that confirms it.

The message page and the request page show the same panel; confirming posts to
`mail_confirm`, which records the kind, the outcome and the suggested exemptions.
"""

from __future__ import annotations

from typing import Any

from requests_app.mail import classify
from requests_app.mail.forms import ConfirmKindForm
from requests_app.models import Message


def review_context(message: Message) -> dict[str, Any]:
    """The suggestion for a reply filed on a request, and the confirm form filled with it."""
    assert message.request is not None
    suggestion = classify.suggest(
        subject=message.subject,
        text=message.body_text,
        regime=message.request.regime,
        is_auto_reply=message.is_auto_reply,
    )
    exemptions = classify.exemptions_for(suggestion.citations)
    initial = {"kind": suggestion.kind, "outcome": suggestion.outcome, "exemptions": exemptions}
    return {
        "suggested_message": message,
        "suggestion": suggestion,
        "suggested_exemptions": exemptions,
        "confirm_form": ConfirmKindForm(initial=initial, auto_id=f"confirm_{message.pk}_%s"),
    }
