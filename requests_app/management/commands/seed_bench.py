"""`seed_bench --requests N`: a large synthetic archive for benchmarks."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from requests_app.bench_data import BenchArchive, stderr_progress


class Command(BaseCommand):
    help = "Generate N requests (5 messages and about 2 attachment pages each) in bulk."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=20260101)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        BenchArchive(
            requests=options["requests"], seed=options["seed"], progress=stderr_progress
        ).build()
        self.stdout.write(
            f"Generated {options['requests']} requests in {time.perf_counter() - started:.1f} s"
        )
