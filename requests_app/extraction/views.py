"""The document page (text beside the original), the inline viewer, retry and progress.

Every view starts from `Attachment.objects.visible_to(user)`: outsiders get 404 whatever
they send. Retrying needs the right to edit the attachment's request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.clickjacking import xframe_options_sameorigin

from requests_app.extraction.highlight import highlight, search_terms
from requests_app.extraction.progress import attachment_progress, progress_of
from requests_app.extraction.services import retry_extraction
from requests_app.extraction.sniffing import HEAD_BYTES, MIME_TYPES, FileKind, sniff_head
from requests_app.models import Attachment, DocumentPage, FoiRequest
from requests_app.views.access import signed_in_user
from requests_app.views.attachments import content_disposition

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PAGES_PER_SCREEN = 20
MAX_LISTED_MATCHES = 200
# What browsers show themselves; anything else is offered as a download.
INLINE_KINDS = frozenset({FileKind.PDF, FileKind.PNG, FileKind.JPEG, FileKind.GIF, FileKind.WEBP})


def _visible_attachment(request: HttpRequest, pk: int) -> Attachment:
    attachments = Attachment.objects.visible_to(request.user).select_related(
        "message__request", "parent"
    )
    return get_object_or_404(attachments, pk=pk)


def may_retry(user: User, attachment: Attachment) -> bool:
    request_id = attachment.message.request_id
    if request_id is None:  # unmatched mail: only the person who imported it sees it
        return attachment.message.imported_by_id == user.pk
    return FoiRequest.objects.editable_by(user).filter(pk=request_id).exists()


@login_required
def attachment_pages(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = _visible_attachment(request, pk)
    query = request.GET.get("q", "")
    terms = search_terms(query)
    matches = matching_pages(attachment, terms)
    screen = _screen(attachment, _wanted_screen(request, matches))
    context = {
        "attachment": attachment,
        "progress": attachment_progress(attachment),
        "query": query,
        "terms": terms,
        "matches": [(number, _screen_of(number)) for number in matches],
        "more_matches": len(matches) >= MAX_LISTED_MATCHES,
        "screen": screen,
        "pages": [(page, highlight(page.text, terms)) for page in screen.object_list],
        "children": list(attachment.children.filter(redaction_of__isnull=True)),
        "viewer_kind": _inline_kind(attachment),
        "can_retry": may_retry(signed_in_user(request), attachment),
        "download_url": reverse(
            "attachment_download", kwargs={"pk": attachment.pk, "filename": attachment.filename}
        ),
    }
    return render(request, "requests_app/extraction/pages.html", context)


def matching_pages(attachment: Attachment, terms: list[str]) -> list[int]:
    if not terms:
        return []
    any_term = Q()
    for term in terms:
        any_term |= Q(text__icontains=term)
    numbers = attachment.pages.filter(any_term).values_list("number", flat=True)
    return list(numbers[:MAX_LISTED_MATCHES])


def _wanted_screen(request: HttpRequest, matches: list[int]) -> str | None:
    """?page= is a screen of pages; ?p= a document page number (search results link to
    `?p=12#page-12`); with a search and neither, the screen of the first hit."""
    if "page" in request.GET:
        return request.GET["page"]
    number = request.GET.get("p", "")
    if number.isdigit() and int(number) > 0:
        return str(_screen_of(int(number)))
    return str(_screen_of(matches[0])) if matches else None


def _screen(attachment: Attachment, wanted: str | None) -> Page[DocumentPage]:
    paginator = Paginator(attachment.pages.order_by("number"), PAGES_PER_SCREEN)
    return paginator.get_page(wanted)


def _screen_of(number: int) -> int:
    return (number - 1) // PAGES_PER_SCREEN + 1


def _inline_kind(attachment: Attachment) -> FileKind | None:
    try:
        with attachment.file.open("rb") as stream:
            kind = sniff_head(stream.read(HEAD_BYTES))
    except OSError:
        return None
    return kind if kind in INLINE_KINDS else None


@login_required
@xframe_options_sameorigin  # shown in an <iframe> on our own document page
def attachment_view(request: HttpRequest, pk: int) -> FileResponse | HttpResponseNotAllowed:
    """The original for the browser's own viewer: inline only for PDFs and images,
    sandboxed so that nothing in it runs with our origin."""
    attachment = _visible_attachment(request, pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    try:
        stream = attachment.file.open("rb")
    except OSError as error:
        raise Http404("The stored file is missing.") from error
    kind = sniff_head(stream.read(HEAD_BYTES))
    stream.seek(0)
    inline = kind in INLINE_KINDS
    content_type = MIME_TYPES[kind] if inline else "application/octet-stream"
    response = FileResponse(stream, content_type=content_type)
    disposition = content_disposition(attachment.filename)
    if inline:
        disposition = disposition.replace("attachment;", "inline;", 1)
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


@login_required
def attachment_retry(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = _visible_attachment(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not may_retry(signed_in_user(request), attachment):
        raise PermissionDenied("You may look at this attachment but not change it.")
    if retry_extraction(attachment_ids=[attachment.pk]):
        flash.success(request, f"“{attachment.filename}” will be read again.")
    else:
        flash.info(request, f"“{attachment.filename}” is being read right now.")
    return redirect(_next_url(request, attachment))


def _next_url(request: HttpRequest, attachment: Attachment) -> str:
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("attachment_pages", kwargs={"pk": attachment.pk})


@login_required
def attachment_progress_json(request: HttpRequest, pk: int) -> JsonResponse:
    visible = Attachment.objects.visible_to(request.user).filter(pk=pk)
    row = visible.values_list("status", "pages_done", "page_count").first()
    if row is None:
        raise Http404("No such attachment.")
    response = JsonResponse(progress_of(*row).as_json())
    response["Cache-Control"] = "no-store"
    return response
