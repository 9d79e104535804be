"""The case summary: one document that tells a request's story with its dates.

Cover, deadline ledger with the statutory reasoning, timeline, exemptions, the
correspondence in full, the attachments, notes and next steps. The same template gives the
PDF (WeasyPrint) and the HTML print view. Query count is constant in the number of
messages, events and attachments.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import IO, Any

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from requests_app.deadlines.calendars import Calendar
from requests_app.deadlines.counting import long_date
from requests_app.models import (
    Attachment,
    EventKind,
    Exemption,
    FoiRequest,
    Message,
    NonWorkingDay,
    RequestEvent,
    Status,
)
from requests_app.models.requests import deadline_calendar
from requests_app.redaction.services import use_disclosable_texts
from requests_app.reports import pdf
from requests_app.reports.next_steps import CaseDates, next_steps, the

TEMPLATE = "pdf/case_summary.html"

# The stored deadlines, in the order the ledger shows them, with their labels.
DEADLINE_LABELS = {
    "due_on": "Response due",
    "extended_due_on": "Extended deadline",
    "very_overdue_on": "Very overdue from",
    "review_due_on": "Internal review due",
    "escalation_closes_on": "Complaint window closes",
}

FILE_TYPE_NAMES = {
    "application/pdf": "PDF",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "image/tiff": "TIFF image",
    "text/plain": "Text",
    "text/csv": "CSV table",
    "text/html": "Web page",
    "application/zip": "Zip archive",
    "message/rfc822": "Email",
    "application/vnd.ms-outlook": "Outlook message",
    "application/msword": "Word document (.doc)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
    "application/vnd.ms-excel": "Excel workbook (.xls)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel workbook",
    "application/vnd.oasis.opendocument.text": "OpenDocument text",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument spreadsheet",
    "application/rtf": "Rich text",
}


def file_type_name(content_type: str) -> str:
    return FILE_TYPE_NAMES.get(content_type.split(";")[0].strip().lower(), content_type or "—")


@dataclass(frozen=True)
class AttachmentRow:
    attachment: Attachment
    type_name: str


@dataclass(frozen=True)
class LedgerRow:
    label: str
    on: dt.date | None = None
    text: str = ""
    note: str = ""
    is_current: bool = False
    is_late: bool = False


@dataclass(frozen=True)
class Reasoning:
    label: str
    due: dt.date
    summary: str
    steps: list[str]
    rule: str


@dataclass(frozen=True)
class TimelineEntry:
    on: dt.date
    order: tuple[dt.date, dt.datetime, int]
    title: str
    lines: list[str]
    anchor: str = ""


@dataclass(frozen=True)
class Ledger:
    """The facts of the ledger; the rows are built from them."""

    started_on: dt.date | None
    answered_on: dt.date | None
    answer_deadline: dt.date | None
    working_days_taken: int | None
    working_days_overdue: int | None
    calendar_days_overdue: int | None
    review_requested_on: dt.date | None
    review_decided_on: dt.date | None


@dataclass
class CaseRecord:
    """A request with everything the documents show, loaded in a fixed number of queries."""

    foi_request: FoiRequest
    events: list[RequestEvent]
    messages: list[Message]
    attachments: list[Attachment]
    exemptions: list[Exemption]
    calendar: Calendar


@dataclass
class CaseSummary:
    record: CaseRecord
    today: dt.date
    ledger: Ledger
    ledger_rows: list[LedgerRow]
    reasoning: list[Reasoning]
    timeline: list[TimelineEntry]
    next_steps: list[str]
    status_line: str
    is_overdue: bool
    attachments_by_message: dict[int, list[Attachment]] = field(default_factory=dict)

    @property
    def foi_request(self) -> FoiRequest:
        return self.record.foi_request


def load_case(foi_request: FoiRequest) -> CaseRecord:
    """The request and its events, messages, attachments and exemptions."""
    foi_request = (
        FoiRequest.objects.select_related("public_body", "campaign", "owner")
        .prefetch_related(Prefetch("exemptions", queryset=Exemption.objects.order_by("law", "id")))
        .get(pk=foi_request.pk)
    )
    events = list(foi_request.events.select_related("actor").order_by("on", "created_at", "id"))
    # Documents made from the case show the redacted copy of a letter's text where there is one.
    messages = use_disclosable_texts(list(foi_request.messages.order_by("sent_at", "id")))
    attachments = list(
        Attachment.objects.filter(message__request=foi_request)
        .select_related("message")
        .order_by("message__sent_at", "message_id", "id")
    )
    body = foi_request.public_body
    calendar = deadline_calendar(
        foi_request.regime, body.nation, NonWorkingDay.engine_days(), body.subdivision
    )
    return CaseRecord(
        foi_request=foi_request,
        events=events,
        messages=messages,
        attachments=attachments,
        exemptions=list(foi_request.exemptions.all()),
        calendar=calendar,
    )


# --- the ledger ----------------------------------------------------------------------


def _first(events: list[RequestEvent], kind: str) -> dt.date | None:
    return next((event.on for event in events if event.kind == kind), None)


def _last(events: list[RequestEvent], kind: str) -> dt.date | None:
    days = [event.on for event in events if event.kind == kind]
    return days[-1] if days else None


def build_ledger(record: CaseRecord, today: dt.date) -> Ledger:
    foi_request = record.foi_request
    started = foi_request.clock_started_on
    answered = _first(record.events, EventKind.RESPONSE)
    deadline = foi_request.extended_due_on or foi_request.due_on
    # While the body still owes a first answer, time is counted up to today.
    still_waiting = answered is None and foi_request.status in (
        Status.AWAITING_RESPONSE,
        Status.EXTENDED,
    )
    counted_to = answered or (today if still_waiting else None)
    taken = overdue = late_days = None
    if started is not None and counted_to is not None:
        taken = record.calendar.working_days_between(started, counted_to)
    if deadline is not None and counted_to is not None:
        overdue = max(0, record.calendar.working_days_between(deadline, counted_to))
        late_days = max(0, (counted_to - deadline).days)
    return Ledger(
        started_on=started,
        answered_on=answered,
        answer_deadline=deadline,
        working_days_taken=taken,
        working_days_overdue=overdue,
        calendar_days_overdue=late_days,
        review_requested_on=_last(record.events, EventKind.REVIEW_REQUESTED),
        review_decided_on=_last(record.events, EventKind.REVIEW_DECIDED),
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def overdue_text(ledger: Ledger) -> str:
    if ledger.working_days_overdue is None:
        return "—"
    if ledger.working_days_overdue == 0 and not ledger.calendar_days_overdue:
        return "None: on time" if ledger.answered_on else "None so far"
    working = _plural(ledger.working_days_overdue, "working day")
    return f"{working} ({_plural(ledger.calendar_days_overdue or 0, 'calendar day')})"


def ledger_rows(foi_request: FoiRequest, ledger: Ledger, today: dt.date) -> list[LedgerRow]:
    current = foi_request.next_due_on if foi_request.is_waiting else None
    late = bool(ledger.working_days_overdue)
    return [
        LedgerRow("Sent", foi_request.sent_on, "" if foi_request.sent_on else "Not sent yet"),
        LedgerRow(
            "Received by the body (day 0)",
            ledger.started_on,
            "" if ledger.started_on else "—",
            note="" if foi_request.received_on else "taken to be the day it was sent",
        ),
        _deadline_row(foi_request, "due_on", current),
        _deadline_row(foi_request, "extended_due_on", current, empty="No extension"),
        LedgerRow("Answered on", ledger.answered_on, "" if ledger.answered_on else "Not yet"),
        LedgerRow(
            "Working days taken",
            text="—" if ledger.working_days_taken is None else str(ledger.working_days_taken),
            note=_taken_note(ledger, today),
        ),
        LedgerRow("Days overdue", text=overdue_text(ledger), is_late=late, note=_late_note(ledger)),
        _deadline_row(foi_request, "very_overdue_on", current),
        LedgerRow("Internal review requested", ledger.review_requested_on, _not_yet(ledger)),
        _deadline_row(foi_request, "review_due_on", current),
        LedgerRow(
            "Internal review decided",
            ledger.review_decided_on,
            "" if ledger.review_decided_on else "—",
        ),
        _deadline_row(
            foi_request,
            "escalation_closes_on",
            current,
            note=f"last day to complain to {the(foi_request.regime_info.regulator)}",
        ),
    ]


def _not_yet(ledger: Ledger) -> str:
    return "" if ledger.review_requested_on else "Not requested"


def _deadline_row(
    foi_request: FoiRequest,
    name: str,
    current: dt.date | None,
    empty: str = "—",
    note: str = "",
) -> LedgerRow:
    on = getattr(foi_request, name)
    is_current = on is not None and on == current
    notes = ["current deadline" if is_current else "", note if on else ""]
    return LedgerRow(
        DEADLINE_LABELS[name],
        on,
        "" if on else empty,
        note="; ".join(part for part in notes if part),
        is_current=is_current,
    )


def _taken_note(ledger: Ledger, today: dt.date) -> str:
    if ledger.working_days_taken is None:
        return ""
    if ledger.answered_on:
        return "from day 0 to the answer"
    return f"from day 0 to today, {long_date(today)}; no answer yet"


def _late_note(ledger: Ledger) -> str:
    if not ledger.working_days_overdue or ledger.answer_deadline is None:
        return ""
    return f"after the deadline of {long_date(ledger.answer_deadline)}"


def reasoning(foi_request: FoiRequest) -> list[Reasoning]:
    explanations = foi_request.deadline_explanations or {}
    items = []
    for name, label in DEADLINE_LABELS.items():
        on, explanation = getattr(foi_request, name), explanations.get(name)
        if on is None or not explanation:
            continue
        items.append(
            Reasoning(
                label=label,
                due=on,
                summary=str(explanation.get("summary", "")),
                steps=[str(step) for step in explanation.get("steps", [])],
                rule=str(explanation.get("rule", "")),
            )
        )
    return items


# --- the timeline --------------------------------------------------------------------


def _event_lines(event: RequestEvent) -> list[str]:
    details = event.details or {}
    labels = dict(Status.choices)
    lines = []
    if details.get("status_to"):
        before = labels.get(details.get("status_from", ""), details.get("status_from", ""))
        lines.append(f"Status: {before} → {labels.get(details['status_to'], details['status_to'])}")
    if details.get("outcome"):
        lines.append(f"Outcome: {labels.get(details['outcome'], details['outcome'])}")
    if event.new_due_on:
        lines.append(f"New date given by the body: {long_date(event.new_due_on)}")
    if event.note:
        lines.append(event.note)
    if event.actor:
        lines.append(f"Recorded by {event.actor.get_username()}")
    return lines


def message_day(message: Message) -> dt.date:
    return timezone.localtime(message.sent_at).date()


def timeline(record: CaseRecord) -> list[TimelineEntry]:
    """Events and messages merged by date; a logged message is shown as itself."""
    entries = [
        TimelineEntry(
            on=event.on,
            order=(event.on, event.created_at, event.pk),
            title=event.get_kind_display(),
            lines=_event_lines(event),
        )
        for event in record.events
        if event.kind != EventKind.MESSAGE_LOGGED
    ]
    entries += [
        TimelineEntry(
            on=message_day(message),
            order=(message_day(message), message.sent_at, message.pk),
            title=f"{message.get_direction_display()}: {message.subject or '(no subject)'}",
            lines=[f"{message.get_channel_display()} · {message.get_kind_display()}"],
            anchor=f"message-{message.pk}",
        )
        for message in record.messages
    ]
    return sorted(entries, key=lambda entry: entry.order)


# --- the whole summary ---------------------------------------------------------------


def status_line(record: CaseRecord, ledger: Ledger, today: dt.date) -> str:
    foi_request = record.foi_request
    status = foi_request.get_status_display()
    due = foi_request.next_due_on
    if foi_request.is_overdue(today) and due is not None:
        late = _plural(record.calendar.working_days_between(due, today), "working day")
        return f"{status}: was due on {long_date(due)}, now {late} overdue"
    if foi_request.is_waiting and due is not None:
        return f"{status}: due by {long_date(due)}"
    if ledger.answered_on:
        return f"{status}: answered on {long_date(ledger.answered_on)}"
    return str(status)


def summarise_case(record: CaseRecord, today: dt.date) -> CaseSummary:
    foi_request = record.foi_request
    ledger = build_ledger(record, today)
    dates = CaseDates(
        today=today,
        responded_on=_last(record.events, EventKind.RESPONSE),
        review_decided_on=ledger.review_decided_on,
        decision_notice_on=_last(record.events, EventKind.DECISION_NOTICE),
        working_days_overdue=ledger.working_days_overdue,
    )
    by_message: dict[int, list[Attachment]] = {}
    for attachment in record.attachments:
        by_message.setdefault(attachment.message_id, []).append(attachment)
    return CaseSummary(
        record=record,
        today=today,
        ledger=ledger,
        ledger_rows=ledger_rows(foi_request, ledger, today),
        reasoning=reasoning(foi_request),
        timeline=timeline(record),
        next_steps=next_steps(foi_request=foi_request, dates=dates, calendar=record.calendar),
        status_line=status_line(record, ledger, today),
        is_overdue=foi_request.is_overdue(today),
        attachments_by_message=by_message,
    )


def summary_context(
    record: CaseRecord, today: dt.date, *, for_screen: bool = False
) -> dict[str, Any]:
    """What the case summary template shows, from an already loaded case."""
    summary = summarise_case(record, today)
    return {
        "summary": summary,
        "foi_request": record.foi_request,
        "regime": record.foi_request.regime_info,
        "messages": [
            (message, summary.attachments_by_message.get(message.pk, []))
            for message in record.messages
        ],
        "attachments": [
            AttachmentRow(attachment, file_type_name(attachment.content_type))
            for attachment in record.attachments
        ],
        "exemptions": record.exemptions,
        "today": today,
        "for_screen": for_screen,
    }


def case_summary_context(
    *, foi_request: FoiRequest, today: dt.date, for_screen: bool = False
) -> dict[str, Any]:
    return summary_context(load_case(foi_request), today, for_screen=for_screen)


def build_case_summary(*, foi_request: FoiRequest, today: dt.date) -> bytes:
    """The case summary as PDF bytes (A4, fonts embedded)."""
    return pdf.render_pdf(TEMPLATE, case_summary_context(foi_request=foi_request, today=today))


def write_case_summary(*, foi_request: FoiRequest, today: dt.date, output: IO[bytes]) -> int:
    """Write the case summary to `output`; returns its number of pages."""
    context = case_summary_context(foi_request=foi_request, today=today)
    document = pdf.render_document(TEMPLATE, context)
    document.write_pdf(output)
    return len(document.pages)


def render_case_summary_html(*, foi_request: FoiRequest, today: dt.date) -> str:
    """The print view: the same template, with a screen stylesheet and no embedded fonts."""
    context = case_summary_context(foi_request=foi_request, today=today, for_screen=True)
    return render_to_string(TEMPLATE, {"font_faces": "", **context})
