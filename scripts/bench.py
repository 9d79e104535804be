"""`make bench`: create the benchmark databases if needed, load them, run every benchmark.

Each benchmark writes its section of docs/benchmarks.md (and docs/benchmarks.json where it
records figures). BENCH_ONLY=pages,search runs a subset.

- pages: every main page beside its floor (its own SQL replayed bare, plus a trivial
  login-required view) on an archive of 2,000 requests (`<name>_2k`) and on the archive
  of N requests in DATABASE_URL, with the growth between them, and the request list under
  load (wrk against gunicorn) beside the trivial view. BENCH_BASE=DIR measures the
  checkout in DIR (e.g. a worktree of main) in the same run, for a before/after table.
- sweep: the alert sweep over N open requests (its own rows, removed afterwards), in a
  database of its own (`<name>_sweep`).
- search: search and its bare SQL over N requests' text, in `<name>_search`.
- insights: a campaign of 10,000 requests, in a test database it creates and drops.
- batches: the page of a batch of 500 members, in a test database it creates and drops.
- reports: the case summary and a 500-page bundle, in a test database it creates and drops.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SMALL_ARCHIVE = 2_000
STEPS = ("pages", "sweep", "search", "insights", "batches", "reports")


def ensure_database(url: str) -> None:
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return
    import psycopg

    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def sibling(url: str, suffix: str) -> str:
    """The URL of a database named after this one: foi_bench → foi_bench_search,
    var/bench.sqlite3 → var/bench_search.sqlite3."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        # by hand: a URL of an absolute path (sqlite:////…) would lose a slash in urlunsplit
        folder, _, name = url.rpartition("/")
        stem, dot, extension = name.rpartition(".") if "." in name else (name, "", "")
        return f"{folder}/{stem}_{suffix}{dot}{extension}"
    return parts._replace(path=f"{parts.path}_{suffix}").geturl()


def run(url: str, *argv: str) -> None:
    ensure_database(url)
    env = {**os.environ, "DATABASE_URL": url}
    migrate = [sys.executable, "manage.py", "migrate", "--noinput", "-v0"]
    subprocess.run(migrate, cwd=ROOT, env=env, check=True)  # noqa: S603 - our own commands
    subprocess.run([sys.executable, *argv], cwd=ROOT, env=env, check=True)  # noqa: S603


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=10_000)
    options = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    only = [step for step in os.environ.get("BENCH_ONLY", ",".join(STEPS)).split(",") if step]
    unknown = set(only) - set(STEPS)
    if unknown:
        parser.error(f"BENCH_ONLY names unknown steps: {', '.join(sorted(unknown))}")
    count = str(options.requests)
    if "pages" in only:
        small = sibling(url, "2k")
        run(small, "scripts/seed_to.py", str(SMALL_ARCHIVE))
        run(url, "scripts/seed_to.py", count)
        base = ["--base", os.environ["BENCH_BASE"]] if os.environ.get("BENCH_BASE") else []
        run(url, "-m", "benchmarks.pages", "--database", small, "--database", url, *base)
    if "sweep" in only:
        run(sibling(url, "sweep"), "benchmarks/alerts_sweep.py", "--requests", count)
    if "search" in only:
        run(sibling(url, "search"), "-m", "benchmarks.search", "--requests", count)
    if "insights" in only:
        run(url, "-m", "benchmarks.insights")
    if "batches" in only:
        run(url, "-m", "benchmarks.batches")
    if "reports" in only:
        run(url, "-m", "benchmarks.reports")
    return 0


if __name__ == "__main__":
    sys.exit(main())
