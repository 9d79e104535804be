"""`search_reindex`: rebuild the full-text index from the requests, messages and pages."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, DatabaseError

from requests_app.search import indexing
from requests_app.search.plan import search_language

BAR_WIDTH = 40


def progress_bar(write: Callable[[str], None]) -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        filled = BAR_WIDTH * done // max(total, 1)
        ending = "\n" if done >= total else ""
        write(f"\rIndexing [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}{ending}")

    return show


class Command(BaseCommand):
    help = (
        "Rebuild the search index, oldest first, in the language of FOI_SEARCH_LANGUAGE. "
        "Searches keep working meanwhile but find only what is indexed so far."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--chunk", type=int, default=indexing.REBUILD_CHUNK)
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        language = search_language()
        started = time.perf_counter()
        try:
            total = indexing.rebuild(
                language=language,
                using=options["database"],
                progress=None if options["no_progress"] else progress_bar(self.write_progress),
                chunk=max(options["chunk"], 1),
            )
        except (DatabaseError, RuntimeError) as error:
            raise CommandError(f"Could not rebuild the search index: {error}") from error
        seconds = time.perf_counter() - started
        self.stdout.write(f"Indexed {total} entries ({language}) in {seconds:.1f} s.")

    def write_progress(self, text: str) -> None:
        self.stderr.write(text, ending="")
        self.stderr.flush()
