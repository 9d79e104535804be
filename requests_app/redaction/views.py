"""The redaction editor: page images to draw boxes on, patterns and words with a preview.

Anyone who may see an attachment gets its page images; making a redacted version needs
the right to edit its request. Outsiders get 404 whatever they ask.
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from requests_app.extraction.base import ExtractionProblem
from requests_app.models import Attachment, ExtractionStatus, JobStatus, RedactionJob
from requests_app.redaction.engine import page_image, page_sizes
from requests_app.redaction.forms import RedactionForm
from requests_app.redaction.geometry import Mark
from requests_app.redaction.jobs import start_redaction_job
from requests_app.redaction.matching import Occurrence
from requests_app.redaction.services import (
    RedactionError,
    audit_redaction,
    create_redacted_version,
    marks_of,
    may_redact,
    pages_of,
    preview,
    version_of,
)
from requests_app.views.access import signed_in_user

IMAGE_DPI = 96
MAX_PAGES = 80
MAX_SCANNED_PAGES = 12
MAX_PREVIEWED = 500


def visible_attachment(request: HttpRequest, pk: int) -> Attachment:
    attachments = Attachment.objects.visible_to(request.user).select_related("message__request")
    return get_object_or_404(attachments, pk=pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def redaction_editor(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = visible_attachment(request, pk)
    user = signed_in_user(request)
    if not may_redact(user, attachment):
        raise PermissionDenied("You may look at this attachment but not redact it.")
    form = RedactionForm(request.POST if request.method == "POST" else None)
    found: list[Occurrence] | None = None
    if request.method == "POST" and form.is_valid():
        order = form.cleaned_data["order"]
        try:
            if request.POST.get("action") == "preview":
                check_size_for_the_web(attachment)
                found = preview(attachment=attachment, patterns=order.patterns, words=order.words)
            elif too_long_for_the_web(attachment):
                job = start_redaction_job(attachment=attachment, order=order, user=user)
                return redirect("redaction_job", pk=attachment.pk, job=job.pk)
            else:
                version = create_redacted_version(attachment=attachment, order=order, user=user)
                audit_redaction(version, user, request)
                flash.success(request, f"“{version.attachment.filename}” is ready.")
                return redirect(reverse("attachment_pages", kwargs={"pk": version.original_id}))
        except RedactionError as error:
            form.add_error(None, str(error))
    return render(
        request, "requests_app/redaction/editor.html", _editor_context(attachment, form, found)
    )


def web_page_limit(attachment: Attachment) -> int:
    """Pages a redaction may have when made while the browser waits (about 0.5 s a page,
    4 s a scanned page on one core); a longer one is made by a worker (redaction.jobs)."""
    scanned = attachment.status in (ExtractionStatus.OCR_DONE, ExtractionStatus.NEEDS_OCR)
    return MAX_SCANNED_PAGES if scanned else MAX_PAGES


def too_long_for_the_web(attachment: Attachment) -> bool:
    """Made by a worker, with its progress shown, rather than while the browser waits."""
    base = version_of(attachment)
    original = base.original if base is not None else attachment
    return (original.page_count or 0) > web_page_limit(original)


def check_size_for_the_web(attachment: Attachment) -> None:
    if too_long_for_the_web(attachment):
        raise RedactionError(
            f"This document has {attachment.page_count} pages, too many to preview while the "
            f"page waits: save the redaction instead (a worker makes it and its log lists "
            f"every area found), or use `manage.py redact {attachment.pk}`."
        )


def _visible_job(request: HttpRequest, pk: int, job: int) -> RedactionJob:
    attachment = visible_attachment(request, pk)
    return get_object_or_404(
        RedactionJob.objects.select_related("version__attachment"), pk=job, attachment=attachment
    )


@login_required
def redaction_job(request: HttpRequest, pk: int, job: int) -> HttpResponse:
    """A redacted version a worker is making: its progress, then the version."""
    # Look the job up before checking the method, so an outsider gets 404 whatever they send.
    found = _visible_job(request, pk, job)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    context = {"attachment": found.attachment, "job": found, **_job_links(found)}
    return render(request, "requests_app/redaction/job.html", context)


@login_required
def redaction_job_progress(request: HttpRequest, pk: int, job: int) -> HttpResponse:
    found = _visible_job(request, pk, job)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return JsonResponse(
        {
            "status": found.status,
            "status_label": found.get_status_display(),
            "progress": found.progress,
            "page_count": found.version.page_count if found.version else None,
            "download_url": _job_links(found)["download_url"] or None,
            "error": found.error if found.status == JobStatus.FAILED else "",
        }
    )


def _job_links(job: RedactionJob) -> dict[str, str]:
    version = job.version
    return {
        "progress_url": reverse(
            "redaction_job_progress", kwargs={"pk": job.attachment_id, "job": job.pk}
        ),
        "download_url": reverse(
            "attachment_download",
            kwargs={"pk": version.attachment_id, "filename": version.attachment.filename},
        )
        if version is not None and job.status == JobStatus.DONE
        else "",
    }


def _editor_context(
    attachment: Attachment, form: RedactionForm, found: list[Occurrence] | None
) -> dict[str, Any]:
    base = version_of(attachment)
    original = base.original if base is not None else attachment
    problem = ""
    try:
        with pages_of(original) as path:
            sizes = page_sizes(path)
    except (RedactionError, ExtractionProblem) as error:
        sizes, problem = [], str(error)
    earlier: list[Mark] = marks_of(base) if base is not None else []
    return {
        "attachment": attachment,
        "original": original,
        "base": base,
        "form": form,
        "problem": problem,
        "pages": [
            {
                "number": number,
                "width": round(width, 2),
                "height": round(height, 2),
                "earlier": [mark.area for mark in earlier if mark.page == number],
            }
            for number, (width, height) in enumerate(sizes, start=1)
        ],
        "found": found[:MAX_PREVIEWED] if found is not None else None,
        "found_count": len(found) if found is not None else 0,
    }


@login_required
def redaction_page_image(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """One page of the original as a PNG, for drawing boxes on."""
    # Look the file up before checking the method, so an outsider gets 404 whatever they send.
    attachment = visible_attachment(request, pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    base = version_of(attachment)
    original = base.original if base is not None else attachment
    try:
        with pages_of(original) as path:
            image = page_image(path, number, IMAGE_DPI)
    except (RedactionError, ExtractionProblem, IndexError) as error:
        raise Http404("No such page.") from error
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG", optimize=False)
    response = HttpResponse(buffer.getvalue(), content_type="image/png")
    response["Cache-Control"] = "private, max-age=600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
