"""Logging a letter, email or note, with its attachments, on a request."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from requests_app.audit import record_audit
from requests_app.extraction import schedule_extraction
from requests_app.forms import MessageForm, guess_content_type, safe_filename
from requests_app.models import Attachment, EventKind, FoiRequest, Message
from requests_app.models.documents import store_blob
from requests_app.views.access import editable_request, signed_in_user


@login_required
@require_http_methods(["GET", "POST"])
def message_create(request: HttpRequest, reference: str) -> HttpResponse:
    foi_request = editable_request(request, reference)
    if request.method == "POST":
        form = MessageForm(request.POST, request.FILES)
        if form.is_valid():
            message = log_message(
                foi_request=foi_request, form=form, actor=signed_in_user(request), request=request
            )
            flash.success(request, f"Logged “{message}”.")
            return redirect(foi_request)
    else:
        form = MessageForm()
    context = {"foi_request": foi_request, "form": form}
    return render(request, "requests_app/message_form.html", context)


def log_message(
    *,
    foi_request: FoiRequest,
    form: MessageForm,
    actor: User,
    request: HttpRequest | None = None,
) -> Message:
    """Save the message and its files, and note it in the request's history."""
    with transaction.atomic():
        message: Message = form.save(commit=False)
        message.request = foi_request
        message.imported_by = actor
        message.reviewed_at = timezone.now()  # the person logging it said what it is
        message.save()
        for upload in form.cleaned_data["attachments"]:
            store_attachment(message, upload)
        foi_request.record_event(
            EventKind.MESSAGE_LOGGED,
            on=timezone.localtime(message.sent_at).date(),
            actor=actor,
            details={"message": message.pk, "attachments": len(form.cleaned_data["attachments"])},
        )
        record_audit(actor=actor, action="message.logged", obj=message, request=request)
    return message


def store_attachment(message: Message, upload: UploadedFile) -> Attachment:
    filename = safe_filename(upload.name or "")
    name, sha256, size = store_blob(upload)
    attachment = Attachment.objects.create(
        message=message,
        filename=filename,
        content_type=guess_content_type(filename),
        size=size,
        sha256=sha256,
        file=name,
    )
    schedule_extraction(attachment.pk)
    return attachment
