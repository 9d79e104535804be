"""`case_summary REF -o FILE.pdf`: write a request's case summary as a PDF."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from requests_app.management.commands._report_command import ReportCommand
from requests_app.models import FoiRequest
from requests_app.reports.case_summary import write_case_summary


class Command(ReportCommand):
    help = "Write the case summary of a request (cover, deadlines, timeline, letters) as a PDF."
    name = "case_summary"

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_common_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        foi_request, today = self.request_and_date(options)
        with self.open_output(options["output"]) as output:
            pages = write_case_summary(foi_request=foi_request, today=today, output=output)
        self.report(foi_request, pages, options["output"])

    def report(self, foi_request: FoiRequest, pages: int, path: str) -> None:
        self.stdout.write(
            f"{foi_request.reference}: case summary, {pages} pages, written to {path}"
        )
