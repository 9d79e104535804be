"""Form fields and widgets shared by the areas' forms (each area keeps its forms in its own
forms.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from requests_app.deadlines.calendars import FIRST_SUPPORTED_YEAR

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def date_limits(latest: dt.date) -> dict[str, str]:
    """The browser's own check of a date field; the form checks again on the server."""
    return {"min": f"{FIRST_SUPPORTED_YEAR}-01-01", "max": latest.isoformat()}


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that accepts several files at once (the Django documentation's recipe)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single_clean = super().clean
        if isinstance(data, list | tuple):
            return [single_clean(item, initial) for item in data]
        return [single_clean(data, initial)] if data else []


# --- widgets ------------------------------------------------------------------------------


class QuickSelectMixin(forms.Select):
    """Writes the <select> out in Python rather than through Django's widget templates.

    The templates build a dictionary and render two includes for every option; for a
    list of a thousand public bodies that was most of the time a page took. The markup
    is the same.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        chosen = {str(item) for item in self.format_value(value)}
        final_attrs = {"name": name, **self.build_attrs(self.attrs, attrs)}
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        options = "".join(self._choices_markup(self.choices, chosen))
        markup = f"<select{attributes(final_attrs)}>{options}</select>"
        return mark_safe(markup)  # noqa: S308 - every value and label in it is escaped

    def _choices_markup(self, choices: Iterable[Any], chosen: set[str]) -> Iterable[str]:
        for value, label in choices:
            if isinstance(label, list | tuple):  # a group: (name, [(value, label), ...])
                inner = "".join(self._choices_markup(label, chosen))
                yield f'<optgroup label="{escape(value)}">{inner}</optgroup>'
                continue
            text = "" if value is None else str(value)
            extra = {"selected": True} if text in chosen else {}
            extra |= self.option_attributes(value)
            yield f"<option{attributes({'value': text, **extra})}>{escape(label)}</option>"

    def option_attributes(self, value: Any) -> dict[str, Any]:
        """Extra attributes of one option (none here)."""
        return {}


def attributes(attrs: dict[str, Any]) -> str:
    """HTML attributes, escaped: True writes the bare name, False and None leave it out."""
    return "".join(
        f" {key}" if value is True else f' {key}="{escape(value)}"'
        for key, value in attrs.items()
        if value is not False and value is not None
    )


class QuickSelect(QuickSelectMixin):
    pass


class QuickSelectMultiple(QuickSelectMixin, forms.SelectMultiple):
    pass
