"""Template helpers for the PDF templates."""

from __future__ import annotations

import re

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# CSS 2.1 s.4.1.3: inside a string, a backslash escapes the next character or starts a
# hexadecimal code point. "<" and ">" are escaped too, so text can never close <style>.
CSS_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "<": "\\3C ", ">": "\\3E "}
LINE_BREAKS = re.compile(r"[\r\n\f]+")


@register.filter
def css_string(value: object) -> SafeString:
    """`value` as a double-quoted CSS string, e.g. for `content:` in an @page margin box."""
    text = LINE_BREAKS.sub(" ", str(value)).strip()
    escaped = "".join(CSS_STRING_ESCAPES.get(character, character) for character in text)
    return mark_safe(f'"{escaped}"')  # noqa: S308 - every special character is escaped
