"""The batch grid's rows, written in Python: 500 rows through the template engine cost
more than the rest of the page, and the markup is the same for every row."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable
from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from requests_app.batches.grid import MemberRow

register = template.Library()


def _day(value: dt.date | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else "—"


@register.simple_tag
def grid_rows(rows: Iterable[MemberRow], can_edit: bool) -> SafeString:
    """`{% grid_rows rows can_edit %}`: the <tr> of each member, escaped like the template."""
    # Reversed once, not once a row: the prefixes before the reference and the id.
    urls = _Urls(
        request=reverse("request_detail", kwargs={"reference": "FOI-0-0"}).removesuffix("FOI-0-0/"),
        message=reverse("mail_message", kwargs={"pk": 0}).removesuffix("0/"),
    )
    return mark_safe("\n".join(_row(row, can_edit, urls) for row in rows))  # noqa: S308 - escaped


@dataclass(frozen=True)
class _Urls:
    request: str
    message: str


def _row(row: MemberRow, can_edit: bool, urls: _Urls) -> str:
    # html.escape, not format_html: Django's lazy-aware wrappers cost more than the page
    # can spend on 500 rows; every value from the database goes through `e`.
    e = html.escape
    member, body = row.member, row.member.public_body
    reference = e(member.reference)
    tick = (
        f'<td><input type="checkbox" name="member" value="{member.pk}" '
        f'aria-label="Tick {e(body.name)}"></td>'
        if can_edit
        else ""
    )
    problem = f'<br><span class="badge">{e(row.problem)}</span>' if row.problem else ""
    overdue = (
        f'<span class="badge badge--overdue">{row.working_days_overdue}</span>'
        if row.is_overdue
        else "—"
    )
    answered = f'<br><span class="hint">{_day(row.answered_on)}</span>' if row.answered_on else ""
    marked = ' class="overdue"' if row.is_overdue else ""
    return (
        f'<tr{marked} data-reference="{reference}">{tick}'
        f'<td><a href="{urls.request}{reference}/">{e(body.name)}</a>'
        f'<br><span class="hint">{reference}</span>{problem}</td>'
        f"<td>{e(str(member.get_status_display()))}</td><td>{_day(member.next_due_on)}</td>"
        f"<td>{overdue}</td><td>{e(row.outcome or '—')}{answered}</td>"
        f"<td>{e(', '.join(row.exemptions) or '—')}</td><td>{_last_message(row, urls.message)}</td>"
        "</tr>"
    )


def _last_message(row: MemberRow, message_url: str) -> str:
    last = row.last_message
    if last is None:
        return "—"
    who = "from the body" if last.incoming else "from us"
    day = _day(timezone.localtime(last.sent_at).date())
    return f'<a href="{message_url}{last.pk}/">{day}</a> <span class="hint">{who}</span>'
