"""`make bench`: create the benchmark database if needed, load it, run the benchmarks."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


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


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)  # noqa: S603


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=10_000)
    options = parser.parse_args()
    ensure_database(os.environ["DATABASE_URL"])
    manage("migrate", "--noinput", "-v0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foi_tracker.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from requests_app.models import FoiRequest

    missing = options.requests - FoiRequest.objects.count()
    if missing > 0:
        manage("seed_bench", "--requests", str(missing))
    from benchmarks.pages import load_test, page_measurements

    for measurement in page_measurements(runs=20):
        print(measurement.row())
    print(load_test())
    return 0


if __name__ == "__main__":
    sys.exit(main())
