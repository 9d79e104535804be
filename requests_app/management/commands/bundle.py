"""`bundle REF -o FILE.pdf`: write a request's complaint bundle as a PDF."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from requests_app.management.commands._report_command import ReportCommand
from requests_app.reports.bundle import write_bundle


class Command(ReportCommand):
    help = (
        "Write the complaint bundle of a request: an index, the case summary, then every "
        "letter and attachment in date order, with bundle page numbers and bookmarks."
    )
    name = "bundle"

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_common_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        foi_request, today = self.request_and_date(options)
        with self.open_output(options["output"]) as output:
            result = write_bundle(foi_request=foi_request, today=today, output=output)
        excluded = [item for item in result.items if not item.included]
        self.stdout.write(
            f"{foi_request.reference}: bundle of {result.page_count} pages, "
            f"{len(result.items)} items, written to {options['output']}"
        )
        for item in excluded:
            self.stdout.write(f"  not included: item {item.number} {item.title}: {item.reason}")
