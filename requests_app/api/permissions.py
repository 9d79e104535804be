"""The web's access rules, for the API: outsiders get 404, people who may only look get 403."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from requests_app.models import Attachment, FoiRequest, Message


def request_of(obj: Any) -> FoiRequest | None:
    """The FOI request an object belongs to, or None for unmatched correspondence."""
    if isinstance(obj, FoiRequest):
        return obj
    if isinstance(obj, Message):
        return obj.request
    if isinstance(obj, Attachment):
        return obj.message.request
    return None


class RequestEditorOrReadOnly(BasePermission):
    """Reading needs only visibility (the queryset gives 404); writing needs an editor.

    Objects reach here only through the `visible_to` querysets, so a failing check means
    the user can see the request but not change it: 403, as on the web.
    """

    message = "You may look at this request but not change it."

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        foi_request = request_of(obj)
        if foi_request is None:
            return isinstance(obj, Message) and obj.imported_by_id == request.user.pk
        return foi_request.can_edit(request.user)
