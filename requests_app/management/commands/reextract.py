"""`python manage.py reextract [--failed] [--all] [--stuck]`: read attachments again.

Without options it reads the attachments still waiting (pending), for instance after
the worker was down. The extraction runs here, in this process, with a progress bar on
stderr; scans then go to the OCR queue as usual (inline with FOI_TASKS_EAGER=1).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser, OutputWrapper

from requests_app.extraction.services import extract_attachment, reset_for_extraction
from requests_app.models import Attachment, ExtractionStatus

BAR_WIDTH = 30


class ProgressBar:
    """A one-line bar redrawn in place on a terminal, one line per tenth otherwise."""

    def __init__(self, total: int, stream: OutputWrapper) -> None:
        self.total = total
        self.stream = stream
        self.interactive = stream.isatty()
        self.last_tenth = -1

    def show(self, done: int, note: str = "") -> None:
        if not self.total:
            return
        filled = BAR_WIDTH * done // self.total
        line = f"[{'#' * filled}{' ' * (BAR_WIDTH - filled)}] {done}/{self.total} {note}"
        if self.interactive:
            self.stream.write(f"\r{line[:100]:<100}", ending="")
        elif done * 10 // self.total != self.last_tenth or done == self.total:
            self.last_tenth = done * 10 // self.total
            self.stream.write(line)
        self.stream.flush()

    def finish(self) -> None:
        if self.interactive and self.total:
            self.stream.write("")


class Command(BaseCommand):
    help = "Extract the text of attachments again: pending ones, failed ones, or all."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--failed", action="store_true", help="Attachments that failed.")
        parser.add_argument(
            "--stuck",
            action="store_true",
            help="Attachments left 'extracting' by a worker that died (stop the workers first).",
        )
        parser.add_argument("--all", action="store_true", help="Every attachment.")

    def handle(self, *args: Any, **options: Any) -> None:
        ids = list(self._selection(options).order_by("pk").values_list("pk", flat=True))
        reset_for_extraction(ids)
        bar = ProgressBar(len(ids), self.stderr)
        outcomes: dict[str, int] = {}
        for done, attachment_id in enumerate(ids, start=1):
            result = extract_attachment(attachment_id=attachment_id)
            outcomes[result.status] = outcomes.get(result.status, 0) + 1
            bar.show(done, f"#{attachment_id} {result.status}")
        bar.finish()
        summary = ", ".join(f"{count} {status}" for status, count in sorted(outcomes.items()))
        self.stdout.write(f"Read {len(ids)} attachments{': ' + summary if summary else ''}.")

    def _selection(self, options: dict[str, Any]) -> Any:
        attachments = Attachment.objects.all()
        if options["all"]:
            return attachments
        statuses = []
        if options["failed"]:
            statuses.append(ExtractionStatus.FAILED)
        if options["stuck"]:
            statuses.append(ExtractionStatus.EXTRACTING)
        return attachments.filter(status__in=statuses or [ExtractionStatus.PENDING])
