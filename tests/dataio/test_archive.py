"""Backup and restore in this process: nothing lost, and nothing half-restored."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from requests_app import models
from requests_app.dataio.archive import (
    MANIFEST,
    ArchiveError,
    export_archive,
    import_archive,
)
from tests.dataio.factories import RAW_EMAIL, make_world
from tests.dataio.snapshots import (
    database_rows,
    deadlines_recomputed,
    rewrite_archive,
    stored_files,
    wipe_everything,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    make_world()
    path = tmp_path / "backup.zip"
    export_archive(path)
    return path


def test_a_round_trip_keeps_every_row_every_file_and_every_deadline(tmp_path: Path) -> None:
    make_world()
    rows_before, files_before = database_rows(), stored_files()
    deadlines_before = deadlines_recomputed()
    path = tmp_path / "backup.zip"
    exported = export_archive(path)
    wipe_everything()
    assert models.FoiRequest.objects.count() == 0 and stored_files() == {}

    imported = import_archive(path)

    assert imported.rows == exported.rows
    assert database_rows() == rows_before
    assert stored_files() == files_before
    assert deadlines_recomputed() == deadlines_before
    assert exported.rows["requests_app.foirequest"] == 2
    assert exported.files == 4  # raw mail, attachment blob, report, quarantined mail


def test_the_manifest_records_the_schema_counts_and_hashes(archive: Path) -> None:
    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read(MANIFEST))
    assert manifest["format"] == "foi-tracker-archive"
    assert manifest["schema_version"] == 1
    assert "0001_initial" in manifest["migrations"]["requests_app"]
    by_model = {entry["model"]: entry for entry in manifest["models"]}
    assert by_model["auth.user"]["rows"] == 2
    assert by_model["requests_app.message"]["rows"] == 1
    raw = next(entry for entry in manifest["files"] if entry["name"] == "raw/reply-1.eml")
    assert raw["size"] == len(RAW_EMAIL)
    assert "django_session" not in json.dumps(manifest)


def test_restoring_brings_back_the_seeded_catalogue_as_it_was(archive: Path) -> None:
    bodies_before = set(models.PublicBody.objects.values_list("slug", flat=True))
    wipe_everything()
    models.PublicBody.objects.create(name="Seeded Later", slug="seeded-later")
    import_archive(archive)
    assert set(models.PublicBody.objects.values_list("slug", flat=True)) == bodies_before


def test_a_restored_database_hands_out_new_ids_after_the_archived_ones(archive: Path) -> None:
    highest = models.FoiRequest.objects.order_by("-pk").first()
    assert highest is not None
    wipe_everything()
    import_archive(archive)
    owner = User.objects.get(username="alice")
    body = models.PublicBody.objects.get(slug="dh")
    created = models.FoiRequest.objects.create(title="New", owner=owner, public_body=body)
    assert created.pk > highest.pk


# --- refused archives ------------------------------------------------------------------------


def assert_nothing_restored() -> None:
    assert not User.objects.exists()
    assert not models.FoiRequest.objects.exists()
    assert stored_files() == {}


def test_a_stored_file_whose_hash_does_not_match_aborts_everything(
    archive: Path, tmp_path: Path
) -> None:
    damaged = tmp_path / "damaged.zip"
    rewrite_archive(archive, damaged, replace={"files/raw/reply-1.eml": b"tampered"})
    wipe_everything()
    with pytest.raises(ArchiveError, match=r"files/raw/reply-1.eml does not match its sha256"):
        import_archive(damaged)
    assert_nothing_restored()


def test_a_data_file_whose_hash_does_not_match_aborts_everything(
    archive: Path, tmp_path: Path
) -> None:
    damaged = tmp_path / "damaged.zip"
    rewrite_archive(archive, damaged, replace={"data/requests_app.foirequest.jsonl": b"{}\n"})
    wipe_everything()
    with pytest.raises(ArchiveError, match=re.escape("foirequest.jsonl does not match")):
        import_archive(damaged)
    assert_nothing_restored()


def test_a_failure_half_way_through_the_rows_leaves_nothing_behind(
    archive: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read(MANIFEST))
    manifest["models"][-1]["rows"] += 1  # the last model: every other one is loaded by then
    broken = tmp_path / "broken.zip"
    rewrite_archive(archive, broken, manifest_changes={"models": manifest["models"]})
    wipe_everything()
    with pytest.raises(ArchiveError, match="the manifest says"):
        import_archive(broken)
    assert_nothing_restored()


def test_a_database_with_data_is_refused(archive: Path) -> None:
    with pytest.raises(
        ArchiveError, match=r"The database is not empty \(it has 1 group, 2 users, 1 token"
    ):
        import_archive(archive)


def test_a_newer_schema_is_refused(archive: Path, tmp_path: Path) -> None:
    newer = tmp_path / "newer.zip"
    migrations = {"requests_app": ["0001_initial", "9999_from_the_future"]}
    rewrite_archive(archive, newer, manifest_changes={"migrations": migrations})
    wipe_everything()
    with pytest.raises(
        ArchiveError, match=re.escape("requests_app.9999_from_the_future is not applied")
    ):
        import_archive(newer)


def test_a_file_store_holding_other_content_under_the_same_name_is_refused(
    archive: Path,
) -> None:
    wipe_everything()
    default_storage.save("raw/reply-1.eml", ContentFile(b"someone else's mail"))
    with pytest.raises(
        ArchiveError, match=re.escape("already holds a different file at raw/reply-1.eml")
    ):
        import_archive(archive)
    assert not User.objects.exists()


def test_something_that_is_not_an_archive_gets_a_clear_message(tmp_path: Path) -> None:
    not_zip = tmp_path / "notes.zip"
    not_zip.write_text("hello")
    with pytest.raises(ArchiveError, match="is not a readable ZIP archive"):
        import_archive(not_zip)
    empty_zip = tmp_path / "other.zip"
    with zipfile.ZipFile(empty_zip, "w") as opened:
        opened.writestr("readme.txt", "hi")
    with pytest.raises(ArchiveError, match=re.escape("has no manifest.json")):
        import_archive(empty_zip)


# --- the commands ----------------------------------------------------------------------------


def test_the_commands_report_progress_on_stderr(tmp_path: Path) -> None:
    UserFactory.create(username="carol")
    path = tmp_path / "cmd.zip"
    out, err = io.StringIO(), io.StringIO()
    call_command("export_archive", str(path), stdout=out, stderr=err)
    assert "auth.user: 1 rows" in err.getvalue()
    assert out.getvalue().startswith(f"Wrote {path}:")
    wipe_everything()
    out, err = io.StringIO(), io.StringIO()
    call_command("import_archive", str(path), stdout=out, stderr=err)
    assert "checked" in err.getvalue()
    assert User.objects.get().username == "carol"


def test_a_failing_import_exits_2_with_one_line(tmp_path: Path) -> None:
    err = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("import_archive", str(tmp_path / "missing.zip"), stderr=err)
    assert exited.value.code == 2
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("import_archive: ")


def test_a_failing_export_exits_2_and_leaves_no_partial_file(tmp_path: Path) -> None:
    err = io.StringIO()
    target = tmp_path / "no-such-folder" / "backup.zip"
    with pytest.raises(SystemExit) as exited:
        call_command("export_archive", str(target), stderr=err)
    assert exited.value.code == 2
    assert err.getvalue().startswith("export_archive: Could not write")
    assert not list(tmp_path.iterdir())
