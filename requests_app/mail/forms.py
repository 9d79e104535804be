"""Forms for importing mail, filing unmatched messages, confirming replies and sending letters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from requests_app.forms import MultipleFileField, MultipleFileInput
from requests_app.mail.matching import our_references
from requests_app.models import Exemption, FoiRequest, MessageKind
from requests_app.models.requests import OUTCOME_STATUSES, Status

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MAIL_FILE_TYPES = ".eml,.msg,.mbox,message/rfc822,application/vnd.ms-outlook,application/mbox"
REVIEW_OUTCOMES = (*OUTCOME_STATUSES, Status.CLOSED)


def mail_files_field() -> MultipleFileField:
    return MultipleFileField(
        label="Email files",
        help_text="Saved emails (.eml), Outlook messages (.msg) or mailboxes (.mbox).",
        widget=MultipleFileInput(attrs={"accept": MAIL_FILE_TYPES, "data-mail-drop": "true"}),
    )


def check_sizes(files: list[UploadedFile]) -> list[UploadedFile]:
    limit = int(getattr(settings, "FOI_MAX_UPLOAD_BYTES", 50 * 1024 * 1024))
    for upload in files:
        if (upload.size or 0) > limit:
            raise forms.ValidationError(
                f"{upload.name} is {filesizeformat(upload.size or 0)}; "
                f"the limit is {filesizeformat(limit)}."
            )
    return files


class RequestMailUploadForm(forms.Form):
    """Upload on a request's page: everything is filed on that request."""

    emails = mail_files_field()

    def clean_emails(self) -> list[UploadedFile]:
        return check_sizes(self.cleaned_data["emails"])


class MailImportForm(RequestMailUploadForm):
    """The general import page: match each message, or file them all on one request."""

    reference = forms.CharField(
        label="File on request (optional)",
        required=False,
        help_text="Our reference, e.g. FOI-2026-0042. Leave empty to match each message.",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_reference(self) -> FoiRequest | None:
        return _editable_request(self.user, self.cleaned_data.get("reference", ""), required=False)


class AssignForm(forms.Form):
    reference = forms.CharField(label="Request reference", max_length=40)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_reference(self) -> FoiRequest | None:
        return _editable_request(self.user, self.cleaned_data.get("reference", ""), required=True)


def _editable_request(user: User, typed: str, *, required: bool) -> FoiRequest | None:
    typed = typed.strip()
    if not typed:
        if required:
            raise forms.ValidationError("Give the request's reference.")
        return None
    references = our_references(typed) or [typed.upper()]
    found = FoiRequest.objects.editable_by(user).filter(reference=references[0]).first()
    if found is None:
        raise forms.ValidationError(f"You have no request {typed} that you may change.")
    return found


class ConfirmKindForm(forms.Form):
    kind = forms.ChoiceField(label="This message is", choices=MessageKind.choices)
    outcome = forms.ChoiceField(
        label="Outcome",
        required=False,
        choices=[("", "—"), *((status.value, status.label) for status in REVIEW_OUTCOMES)],
    )
    exemptions = forms.ModelMultipleChoiceField(
        label="Exemptions cited",
        queryset=Exemption.objects.all(),
        required=False,
        widget=forms.MultipleHiddenInput,
    )


class LetterForm(forms.Form):
    to = forms.EmailField(label="To")
    subject = forms.CharField(label="Subject", max_length=998)
    body = forms.CharField(label="Letter", widget=forms.Textarea(attrs={"rows": 20}))
