"""Template helpers: deadline wording, sortable columns and query strings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django import forms, template
from django.http import QueryDict
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import conditional_escape, escape, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import pgettext

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


def _detail_link() -> Callable[[str], str]:
    """The request page's URL for a reference, reversed once rather than once per row."""
    marker = "REFERENCE"
    before, after = reverse("request_detail", kwargs={"reference": marker}).split(marker)
    return lambda reference: escape(before + quote(reference, safe=URL_SAFE) + after)


def _request_row(row: Any, link: Callable[[str], str]) -> str:
    foi_request = row.foi_request
    body = foi_request.public_body
    campaign = foi_request.campaign
    reference = escape(foi_request.reference)
    overdue = ' class="overdue"' if row.is_overdue else ""
    return (
        f"\n    <tr{overdue}>"
        f'\n      <td><a href="{link(foi_request.reference)}">{reference}</a></td>'
        f"\n      <td>{escape(foi_request.title)}</td>"
        f"\n      <td>{escape(body.short_name or body.name)}</td>"
        f'\n      <td><span class="badge badge--{escape(foi_request.status)}">'
        f"{escape(STATUS_LABELS.get(foi_request.status, foi_request.status))}</span></td>"
        f"\n      <td>{escape(date_format(foi_request.sent_on, 'j M Y') or '—')}</td>"
        f"\n      <td>{_due_cell(row)}</td>"
        f"\n      <td>{escape(campaign.name if campaign and campaign.name else '—')}</td>"
        "\n    </tr>"
    )


def date_format(value: Any, format_string: str) -> str:
    """The `date` filter's output for a literal format, without its per-call format lookup."""
    return dateformat.format(value, format_string) if value else ""


def _due_cell(row: Any) -> str:
    due = row.foi_request.next_due_on
    if not due:
        return REVIEW_BADGE if row.reply_to_review else "—"
    cell = f'<time datetime="{date_format(due, "Y-m-d")}">{date_format(due, "D j M Y")}</time>'
    if row.reply_to_review:
        return f"{cell}<br>{REVIEW_BADGE}"
    if row.days_left is None:
        return cell
    css = "badge badge--overdue" if row.is_overdue else "days-left"
    words = "overdue" if row.is_overdue and row.days_left >= 0 else deadline_phrase(row.days_left)
    return f'{cell}<br><span class="{css}">{escape(words)}</span>'


# --- the deadline calendar's entries, written in Python ----------------------------------
# A busy month has hundreds of entries, each shown in the grid and again in the list:
# each is written once here, with its request's URL from one reverse().


@register.simple_tag
def calendar_day(entries: Any, count: int) -> SafeString:
    """One day's entries in the month grid (the first few of `count`), as calendar.html
    wrote them."""
    link = _detail_link()
    ellipsis = _truncation_text()
    shown = "".join(_calendar_link(entry, link, ellipsis) for entry in entries)
    if count > len(entries):
        shown += f'<span class="hint">and {count - len(entries):,} more</span>\n'
    return mark_safe(shown)  # noqa: S308 - every value is escaped


@register.simple_tag
def calendar_list(entries: Any, count: int) -> SafeString:
    """The month's entries as list items (the first few hundred of `count`), as
    calendar.html wrote them."""
    link = _detail_link()
    days: dict[Any, str] = {}  # a month has a few dozen days and hundreds of entries
    shown = "".join(_calendar_item(entry, link, days) for entry in entries)
    if count > len(entries):
        more = count - len(entries)
        shown += (
            f'\n  <li class="hint">and {more:,} more this month: choose a campaign above to '
            "see fewer at a time, or subscribe to the calendar feed.</li>\n  "
        )
    return mark_safe(shown)  # noqa: S308 - every value is escaped


def _truncation_text() -> str:
    """What Truncator ends a shortened title with, asked of the translations once a day
    cell rather than twice a title."""
    return pgettext("String to return when truncating text", "%(truncated_text)s…")


def _calendar_link(entry: Any, link: Callable[[str], str], ellipsis: str) -> str:
    foi_request = entry.foi_request
    body = foi_request.public_body
    css = f"cal-entry cal-entry--{entry.kind}" + (" cal-entry--overdue" if entry.is_overdue else "")
    prefix = "Overdue: " if entry.is_overdue else ""
    title = Truncator(foi_request.title).chars(40, truncate=ellipsis)
    return (
        f'\n        <a class="{css}" href="{link(foi_request.reference)}" '
        f'title="{escape(entry.summary)}">{prefix}{escape(body.short_name or body.name)} — '
        f"{escape(title)}</a>\n        "
    )


def _calendar_item(entry: Any, link: Callable[[str], str], days: dict[Any, str]) -> str:
    badge = '<strong class="badge badge--overdue">Overdue</strong> ' if entry.is_overdue else ""
    on = entry.on
    if on not in days:
        days[on] = f'<time datetime="{date_format(on, "Y-m-d")}">{date_format(on, "D j M")}</time>'
    return (
        f"\n  <li>{days[on]}"
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
