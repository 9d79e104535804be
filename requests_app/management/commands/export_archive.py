"""`export_archive FILE.zip`: every row and every stored file, with a manifest of hashes."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from requests_app.dataio.archive import ArchiveError, export_archive


class Command(BaseCommand):
    help = "Write a full backup (all rows as JSON, all stored files, sha256 manifest) to a ZIP."

    # The checks import every URL and view; a backup needs only the models.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the archive to write, e.g. backup.zip")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = export_archive(options["file"], progress=self.progress)
        except ArchiveError as error:
            self.stderr.write(f"export_archive: {error}")
            sys.exit(2)
        self.stdout.write(
            f"Wrote {options['file']}: {summary.total_rows} rows, {summary.files} files "
            f"({summary.file_bytes} bytes)."
        )

    def progress(self, message: str) -> None:
        self.stderr.write(message)
