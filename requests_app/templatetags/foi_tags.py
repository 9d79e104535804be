"""Template helpers: deadline wording, sortable columns and query strings."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable
from html import escape as html_escape
from itertools import groupby
from typing import Any

from django import forms, template
from django.conf import settings
from django.http import QueryDict
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator, add_truncation_text, calculate_truncate_chars_length
from django.utils.translation import get_language, pgettext

from requests_app.links import url_filler
from requests_app.models import Channel, Direction, EventKind, MessageKind, Status

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


# --- the request table's rows, written in Python ----------------------------------------
# Fifty rows through the template engine — an include, a {% url %} and a dozen lookups
# each — cost more than the queries behind them. The markup is the one
# _request_table.html and _due.html wrote, row for row.

REVIEW_BADGE = '<span class="badge badge--review">reply received — not yet reviewed</span>'


@register.simple_tag
def request_rows(rows: Any, empty_text: str = "") -> SafeString:
    """The <tr>s of a table of RequestRows (or one row saying there are none)."""
    link = request_link()
    cells = [_request_row(row, link) for row in rows]
    if not cells:
        text = conditional_escape(empty_text or "No requests.")
        cells = [f'\n    <tr class="empty"><td colspan="7" class="empty-state">{text}</td></tr>']
    return mark_safe("".join(cells) + "\n    ")  # noqa: S308 - every value is escaped


def request_link() -> Callable[[str], str]:
    """The request page's URL for a reference, escaped, reversed once rather than once per
    row."""
    fill = url_filler("request_detail", "reference")
    return lambda reference: html_escape(fill(reference))


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


def day_month_year(value: dt.date | None, weekday: bool = False) -> str:
    """A date as the `date` filter writes "j M Y" (or "D j M Y" with the weekday).

    Fifty rows of two dates each through dateformat cost more than the rest of the row.
    """
    if not value:
        return ""
    months, weekdays = _date_names(get_language())
    text = f"{value.day} {months[value.month]} {value.year:04d}"
    return f"{weekdays[value.weekday()]} {text}" if weekday else text


def day_and_month(value: dt.date | None) -> str:
    """A date as the `date` filter writes "D j M" ("Mon 7 Dec")."""
    if not value:
        return ""
    months, weekdays = _date_names(get_language())
    return f"{weekdays[value.weekday()]} {value.day} {months[value.month]}"


def local_time(moment: dt.datetime, months: tuple[str, ...]) -> str:
    """A moment already in local time as `<time>`, as the `date` filter wrote "c" and
    "j M Y, H:i"; `months` from _date_names, looked up once by the caller."""
    shown = f"{moment.day} {months[moment.month]} {moment.year:04d}, {moment:%H:%M}"
    return f'<time datetime="{moment.isoformat()}">{shown}</time>'


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


# --- the dashboard's lists, written in Python --------------------------------------------
# A hundred and ten lines of replies and deadlines, each with a link and a date or two:
# through the template's loop, `date` filters and {% url %} they cost more than the
# queries that read them. The markup is the one dashboard.html wrote, line for line.


@register.simple_tag
def review_items(messages: Any) -> SafeString:
    """The <li>s of the replies waiting for review (`Message` values with their request's
    reference and title)."""
    lines = DashboardLines()
    return mark_safe("".join(lines.to_review(message) for message in messages))  # noqa: S308


@register.simple_tag
def recent_reply_items(messages: Any) -> SafeString:
    """The <li>s of the recent replies (`Message` values with their request's reference)."""
    lines = DashboardLines()
    return mark_safe("".join(lines.recent_reply(message) for message in messages))  # noqa: S308


@register.simple_tag
def due_soon_items(rows: Any) -> SafeString:
    """The <li>s of the requests falling due soon (RequestRows)."""
    lines = DashboardLines()
    return mark_safe("".join(lines.due_soon(row) for row in rows))  # noqa: S308


class DashboardLines:
    """What every line of one of the dashboard's lists shares: the link's pattern, the
    time zone and the month and weekday names. Every value written is escaped."""

    def __init__(self) -> None:
        self.link = request_link()
        self.zone = timezone.get_current_timezone()
        self.months = _date_names(get_language())[0]

    def to_review(self, message: dict[str, Any]) -> str:
        reference = message["request__reference"]
        return (
            f'\n    <li>\n      <a href="{self.link(reference)}#reply-heading">'
            f"{html_escape(reference)}</a>"
            f"\n      {html_escape(message['request__title'])}: {_subject_and_sender(message)},"
            f"\n      {self.sent_time(message['sent_at'])}"
            "\n    </li>\n    "
        )

    def recent_reply(self, message: dict[str, Any]) -> str:
        reference = message["request__reference"]
        return (
            f"\n    <li>\n      {self.sent_time(message['sent_at'])}"
            f'\n      <a href="{self.link(reference)}#message-{message["pk"]}">'
            f"{html_escape(reference)}</a>:"
            f"\n      {_subject_and_sender(message)}"
            "\n    </li>\n    "
        )

    def due_soon(self, row: Any) -> str:
        foi_request = row.foi_request
        body = foi_request.public_body.short_name or foi_request.public_body.name
        due = day_and_month(foi_request.next_due_on)
        return (
            f'\n    <li>\n      <a href="{self.link(foi_request.reference)}">'
            f"{html_escape(foi_request.reference)}</a>"
            f"\n      {html_escape(foi_request.title)} — {html_escape(body)}:"
            f"\n      due {due} ({deadline_phrase(row.days_left)})"
            "\n    </li>\n    "
        )

    def sent_time(self, sent_at: dt.datetime) -> str:
        return local_time(sent_at.astimezone(self.zone), self.months)


def _subject_and_sender(message: dict[str, Any]) -> str:
    subject = html_escape(message["subject"] or "(no subject)")
    sender = message["sender"]
    return f"{subject} — from {html_escape(sender)}" if sender else subject


# --- the deadline calendar's entries, written in Python ----------------------------------
# A busy month has hundreds of entries, each shown in the grid and again in the list, and
# the grid has forty-two day cells: through the template's loops each cell cost more than
# its entries. All is written here, with the requests' URL from one reverse() a page.


@register.simple_tag
def calendar_weeks(weeks: Any, month: dt.date, today: dt.date) -> SafeString:
    """The month grid's rows, as calendar.html wrote them: a week of (day, its first few
    entries, how many it has) cells each."""
    link = request_link()
    ellipsis = _truncation_text()
    rows = [
        "\n    <tr>\n    "
        + "".join(
            _calendar_cell(day, entries, count, month, today, link, ellipsis)
            for day, entries, count in week
        )
        + "\n    </tr>\n  "
        for week in weeks
    ]
    return mark_safe("".join(rows))  # noqa: S308 - every value is escaped


def _calendar_cell(
    day: dt.date,
    entries: Any,
    count: int,
    month: dt.date,
    today: dt.date,
    link: Callable[[str], str],
    ellipsis: str,
) -> str:
    css = ("other-month" if day.month != month.month else "") + (" today" if day == today else "")
    shown = "".join(_calendar_link(entry, link, ellipsis) for entry in entries)
    if count > len(entries):
        shown += f'<span class="hint">and {count - len(entries):,} more</span>\n'
    return (
        f'\n      <td class="{css}">\n        <span class="day-number">{day.day}</span>'
        f"\n        {shown}\n      </td>\n    "
    )


@register.simple_tag
def calendar_list(entries: Any, count: int, day_counts: Any) -> SafeString:
    """The month's entries the grid shows, as list items, a busy day's followed by how many
    more it has (as the grid says), and then how many more the month has in all."""
    link = request_link()
    days: dict[Any, str] = {}  # a month has a few dozen days and hundreds of entries
    parts = []
    for on, of_day in groupby(entries, key=lambda entry: entry.on):
        shown = [_calendar_item(entry, link, days) for entry in of_day]
        parts += shown
        if (more := day_counts.get(on, 0) - len(shown)) > 0:
            parts.append(f'\n  <li class="hint">and {more:,} more on {days[on]}</li>\n  ')
    if count > len(entries):
        more = count - len(entries)
        parts.append(
            f'\n  <li class="hint">and {more:,} more this month: choose a campaign above to '
            "see fewer at a time, or subscribe to the calendar feed.</li>\n  "
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped


def _truncation_text() -> str:
    """What Truncator ends a shortened title with, asked of the translations once a day
    cell rather than twice a title."""
    return pgettext("String to return when truncating text", "%(truncated_text)s…")


def _calendar_link(entry: Any, link: Callable[[str], str], ellipsis: str) -> str:
    foi_request = entry.foi_request
    body = foi_request.public_body
    css = f"cal-entry cal-entry--{entry.kind}" + (" cal-entry--overdue" if entry.is_overdue else "")
    prefix = "Overdue: " if entry.is_overdue else ""
    title = _shortened(foi_request.title, CALENDAR_TITLE_CHARS, ellipsis)
    return (
        f'\n        <a class="{css}" href="{link(foi_request.reference)}" '
        f'title="{html_escape(entry.summary)}">{prefix}'
        f"{html_escape(body.short_name or body.name)} — {html_escape(title)}</a>\n        "
    )


CALENDAR_TITLE_CHARS = 40


def _shortened(text: str, length: int, ellipsis: str) -> str:
    """`Truncator(text).chars(length, truncate=ellipsis)`, which walks every character to
    skip combining ones: a plain ASCII title has none, and a short one is kept whole."""
    text = unicodedata.normalize("NFC", text)
    if len(text) <= length:
        return text
    if not text.isascii():
        return Truncator(text).chars(length, truncate=ellipsis)
    return add_truncation_text(text[: calculate_truncate_chars_length(length, ellipsis)], ellipsis)


def _calendar_item(entry: Any, link: Callable[[str], str], days: dict[Any, str]) -> str:
    badge = '<strong class="badge badge--overdue">Overdue</strong> ' if entry.is_overdue else ""
    on = entry.on
    if on not in days:
        days[on] = f'<time datetime="{on.isoformat()}">{day_and_month(on)}</time>'
    return (
        f"\n  <li>{days[on]}"
        f' — {badge}<a href="{link(entry.foi_request.reference)}">{html_escape(entry.summary)}</a>'
        "</li>\n  "
    )


# --- a request's history, written in Python ---------------------------------------------
# A long correspondence is a hundred letters: the template's loop, filters and {% url %}
# for each cost several times the query that read them, and so did Django's own date
# format, choice display and lazy-text helpers called per letter. What is the same for
# every entry (the link's pattern, the time zone, the words) is worked out once per page.

# The labels of a letter's direction, channel and kind, in the order the page shows them.
LETTER_LABELS = (dict(Direction.choices), dict(Channel.choices), dict(MessageKind.choices))
EVENT_LABELS = dict(EventKind.choices)
NEWLINES = re.compile(r"\r\n|\r")
PARAGRAPH_BREAK = re.compile(r"\n{2,}")
ATTACHMENTS_TEMPLATE = "requests_app/_timeline_attachments.html"


@register.simple_tag(takes_context=True)
def timeline_entries(context: template.Context, entries: Any) -> SafeString:
    """The <li> of every letter (with its attachments) and event in a request's history."""
    history = History(context)
    last = len(entries) - 1
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(history.entry(entry, number == last) for number, entry in enumerate(entries))
    )


class History:
    """What every entry of one page's history shares: the link's pattern, the zone and
    the page's context for the attachments' template."""

    def __init__(self, context: template.Context) -> None:
        assert context.template is not None  # a tag is rendered within its template
        self.context = context
        self.engine = context.template.engine
        self.letter_link = url_filler("mail_message", "pk")
        self.zone = timezone.get_current_timezone()
        self.months = _date_names(get_language())[0]
        # A history has a few sorts of letter (direction, channel, kind) and many letters.
        self.kinds: dict[tuple[str, str, str], tuple[str, str]] = {}

    def entry(self, entry: Any, is_last: bool) -> str:
        if entry.message is None:
            return self.event(entry.event)
        attachments = self.attachments(entry.attachments) if entry.attachments else ""
        return f"\n    {self.letter(entry.message, is_last)}{attachments}\n    </li>"

    def letter(self, message: Any, is_last: bool) -> str:
        """A letter's <li>, up to its attachments."""
        sent_at = message.sent_at.astimezone(self.zone)
        sort = (message.direction, message.channel, message.kind)
        direction, meta = self.kinds.get(sort) or self.letter_kind(sort)
        return (
            f'<li class="timeline-item timeline-item--message timeline-item--{direction}"'
            f' id="message-{message.pk}">'
            '\n      <p class="timeline-meta">'
            f"\n        {local_time(sent_at, self.months)}"
            f"\n        · {meta}"
            "\n      </p>"
            f'\n      <h3><a href="{html_escape(self.letter_link(message.pk))}">'
            f"{html_escape(message.subject or '(no subject)')}</a></h3>"
            f"{_letter_people(message)}{_letter_body(message, is_last)}"
        )

    def letter_kind(self, sort: tuple[str, str, str]) -> tuple[str, str]:
        """The escaped direction and the "From the body · Email · Response" line."""
        meta = " · ".join(
            html_escape(labels.get(value, value))
            for labels, value in zip(LETTER_LABELS, sort, strict=True)
        )
        self.kinds[sort] = (html_escape(sort[0]), meta)
        return self.kinds[sort]

    def attachments(self, attachments: Any) -> str:
        """The list of a letter's attachments, from a template (few letters have any),
        rendered in the page's own context: the extraction badges include their script
        once per page, not once per letter."""
        partial = self.engine.get_template(ATTACHMENTS_TEMPLATE)
        with self.context.push(attachments=attachments):
            return str(partial.nodelist.render(self.context))

    def event(self, event: Any) -> str:
        actor = f"· {html_escape(event.actor.get_username())}" if event.actor else ""
        return (
            f'\n    <li class="timeline-item timeline-item--event timeline-item--'
            f'{html_escape(event.kind)}">'
            '\n      <p class="timeline-meta">'
            f'\n        <time datetime="{event.on.isoformat()}">{day_month_year(event.on)}</time>'
            f"\n        {actor}"
            "\n      </p>"
            f"\n      <h3>{html_escape(EVENT_LABELS.get(event.kind, event.kind))}</h3>"
            f"{_event_details(event.details)}"
            f"{_event_note(event.note)}"
            "\n    </li>"
        )


def _letter_people(message: Any) -> str:
    sender = f"From {html_escape(message.sender)}" if message.sender else ""
    recipients = f" to {html_escape(message.recipients)}" if message.recipients else ""
    return f'\n      <p class="hint">{sender}{recipients}</p>' if sender or recipients else ""


def _letter_body(message: Any, is_last: bool) -> str:
    if not message.body_text:
        return ""
    return (
        f'\n      <details class="message-body"{" open" if is_last else ""}>'
        "\n        <summary>Text</summary>"
        f'\n        <div class="letter">{paragraphs(message.body_text)}</div>'
        "\n      </details>"
    )


def _event_details(details: Any) -> str:
    """What an event changed: a status, an outcome, a date, the fields of an edit."""
    if not isinstance(details, dict):
        return ""
    lines = []
    if details.get("status_to"):
        before, after = (
            status_label(details.get("status_from", "")),
            status_label(details["status_to"]),
        )
        lines.append(f"Status: {html_escape(before)} → {html_escape(after)}")
    if details.get("outcome"):
        lines.append(f"Outcome: {html_escape(status_label(details['outcome']))}")
    if details.get("new_due_on"):
        lines.append(f"New due date: {html_escape(str(details['new_due_on']))}")
    if details.get("fields"):
        lines.append(f"Changed: {', '.join(html_escape(str(name)) for name in details['fields'])}")
    return "".join(f"\n      <p>{line}</p>" for line in lines)


def _event_note(note: str) -> str:
    return f'\n      <div class="note">{paragraphs(note)}</div>' if note else ""


def paragraphs(text: str) -> str:
    """Django's `linebreaks` filter with autoescape, without its lazy-text wrappers."""
    if "\r" in text:
        text = NEWLINES.sub("\n", text)
    parts = PARAGRAPH_BREAK.split(text) if "\n\n" in text else (text,)
    return "\n\n".join(
        f"<p>{html_escape(paragraph).replace(chr(10), '<br>')}</p>" for paragraph in parts
    )
