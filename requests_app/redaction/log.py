"""The redaction log: page, area and reason of every box, as the last page of the PDF."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from requests_app.models import MarkSource, Redaction
from requests_app.redaction.geometry import Area, Mark
from requests_app.reports import pdf

TEMPLATE = "pdf/redaction_log.html"


@dataclass(frozen=True)
class LogLine:
    page: int
    area: str
    source: str
    reason: str


@dataclass(frozen=True)
class LogHeading:
    filename: str
    original_filename: str
    version_label: str
    made_by: str
    made_on: dt.date
    page_count: int


def log_lines(marks: list[Mark]) -> list[LogLine]:
    sources = dict(MarkSource.choices)
    ordered = sorted(marks, key=lambda mark: (mark.page, mark.area.y0, mark.area.x0))
    return [
        LogLine(
            mark.page, mark.area.label(), sources.get(mark.source, mark.source), mark.reason.label
        )
        for mark in ordered
    ]


def logs_of(attachment_ids: list[int]) -> dict[int, list[LogLine]]:
    """redacted attachment id -> its log lines, in one query (for the bundle's index)."""
    rows = (
        Redaction.objects.filter(version__attachment_id__in=attachment_ids)
        .select_related("version", "exemption")
        .order_by("version_id", "page", "y0", "x0")
    )
    sources = dict(MarkSource.choices)
    logs: dict[int, list[LogLine]] = {}
    for row in rows:
        area = Area(row.x0, row.y0, row.x1, row.y1)
        line = LogLine(row.page, area.label(), sources.get(row.source, row.source), row.reason)
        logs.setdefault(row.version.attachment_id, []).append(line)
    return logs


def append_log(body: Path, target: Path, heading: LogHeading, lines: list[LogLine]) -> int:
    """Write `body` followed by the log page(s) to `target`; returns the number of log pages."""
    context = {**heading.__dict__, "marks": lines}
    log = pdf.render_document(TEMPLATE, context)
    log_path = target.with_name(f"{target.name}.log.pdf")
    log.write_pdf(log_path)
    writer = PdfWriter()
    for path in (body, log_path):
        writer.append(PdfReader(path))
    writer.add_metadata({"/Title": f"{heading.filename}", "/Producer": "FOI Tracker"})
    with target.open("wb") as output:
        writer.write(output)
    return len(log.pages)
