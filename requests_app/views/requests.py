"""The request list, a request's page, and creating and editing requests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from requests_app.audit import snapshot
from requests_app.casework.body_addresses import address_offer
from requests_app.casework.filters import FoiRequestFilter, sort_requests
from requests_app.casework.forms import (
    USER_EVENT_KINDS,
    EventForm,
    FoiRequestForm,
    event_form_class,
)
from requests_app.casework.services import AUDITED_FIELDS, record_creation, record_edit
from requests_app.chasers.forms import chaser_rule_form
from requests_app.mail.forms import MessageForm
from requests_app.mail.views import review_context
from requests_app.models import (
    Attachment,
    ChaserStatus,
    EventKind,
    FoiRequest,
    LetterRow,
    Message,
    NonWorkingDay,
    RequestEvent,
    SendStatus,
    Status,
)
from requests_app.models.requests import (
    STATUS_AFTER_EVENT,
    extension_left_to_body,
    extension_rule_words,
)
from requests_app.reports.next_steps import next_action
from requests_app.templatetags.foi_tags import url_filler
from requests_app.views.access import (
    can_edit_request,
    editable_request,
    signed_in_user,
)
from requests_app.views.body_addresses import BodyAddressForm, ChosenBodyAddressForm
from requests_app.views.listing import (
    deadline_rows,
    paginate,
    table_rows,
    versioned_count_key,
)
from requests_app.views.page_cache import cached_page
from requests_app.views.saved import from_script, vary_on_script

# The stored deadlines a request can have, as the detail page names them.
DEADLINE_LABELS = {
    "due_on": "Response due",
    "extended_due_on": "Extended deadline",
    "review_due_on": "Internal review due",
    "review_request_closes_on": "Ask for an internal review by",
    "very_overdue_on": "Very overdue from",
    "escalation_closes_on": "Window to complain to the regulator closes",
}


# The filters that read only columns `counts_version` watches (the overdue box reads the
# day too): a list narrowed by these alone keeps its count under the version.
VERSIONED_FILTERS = frozenset({"status", "campaign", "public_body", "overdue"})


def request_filterset(request: HttpRequest) -> FoiRequestFilter:
    visible = FoiRequest.objects.visible_to(request.user).with_list_relations()
    return FoiRequestFilter(request.GET, queryset=visible, request=request)


def filtered_requests(request: HttpRequest, filterset: FoiRequestFilter) -> Any:
    """The filtered, sorted requests; none at all while the filters have errors."""
    if not filterset.is_valid():
        return filterset.queryset.none()
    return sort_requests(filterset.qs, request.GET.get("sort"))


@login_required
@cached_page
def request_list(request: HttpRequest) -> HttpResponse:
    return render_request_list(request, request_filterset(request))


def render_request_list(
    request: HttpRequest, filterset: FoiRequestFilter, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    found = table_rows(filtered_requests(request, filterset))
    page = paginate(request, found, count_key=list_count_key(request, filterset, today))
    context = {
        "filter": filterset,
        "page": page,
        "rows": deadline_rows(page.object_list, today, NonWorkingDay.engine_days()),
        "sort": request.GET.get("sort") or "due",
    }
    return render(request, "requests_app/request_list.html", context, status=status)


def list_count_key(request: HttpRequest, filterset: FoiRequestFilter, today: dt.date) -> str | None:
    """The cache key of the list's count, or None when a filter reads other columns."""
    if not filterset.is_valid():
        return None
    chosen = {name: value for name, value in filterset.form.cleaned_data.items() if value}
    if not chosen.keys() <= VERSIONED_FILTERS:
        return None
    campaign = chosen.get("campaign")
    body = chosen.get("public_body")
    return versioned_count_key(
        request,
        ",".join(sorted(chosen.get("status", ()))),
        campaign.pk if campaign else "",
        body.pk if body else "",
        today.isoformat() if chosen.get("overdue") else "",
    )


# --- one request -------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineItem:
    label: str
    on: dt.date
    explanation: dict[str, Any]
    is_current: bool
    # The statute's words where the date is the body's own, not a count ("OIA s.15A: …").
    bodys_date_rule: str = ""


@dataclass(frozen=True)
class TimelineEntry:
    """One row of the request's history: a message or an event."""

    sort_key: tuple[dt.date, dt.datetime]
    message: LetterRow | None = None
    event: RequestEvent | None = None
    attachments: tuple[Attachment, ...] = ()


def deadline_items(foi_request: FoiRequest) -> list[DeadlineItem]:
    """The dates that still apply, each with its reasoning."""
    explanations = foi_request.deadline_explanations or {}
    live = foi_request.live_dates()
    items = []
    for field, label in DEADLINE_LABELS.items():
        on = live.get(field)
        if on is not None:
            explanation = explanations.get(field) or {}
            is_current = foi_request.is_waiting and on == foi_request.next_due_on
            rule = bodys_date_rule(foi_request) if field == "extended_due_on" else ""
            if rule:
                label = "Extended deadline — the body's date"
            items.append(DeadlineItem(label, on, explanation, is_current, rule))
    return items


def bodys_date_rule(foi_request: FoiRequest) -> str:
    """The statute's words when the extended date is one the body gave, else ""."""
    if not extension_left_to_body(foi_request.regime_info):
        return ""
    return extension_rule_words(foi_request.regime_info)


def timeline(foi_request: FoiRequest) -> list[TimelineEntry]:
    """Messages (with their attachments) and events, merged in date order."""
    letters = foi_request.messages.letter_rows()
    attachments = attachments_by_letter(foi_request)
    # A logged message already appears as itself; its bookkeeping event would repeat it.
    events = foi_request.events.exclude(kind=EventKind.MESSAGE_LOGGED).select_related("actor")
    zone = timezone.get_current_timezone()
    entries = [
        TimelineEntry(
            (letter.sent_at.astimezone(zone).date(), letter.sent_at),
            letter,
            attachments=tuple(attachments.get(letter.pk, ())),
        )
        for letter in letters
    ]
    entries += [TimelineEntry((event.on, event.created_at), event=event) for event in events]
    return sorted(entries, key=lambda entry: entry.sort_key)


def attachments_by_letter(foi_request: FoiRequest) -> dict[int, list[Attachment]]:
    """Every letter's attachments in one query, grouped in Python: prefetch_related
    builds a queryset per letter, which for a long correspondence cost more than the
    query itself (and so did a list of every letter's id as its parameters)."""
    grouped: dict[int, list[Attachment]] = {}
    for attachment in Attachment.objects.filter(message__request=foi_request).order_by("pk"):
        grouped.setdefault(attachment.message_id, []).append(attachment)
    return grouped


def event_choices(foi_request: FoiRequest) -> list[tuple[str, str]]:
    """The events worth offering in the request's present state."""
    if foi_request.status == Status.DRAFT:
        kinds = [EventKind.WITHDRAWN, EventKind.CLOSED]
    else:
        kinds = [kind for kind in USER_EVENT_KINDS if kind != EventKind.SENT]
    return [(kind.value, kind.label) for kind in kinds]


@login_required
@cached_page
def request_detail(request: HttpRequest, reference: str) -> HttpResponse:
    visible = FoiRequest.objects.visible_to(request.user)
    visible = visible.select_related("public_body", "campaign", "owner")
    foi_request = get_object_or_404(visible, reference=reference)
    today = timezone.localdate()
    can_edit = can_edit_request(request, foi_request)
    entries = timeline(foi_request)
    letters = [entry.message for entry in entries if entry.message is not None]
    newest_reply = newest_reply_to_review(letters)
    reply_to_review = newest_reply.as_message(foi_request) if newest_reply else None
    days_left = foi_request.working_days_left(today, NonWorkingDay.engine_days())
    events = [entry.event for entry in entries if entry.event is not None]
    context = {
        "foi_request": foi_request,
        "today": today,
        "days_left": days_left,
        "next_action": next_action(
            foi_request=foi_request, events=events, today=today, days_left=days_left
        ),
        # A reply waits for review: it may well be the answer, so the request is not
        # called overdue until someone has said what it is.
        "is_overdue": foi_request.is_overdue(today) and reply_to_review is None,
        "reply_to_review": reply_to_review,
        "letters_sending": [item for item in letters if item.send_status == SendStatus.QUEUED],
        "deadlines": deadline_items(foi_request),
        "body_date_rule": bodys_date_rule(foi_request),
        "timeline": entries,
        "letters": letters,
        "can_edit": can_edit,
    }
    if can_edit:
        context |= action_forms(foi_request)
        context |= reply_forms(request, foi_request, letters, reply_to_review)
    # The page's script asks for the content alone, to put in place after a change.
    template = "_request_page.html" if from_script(request) else "request_detail.html"
    return vary_on_script(render(request, f"requests_app/{template}", context))


def newest_reply_to_review(letters: list[LetterRow]) -> LetterRow | None:
    waiting = [item for item in letters if item.awaits_review]
    return max(waiting, key=lambda item: (item.sent_at, item.pk)) if waiting else None


def reply_forms(
    request: HttpRequest,
    foi_request: FoiRequest,
    letters: list[LetterRow],
    reply_to_review: Message | None,
) -> dict[str, Any]:
    """The one-step review of a new reply, an address learned from it, and chasers."""
    body = foi_request.public_body
    here = foi_request.get_absolute_url()
    context: dict[str, Any] = {
        "address_offer": address_offer(letters, body, request.user),
        "chaser_form": chaser_rule_form(foi_request),
        "chaser_to_approve": foi_request.chasers.filter(
            status=ChaserStatus.AWAITING_APPROVAL
        ).first(),
    }
    if context["address_offer"]:
        context["offer_form"] = BodyAddressForm(
            initial={"email": context["address_offer"], "next": here}
        )
    if reply_to_review is not None:
        context |= review_context(reply_to_review)
    return context


def status_choices(foi_request: FoiRequest) -> list[tuple[str, str]]:
    """The events offered now that change the status and need no more than a date."""
    return [
        (kind, label)
        for kind, label in event_choices(foi_request)
        if STATUS_AFTER_EVENT[kind] is not None and event_form_class(kind) is EventForm
    ]


def action_forms(foi_request: FoiRequest) -> dict[str, Any]:
    sent_form = None
    if foi_request.status == Status.DRAFT:
        sent_form = EventForm(kind=EventKind.SENT, foi_request=foi_request, auto_id="sent_%s")
    choices = status_choices(foi_request)
    return {
        "message_form": MessageForm(auto_id="message_%s"),
        "sent_form": sent_form,
        "event_links": event_links(foi_request, event_choices(foi_request)),
        # One date for whichever status button is pressed (each posts to its own event).
        "status_form": (
            EventForm(kind=choices[0][0], foi_request=foi_request, auto_id="status_%s")
            if choices
            else None
        ),
        "status_buttons": event_links(foi_request, choices),
    }


def event_links(foi_request: FoiRequest, choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each event's URL and label, the URL reversed once for all of them."""
    url = url_filler("event_create", "kind", reference=foi_request.reference)
    return [(url(kind), label) for kind, label in choices]


# --- creating and editing ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    data = request.POST if request.method == "POST" else None
    initial = {"public_body": request.GET.get("public_body")}
    form = FoiRequestForm(data, initial=initial, user=user)
    if form.is_valid():
        foi_request = create_request(form, user, request)
        messages.success(request, f"{foi_request.reference} has been logged.")
        warn_of_future_sent_date(request, form)
        return redirect(foi_request)
    address_form = ChosenBodyAddressForm(
        initial={"body": initial["public_body"], "next": request.get_full_path()},
        auto_id="address_%s",
    )
    context = {"form": form, "address_form": address_form}
    return render(request, "requests_app/request_form.html", context)


def warn_of_future_sent_date(request: HttpRequest, form: FoiRequestForm) -> None:
    if form.sent_in_future():
        sent_on = form.cleaned_data["sent_on"]
        messages.warning(
            request,
            f"The sent date, {sent_on:%A} {sent_on.day} {sent_on:%B %Y}, is in the future: "
            "the deadlines count from it. Correct it if it was a slip.",
        )


def create_request(
    form: FoiRequestForm, user: User, http_request: HttpRequest | None = None
) -> FoiRequest:
    with transaction.atomic():
        foi_request: FoiRequest = form.save(commit=False)
        foi_request.owner = user
        foi_request.save()
        form.save_m2m()
        record_creation(foi_request, user, http_request=http_request)
    return foi_request


@login_required
@require_http_methods(["GET", "POST"])
def request_edit(request: HttpRequest, reference: str) -> HttpResponse:
    foi_request = editable_request(request, reference)
    user = signed_in_user(request)
    data = request.POST if request.method == "POST" else None
    # Taken before the form checks the data: checking writes it onto the instance.
    before = snapshot(foi_request, AUDITED_FIELDS) if data is not None else None
    form = FoiRequestForm(data, instance=foi_request, user=user)
    if form.is_valid():
        save_edit(form, user, before=before, http_request=request)
        messages.success(request, "Your changes have been saved.")
        warn_of_future_sent_date(request, form)
        return redirect(foi_request)
    context = {"form": form, "foi_request": foi_request}
    return render(request, "requests_app/request_form.html", context)


def save_edit(
    form: FoiRequestForm,
    user: User,
    *,
    before: dict[str, Any] | None = None,
    http_request: HttpRequest | None = None,
) -> None:
    """Save the form and record which fields changed; a draft given a sent date is sent."""
    changed = form.changed_data
    with transaction.atomic():
        foi_request: FoiRequest = form.save()
        record_edit(foi_request, user, before=before, changed=changed, http_request=http_request)
