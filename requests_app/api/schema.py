"""Names for the choice sets the OpenAPI schema shares between several fields.

drf-spectacular names an enum after the field it sits on; "kind" and "regime" appear with
different (or the same) choices on several components, so each set gets one name here.
The same dictionary belongs in SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]; the schema view
applies it itself so that the schema is right either way.
"""

from __future__ import annotations

from typing import Any

from requests_app.forms import USER_EVENT_KINDS

ENUM_NAME_OVERRIDES: dict[str, str] = {
    "RegimeEnum": "requests_app.models.bodies.regime_choices",
    "MessageKindEnum": "requests_app.models.correspondence.MessageKind",
    "EventKindEnum": "requests_app.models.requests.EventKind",
    "RecordableEventKindEnum": "requests_app.api.schema.recordable_event_kinds",
}

SCHEMA_SETTINGS: dict[str, Any] = {"ENUM_NAME_OVERRIDES": ENUM_NAME_OVERRIDES}


def recordable_event_kinds() -> list[tuple[str, str]]:
    """The events a person records; the app writes `created`, `edited`, `message_logged`."""
    return [(kind.value, kind.label) for kind in USER_EVENT_KINDS]
