"""`{% form_field field %}`: a form field as `requests_app/_field.html` writes it, in Python;
`{% filter_fields filterset %}`: a list's filter panel, those fields kept for the same form.

Django writes a field through five to ten small templates (the field group, the label, the
errors, the widget, its attributes, each option of a select): on a page with a dozen
fields that cost more than the page's queries. The markup is the same, built from the
same BoundField and widget methods (ids, labels, `required`, `aria-invalid`,
`aria-describedby`, the error list's id); widgets this module does not know (a radio
list, a multi-widget, a custom template) still go through Django's templates.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import django_filters
from django import forms, template
from django.forms import BoundField
from django.forms.models import ModelChoiceIterator
from django.forms.widgets import ChoiceWidget
from django.http import QueryDict
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from requests_app.models.versions import kept_rows
from requests_app.per_request import KeptInProcess

register = template.Library()

INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "file",
        "checkbox",
        "search",
        "tel",
        "color",
    )
)
SELECT_TEMPLATE = "django/forms/widgets/select.html"
CHECKBOX_SET_TEMPLATE = "django/forms/widgets/checkbox_select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"
LABEL_TEMPLATE = "django/forms/label.html"


@register.simple_tag
def form_field(field: BoundField) -> SafeString:
    """The field in its `<div class="field">`, as `requests_app/_field.html` writes it."""
    errors = " field--error" if field.errors else ""
    if field.widget_type == "checkbox":
        return mark_safe(  # noqa: S308 - every part is escaped or Django's own markup
            f'<div class="field{errors} field--checkbox">\n  {widget_html(field)} '
            f"{label_html(field)}\n  {checkbox_help_html(field)}\n  {errors_html(field)}\n</div>"
        )
    return mark_safe(  # noqa: S308 - every part is escaped or Django's own markup
        f'<div class="field{errors}">\n{field_group_html(field)}\n</div>'
    )


def field_group_html(field: BoundField) -> str:
    """Django's `as_field_group` (django/forms/field.html): label, help, errors, widget;
    a set of choices in a fieldset with its legend."""
    if field.form.template_name_label != LABEL_TEMPLATE:
        return str(field.as_field_group())
    if not field.use_fieldset:
        label = label_html(field) if field.label else ""
        return f"{label}\n{help_html(field)}\n{errors_html(field)}\n{widget_html(field)}"
    described = field.aria_describedby
    aria = f' aria-describedby="{conditional_escape(described)}"' if described else ""
    legend = label_html(field, "legend") if field.label else ""
    return (
        f"<fieldset{aria}>\n{legend}\n{help_html(field)}\n{errors_html(field)}\n"
        f"{widget_html(field)}</fieldset>"
    )


def label_html(field: BoundField, tag: str = "label") -> str:
    """`field.label_tag()` (or `legend_tag()`) without its template: the label, its
    suffix, `for` and class."""
    label = field.label
    suffix = (
        field.field.label_suffix
        if field.field.label_suffix is not None
        else field.form.label_suffix
    )
    contents = conditional_escape(label)
    # As Django does: no suffix after a label that ends in punctuation.
    if suffix and label and label[-1] not in gettext(":?.!"):
        contents += conditional_escape(suffix)
    id_ = field.field.widget.attrs.get("id") or field.auto_id
    if not id_:
        return contents
    attrs: dict[str, Any] = {}
    if id_for_label := field.field.widget.id_for_label(id_):
        attrs["for"] = id_for_label
    if field.field.required and hasattr(field.form, "required_css_class"):
        attrs["class"] = field.form.required_css_class
    return f"<{tag}{attributes(attrs)}>{contents}</{tag}>"


def help_html(field: BoundField) -> str:
    """The help text as Django's field group writes it (as HTML, `|safe`)."""
    if not field.help_text:
        return ""
    id_ = f' id="{conditional_escape(field.auto_id)}_helptext"' if field.auto_id else ""
    return f'<div class="helptext"{id_}>{field.help_text}</div>'


def checkbox_help_html(field: BoundField) -> str:
    """The help text as `_field.html` writes it beside a checkbox (escaped)."""
    if not field.help_text:
        return ""
    return (
        f'<div class="helptext" id="{conditional_escape(field.auto_id)}_helptext">'
        f"{conditional_escape(field.help_text)}</div>"
    )


def errors_html(field: BoundField) -> str:
    """The field's error list as Django's `errors/list/ul.html` writes it."""
    errors = field.errors
    if not errors:
        return ""
    field_id = getattr(errors, "field_id", None)
    id_ = f' id="{conditional_escape(field_id)}_error"' if field_id else ""
    items = "".join(f"<li>{conditional_escape(str(error))}</li>" for error in errors)
    return f'<ul class="{conditional_escape(errors.error_class)}"{id_}>{items}</ul>'


def widget_html(field: BoundField) -> str:
    """`str(field)` (`as_widget`), with the common widgets' templates written in Python."""
    widget = field.field.widget
    name = widget.template_name
    known = name in INPUT_TEMPLATES or name in (
        SELECT_TEMPLATE,
        TEXTAREA_TEMPLATE,
        CHECKBOX_SET_TEMPLATE,
    )
    own_render = type(widget).render is not forms.Widget.render
    if not known or own_render or field.field.localize or field.field.show_hidden_initial:
        return str(field)
    if isinstance(widget, ChoiceWidget) and isinstance(widget.choices, ModelChoiceIterator):
        widget.choices = model_choices(field.field)  # type: ignore[arg-type]
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    if name == SELECT_TEMPLATE:
        return select_html(context) or str(field)
    if name == CHECKBOX_SET_TEMPLATE:
        return checkbox_set_html(context)
    if name == TEXTAREA_TEMPLATE:
        value = conditional_escape(context["value"]) if context["value"] else ""
        return (
            f'<textarea name="{conditional_escape(context["name"])}"'
            f"{attributes(context['attrs'])}>\n{value}</textarea>"
        )
    return input_html(context)


def input_html(context: dict[str, Any]) -> str:
    value = context["value"]
    value_attr = "" if value is None else f' value="{conditional_escape(value)}"'
    return (
        f'<input type="{conditional_escape(context["type"])}" '
        f'name="{conditional_escape(context["name"])}"{value_attr}{attributes(context["attrs"])}>'
    )


def checkbox_set_html(context: dict[str, Any]) -> str:
    """Django's multiple_input.html with checkbox options, each in its label."""
    attrs = context["attrs"]
    box_id = f' id="{conditional_escape(attrs["id"])}"' if attrs.get("id") else ""
    css = f' class="{conditional_escape(attrs["class"])}"' if attrs.get("class") else ""
    parts = [f"<div{box_id}{css}>"]
    for group, options, _index in context["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{conditional_escape(group)}</label>")
        parts.extend(f"<div>\n    {option_html(option)}</div>" for option in options)
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return "".join(parts)


def option_html(option: dict[str, Any]) -> str:
    """Django's input_option.html."""
    if not option["wrap_label"]:
        return f"{input_html(option)}\n"
    option_id = option["attrs"].get("id")
    label_for = f' for="{conditional_escape(option_id)}"' if option_id else ""
    label = conditional_escape(option["label"])
    return f"<label{label_for}>{input_html(option)} {label}</label>\n"


def select_html(context: dict[str, Any]) -> str:
    """The select and its options; "" when an option has a template of its own."""
    groups = context["optgroups"]
    if any(
        option["template_name"] != OPTION_TEMPLATE for _, options, _ in groups for option in options
    ):
        return ""
    parts = [f'<select name="{conditional_escape(context["name"])}"{attributes(context["attrs"])}>']
    for group_name, options, _ in groups:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        parts.extend(
            f'\n  <option value="{conditional_escape(option["value"])}"'
            f"{attributes(option['attrs'])}>{conditional_escape(option['label'])}</option>"
            for option in options
        )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def attributes(attrs: dict[str, Any]) -> str:
    """HTML attributes as Django's `attrs.html` writes them: True alone, False left out."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


# --- filter panels ------------------------------------------------------------------

# `{% filter_fields filterset %}`: a list's filter fields, written once for the same form.
#
# The request list's filter panel is nine fields and a hundred options, a few milliseconds
# of every view written by `{% form_field %}`; yet most views of a list show the same panel
# as the view before: the same filters, the same query string, the same choices. The markup
# is kept per process under all of these, and written again only when one of them differs.
# The search page's panel leaves out the search box (`skip="q,request"`): its panel is then
# the same for every search made without filters, whatever the words searched for.

# The panels kept per process, the least recently shown dropped first: each is some 10 KB.
_panels: KeptInProcess[str] = KeptInProcess(256)


@register.simple_tag
def filter_fields(filterset: django_filters.FilterSet, skip: str = "") -> SafeString:
    """Every field of the filter form but those named in `skip` (comma-separated), each as
    `{% form_field %}` writes it, one after another; a form with errors is always written
    afresh."""
    form = filterset.form
    names = shown_fields(form, skip)
    key = panel_key(filterset, form, names)

    def write() -> str:
        return "".join(form_field(form[name]) for name in names)

    markup = write() if key is None else _panels.get(key, write)
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
        if isinstance(field, forms.ModelChoiceField):
            choices = model_choices(field)
            widget.choices = choices  # read once; a fixed list is left as it is, unchanged
        else:
            choices = [choice for choice in getattr(field, "choices", widget.choices)]
        found.append((name, tuple((str(value), str(label)) for value, label in choices)))
    return found


def model_choices(field: forms.ModelChoiceField) -> list[tuple[Any, Any]]:
    """The choices the field's iterator gives, from its queryset's rows as `kept_rows`
    keeps them: a campaign, tag or exemption select asks the database only after a
    change to those tables."""
    if field.queryset is None:
        return []
    iterator = field.iterator(field)
    choices: list[tuple[Any, Any]] = []
    if field.empty_label is not None:
        choices.append(("", field.empty_label))
    choices.extend(iterator.choice(item) for item in kept_rows(field.queryset))
    return choices
