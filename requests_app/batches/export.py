"""The answers table: one row per member, one column per field plus the message each value
came from, as CSV and XLSX — the data set a campaign publishes.

Read in three queries whatever the size: the members, the fields, and every answer.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.db.models import QuerySet
from django.urls import reverse

from requests_app.dataio.spreadsheets import SafeCsvWriter, append_xlsx_row
from requests_app.models import Answer, AnswerField, AnswerKind, Batch, FoiRequest

Absolute = Callable[[str], str]  # a path made into a full URL


@dataclass(frozen=True)
class AnswerRow:
    member: FoiRequest
    answers: dict[int, Answer]  # field id -> answer

    def answer(self, answer_field: AnswerField) -> Answer | None:
        return self.answers.get(answer_field.pk)


@dataclass(frozen=True)
class AnswersTable:
    fields: list[AnswerField]
    rows: list[AnswerRow]


def answers_table(batch: Batch, members: QuerySet[FoiRequest]) -> AnswersTable:
    fields = list(batch.fields.all())
    chosen = list(
        members.filter(batch=batch)
        .select_related("public_body")
        .order_by("public_body__name", "pk")
    )
    answers: dict[int, dict[int, Answer]] = {}
    found = Answer.objects.filter(field__batch=batch, request__in=[m.pk for m in chosen])
    for answer in found.select_related("field"):
        answers.setdefault(answer.request_id, {})[answer.field_id] = answer
    return AnswersTable(fields, [AnswerRow(m, answers.get(m.pk, {})) for m in chosen])


def headers(table: AnswersTable) -> list[str]:
    columns = ["reference", "public_body", "status", "request_url"]
    for answer_field in table.fields:
        columns += [answer_field.name, f"{answer_field.name} (source)"]
    return columns


def source_url(answer: Answer | None, absolute: Absolute) -> str:
    if answer is None or answer.source_id is None:
        return ""
    return absolute(reverse("mail_message", kwargs={"pk": answer.source_id}))


def row_values(row: AnswerRow, fields: list[AnswerField], absolute: Absolute) -> list[Any]:
    member = row.member
    values: list[Any] = [
        member.reference,
        member.public_body.name,
        member.get_status_display(),
        absolute(member.get_absolute_url()),
    ]
    for answer_field in fields:
        answer = row.answer(answer_field)
        values += [typed_value(answer), source_url(answer, absolute)]
    return values


def typed_value(answer: Answer | None) -> Decimal | dt.date | str | None:
    """Numbers as numbers, dates as dates, yes/no as words, text as text."""
    if answer is None:
        return None
    if answer.field.kind == AnswerKind.YES_NO:
        return answer.value_text
    value = answer.value
    return value if isinstance(value, Decimal | dt.date) else answer.value_text


def csv_lines(table: AnswersTable, absolute: Absolute) -> Iterator[str]:
    """Every cell, the field names in the header too, through the spreadsheet-safe writer."""
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer)
    writer.writerow(headers(table))
    for row in table.rows:
        writer.writerow(row_values(row, table.fields, absolute))
    yield buffer.getvalue()


def write_xlsx(table: AnswersTable, absolute: Absolute, out: IO[bytes]) -> None:
    """A workbook whose value cells link to the message each value came from."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Answers"
    append_xlsx_row(sheet, headers(table))
    for number, row in enumerate(table.rows, start=2):
        values = row_values(row, table.fields, absolute)
        append_xlsx_row(sheet, values)
        for index in range(len(table.fields)):
            url = values[5 + 2 * index]
            if url:
                sheet.cell(row=number, column=5 + 2 * index).hyperlink = url
    workbook.save(out)
