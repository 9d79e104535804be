"""Forms for the import pages: uploads, the column mapping, WhatDoTheyKnow, bodies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from requests_app.dataio.alaveteli import MAX_JSON_BYTES
from requests_app.dataio.spreadsheet_import import FIELDS, IGNORE
from requests_app.dataio.tables import max_upload_bytes
from requests_app.models import Campaign, Role

SPREADSHEET_TYPES = (
    ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)


def limited_upload(upload: UploadedFile, limit: int, what: str) -> UploadedFile:
    if (upload.size or 0) > limit:
        raise forms.ValidationError(
            f"The file is {filesizeformat(upload.size or 0)}; {what} may be at most "
            f"{filesizeformat(limit)}. Split it into smaller files.",
            code="too_large",
        )
    return upload


class SpreadsheetUploadForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet",
        help_text="CSV (any Excel CSV is fine) or Excel .xlsx, with a header row.",
        widget=forms.ClearableFileInput(attrs={"accept": SPREADSHEET_TYPES}),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        return limited_upload(upload, max_upload_bytes(), "a spreadsheet")


class MappingForm(forms.Form):
    """One choice per column of the file: which field it holds, or none."""

    create_bodies = forms.BooleanField(
        required=False,
        label="Add the public bodies listed above as new bodies",
        help_text="Only tick this once you have checked the names are not misspelt. "
        "The directory is shared: unless you are staff, the bodies go to staff as "
        "suggestions, and the rows naming them are logged when a body is accepted.",
    )
    skip_invalid = forms.BooleanField(
        required=False,
        label="Import the good rows and leave out the rows with errors",
        help_text="Otherwise nothing is imported until every row is right.",
    )

    def __init__(self, *args: Any, headers: Sequence[str], guessed: Sequence[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = [(IGNORE, "— not imported —"), *((spec.key, spec.label) for spec in FIELDS)]
        self.column_names = []
        for index, header in enumerate(headers):
            name = f"column_{index}"
            self.fields[name] = forms.ChoiceField(
                label=header or f"Column {index + 1}",
                choices=choices,
                required=False,
                initial=guessed[index] if index < len(guessed) else IGNORE,
            )
            self.column_names.append(name)

    def mapping(self) -> list[str]:
        return [self.cleaned_data.get(name) or IGNORE for name in self.column_names]

    def column_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.column_names]


class WhatDoTheyKnowForm(forms.Form):
    url = forms.URLField(
        label="Address of the request page",
        required=False,
        assume_scheme="https",
        help_text="For example https://www.whatdotheyknow.com/request/spending_on_consultants",
    )
    file = forms.FileField(
        label="…or the request's JSON file",
        required=False,
        help_text="Saved from the request page's address followed by .json.",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )
    campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.none(), required=False, empty_label="No campaign"
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        editable = Campaign.objects.filter(
            memberships__user=user, memberships__role__in=(Role.OWNER, Role.EDITOR)
        )
        self.fields["campaign"].queryset = editable.distinct()  # type: ignore[attr-defined]

    def clean_file(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("file")
        return limited_upload(upload, MAX_JSON_BYTES, "a request's JSON") if upload else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and bool(cleaned.get("url")) == bool(cleaned.get("file")):
            raise forms.ValidationError("Give either the address of the request or its file.")
        return cleaned


class BodiesImportForm(forms.Form):
    file = forms.FileField(
        label="WhatDoTheyKnow authorities CSV",
        help_text="The “all authorities” CSV, with its header row.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    dry_run = forms.BooleanField(
        required=False, initial=True, label="Only check it (write nothing)"
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        return limited_upload(upload, max_upload_bytes(), "the list")
