"""`{% filter_fields filterset %}`: a list's filter fields, written once for the same form.

The request list's filter panel is nine fields and a hundred options, a few milliseconds
of every view written by `{% form_field %}`; yet most views of a list show the same panel
as the view before: the same filters, the same query string, the same choices. The markup
is kept per process under all of these, and written again only when one of them differs.
The search page's panel leaves out the search box (`skip="q,request"`): its panel is then
the same for every search made without filters, whatever the words searched for.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

import django_filters
from django import forms, template
from django.forms.widgets import ChoiceWidget
from django.http import QueryDict
from django.utils.safestring import SafeString, mark_safe

from requests_app.templatetags.form_fields import form_field

register = template.Library()

# The panels kept per process, the least recently shown dropped first: each is some 10 KB.
KEPT_PANELS = 256

_panels: OrderedDict[Hashable, str] = OrderedDict()
_panels_lock = threading.Lock()


@register.simple_tag
def filter_fields(filterset: django_filters.FilterSet, skip: str = "") -> SafeString:
    """Every field of the filter form but those named in `skip` (comma-separated), each as
    `{% form_field %}` writes it, one after another; a form with errors is always written
    afresh."""
    form = filterset.form
    names = shown_fields(form, skip)
    key = panel_key(filterset, form, names)
    with _panels_lock:
        markup = _panels.get(key) if key is not None else None
        if markup is not None:
            _panels.move_to_end(key)
    if markup is None:
        markup = "".join(form_field(form[name]) for name in names)
        if key is not None:
            keep(key, markup)
    return mark_safe(markup)  # noqa: S308 - form_field's markup, every part escaped


def shown_fields(form: forms.BaseForm, skip: str) -> tuple[str, ...]:
    left_out = set(skip.split(",")) if skip else set()
    return tuple(name for name in form.fields if name not in left_out)


def panel_key(
    filterset: django_filters.FilterSet, form: forms.BaseForm, names: tuple[str, ...]
) -> Hashable | None:
    """What the panel's markup is made of: the FilterSet (its fields and their labels),
    the fields shown, the query string's values of each, and each select's choices. None
    when the markup depends on more (errors, initial values of an unbound form).

    The choices are read here once and handed to the widgets, so that writing the panel
    reads them no second time.
    """
    if not form.is_bound or form.errors or not isinstance(form.data, QueryDict):
        return None
    values = tuple((name, tuple(form.data.getlist(form.add_prefix(name)))) for name in names)
    return (type(filterset), form.prefix, form.auto_id, values, tuple(choices_of(form, names)))


def choices_of(
    form: forms.BaseForm, names: tuple[str, ...]
) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    found = []
    for name in names:
        field = form.fields[name]
        widget = field.widget
        if not isinstance(widget, ChoiceWidget):
            continue
        # Iterated, not list(): a model choice iterator's len() is a COUNT query.
        choices = [choice for choice in getattr(field, "choices", widget.choices)]
        if isinstance(field, forms.ModelChoiceField):
            widget.choices = choices  # read once; a fixed list is left as it is, unchanged
        found.append((name, tuple((str(value), str(label)) for value, label in choices)))
    return found


def keep(key: Hashable, markup: str) -> None:
    with _panels_lock:
        _panels[key] = markup
        while len(_panels) > KEPT_PANELS:
            _panels.popitem(last=False)
