"""Adding or correcting a body's FOI address (or web form) from wherever a body is chosen."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from requests_app.casework.body_addresses import address_for, set_address
from requests_app.casework.forms import BodyChoiceField
from requests_app.forms import QuickSelect
from requests_app.models import PublicBody
from requests_app.views.access import signed_in_user
from requests_app.views.saved import not_saved, saved


class BodyAddressForm(forms.Form):
    email = forms.EmailField(label="FOI email address", required=False)
    web_form = forms.URLField(
        label="or its FOI web form", required=False, max_length=500, assume_scheme="https"
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not (cleaned.get("email") or cleaned.get("web_form")):
            raise forms.ValidationError("Give the body's FOI email address or its web form.")
        return cleaned


class ChosenBodyAddressForm(BodyAddressForm):
    """The same, for a body picked on the page (the new-request form has no body yet)."""

    # A plain list: the page's search picker belongs to the request's own body field.
    body = BodyChoiceField(
        queryset=PublicBody.objects.active(), label="Body whose address this is", widget=QuickSelect
    )
    field_order = ["body", "email", "web_form"]


def address_form_for(body: PublicBody, request: HttpRequest, next_url: str) -> BodyAddressForm:
    """The inline form, filled with the address the user's letters now go to."""
    current = address_for(body, request.user)
    initial = {"email": current.email, "web_form": current.web_form, "next": next_url}
    return BodyAddressForm(initial=initial, auto_id=f"address_{body.pk}_%s")


def _safe_next(request: HttpRequest, target: str, body: PublicBody) -> str:
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else body.get_absolute_url()


@login_required
@require_http_methods(["GET", "POST"])
def body_address(request: HttpRequest, slug: str) -> HttpResponse:
    body = get_object_or_404(PublicBody, slug=slug)
    if request.method == "GET":
        form = address_form_for(body, request, request.GET.get("next", ""))
        return render(request, "requests_app/body_address.html", {"body": body, "form": form})
    form = BodyAddressForm(request.POST, auto_id=f"address_{body.pk}_%s")
    if not form.is_valid():
        context = {"body": body, "form": form}
        return not_saved(
            request,
            form,
            lambda: render(request, "requests_app/body_address.html", context, status=400),
        )
    return _save(request, body, form)


@login_required
@require_http_methods(["POST"])
def chosen_body_address(request: HttpRequest) -> HttpResponse:
    form = ChosenBodyAddressForm(request.POST, auto_id="address_%s")
    if not form.is_valid():
        return render(request, "requests_app/body_address.html", {"form": form}, status=400)
    return _save(request, form.cleaned_data["body"], form)


def _save(request: HttpRequest, body: PublicBody, form: BodyAddressForm) -> HttpResponse:
    address = set_address(
        body=body,
        actor=signed_in_user(request),
        email=form.cleaned_data["email"],
        web_form=form.cleaned_data["web_form"],
        http_request=request,
    )
    next_url = _safe_next(request, form.cleaned_data["next"], body)
    return saved(request, _saved_message(body, address.personal), next_url)


def _saved_message(body: PublicBody, personal: bool) -> str:
    if personal:
        return (
            f"Saved for your own letters to {body}. Staff check an address before it is "
            "used for everyone's."
        )
    return f"Saved as {body}'s address for everyone."
