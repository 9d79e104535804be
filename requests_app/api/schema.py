"""The API's OpenAPI schema: the errors every operation may answer, and shared enum names.

drf-spectacular documents only the success of an operation; a client (and a contract test)
also needs the errors it can get. `ApiSchema` adds them from what the operation is: every
one needs a token (401) and may be throttled (429); an object in the path or a page number
can be missing (404); a list's filters and a write's body can be invalid (400); a write
needs an editor (403) and a body the API can parse (415).

drf-spectacular names an enum after the field it sits on; "kind" and "regime" appear with
different (or the same) choices on several components, so each set gets one name here.
The same dictionary belongs in SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]; the schema view
applies it itself so that the schema is right either way.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from requests_app.casework.forms import USER_EVENT_KINDS

WRITES = ("POST", "PUT", "PATCH", "DELETE")
# A 400 says what was wrong, field by field ({"title": ["…"]}) or as a whole ({"detail": …}).
VALIDATION_ERRORS: dict[str, Any] = {
    "type": "object",
    "additionalProperties": {},
    "description": "Each field that was refused, with what was wrong; or `detail`.",
}


class ErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField(help_text="What went wrong.")


def error_response(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ErrorSerializer, description=description)


ERRORS: dict[str, OpenApiResponse] = {
    "400": OpenApiResponse(response=VALIDATION_ERRORS, description="The input was refused."),
    "401": error_response("No token, or a token that is not valid."),
    "403": error_response("You may look at this but not change it."),
    "404": error_response("Not there, or not yours to see (or no such page of a list)."),
    "415": error_response("A body the API cannot read: send JSON or a form."),
    "429": error_response("Too many requests; wait and try again."),
}


class ApiSchema(AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for code in self.error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(ERRORS[code], code)
        return responses

    def error_codes(self) -> list[str]:
        codes = ["401", "429"]
        is_list = self.method == "GET" and self._is_list_view()
        if "{" in self.path or is_list:
            codes.append("404")
        if self.method in WRITES or is_list:
            codes.append("400")
        if self.method in WRITES:
            codes += ["403", "415"]
        return sorted(codes)


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
