"""Top the benchmark archive in DATABASE_URL up to N requests (nothing if it has them).

`python scripts/seed_to.py N [--seed S]`: the synthetic archive of `benchmarks/seed.py`,
its rows written in bulk (COPY on PostgreSQL) and the search index built set-wise at the end.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("requests", type=int, help="how many requests the archive should hold")
    parser.add_argument("--seed", type=int, default=20260101)
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from benchmarks.common import setup_django

    setup_django()
    from benchmarks.seed import BenchArchive, stderr_progress
    from requests_app.models import FoiRequest

    missing = options.requests - FoiRequest.objects.count()
    if missing > 0:
        started = time.perf_counter()
        seed = options.seed + FoiRequest.objects.count()
        BenchArchive(requests=missing, seed=seed, progress=stderr_progress).build()
        print(f"Added {missing:,} requests in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
