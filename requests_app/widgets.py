"""Form widgets of our own."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


class QuickSelectMixin:
    """Writes the <select> out in Python rather than through Django's widget templates.

    The templates render every option through two includes; for a list of a thousand
    public bodies that was most of the time a page took. The markup is the same.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        groups = "".join(_group(label, options) for label, options, _ in widget["optgroups"])
        markup = f"<select{attributes({'name': name, **widget['attrs']})}>{groups}</select>"
        return mark_safe(markup)  # noqa: S308 - every value and label in it is escaped


def attributes(attrs: dict[str, Any]) -> str:
    """HTML attributes, escaped: True writes the bare name, False and None leave it out."""
    return "".join(
        f" {key}" if value is True else f' {key}="{escape(value)}"'
        for key, value in attrs.items()
        if value is not False and value is not None
    )


def _group(label: str | None, options: list[dict[str, Any]]) -> str:
    rendered = "".join(
        f"<option{attributes({'value': option['value'], **option['attrs']})}>"
        f"{escape(option['label'])}</option>"
        for option in options
    )
    return f'<optgroup label="{escape(label)}">{rendered}</optgroup>' if label else rendered


class QuickSelect(QuickSelectMixin, forms.Select):
    pass


class QuickSelectMultiple(QuickSelectMixin, forms.SelectMultiple):
    pass
