"""Pages for correspondence: importing mail, the unmatched inbox, a message, letters."""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from requests_app.casework.body_addresses import address_for
from requests_app.mail import classify, sending, services
from requests_app.mail.addresses import reply_address
from requests_app.mail.forms import (
    AssignForm,
    ConfirmKindForm,
    LetterForm,
    MailImportForm,
    RequestMailUploadForm,
)
from requests_app.mail.importer import ImportResult, ImportStatus, import_file
from requests_app.mail.parsing import OLE_MAGIC
from requests_app.mail.sanitise import displayable_html, has_remote_images
from requests_app.models import (
    Direction,
    FoiRequest,
    Message,
    MessageSource,
    QuarantinedMail,
    SendStatus,
)
from requests_app.views.access import editable_request, signed_in_user
from requests_app.views.body_addresses import address_form_for
from requests_app.views.saved import not_saved, saved

UNMATCHED_PER_PAGE = 50


# --- importing ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def mail_import(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = MailImportForm(request.POST or None, request.FILES or None, user=user)
    results: list[ImportResult] = []
    if request.method == "POST" and form.is_valid():
        for upload in form.cleaned_data["emails"]:
            results += import_file(
                stream=upload,
                name=upload.name or "upload",
                source=MessageSource.UPLOAD,
                request=form.cleaned_data["reference"],
                imported_by=user,
            )
        form = MailImportForm(user=user)
    context = {"form": form, "results": results, "counts": _counts(results)}
    return render(request, "requests_app/mail/import.html", context)


@login_required
@require_POST
def request_mail_upload(request: HttpRequest, reference: str) -> HttpResponse:
    foi_request = editable_request(request, reference)
    form = RequestMailUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("emails", ["Choose at least one email file."]):
            flash.error(request, str(error))
        return redirect(foi_request)
    user = signed_in_user(request)
    for upload in form.cleaned_data["emails"]:
        results = import_file(
            stream=upload,
            name=upload.name or "upload",
            source=MessageSource.UPLOAD,
            request=foi_request,
            imported_by=user,
        )
        for result in results:
            level = flash.WARNING if result.status == ImportStatus.QUARANTINED else flash.SUCCESS
            flash.add_message(request, level, result.summary())
    return redirect(foi_request)


def _counts(results: list[ImportResult]) -> dict[str, int]:
    counts = {ImportStatus.IMPORTED: 0, ImportStatus.DUPLICATE: 0, ImportStatus.QUARANTINED: 0}
    for result in results:
        counts[result.status] += 1
    counts["unmatched"] = sum(
        1 for result in results if result.status == ImportStatus.IMPORTED and not result.request
    )
    return counts


# --- the unmatched inbox -----------------------------------------------------------


@login_required
def unmatched_inbox(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    waiting = services.unmatched_visible_to(user).select_related("suggested_request")
    waiting = waiting.order_by("-sent_at", "-pk")
    page = Paginator(waiting, UNMATCHED_PER_PAGE).get_page(request.GET.get("page"))
    quarantined = QuarantinedMail.objects.filter(resolved=False)
    if not user.is_staff:
        quarantined = quarantined.filter(imported_by=user)
    recent = FoiRequest.objects.editable_by(user).order_by("-created_at")
    shown = [message.pk for message in page.object_list]
    confirmable = services.held_for(user).filter(pk__in=shown).values_list("pk", flat=True)
    context = {
        "page": page,
        "confirmable": set(confirmable),
        "quarantined": quarantined[:50],
        "recent_requests": recent.only("reference", "title")[:100],
        "assign_form": AssignForm(user=user),
    }
    return render(request, "requests_app/mail/unmatched.html", context)


@login_required
@require_POST
def assign_unmatched(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    message = get_object_or_404(services.unmatched_visible_to(user), pk=pk)
    form = AssignForm(request.POST, user=user)
    if not form.is_valid():
        for error in form.errors.get("reference", []):
            flash.error(request, str(error))
        return redirect("mail_unmatched")
    foi_request = form.cleaned_data["reference"]
    thread = services.assign_message(message=message, foi_request=foi_request, actor=user)
    others = (
        f" and {len(thread) - 1} later message(s) of the same thread" if len(thread) > 1 else ""
    )
    flash.success(request, f"Filed “{message}”{others} on {foi_request.reference}.")
    return redirect(foi_request)


@login_required
@require_POST
def confirm_suggested(request: HttpRequest, pk: int) -> HttpResponse:
    """One click files held mail on its suggested request; only its editors see the button."""
    user = signed_in_user(request)
    message = get_object_or_404(services.held_for(user).select_related("suggested_request"), pk=pk)
    foi_request = message.suggested_request
    assert foi_request is not None
    services.confirm_suggestion(message=message, actor=user)
    flash.success(request, f"Filed “{message}” on {foi_request.reference}.")
    return redirect(foi_request)


# --- one message -------------------------------------------------------------------


def _visible_message(request: HttpRequest, pk: int) -> Message:
    visible = Message.objects.visible_to(request.user).select_related("request__public_body")
    return get_object_or_404(visible.prefetch_related("attachments"), pk=pk)


def _can_edit(request: HttpRequest, message: Message) -> bool:
    if message.request is None:
        return message.imported_by_id == request.user.pk
    return message.request.can_edit(request.user)


@login_required
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = _visible_message(request, pk)
    show_images = request.GET.get("images") == "1"
    context: dict[str, Any] = {
        "message": message,
        "foi_request": message.request,
        "html": displayable_html(message.body_html, show_remote_images=show_images),
        "remote_images": not show_images and has_remote_images(message.body_html),
        "show_images": show_images,
        "can_edit": _can_edit(request, message),
        "problems": [line for line in message.import_problems.splitlines() if line.strip()],
        "other_versions": _other_versions(request, message),
        "confirmable": _confirmable(request, message),
    }
    if context["can_edit"] and message.request and message.direction == Direction.INCOMING:
        context |= review_context(message)
    response = render(request, "requests_app/mail/message_detail.html", context)
    response["Content-Security-Policy"] = _content_policy(show_images)
    return response


def _confirmable(request: HttpRequest, message: Message) -> bool:
    if message.request_id is not None or message.suggested_request_id is None:
        return False
    return services.held_for(signed_in_user(request)).filter(pk=message.pk).exists()


def _other_versions(request: HttpRequest, message: Message) -> list[Message]:
    """Visible mail with the same Message-ID but other content, linked when imported."""
    linked = Q(later_versions=message) | Q(earlier_version=message)
    visible = Message.objects.visible_to(request.user).filter(linked)
    return list(visible.only("pk", "subject", "sent_at").order_by("pk")[:20])


def _content_policy(show_images: bool) -> str:
    """Defence in depth: even HTML that slipped past the sanitiser could run no script."""
    images = "img-src 'self' data: https: http:" if show_images else "img-src 'self' data:"
    return (
        "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; "
        f"form-action 'self'; frame-ancestors 'self'; style-src 'self' 'unsafe-inline'; {images}"
    )


@login_required
@require_POST
def confirm_message_kind(request: HttpRequest, pk: int) -> HttpResponse:
    message = _visible_message(request, pk)
    if message.request is None or not message.request.can_edit(request.user):
        raise PermissionDenied("You may look at this message but not record what it is.")
    form = ConfirmKindForm(request.POST)
    if not form.is_valid():
        return not_saved(request, form, lambda: _choose_kind_again(request, message))
    event = services.confirm_kind(
        message=message,
        kind=form.cleaned_data["kind"],
        outcome=form.cleaned_data["outcome"],
        exemptions=form.cleaned_data["exemptions"],
        actor=signed_in_user(request),
    )
    recorded = f" and recorded “{event.get_kind_display()}”" if event else ""
    words = f"Marked as {message.get_kind_display().lower()}{recorded}."
    return saved(request, words, message.request.get_absolute_url())


def _choose_kind_again(request: HttpRequest, message: Message) -> HttpResponse:
    flash.error(request, "Choose what the message is.")
    return redirect("mail_message", pk=message.pk)


@login_required
def message_raw(request: HttpRequest, pk: int) -> FileResponse:
    """The message exactly as received, always as a download."""
    message = _visible_message(request, pk)
    if not message.raw_email:
        raise Http404("No original was kept for this message.")
    try:
        stream = message.raw_email.open("rb")
    except OSError as error:
        raise Http404("The stored original is missing.") from error
    is_outlook = stream.read(len(OLE_MAGIC)) == OLE_MAGIC
    stream.seek(0)
    name = f"message-{message.pk}.{'msg' if is_outlook else 'eml'}"
    content_type = "application/vnd.ms-outlook" if is_outlook else "message/rfc822"
    response = FileResponse(stream, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def quarantined_raw(request: HttpRequest, pk: int) -> FileResponse:
    user = signed_in_user(request)
    kept = (
        QuarantinedMail.objects.all()
        if user.is_staff
        else QuarantinedMail.objects.filter(imported_by=user)
    )
    quarantined = get_object_or_404(kept, pk=pk)
    try:
        stream = quarantined.raw.open("rb")
    except OSError as error:
        raise Http404("The stored original is missing.") from error
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=f"quarantined-{quarantined.pk}.eml",
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def resend_message(request: HttpRequest, pk: int) -> HttpResponse:
    message = _visible_message(request, pk)
    if message.request is None or not message.request.can_edit(request.user):
        raise PermissionDenied("You may look at this letter but not send it.")
    if message.send_status != SendStatus.FAILED:
        flash.info(request, "That letter has not failed; nothing to do.")
    else:
        sending.resend(message=message)
        flash.success(request, f"“{message}” will be sent again.")
    return redirect(message.request)


# --- letters -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def compose_letter(request: HttpRequest, reference: str, letter: str) -> HttpResponse:
    foi_request = editable_request(request, reference)
    kind = sending.LETTERS.get(letter)
    if kind is None:
        raise Http404("No such letter.")
    user = signed_in_user(request)
    if request.method == "POST":
        form = LetterForm(request.POST)
        if form.is_valid():
            sending.queue_letter(
                foi_request=foi_request, letter=kind.slug, author=user, **form.cleaned_data
            )
            flash.success(request, f"{kind.label} is on its way to {form.cleaned_data['to']}.")
            return redirect(foi_request)
    else:
        draft = sending.compose_letter(foi_request=foi_request, letter=kind.slug, author=user)
        form = LetterForm(initial={"to": draft.to, "subject": draft.subject, "body": draft.body})
    here = reverse("mail_letter", kwargs={"reference": foi_request.reference, "letter": letter})
    context = {
        "foi_request": foi_request,
        "letter": kind,
        "form": form,
        "reply_address": reply_address(foi_request),
        "cancel_url": reverse("request_detail", kwargs={"reference": foi_request.reference}),
        "body": foi_request.public_body,
        "body_address": address_for(foi_request.public_body, user),
        "address_form": address_form_for(foi_request.public_body, request, here),
    }
    return render(request, "requests_app/mail/letter_form.html", context)


# --- "What is this reply?" -----------------------------------------------------------------


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
