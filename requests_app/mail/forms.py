"""Forms for importing mail, filing unmatched messages, confirming replies and sending letters."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from requests_app.casework.date_checks import uncountable
from requests_app.forms import DATETIME_INPUT, MultipleFileField, MultipleFileInput
from requests_app.mail.matching import our_references
from requests_app.models import (
    Direction,
    Exemption,
    FoiRequest,
    Message,
    MessageKind,
    Status,
)
from requests_app.models.requests import OUTCOME_STATUSES

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


class MessageForm(forms.ModelForm):
    attachments = MultipleFileField(required=False, help_text="You can choose several files.")

    class Meta:
        model = Message
        fields = [
            "direction",
            "channel",
            "sent_at",
            "sender",
            "recipients",
            "subject",
            "body_text",
            "kind",
        ]
        labels = {"sent_at": "Date and time", "body_text": "Text", "kind": "What it is"}
        widgets = {"sent_at": DATETIME_INPUT, "recipients": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["direction"].initial = Direction.INCOMING
        self.fields["sent_at"].initial = lambda: timezone.localtime().replace(
            second=0, microsecond=0
        )
        self.fields["attachments"].help_text = (
            f"You can choose several files, each up to "
            f"{filesizeformat(settings.FOI_MAX_UPLOAD_BYTES)}."
        )

    def clean_sent_at(self) -> dt.datetime:
        sent_at: dt.datetime = self.cleaned_data["sent_at"]
        if problem := uncountable(sent_at.date()):
            raise forms.ValidationError(problem)
        return sent_at

    def clean_attachments(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["attachments"]
        limit = settings.FOI_MAX_UPLOAD_BYTES
        too_big = [upload.name for upload in files if (upload.size or 0) > limit]
        if too_big:
            raise forms.ValidationError(
                "%(names)s %(verb)s larger than the limit of %(limit)s. Nothing was saved: "
                "choose the files again, without the ones that are too large.",
                params={
                    "names": ", ".join(str(name) for name in too_big),
                    "verb": "is" if len(too_big) == 1 else "are",
                    "limit": filesizeformat(limit),
                },
                code="too_large",
            )
        return files
