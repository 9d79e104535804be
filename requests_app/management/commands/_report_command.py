"""What the report commands share: finding the request, the date, and the output file."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from requests_app.models import FoiRequest


class ReportCommand(BaseCommand):
    name = "report"

    def add_common_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("reference", help="the request's reference, e.g. FOI-2026-0042")
        parser.add_argument("-o", "--output", required=True, help="the PDF file to write")
        parser.add_argument("--date", help="prepare it as of this day, YYYY-MM-DD (default today)")

    def request_and_date(self, options: dict[str, Any]) -> tuple[FoiRequest, dt.date]:
        reference = options["reference"]
        foi_request = (
            FoiRequest.objects.select_related("public_body").filter(reference=reference).first()
        )
        if foi_request is None:
            self.fail(f"no request with reference {reference!r}")
        return foi_request, self.date(options.get("date"))

    def date(self, value: str | None) -> dt.date:
        if not value:
            return timezone.localdate()
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.fail(f"not a date: {value!r} (expected YYYY-MM-DD)")

    @contextmanager
    def open_output(self, path: str) -> Iterator[IO[bytes]]:
        """A file that appears under its name only once it has been written in full."""
        target = Path(path)
        if not target.parent.is_dir():
            self.fail(f"no such folder: {str(target.parent)!r}")
        partial = target.with_name(f".{target.name}.part")
        try:
            with partial.open("wb") as output:
                yield output
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)

    def fail(self, message: str) -> NoReturn:
        self.stderr.write(f"{self.name}: {message}")
        sys.exit(2)
