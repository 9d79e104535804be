"""Template helpers: deadline wording, sortable columns and query strings."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from html import escape as html_escape
from typing import Any
from urllib.parse import quote

from django import forms, template
from django.conf import settings
from django.forms import BoundField
from django.http import QueryDict
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import dateformat, timezone
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.html import conditional_escape, escape, format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext

from requests_app.models import Status

register = template.Library()

STATUS_LABELS = dict(Status.choices)
# What reverse() leaves unquoted in a path argument (RFC 3986 sub-delimiters and / ~ : @).
URL_SAFE = "!$&'()*+,;=/~:@"


def _working_days(count: int) -> str:
    return f"{count} working day" if count == 1 else f"{count} working days"


@register.filter
def deadline_phrase(days_left: int | None) -> str:
    """ "3 working days left", "due today" or "overdue by 2 working days"."""
    if days_left is None:
        return ""
    if days_left == 0:
        return "due today"
    if days_left < 0:
        return f"overdue by {_working_days(-days_left)}"
    return f"{_working_days(days_left)} left"


@register.filter
def status_label(value: str) -> str:
    return str(STATUS_LABELS.get(value, value))


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (None or "" removes one)."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    for name, value in changes.items():
        query.pop(name, None)
        if value not in (None, ""):
            query[name] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def sort_query(context: dict[str, Any], column: str) -> str:
    """A link that sorts by `column`, or reverses the order when it already does."""
    current = _current_sort(context)
    wanted = f"-{column}" if current == column else column
    return query_with(context, sort=wanted, page=None)


@register.simple_tag(takes_context=True)
def aria_sort(context: dict[str, Any], column: str) -> str:
    current = _current_sort(context)
    if current == column:
        return "ascending"
    if current == f"-{column}":
        return "descending"
    return "none"


def _current_sort(context: dict[str, Any]) -> str:
    return str(context.get("sort") or "")


NAV_SECTIONS = {
    "request": "requests",
    "message": "requests",
    "event": "requests",
    "attachment": "requests",
    "body": "bodies",
    "campaign": "campaigns",
    "batch": "batches",
    "dashboard": "dashboard",
    "deadline": "calendar",
    "mail": "mail",
    "insights": "insights",
    "account": "account",
}
# Pages under /mail/ that belong to one request (its letters, uploads and messages), not to
# the unmatched inbox.
REQUEST_MAIL_PAGES = frozenset(
    ("mail_message", "mail_confirm", "mail_raw", "mail_resend", "mail_upload", "mail_letter")
)


@register.simple_tag(takes_context=True)
def nav_section(context: dict[str, Any]) -> str:
    """Which main navigation entry the current page belongs to."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    url_name = (match.url_name or "") if match else ""
    if url_name in REQUEST_MAIL_PAGES:
        return "requests"
    return NAV_SECTIONS.get(url_name.split("_")[0], "")


# The header's links: (URL name, section, text). Reversed once per URL configuration and
# script prefix, not twenty times a page.
MAIN_NAV = (
    ("dashboard", "dashboard", "Dashboard"),
    ("request_list", "requests", "Requests"),
    ("body_list", "bodies", "Bodies"),
    ("campaign_list", "campaigns", "Campaigns"),
    ("batch_list", "batches", "Batches"),
    ("insights", "insights", "Insights"),
    ("deadline_calendar", "calendar", "Calendar"),
    ("mail_unmatched", "mail", "Unmatched mail"),
)
ACCOUNT_MENU = (
    ("account", "Your account", False),
    ("alert_preferences", "Alert settings", False),
    ("mail_import", "Import mail", False),
    ("spreadsheet_import", "Import a spreadsheet", False),
    ("whatdotheyknow_import", "Import from WhatDoTheyKnow", False),
    ("bodies_import", "Import public bodies", True),  # staff only
    ("api_tokens", "API tokens", False),
    ("two_factor_setup", "Two-factor login", False),
    ("password_change", "Change password", False),
)
_header_urls: dict[tuple[str, str], dict[str, str]] = {}


def header_urls() -> dict[str, str]:
    """Every URL the header links to, escaped, by URL name."""
    key = (str(get_urlconf() or settings.ROOT_URLCONF), get_script_prefix())
    if key not in _header_urls:
        names = [name for name, _, _ in MAIN_NAV] + [name for name, _, _ in ACCOUNT_MENU]
        names += ["request_create", "logout", "deadline_calculator", "search"]
        _header_urls[key] = {name: html_escape(reverse(name)) for name in names}
    return _header_urls[key]


@register.simple_tag(takes_context=True)
def site_nav(context: dict[str, Any]) -> SafeString:
    """The main navigation, the current section marked (aria-current)."""
    urls, current = header_urls(), nav_section(context)
    here = ' aria-current="page"'
    items = "".join(
        f'\n        <li><a href="{urls[name]}"{here if section == current else ""}>{text}</a></li>'
        for name, section, text in MAIN_NAV
    )
    new = f'\n        <li><a class="button" href="{urls["request_create"]}">New request</a></li>'
    return mark_safe(  # noqa: S308 - the URLs are escaped, the texts are ours
        f'<nav aria-label="Main" class="site-nav">\n      <ul class="nav">{items}{new}'
        "\n      </ul>\n    </nav>"
    )


@register.simple_tag
def header_url(name: str) -> str:
    """`{% url name %}` for a link of the header or footer, reversed once."""
    return header_urls()[name]


@register.simple_tag(takes_context=True)
def account_menu_links(context: dict[str, Any]) -> SafeString:
    """The account menu's links (staff see the public bodies import too)."""
    urls, user = header_urls(), context.get("user")
    staff = bool(getattr(user, "is_staff", False))
    return mark_safe(  # noqa: S308 - the URLs are escaped, the texts are ours
        "".join(
            f'\n        <li><a href="{urls[name]}">{text}</a></li>'
            for name, text, staff_only in ACCOUNT_MENU
            if staff or not staff_only
        )
    )


@register.filter
def active_filters(form: forms.Form, ignored: str = "") -> int:
    """How many of a filter form's fields the query string sets: `{{ form|active_filters:"q" }}`.

    The filter button shows it, so a collapsed panel still says that the list is narrowed.
    """
    if not form.is_bound:
        return 0
    skip = set(ignored.split(","))
    return sum(1 for name in form.fields if name not in skip and _is_set(form[name].value()))


def _is_set(value: object) -> bool:
    if isinstance(value, list | tuple):
        return any(_is_set(item) for item in value)
    return value not in (None, False) and bool(str(value).strip())


# --- form fields, written in Python -------------------------------------------------
# Django writes a field through five templates (the field group, the label, the widget,
# its attributes and the error list): the nine fields of a filter form cost more than the
# list's queries. `form_field` writes the same markup as _field.html with Django's field
# group, for the widgets whose templates are a plain <input> or a set of checkboxes, and
# hands any other widget to Django.

PLAIN_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "search",
        "date",
        "datetime",
        "time",
        "email",
        "url",
        "tel",
        "number",
        "hidden",
        "checkbox",
    )
)
CHECKBOX_SET_TEMPLATE = "django/forms/widgets/checkbox_select.html"


@register.simple_tag
def form_field(field: BoundField) -> SafeString:
    """A field in its <div class="field">, as requests_app/_field.html writes it."""
    css = "field field--error" if field.errors else "field"
    if field.widget_type == "checkbox":
        help_text = ""
        if field.help_text:
            help_text = (
                f'<div class="helptext" id="{html_escape(field.auto_id)}_helptext">'
                f"{conditional_escape(field.help_text)}</div>"
            )
        inner = (
            f"\n  {_widget_markup(field)} {_label_markup(field)}"
            f"\n  {help_text}\n  {_errors_markup(field)}\n"
        )
        css += " field--checkbox"
    else:
        inner = f"\n{_field_group(field)}\n"
    return mark_safe(f'<div class="{css}">{inner}</div>\n')  # noqa: S308 - escaped piece by piece


def _field_group(field: BoundField) -> str:
    """Django's django/forms/field.html."""
    if field.use_fieldset:
        described = field.aria_describedby
        aria = f' aria-describedby="{html_escape(described)}"' if described else ""
        legend = _label_markup(field, "legend") if field.label else ""
        start, end = f"\n  <fieldset{aria}>\n  {legend}\n", "</fieldset>"
    else:
        start, end = f"\n  {_label_markup(field) if field.label else ''}\n", ""
    help_text = ""
    if field.help_text:
        help_id = f' id="{html_escape(field.auto_id)}_helptext"' if field.auto_id else ""
        help_text = f'<div class="helptext"{help_id}>{field.help_text}</div>'
    return f"{start}{help_text}\n{_errors_markup(field)}\n{_widget_markup(field)}{end}\n"


def _label_markup(field: BoundField, tag: str = "label") -> str:
    """BoundField.label_tag() (or legend_tag()) without its template."""
    contents = field.label
    suffix = field.field.label_suffix
    if suffix is None:
        suffix = field.form.label_suffix
    if suffix and contents and contents[-1] not in gettext(":?.!"):
        contents = format_html("{}{}", contents, suffix)
    else:
        contents = conditional_escape(contents)
    widget = field.field.widget
    field_id = widget.attrs.get("id") or field.auto_id
    if not field_id:
        return str(contents)
    attrs: dict[str, Any] = {}
    for_id = widget.id_for_label(field_id)
    if for_id:
        attrs["for"] = for_id
    if field.field.required and hasattr(field.form, "required_css_class"):
        attrs["class"] = field.form.required_css_class
    return f"<{tag}{_attributes(attrs)}>{contents}</{tag}>"


def _errors_markup(field: BoundField) -> str:
    """The field's ErrorList as django/forms/errors/list/ul.html writes it."""
    errors = field.errors
    if not errors:
        return ""
    field_id = getattr(errors, "field_id", None)
    list_id = f' id="{html_escape(field_id)}_error"' if field_id else ""
    items = "".join(f"<li>{conditional_escape(str(error))}</li>" for error in errors)
    return f'<ul class="{html_escape(errors.error_class)}"{list_id}>{items}</ul>'


def _widget_markup(field: BoundField) -> str:
    """str(field): the widget, written here when its template is one we write."""
    widget = field.field.widget
    template_name = getattr(widget, "template_name", "")
    own_render = type(widget).render is not forms.Widget.render
    plain = template_name in PLAIN_INPUT_TEMPLATES or template_name == CHECKBOX_SET_TEMPLATE
    if own_render or not plain or field.field.show_hidden_initial:
        return str(field)
    if field.field.localize:
        widget.is_localized = True
    attrs = field.build_widget_attrs({})
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    if template_name == CHECKBOX_SET_TEMPLATE:
        return _checkbox_set(context)
    return _input(context)


def _input(widget: dict[str, Any]) -> str:
    """django/forms/widgets/input.html."""
    value = widget["value"]
    value_attr = "" if value is None else f' value="{html_escape(str(value))}"'
    return (
        f'<input type="{html_escape(widget["type"])}" name="{html_escape(widget["name"])}"'
        f"{value_attr}{_attributes(widget['attrs'])}>\n"
    )


def _checkbox_set(widget: dict[str, Any]) -> str:
    """django/forms/widgets/multiple_input.html with checkbox options."""
    attrs = widget["attrs"]
    box_id = f' id="{html_escape(attrs["id"])}"' if attrs.get("id") else ""
    css = f' class="{html_escape(attrs["class"])}"' if attrs.get("class") else ""
    parts = [f"<div{box_id}{css}>"]
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{conditional_escape(group)}</label>")
        parts.extend(f"<div>\n    {_input_option(option)}</div>" for option in options)
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return "".join(parts)


def _input_option(option: dict[str, Any]) -> str:
    """django/forms/widgets/input_option.html."""
    if not option["wrap_label"]:
        return f"{_input(option)}\n"
    option_id = option["attrs"].get("id")
    label_for = f' for="{html_escape(option_id)}"' if option_id else ""
    label = conditional_escape(option["label"])
    return f"<label{label_for}>{_input(option)} {label}</label>\n\n"


def _attributes(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html: True writes the bare name, False leaves it out."""
    return "".join(
        f" {html_escape(name)}"
        if value is True
        else f' {html_escape(name)}="{html_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


# --- the request table's rows, written in Python ----------------------------------------
# Fifty rows through the template engine — an include, a {% url %} and a dozen lookups
# each — cost more than the queries behind them. The markup is the one
# _request_table.html and _due.html wrote, row for row.

REVIEW_BADGE = '<span class="badge badge--review">reply received — not yet reviewed</span>'


@register.simple_tag
def request_rows(rows: Any, empty_text: str = "") -> SafeString:
    """The <tr>s of a table of RequestRows (or one row saying there are none)."""
    link = _detail_link()
    cells = [_request_row(row, link) for row in rows]
    if not cells:
        text = conditional_escape(empty_text or "No requests.")
        cells = [f'\n    <tr class="empty"><td colspan="7" class="empty-state">{text}</td></tr>']
    return mark_safe("".join(cells) + "\n    ")  # noqa: S308 - every value is escaped


def request_link() -> Callable[[str], str]:
    """A request page's URL for a reference, for pages that write many such links."""
    return _detail_link()


def _detail_link() -> Callable[[str], str]:
    """The request page's URL for a reference, reversed once rather than once per row."""
    marker = "REFERENCE"
    before, after = reverse("request_detail", kwargs={"reference": marker}).split(marker)
    return lambda reference: html_escape(before + quote(reference, safe=URL_SAFE) + after)


def _request_row(row: Any, link: Callable[[str], str]) -> str:
    foi_request = row.foi_request
    body = foi_request.public_body
    campaign = foi_request.campaign
    reference = html_escape(foi_request.reference)
    overdue = ' class="overdue"' if row.is_overdue else ""
    return (
        f"\n    <tr{overdue}>"
        f'\n      <td><a href="{link(foi_request.reference)}">{reference}</a></td>'
        f"\n      <td>{html_escape(foi_request.title)}</td>"
        f"\n      <td>{html_escape(body.short_name or body.name)}</td>"
        f'\n      <td><span class="badge badge--{html_escape(foi_request.status)}">'
        f"{html_escape(str(STATUS_LABELS.get(foi_request.status, foi_request.status)))}</span></td>"
        f"\n      <td>{html_escape(day_month_year(foi_request.sent_on) or '—')}</td>"
        f"\n      <td>{_due_cell(row)}</td>"
        f"\n      <td>{html_escape(campaign.name if campaign and campaign.name else '—')}</td>"
        "\n    </tr>"
    )


def date_format(value: Any, format_string: str) -> str:
    """The `date` filter's output for a literal format, without its per-call format lookup."""
    return dateformat.format(value, format_string) if value else ""


def day_month_year(value: dt.date | None, weekday: bool = False) -> str:
    """A date as the `date` filter writes "j M Y" (or "D j M Y" with the weekday).

    Fifty rows of two dates each through dateformat cost more than the rest of the row.
    """
    if not value:
        return ""
    months, weekdays = _date_names(get_language())
    text = f"{value.day} {months[value.month]} {value.year:04d}"
    return f"{weekdays[value.weekday()]} {text}" if weekday else text


@functools.lru_cache(maxsize=16)
def _date_names(language: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Month and weekday abbreviations in the active language ("Jan", "Mon")."""
    months = ("", *(str(MONTHS_3[month]).title() for month in range(1, 13)))
    weekdays = tuple(str(WEEKDAYS_ABBR[day]) for day in range(7))
    return months, weekdays


def _due_cell(row: Any) -> str:
    due = row.foi_request.next_due_on
    if not due:
        return REVIEW_BADGE if row.reply_to_review else "—"
    cell = f'<time datetime="{due.isoformat()}">{day_month_year(due, weekday=True)}</time>'
    if row.reply_to_review:
        return f"{cell}<br>{REVIEW_BADGE}"
    if row.days_left is None:
        return cell
    css = "badge badge--overdue" if row.is_overdue else "days-left"
    words = "overdue" if row.is_overdue and row.days_left >= 0 else deadline_phrase(row.days_left)
    return f'{cell}<br><span class="{css}">{html_escape(words)}</span>'


# --- the deadline calendar's entries, written in Python ----------------------------------
# A busy month has hundreds of entries, each shown in the grid and again in the list:
# each is written once here, with its request's URL from one reverse().


# A large archive has hundreds of dates on a busy day: the grid shows the first few of
# each day and the list the first few hundred of the month, and say how many more there are.
CALENDAR_DAY_LIMIT = 6
CALENDAR_LIST_LIMIT = 300


@register.simple_tag
def calendar_day(entries: Any) -> SafeString:
    """One day's entries in the month grid, as calendar.html wrote them."""
    link = _detail_link()
    shown = "".join(_calendar_link(entry, link) for entry in entries[:CALENDAR_DAY_LIMIT])
    if len(entries) > CALENDAR_DAY_LIMIT:
        shown += f'<span class="hint">and {len(entries) - CALENDAR_DAY_LIMIT:,} more</span>\n'
    return mark_safe(shown)  # noqa: S308 - every value is escaped


@register.simple_tag
def calendar_list(entries: Any) -> SafeString:
    """The month's entries as list items, as calendar.html wrote them."""
    link = _detail_link()
    shown = "".join(_calendar_item(entry, link) for entry in entries[:CALENDAR_LIST_LIMIT])
    if len(entries) > CALENDAR_LIST_LIMIT:
        more = len(entries) - CALENDAR_LIST_LIMIT
        shown += (
            f'\n  <li class="hint">and {more:,} more this month: choose a campaign above to '
            "see fewer at a time, or subscribe to the calendar feed.</li>\n  "
        )
    return mark_safe(shown)  # noqa: S308 - every value is escaped


def _calendar_link(entry: Any, link: Callable[[str], str]) -> str:
    foi_request = entry.foi_request
    body = foi_request.public_body
    css = f"cal-entry cal-entry--{entry.kind}" + (" cal-entry--overdue" if entry.is_overdue else "")
    prefix = "Overdue: " if entry.is_overdue else ""
    title = Truncator(foi_request.title).chars(40)
    return (
        f'\n        <a class="{css}" href="{link(foi_request.reference)}" '
        f'title="{escape(entry.summary)}">{prefix}{escape(body.short_name or body.name)} — '
        f"{escape(title)}</a>\n        "
    )


def _calendar_item(entry: Any, link: Callable[[str], str]) -> str:
    badge = '<strong class="badge badge--overdue">Overdue</strong> ' if entry.is_overdue else ""
    on = entry.on
    return (
        f'\n  <li><time datetime="{date_format(on, "Y-m-d")}">{date_format(on, "D j M")}</time>'
        f' — {badge}<a href="{link(entry.foi_request.reference)}">{escape(entry.summary)}</a>'
        "</li>\n  "
    )


# --- a letter in a request's history, written in Python ----------------------------------
# A long correspondence is a hundred of these: the template's filters and {% url %} for
# each cost several times the query that read them.


@register.simple_tag
def timeline_letter(message: Any, is_last: bool) -> SafeString:
    """The opening of a letter's <li> in the history, up to its attachments."""
    sent_at = timezone.localtime(message.sent_at)
    sender = f"From {escape(message.sender)}" if message.sender else ""
    recipients = f" to {escape(message.recipients)}" if message.recipients else ""
    people = f'\n      <p class="hint">{sender}{recipients}</p>' if sender or recipients else ""
    body = ""
    if message.body_text:
        body = (
            f'\n      <details class="message-body"{" open" if is_last else ""}>'
            "\n        <summary>Text</summary>"
            f'\n        <div class="letter">{linebreaks(message.body_text, autoescape=True)}</div>'
            "\n      </details>"
        )
    meta = " · ".join(
        escape(label)
        for label in (
            message.get_direction_display(),
            message.get_channel_display(),
            message.get_kind_display(),
        )
    )
    return mark_safe(  # noqa: S308 - every value is escaped
        f'<li class="timeline-item timeline-item--message timeline-item--'
        f'{escape(message.direction)}" id="message-{message.pk}">'
        '\n      <p class="timeline-meta">'
        f'\n        <time datetime="{dateformat.format(sent_at, "c")}">'
        f"{dateformat.format(sent_at, 'j M Y, H:i')}</time>"
        f"\n        · {meta}"
        "\n      </p>"
        f'\n      <h3><a href="{_letter_link(message.pk)}">'
        f"{escape(message.subject or '(no subject)')}</a></h3>{people}{body}"
    )


def _letter_link(pk: int) -> str:
    marker = 987654321
    return escape(reverse("mail_message", kwargs={"pk": marker}).replace(str(marker), str(pk)))
