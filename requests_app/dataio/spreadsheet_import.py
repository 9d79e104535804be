"""Importing a spreadsheet of requests a campaign already made.

Three steps, each safe to repeat: `guess_mapping` proposes which column is which field;
`plan_import` reads every row against that mapping without writing anything (the dry
run: per-row errors, bodies it does not know); `run_import` writes the plan in one
transaction. The dates given become the request's history through the model methods —
sent → `mark_sent`, response date and outcome → `record_response`, review dates → review
events — so the deadlines come out exactly as if each had been recorded by hand.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify

from requests_app.dataio.request_writer import NewRequest, PlannedEvent, write_requests
from requests_app.dataio.spreadsheets import append_xlsx_row
from requests_app.dataio.tables import Cell, Table, cell_text
from requests_app.deadlines.regimes import REGIMES
from requests_app.models import (
    Campaign,
    EventKind,
    FoiRequest,
    PublicBody,
    Role,
    Status,
    Tag,
    Visibility,
)

IGNORE = ""


@dataclass(frozen=True)
class ImportField:
    key: str
    label: str
    help: str
    aliases: tuple[str, ...] = ()
    required: bool = False


# The keys are also the column headers of the XLSX export, so an export imports again.
FIELDS: tuple[ImportField, ...] = (
    ImportField("title", "Title", "A short title for the request.", ("subject",), True),
    ImportField(
        "public_body",
        "Public body",
        "The body's full or short name.",
        ("body", "authority", "public authority", "organisation", "organization"),
        True,
    ),
    ImportField(
        "their_reference", "Their reference", "The body's reference.", ("their ref", "body ref")
    ),
    ImportField(
        "law", "Law", "FOIA, EIR, FOISA … or a code; blank for the body's usual law.", ("regime",)
    ),
    ImportField("campaign", "Campaign", "A campaign you edit, by name.", ()),
    ImportField("visibility", "Visibility", "“campaign” (default) or “private”.", ()),
    ImportField("tags", "Tags", "Separated by semicolons.", ("tag",)),
    ImportField("text", "Request text", "What was asked.", ("question", "request")),
    ImportField("notes", "Notes", "Your own notes.", ("note", "comments")),
    ImportField("sent_on", "Date sent", "YYYY-MM-DD or DD/MM/YYYY.", ("sent", "date sent")),
    ImportField(
        "received_on",
        "Date received",
        "When the body received it, if not the day it was sent.",
        ("received", "date received"),
    ),
    ImportField(
        "response_on",
        "Response date",
        "When the body answered.",
        ("response", "responded", "responded on", "date of response", "reply date"),
    ),
    ImportField(
        "outcome",
        "Outcome",
        "successful, partially successful, refused or not held.",
        ("result", "response outcome"),
    ),
    ImportField(
        "review_requested_on",
        "Review requested",
        "When an internal review was asked for.",
        ("internal review requested", "review requested on"),
    ),
    ImportField(
        "review_decided_on",
        "Review decided",
        "When the internal review came back.",
        ("internal review decided", "review decided on", "review date"),
    ),
    ImportField(
        "review_result",
        "Review result",
        "The status after the review: successful, partially successful, refused, not held "
        "or closed; blank keeps the response's outcome.",
        ("review outcome", "status after review"),
    ),
)
FIELD_BY_KEY = {spec.key: spec for spec in FIELDS}
DATE_FIELDS = ("sent_on", "received_on", "response_on", "review_requested_on", "review_decided_on")

# Columns of our own export that the import works out again instead of reading.
DERIVED_COLUMNS = {
    "reference": "a new reference is given",
    "status": "the status follows from the dates",
    "due on": "deadlines are worked out again",
    "extended due on": "deadlines are worked out again",
    "review due on": "deadlines are worked out again",
    "next due on": "deadlines are worked out again",
    "overdue": "deadlines are worked out again",
    "owner": "you become the owner",
}

UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TAG_SEPARATORS = re.compile(r"[;,]")
MAX_TAG_LENGTH = 80
MAX_TITLE_LENGTH = 255  # FoiRequest.title


def normalise_header(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


# --- mapping -------------------------------------------------------------------------------


def guess_mapping(headers: Sequence[str]) -> list[str]:
    """A field key (or IGNORE) for each column, from its header; each field used once."""
    names: dict[str, str] = {}
    for spec in FIELDS:
        for name in (spec.key, spec.label, *spec.aliases):
            names.setdefault(normalise_header(name), spec.key)
    mapping, used = [], set()
    for header in headers:
        key = names.get(normalise_header(header), IGNORE)
        if key in used:
            key = IGNORE
        used.add(key)
        mapping.append(key)
    return mapping


def mapping_problems(headers: Sequence[str], mapping: Sequence[str]) -> tuple[list[str], list[str]]:
    """(errors that stop the import, notes about columns that will be left out)."""
    errors, notes = [], []
    chosen = [key for key in mapping if key != IGNORE]
    unknown = sorted({key for key in chosen if key not in FIELD_BY_KEY})
    errors += [f"“{key}” is not a field that can be imported." for key in unknown]
    for key in sorted({key for key in chosen if chosen.count(key) > 1}):
        errors.append(f"Several columns are set to “{FIELD_BY_KEY[key].label}”; choose one.")
    for spec in FIELDS:
        if spec.required and spec.key not in chosen:
            errors.append(f"No column is set to “{spec.label}”, which every request needs.")
    for header, key in zip(headers, mapping, strict=False):
        if key == IGNORE:
            notes.append(ignored_column_note(header))
    return errors, notes


def ignored_column_note(header: str) -> str:
    reason = DERIVED_COLUMNS.get(normalise_header(header))
    if reason:
        return f"Column “{header}” is not imported: {reason}."
    if not header:
        return "A column without a header is not imported."
    return (
        f"Column “{header}” does not match any field and will not be imported; "
        "choose a field for it if it should be."
    )


# --- reading one row -----------------------------------------------------------------------


class RowError(Exception):
    pass


def parse_date(value: Cell, label: str) -> dt.date | None:
    """ISO (2026-01-31) or UK (31/01/2026) dates; spreadsheet date cells as they are."""
    if isinstance(value, dt.date):
        return value
    text = value.strip()
    if not text:
        return None
    try:
        if ISO_DATE.match(text):
            return dt.date.fromisoformat(text)
        found = UK_DATE.match(text)
        if found:
            day, month, year = (int(part) for part in found.groups())
            return dt.date(year, month, day)
    except ValueError:
        pass
    raise RowError(f"{label}: “{text}” is not a date; write it as YYYY-MM-DD or DD/MM/YYYY.")


OUTCOME_WORDS = {
    "successful": Status.SUCCESSFUL,
    "success": Status.SUCCESSFUL,
    "partially successful": Status.PARTIALLY_SUCCESSFUL,
    "partial": Status.PARTIALLY_SUCCESSFUL,
    "refused": Status.REFUSED,
    "rejected": Status.REFUSED,
    "not held": Status.NOT_HELD,
    "information not held": Status.NOT_HELD,
}
REVIEW_RESULT_WORDS = {**OUTCOME_WORDS, "closed": Status.CLOSED}


OUTCOME_NAMES = "successful, partially successful, refused or not held"


def parse_choice(text: str, words: Mapping[str, str], label: str, names: str) -> str:
    key = normalise_header(text)
    if key in words:
        return words[key]
    raise RowError(f"{label}: “{text}” should be {names}.")


REGIME_WORDS = {
    **{normalise_header(code): code for code in REGIMES},
    **{normalise_header(regime.short_name): code for code, regime in REGIMES.items()},
}


@dataclass
class RowPlan:
    number: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    body: PublicBody | None = None
    new_body_name: str = ""

    @property
    def is_valid(self) -> bool:
        return not self.errors


def read_row(number: int, cells: Sequence[Cell], mapping: Sequence[str]) -> RowPlan:
    plan = RowPlan(number)
    raw = {key: cells[index] for index, key in enumerate(mapping) if key != IGNORE}
    for key, value in raw.items():
        label = FIELD_BY_KEY[key].label
        try:
            plan.values[key] = parse_value(key, value, label)
        except RowError as error:
            plan.errors.append(str(error))
    for key in ("title", "public_body"):
        if not plan.values.get(key) and key in raw:
            plan.errors.append(f"{FIELD_BY_KEY[key].label} is empty.")
    plan.errors += date_order_problems(plan.values)
    return plan


def parse_value(key: str, value: Cell, label: str) -> Any:
    if key in DATE_FIELDS:
        return parse_date(value, label)
    text = cell_text(value)
    if key == "outcome" and text:
        return parse_choice(text, OUTCOME_WORDS, label, OUTCOME_NAMES)
    if key == "review_result" and text:
        return parse_choice(
            text,
            REVIEW_RESULT_WORDS,
            label,
            "successful, partially successful, refused, not held or closed",
        )
    if key == "law" and text:
        if normalise_header(text) not in REGIME_WORDS:
            raise RowError(f"{label}: “{text}” is not a law the tracker knows (FOIA, EIR, …).")
        return REGIME_WORDS[normalise_header(text)]
    if key == "visibility":
        return parse_visibility(text, label)
    if key == "tags":
        return [
            name.strip()[:MAX_TAG_LENGTH] for name in TAG_SEPARATORS.split(text) if name.strip()
        ]
    if key == "title" and len(text) > MAX_TITLE_LENGTH:
        raise RowError(f"{label} is longer than {MAX_TITLE_LENGTH} characters.")
    return text


def parse_visibility(text: str, label: str) -> str:
    word = normalise_header(text)
    if word in ("", "campaign", "campaign members"):
        return Visibility.CAMPAIGN
    if word in ("private", "only me"):
        return Visibility.PRIVATE
    raise RowError(f"{label}: “{text}” should be “campaign” or “private”.")


def date_order_problems(values: dict[str, Any]) -> list[str]:
    today = timezone.localdate()
    problems = [
        f"{FIELD_BY_KEY[key].label} ({values[key]:%d/%m/%Y}) is in the future."
        for key in DATE_FIELDS
        if values.get(key) and values[key] > today
    ]
    order = [
        ("sent_on", "received_on", "It cannot be received before it was sent."),
        ("received_on", "response_on", "The response cannot come before the request arrived."),
        ("sent_on", "response_on", "The response cannot come before the request was sent."),
        ("response_on", "review_requested_on", "A review cannot be asked for before the response."),
        (
            "review_requested_on",
            "review_decided_on",
            "A review cannot end before it began.",
        ),
    ]
    for first, second, message in order:
        if values.get(first) and values.get(second) and values[second] < values[first]:
            problems.append(message)
    if values.get("response_on") and not values.get("outcome"):
        problems.append("A response date needs an outcome (successful, refused …).")
    if values.get("outcome") and not values.get("response_on"):
        problems.append("An outcome needs the date of the response.")
    if (values.get("response_on") or values.get("review_requested_on")) and not values.get(
        "sent_on"
    ):
        problems.append("A response or review needs the date the request was sent.")
    if values.get("review_decided_on") and not values.get("review_requested_on"):
        problems.append("A review decision needs the date the review was requested.")
    return problems


# --- the whole plan ------------------------------------------------------------------------


@dataclass
class ImportPlan:
    rows: list[RowPlan]
    errors: list[str]  # problems with the file or the mapping: nothing can be imported
    notes: list[str]  # columns left out
    unknown_bodies: list[str]

    @property
    def valid_rows(self) -> list[RowPlan]:
        return [row for row in self.rows if row.is_valid]

    @property
    def invalid_rows(self) -> list[RowPlan]:
        return [row for row in self.rows if not row.is_valid]


def plan_import(
    table: Table, mapping: Sequence[str], *, user: User, create_bodies: bool = False
) -> ImportPlan:
    """Every row read and checked; bodies and campaigns looked up in a few queries."""
    errors, notes = mapping_problems(table.headers, mapping)
    if errors:
        return ImportPlan([], errors, notes, [])
    rows = [read_row(number, cells, mapping) for number, cells in table.numbered_rows()]
    rows += [RowPlan(problem.number, errors=[problem.message]) for problem in table.problems]
    rows.sort(key=lambda row: row.number)
    unknown = match_bodies(rows, create_bodies=create_bodies)
    match_campaigns(rows, user)
    return ImportPlan(rows, [], notes, unknown)


def body_index(names: Iterable[str]) -> tuple[dict[str, PublicBody], dict[str, list[PublicBody]]]:
    """Bodies by lower-cased full name, and by lower-cased short name (which may repeat)."""
    wanted = {name.lower() for name in names}
    found = PublicBody.objects.annotate(lname=Lower("name"), lshort=Lower("short_name"))
    found = found.filter(Q(lname__in=wanted) | Q(lshort__in=wanted))
    by_name: dict[str, PublicBody] = {}
    by_short: dict[str, list[PublicBody]] = {}
    for body in found:
        by_name[body.name.lower()] = body
        if body.short_name:
            by_short.setdefault(body.short_name.lower(), []).append(body)
    return by_name, by_short


def match_bodies(rows: list[RowPlan], *, create_bodies: bool) -> list[str]:
    """Attach each row's body; return the names matching none (sorted, once each)."""
    named = [row for row in rows if row.values.get("public_body")]
    by_name, by_short = body_index(row.values["public_body"] for row in named)
    unknown: dict[str, str] = {}
    for row in named:
        name = row.values["public_body"]
        key = name.lower()
        shorts = by_short.get(key, [])
        if key in by_name:
            row.body = by_name[key]
        elif len(shorts) == 1:
            row.body = shorts[0]
        elif len(shorts) > 1:
            listed = "; ".join(body.name for body in shorts)
            row.errors.append(f"“{name}” is the short name of several bodies ({listed}).")
        else:
            unknown.setdefault(key, name)
            row.new_body_name = unknown[key]
            if not create_bodies:
                row.errors.append(
                    f"“{name}” is not a public body the tracker knows; confirm below that "
                    "it should be added."
                )
    return sorted(unknown.values(), key=str.lower)


def match_campaigns(rows: list[RowPlan], user: User) -> None:
    editable = Campaign.objects.filter(
        memberships__user=user, memberships__role__in=(Role.OWNER, Role.EDITOR)
    )
    campaigns: dict[str, Campaign] = {}
    for campaign in editable:
        campaigns[campaign.name.lower()] = campaign
        campaigns[campaign.slug.lower()] = campaign
    for row in rows:
        name = row.values.get("campaign")
        if not name:
            continue
        found = campaigns.get(name.lower())
        if found is None:
            row.errors.append(f"“{name}” is not a campaign you can add requests to.")
        row.values["campaign"] = found


# --- writing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    imported: list[tuple[int, str]]  # (row number, new reference)
    skipped: list[int]  # row numbers left out because they had errors
    bodies_created: list[str]


class ImportRefused(Exception):
    """Rows have errors and skipping them was not asked for: nothing was written."""


def run_import(
    plan: ImportPlan, *, user: User, create_bodies: bool, skip_invalid: bool = False
) -> ImportResult:
    """Write the plan in one transaction: either every row goes in, or (when asked to
    skip the invalid ones) exactly the valid rows, and the result says which."""
    if plan.errors:
        raise ImportRefused(" ".join(plan.errors))
    if plan.invalid_rows and not skip_invalid:
        numbers = [str(row.number) for row in plan.invalid_rows]
        rows_have = (
            "Rows " + ", ".join(numbers) + " have" if len(numbers) > 1 else f"Row {numbers[0]} has"
        )
        raise ImportRefused(f"{rows_have} errors; nothing was imported.")
    rows = plan.valid_rows
    with transaction.atomic():
        created = create_missing_bodies(rows) if create_bodies else []
        tags = tags_for(rows)
        today = timezone.localdate()
        new = [new_request(row, user, tags, today) for row in rows]
        saved = write_requests(new, actor=user)
    imported = [
        (row.number, foi_request.reference) for row, foi_request in zip(rows, saved, strict=True)
    ]
    skipped = [row.number for row in plan.invalid_rows]
    return ImportResult(imported, skipped, created)


def create_missing_bodies(rows: list[RowPlan]) -> list[str]:
    names = sorted({row.new_body_name for row in rows if row.body is None and row.new_body_name})
    taken = set(PublicBody.objects.values_list("slug", flat=True))
    bodies = {}
    for name in names:
        bodies[name] = PublicBody.objects.create(name=name, slug=unique_slug(name, taken))
    for row in rows:
        if row.body is None:
            row.body = bodies[row.new_body_name]
    return names


def unique_slug(name: str, taken: set[str], max_length: int = 255) -> str:
    base = (slugify(name) or "body")[: max_length - 8]
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    taken.add(slug)
    return slug


def tags_for(rows: list[RowPlan]) -> dict[str, Tag]:
    """Every tag the rows name, by lower-cased name; missing ones are created."""
    names = {name for row in rows for name in row.values.get("tags", [])}
    by_slug = {slugify(name)[:80] or "tag": name for name in names}
    existing = {tag.slug: tag for tag in Tag.objects.filter(slug__in=by_slug)}
    missing = [Tag(name=name, slug=slug) for slug, name in by_slug.items() if slug not in existing]
    Tag.objects.bulk_create(missing, ignore_conflicts=True)
    existing = {tag.slug: tag for tag in Tag.objects.filter(slug__in=by_slug)}
    return {name.lower(): existing[slug] for slug, name in by_slug.items()}


def new_request(row: RowPlan, user: User, tags: dict[str, Tag], today: dt.date) -> NewRequest:
    values = row.values
    body = row.body
    assert body is not None
    foi_request = FoiRequest(
        title=values["title"],
        public_body=body,
        regime=values.get("law") or body.default_regime,
        campaign=values.get("campaign") or None,
        owner=user,
        their_reference=values.get("their_reference", ""),
        text=values.get("text", ""),
        notes=values.get("notes", ""),
        sent_on=values.get("sent_on"),
        received_on=values.get("received_on"),
        visibility=values.get("visibility") or Visibility.CAMPAIGN,
    )
    row_tags = [tags[name.lower()] for name in values.get("tags", [])]
    return NewRequest(foi_request, row_tags, planned_history(values, row.number, today))


def planned_history(values: dict[str, Any], number: int, today: dt.date) -> list[PlannedEvent]:
    """The events the dates imply: what mark_sent, record_response and the review events
    would record, in that order."""
    history = [
        PlannedEvent(EventKind.CREATED, today, details={"source": "spreadsheet", "row": number})
    ]
    if values.get("sent_on"):
        history.append(PlannedEvent(EventKind.SENT, values["sent_on"]))
    if values.get("response_on"):
        outcome = values["outcome"]
        history.append(
            PlannedEvent(EventKind.RESPONSE, values["response_on"], outcome, {"outcome": outcome})
        )
    if values.get("review_requested_on"):
        history.append(PlannedEvent(EventKind.REVIEW_REQUESTED, values["review_requested_on"]))
    if values.get("review_decided_on"):
        result = values.get("review_result") or values.get("outcome") or Status.CLOSED
        history.append(PlannedEvent(EventKind.REVIEW_DECIDED, values["review_decided_on"], result))
    return history


# --- the template ----------------------------------------------------------------------------


def template_workbook() -> bytes:
    """An .xlsx with the columns the import reads, one example row and a sheet of notes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Requests"
    append_xlsx_row(sheet, [spec.key for spec in FIELDS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    append_xlsx_row(sheet, EXAMPLE_ROW)
    notes = workbook.create_sheet("How to fill it in")
    append_xlsx_row(notes, ["Column", "Needed", "What to write"])
    for spec in FIELDS:
        append_xlsx_row(notes, [spec.key, "yes" if spec.required else "", spec.help])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


EXAMPLE_ROW = [
    "Spending on management consultants 2024/25",
    "Department of Health and Social Care",
    "FOI-123456",
    "FOIA",
    "",
    "campaign",
    "consultants; spending",
    "Please provide the total spent on management consultants in 2024/25.",
    "",
    "05/01/2026",
    "",
    "2026-01-30",
    "partially successful",
    "",
    "",
    "",
]
