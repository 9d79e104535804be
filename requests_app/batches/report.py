"""The batch report: the batch's figures and charts, its grid and its answers table, as one
PDF, built like the campaign report (reports/campaign_report.py) from the same pieces."""

from __future__ import annotations

import datetime as dt
from typing import IO, Any

from django.contrib.auth.models import User

from requests_app.batches.export import answers_table
from requests_app.batches.grid import grid_members, member_rows, sort_members
from requests_app.models import Answer, Batch, FoiRequest, NonWorkingDay
from requests_app.reports import pdf
from requests_app.reports.campaign_report import charts, headline
from requests_app.reports.statistics import insights

TEMPLATE = "pdf/batch_report.html"


def batch_report_context(*, batch: Batch, user: User, today: dt.date) -> dict[str, Any]:
    visible = FoiRequest.objects.visible_to(user)
    members = visible.filter(batch=batch)
    figures = insights(members, today=today, with_bodies=False)
    rows = member_rows(
        batch,
        sort_members(grid_members(batch, visible), "body"),
        today,
        NonWorkingDay.engine_days(),
    )
    table = answers_table(batch, members)
    return {
        "batch": batch,
        "reader": user,
        "today": today,
        "headline": headline(figures.statistics),
        "charts": charts(figures, by_body=False),  # each member is a different body
        "rows": rows,
        "late_count": sum(1 for row in rows if row.is_overdue),
        "fields": table.fields,
        "answer_rows": [
            (row.member, [_shown(row.answer(field)) for field in table.fields])
            for row in table.rows
        ],
    }


def _shown(answer: Answer | None) -> str:
    return answer.value_text if answer is not None else ""


def write_batch_report(*, batch: Batch, user: User, today: dt.date, output: IO[bytes]) -> int:
    """Write the report to `output`; returns its number of pages."""
    document = pdf.render_document(
        TEMPLATE, batch_report_context(batch=batch, user=user, today=today)
    )
    document.write_pdf(output)
    return len(document.pages)
