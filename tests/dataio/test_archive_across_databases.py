"""Backup and restore across SQLite and PostgreSQL: from the suite's database to a fresh
one of the other kind (migrated and restored by `manage.py` in its own process) and back."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from requests_app.dataio.archive import export_archive, import_archive
from tests.dataio.factories import make_world
from tests.dataio.snapshots import (
    archive_contents,
    database_rows,
    deadlines_recomputed,
    stored_files,
    wipe_everything,
)

ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def manage(*args: str, database_url: str, var_dir: Path) -> str:
    env = {**os.environ, "DATABASE_URL": database_url, "FOI_VAR_DIR": str(var_dir)}
    finished = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert finished.returncode == 0, f"manage.py {' '.join(args)}:\n{finished.stderr[-3000:]}"
    return finished.stdout


def postgres_admin() -> psycopg.Connection:
    try:
        return psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        reason = f"PostgreSQL is not reachable at {ADMIN_URL}: {error}"
        if os.environ.get("FOI_REQUIRE_SERVICES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture
def fresh_postgres() -> Iterator[str]:
    name = f"foi_roundtrip_{secrets.token_hex(6)}"
    with postgres_admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with postgres_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def fresh_sqlite(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'restored.sqlite3'}"


@pytest.fixture
def other_database(request: pytest.FixtureRequest) -> str:
    """A fresh database of the other kind than the one the suite runs on: the suite runs
    once on each, so both directions are crossed; the same kind is test_archive.py's."""
    fixture = "fresh_postgres" if connection.vendor == "sqlite" else "fresh_sqlite"
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.mark.django_db
@pytest.mark.services
def test_an_archive_survives_a_trip_through_the_other_database_and_back(
    tmp_path: Path, other_database: str
) -> None:
    make_world()
    rows, files, deadlines = database_rows(), stored_files(), deadlines_recomputed()
    original = tmp_path / "original.zip"
    export_archive(original)

    there, var_dir = tmp_path / "there.zip", tmp_path / "var"
    manage("migrate", "--no-input", "-v0", database_url=other_database, var_dir=var_dir)
    manage("import_archive", str(original), database_url=other_database, var_dir=var_dir)
    manage("export_archive", str(there), database_url=other_database, var_dir=var_dir)
    # Row counts, field values and file hashes, as the other database holds them.
    assert archive_contents(there) == archive_contents(original)

    wipe_everything()
    import_archive(there)
    assert database_rows() == rows
    assert stored_files() == files
    assert deadlines_recomputed() == deadlines
