"""Template helpers: deadline wording, sortable columns and query strings."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.http import QueryDict

from requests_app.models import Status

register = template.Library()

STATUS_LABELS = dict(Status.choices)


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
