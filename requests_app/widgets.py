"""Form widgets of our own."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


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
