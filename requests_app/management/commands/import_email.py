"""`import_email PATH… [--request REF]`: import .eml, .msg and .mbox files (or folders of them).

Prints one line per message. A message that cannot be read is quarantined and reported on
its line; the exit status is non-zero only for a usage error (no such file or request).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from requests_app.mail.importer import ImportStatus, import_file
from requests_app.mail.matching import our_references
from requests_app.models import FoiRequest, MessageSource

MAIL_SUFFIXES = (".eml", ".msg", ".mbox")


class Command(BaseCommand):
    help = "Import saved emails (.eml, Outlook .msg, .mbox), matching each to its request."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="files, or folders holding mail files")
        parser.add_argument("--request", dest="reference", help="file every message on REF")

    def handle(self, *args: Any, **options: Any) -> None:
        foi_request = self._request(options.get("reference"))
        files = [path for given in options["paths"] for path in _mail_files(Path(given))]
        counts = dict.fromkeys(
            (ImportStatus.IMPORTED, ImportStatus.DUPLICATE, ImportStatus.QUARANTINED), 0
        )
        for path in files:
            with path.open("rb") as stream:
                results = import_file(
                    stream=stream, name=str(path), source=MessageSource.COMMAND, request=foi_request
                )
            for result in results:
                counts[result.status] += 1
                self.stdout.write(result.summary())
        summary = ", ".join(f"{count} {status}" for status, count in counts.items())
        self.stderr.write(f"{len(files)} file(s): {summary}")

    def _request(self, reference: str | None) -> FoiRequest | None:
        if not reference:
            return None
        wanted = (our_references(reference) or [reference.strip().upper()])[0]
        found = FoiRequest.objects.filter(reference=wanted).first()
        if found is None:
            raise CommandError(f"no request with reference {reference!r}")
        return found


def _mail_files(path: Path) -> Iterator[Path]:
    if path.is_dir():
        yield from sorted(item for item in path.rglob("*") if item.suffix.lower() in MAIL_SUFFIXES)
    elif path.is_file():
        yield path
    else:
        raise CommandError(f"no such file or folder: {path}")
