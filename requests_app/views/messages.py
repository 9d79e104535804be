"""Logging a letter, email or note, with its attachments, on a request."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from requests_app.mail.forms import MessageForm
from requests_app.mail.services import log_message
from requests_app.views.access import editable_request, signed_in_user


@login_required
@require_http_methods(["GET", "POST"])
def message_create(request: HttpRequest, reference: str) -> HttpResponse:
    foi_request = editable_request(request, reference)
    if request.method == "POST":
        form = MessageForm(request.POST, request.FILES)
        if form.is_valid():
            message = log_message(
                foi_request=foi_request,
                message=form.save(commit=False),
                uploads=form.cleaned_data["attachments"],
                actor=signed_in_user(request),
                request=request,
            )
            flash.success(request, f"Logged “{message}”.")
            return redirect(foi_request)
    else:
        form = MessageForm()
    context = {"foi_request": foi_request, "form": form}
    return render(request, "requests_app/message_form.html", context)
