"""`seed_bench --requests N`: a large synthetic archive for benchmarks.

The archive's generator lives in the repository's `benchmarks/` package, outside the
shipped app; this command is its entry point beside the other commands.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Add N synthetic requests (letters, attachment pages, deadlines) in bulk, with the "
        "search index built set-wise. Needs the repository's benchmarks/ package."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=20260101)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            from benchmarks.seed import BenchArchive, stderr_progress
        except ImportError as error:
            raise CommandError(
                "seed_bench needs the benchmarks/ package of the repository checkout"
            ) from error
        if options["requests"] < 1:
            raise CommandError("--requests must be at least 1")
        started = time.perf_counter()
        BenchArchive(
            requests=options["requests"], seed=options["seed"], progress=stderr_progress
        ).build()
        self.stdout.write(
            f"Generated {options['requests']} requests in {time.perf_counter() - started:.1f} s"
        )
