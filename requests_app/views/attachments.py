"""Downloading an attachment, only for people who may see its request."""

from __future__ import annotations

import logging
import re
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404

from requests_app.models import Attachment

logger = logging.getLogger(__name__)

# A stored type we may repeat in a header: "type/subtype", nothing else.
CONTENT_TYPE = re.compile(r"^[\w.+-]+/[\w.+-]+$")


def content_disposition(filename: str) -> str:
    """Always a download, never rendered inline; RFC 6266/5987 encoding of the name."""
    ascii_name = filename.encode("ascii", "ignore").decode() or "attachment"
    ascii_name = re.sub(r"[^\w.-]", "_", ascii_name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


@login_required
def attachment_download(
    request: HttpRequest, pk: int, filename: str
) -> FileResponse | HttpResponseNotAllowed:
    # Look the file up before checking the method, so an outsider gets 404 whatever they send.
    attachment = get_object_or_404(Attachment.objects.visible_to(request.user), pk=pk)
    if filename != attachment.filename:
        raise Http404("No such file.")
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return attachment_response(attachment)


def attachment_response(attachment: Attachment) -> FileResponse:
    """The stored file as a download under its original name; 404 when it is missing."""
    content_type = attachment.content_type
    if not CONTENT_TYPE.match(content_type):
        content_type = "application/octet-stream"
    try:
        stream = attachment.file.open("rb")
    except OSError as error:
        logger.error(
            "Attachment %s: stored file %s is missing", attachment.pk, attachment.file.name
        )
        raise Http404("The stored file is missing.") from error
    response = FileResponse(stream, content_type=content_type)
    response["Content-Disposition"] = content_disposition(attachment.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
