"""`bundle REF -o FILE.pdf`: write a request's complaint bundle as a PDF."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from requests_app.management.commands._report_command import ReportCommand
from requests_app.models import FoiRequest
from requests_app.redaction.gate import confirmed_leaving, unresolved_findings
from requests_app.reports.bundle import write_bundle


class Command(ReportCommand):
    help = (
        "Write the complaint bundle of a request: an index, the case summary, then every "
        "letter and attachment in date order, with bundle page numbers and bookmarks. "
        "Like the web page, it first runs the disclosure check and refuses while a finding "
        "is neither redacted nor accepted, listing them; --share-anyway writes it all the "
        "same and records that in the audit log."
    )
    name = "bundle"

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_common_arguments(parser)
        parser.add_argument(
            "--share-anyway",
            action="store_true",
            help="write the bundle although the disclosure check has open findings "
            "(recorded in the audit log with each open finding)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        foi_request, today = self.request_and_date(options)
        self.check_disclosure(foi_request, share_anyway=options["share_anyway"])
        with self.open_output(options["output"]) as output:
            result = write_bundle(foi_request=foi_request, today=today, output=output)
        excluded = [item for item in result.items if not item.included]
        self.stdout.write(
            f"{foi_request.reference}: bundle of {result.page_count} pages, "
            f"{len(result.items)} items, written to {options['output']}"
        )
        for item in excluded:
            self.stdout.write(f"  not included: item {item.number} {item.title}: {item.reason}")

    def check_disclosure(self, foi_request: FoiRequest, *, share_anyway: bool) -> None:
        requests = FoiRequest.objects.filter(pk=foi_request.pk)
        findings = unresolved_findings(requests, output="bundle")
        if not findings:
            return
        if share_anyway:
            confirmed_leaving(
                user=None, output="bundle", subject=foi_request, findings=findings, request=None
            )
            return
        for finding in findings:
            self.stderr.write(f"  {finding.where}: {finding.label}: {finding.detail}")
        self.fail(
            f"{len(findings)} finding(s) of the disclosure check are neither redacted nor "
            f"accepted (listed above): resolve them on the request's disclosure page, or "
            f"pass --share-anyway"
        )
