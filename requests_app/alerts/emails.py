"""Rendering alert emails: one template per kind, a text and an HTML part.

Every email names what is due and when in its subject, links to the request, gives the
reasoning behind the date, and carries a signed one-click unsubscribe link for its kind
(RFC 8058: `List-Unsubscribe` with `List-Unsubscribe-Post`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from requests_app.alerts.kinds import KINDS, AlertKind, Kind
from requests_app.deadlines.regimes import get_regime
from requests_app.models import Alert, DocumentPage, FoiRequest, Message, Status
from requests_app.models.accounts import signature_of
from requests_app.search.engine import document_page_url

UNSUBSCRIBE_SALT = "requests_app.alerts.unsubscribe"
ALL_KINDS = "all"  # an unsubscribe token for every kind: it pauses all alerts
TITLE_LENGTH = 80

_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# --- unsubscribe tokens --------------------------------------------------------------


@dataclass(frozen=True)
class Unsubscribe:
    user_id: int
    kind: str  # an alert kind, or ALL_KINDS


def unsubscribe_token(user_id: int, kind: str) -> str:
    # No expiry: an unsubscribe link in an old email must still work.
    return signing.dumps({"user": user_id, "kind": kind}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> Unsubscribe | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    kind = data.get("kind") if isinstance(data, dict) else None
    user_id = data.get("user") if isinstance(data, dict) else None
    if not isinstance(user_id, int) or (kind not in KINDS and kind != ALL_KINDS):
        return None
    return Unsubscribe(user_id, kind)


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_url(user_id: int, kind: str) -> str:
    token = unsubscribe_token(user_id, kind)
    return absolute(reverse("alert_unsubscribe", kwargs={"token": token}))


# --- dates and subjects --------------------------------------------------------------


def day_phrase(day: dt.date, today: dt.date | None = None) -> str:
    """'Wed 31 Dec', with the year when it is not this year's."""
    today = today or timezone.localdate()
    phrase = f"{_DAY_NAMES[day.weekday()]} {day.day} {_MONTH_NAMES[day.month - 1]}"
    return phrase if day.year == today.year else f"{phrase} {day.year}"


def request_of(alert: Alert) -> FoiRequest:
    """The request an alert is about (every kind but the test alert has one)."""
    if alert.request is None:
        raise ValueError(f"alert {alert.pk} ({alert.kind}) is about no request")
    return alert.request


def when_phrase(alert: Alert) -> str:
    """What the date in the subject is: 'due Wed 31 Dec', 'window closes Fri 13 Feb'."""
    day = alert.deadline
    if alert.kind == Kind.VERY_OVERDUE:
        day = request_of(alert).next_due_on or request_of(alert).due_on or day
    template = _WHEN.get(alert.kind, "due {day}")
    return template.format(day=day_phrase(day))


_WHEN: dict[str, str] = {
    Kind.DUE_TODAY: "due today, {day}",
    Kind.EXTENDED_OVERDUE: "extended to {day}",
    Kind.REVIEW_OVERDUE: "review due {day}",
    Kind.REGULATOR_WINDOW_CLOSING: "window closes {day}",
    Kind.CLARIFICATION_OWED: "asked {day}",
    Kind.NEW_CORRESPONDENCE: "received {day}",
    Kind.SAVED_SEARCH_MATCH: "matched {day}",
    Kind.REVIEW_REQUEST_CLOSING: "ask by {day}",
    Kind.DEADLINES_MOVED: "{day} is now a non-working day",
}


def body_name(foi_request: FoiRequest) -> str:
    body = foi_request.public_body
    return body.short_name or body.name


def subject_for(alert: Alert) -> str:
    """'Overdue: NAO — IAPT performance data, due Wed 31 Dec' on a single line."""
    kind = KINDS[alert.kind]
    foi_request = request_of(alert)
    title = " ".join(foi_request.title.split())
    if len(title) > TITLE_LENGTH:
        title = title[: TITLE_LENGTH - 1].rstrip() + "…"
    return f"{kind.headline}: {body_name(foi_request)} — {title}, {when_phrase(alert)}"


# --- context -------------------------------------------------------------------------


def explanation_field(kind: AlertKind, foi_request: FoiRequest) -> str | None:
    """The stored deadline whose reasoning the email shows."""
    if kind.date_field != "next_due_on":
        return kind.date_field
    if foi_request.status == Status.AWAITING_REVIEW:
        return "review_due_on"
    return "extended_due_on" if foi_request.extended_due_on else "due_on"


def explanation_for(alert: Alert) -> dict[str, Any] | None:
    foi_request = request_of(alert)
    field = explanation_field(KINDS[alert.kind], foi_request)
    stored = (foi_request.deadline_explanations or {}).get(field or "")
    if not isinstance(stored, dict):
        return None
    explanation = stored.get("explanation", stored)
    return explanation if isinstance(explanation, dict) else None


def alert_context(alert: Alert) -> dict[str, Any]:
    foi_request = request_of(alert)
    kind = KINDS[alert.kind]
    context = {
        "alert": alert,
        "kind": kind,
        "foi_request": foi_request,
        "body_name": foi_request.public_body.name,
        "regime": get_regime(foi_request.regime),
        "deadline": alert.deadline,
        "deadline_phrase": day_phrase(alert.deadline),
        "when": when_phrase(alert),
        "explanation": explanation_for(alert),
        "request_url": absolute(foi_request.get_absolute_url()),
        "history_url": absolute(reverse("request_alerts", args=[foi_request.reference])),
        "preferences_url": absolute(reverse("alert_preferences")),
        "unsubscribe_url": unsubscribe_url(alert.user_id, alert.kind),
        "site_url": settings.SITE_URL,
        "signature": signature_of(alert.user),
    }
    if alert.kind == Kind.NEW_CORRESPONDENCE:
        context["new_messages"] = new_messages(alert)
    if alert.kind == Kind.SAVED_SEARCH_MATCH:
        context["searches"] = list(alert.details.get("searches", []))
        context["matched_items"] = matched_items(alert)
    if alert.kind == Kind.DEADLINES_MOVED:
        context["moves"] = list(alert.details.get("moves", []))
    if kind.letter:
        context["letter"] = render_to_string(f"emails/alerts/letters/{kind.letter}.txt", context)
    return context


def new_messages(alert: Alert) -> list[Message]:
    ids = [pk for pk in alert.details.get("message_ids", []) if isinstance(pk, int)]
    return list(Message.objects.filter(pk__in=ids, request_id=alert.request_id).order_by("sent_at"))


@dataclass(frozen=True)
class MatchedItem:
    """A message or a document page that matched a saved search, with its link."""

    label: str
    title: str
    url: str


def matched_items(alert: Alert) -> list[MatchedItem]:
    """What matched, as saved in the alert: messages and pages of its own request only."""
    wanted: dict[str, list[int]] = {"message": [], "page": []}
    for kind, object_id in alert.details.get("items", []):
        if kind in wanted and isinstance(object_id, int):
            wanted[kind].append(object_id)
    messages = Message.objects.filter(pk__in=wanted["message"], request_id=alert.request_id)
    pages = DocumentPage.objects.select_related("attachment").filter(
        pk__in=wanted["page"], attachment__message__request_id=alert.request_id
    )
    request_url = absolute(request_of(alert).get_absolute_url())
    found = [
        MatchedItem("Correspondence", str(message), f"{request_url}#message-{message.pk}")
        for message in messages.order_by("sent_at", "pk")
    ]
    found += [
        MatchedItem(
            "Document page",
            f"{page.attachment.filename}, page {page.number}",
            absolute(document_page_url(page.attachment_id, page.number)),
        )
        for page in pages.order_by("attachment_id", "number")
    ]
    return found


# --- messages ------------------------------------------------------------------------


def alert_email(alert: Alert, connection: BaseEmailBackend | None = None) -> EmailMultiAlternatives:
    if alert.kind == Kind.TEST:
        return test_alert_email(alert, connection)
    context = alert_context(alert)
    return _message(
        subject=subject_for(alert),
        to=alert.user.email,
        text=render_to_string(f"emails/alerts/{alert.kind}.txt", context),
        html=render_to_string(f"emails/alerts/{alert.kind}.html", context),
        unsubscribe=context["unsubscribe_url"],
        connection=connection,
    )


def test_alert_email(
    alert: Alert, connection: BaseEmailBackend | None = None
) -> EmailMultiAlternatives:
    """The alert a user asks for to see that mail from the app reaches them."""
    context: dict[str, Any] = {
        "user": alert.user,
        "account_url": absolute(reverse("account")),
        "preferences_url": absolute(reverse("alert_preferences")),
        "unsubscribe_url": unsubscribe_url(alert.user_id, ALL_KINDS),
    }
    return _message(
        subject="Test alert: FOI Tracker can reach you",
        to=alert.user.email,
        text=render_to_string("emails/alerts/test.txt", context),
        html=render_to_string("emails/alerts/test.html", context),
        unsubscribe=context["unsubscribe_url"],
        connection=connection,
    )


def digest_email(
    alerts: Sequence[Alert], connection: BaseEmailBackend | None = None
) -> EmailMultiAlternatives:
    user = alerts[0].user
    items = [alert_context(alert) | {"subject": subject_for(alert)} for alert in alerts]
    count = len(alerts)
    plural = "" if count == 1 else "s"
    subject = f"FOI Tracker digest: {count} alert{plural}, {day_phrase(timezone.localdate())}"
    context: dict[str, Any] = {
        "items": items,
        "user": user,
        "preferences_url": absolute(reverse("alert_preferences")),
        "unsubscribe_url": unsubscribe_url(user.pk, ALL_KINDS),
    }
    return _message(
        subject=subject,
        to=user.email,
        text=render_to_string("emails/alerts/digest.txt", context),
        html=render_to_string("emails/alerts/digest.html", context),
        unsubscribe=context["unsubscribe_url"],
        connection=connection,
    )


def _message(
    *,
    subject: str,
    to: str,
    text: str,
    html: str,
    unsubscribe: str,
    connection: BaseEmailBackend | None,
) -> EmailMultiAlternatives:
    headers = {
        # RFC 8058 one-click unsubscribe; RFC 3834: no auto-replies to a machine.
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    message = EmailMultiAlternatives(
        subject=subject, body=text, to=[to], headers=headers, connection=connection
    )
    message.attach_alternative(html, "text/html")
    return message
