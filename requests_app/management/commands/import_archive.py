"""`import_archive FILE.zip`: restore a backup into a freshly migrated, empty database."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from requests_app.dataio.archive import ArchiveError, import_archive


class Command(BaseCommand):
    help = (
        "Restore an export_archive backup into an empty database (create it and run "
        "migrate first). Every hash is checked first; nothing is written on any error."
    )

    # The checks import every URL and view; a backup needs only the models.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the archive written by export_archive")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = import_archive(options["file"], progress=self.progress)
        except ArchiveError as error:
            self.stderr.write(f"import_archive: {error}")
            sys.exit(2)
        self.stdout.write(
            f"Restored {options['file']}: {summary.total_rows} rows, {summary.files} files."
        )

    def progress(self, message: str) -> None:
        self.stderr.write(message)
