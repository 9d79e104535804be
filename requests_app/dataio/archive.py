"""Full backup and restore: every row and every stored file, in one ZIP.

The archive holds `manifest.json`, one JSON Lines file per model under `data/` (Django's
own serialisation, primary keys kept) and every stored file under `files/`. The manifest
records the schema (format version and applied migrations), the row count and sha256 of
each data file, and the size and sha256 of each stored file.

Restoring needs a freshly migrated, empty database — SQLite or PostgreSQL, whichever the
archive came from. Every hash is checked before anything is written; the rows then go in
in one transaction, and the stored files after them, so a damaged archive or a failure
half-way leaves the database and the file store as they were.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core import serializers
from django.core.files.base import File
from django.core.files.storage import Storage, default_storage
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from rest_framework.authtoken.models import Token

ARCHIVE_FORMAT = "foi-tracker-archive"
SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024
ROW_CHUNK = 2000
# Uploads waiting for the spreadsheet import are scratch space, not data.
SCRATCH_PREFIXES = ("dataio-uploads/",)
# Rows the migrations seed (real public bodies, their tags, the exemptions): an empty
# database already has them, and the archive's copies replace them.
CATALOGUE_MODELS = ("requests_app.publicbody", "requests_app.tag", "requests_app.exemption")
MIGRATION_APPS = ("auth", "authtoken", "requests_app")

Progress = Callable[[str], None]


class ArchiveError(Exception):
    """The archive cannot be written or restored; the message says exactly why."""


@dataclass
class ArchiveSummary:
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    file_bytes: int = 0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def archived_models() -> list[type[models.Model]]:
    """Users and groups, API tokens, then every model of the app, parents first."""
    own = list(apps.get_app_config("requests_app").get_models())
    return [Group, User, Token, *dependency_order(own)]


def dependency_order(found: list[type[models.Model]]) -> list[type[models.Model]]:
    """Each model after the models its foreign keys point to (self-references aside)."""
    ordered: list[type[models.Model]] = []
    pending = sorted(found, key=lambda model: model._meta.label_lower)
    while pending:
        ready = [model for model in pending if not unmet(model, pending)]
        if not ready:  # a cycle: constraints are deferred, so any order loads
            ready = pending[:1]
        ordered += ready
        pending = [model for model in pending if model not in ready]
    return ordered


def unmet(model: type[models.Model], pending: list[type[models.Model]]) -> bool:
    targets = {
        relation.related_model
        for relation in model._meta.get_fields()
        if relation.concrete and (relation.many_to_one or relation.one_to_one)
    }
    return any(target in pending and target is not model for target in targets)


def data_name(model: type[models.Model]) -> str:
    return f"data/{model._meta.label_lower}.jsonl"


def file_path(name: str) -> str:
    return f"files/{name}"


# --- export --------------------------------------------------------------------------------


def export_archive(
    path: str | os.PathLike[str], *, using: str = DEFAULT_DB_ALIAS, progress: Progress | None = None
) -> ArchiveSummary:
    """Write everything to `path` (a .zip); a partial file never takes its place."""
    say = progress or (lambda message: None)
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    summary = ArchiveSummary()
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            manifest = write_archive(archive, using, summary, say)
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
        os.replace(partial, target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise ArchiveError(f"Could not write {target}: {error.strerror or error}") from error
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return summary


def write_archive(
    archive: zipfile.ZipFile, using: str, summary: ArchiveSummary, say: Progress
) -> dict[str, Any]:
    with snapshot(using):
        entries = []
        for model in archived_models():
            entry = write_model(archive, model, using)
            summary.rows[entry["model"]] = entry["rows"]
            say(f"{entry['model']}: {entry['rows']} rows")
            entries.append(entry)
        migrations = applied_migrations(using)
    stored = write_files(archive, default_storage, say)
    summary.files = len(stored)
    summary.file_bytes = sum(entry["size"] for entry in stored)
    return {
        "format": ARCHIVE_FORMAT,
        "schema_version": SCHEMA_VERSION,
        "created_at": timezone.now().isoformat(),
        "database": connections[using].vendor,
        "migrations": migrations,
        "models": entries,
        "files": stored,
    }


@contextmanager
def snapshot(using: str) -> Iterator[None]:
    """One consistent view of every table while they are read, one after another."""
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                # The transaction's first statement: every later read sees this moment.
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


class HashingWriter(io.RawIOBase):
    """Passes bytes through to a zip member, counting and hashing them on the way."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.digest = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.digest.update(chunk)
        self.size += len(chunk)
        self.target.write(chunk)
        return len(chunk)


def write_model(archive: zipfile.ZipFile, model: type[models.Model], using: str) -> dict[str, Any]:
    name = data_name(model)
    rows = model._base_manager.using(using).order_by("pk")
    many = serialised_many_to_many(model)
    counter = RowCounter(rows.prefetch_related(*many).iterator(chunk_size=ROW_CHUNK))
    with archive.open(name, "w", force_zip64=True) as member:
        hashing = HashingWriter(member)
        buffered = io.BufferedWriter(hashing, buffer_size=CHUNK)
        text = io.TextIOWrapper(buffered, encoding="utf-8", newline="\n")
        # Natural keys only where a row points at permissions, whose ids differ per database.
        natural = model in (Group, User)
        serializers.serialize(
            "jsonl", counter, stream=text, use_natural_foreign_keys=natural, cls=ExactEncoder
        )
        text.flush()  # through the buffer to the hash and the zip member
        text.detach()
    return {
        "model": model._meta.label_lower,
        "file": name,
        "rows": counter.count,
        "sha256": hashing.digest.hexdigest(),
    }


class ExactEncoder(DjangoJSONEncoder):
    """Django's encoder cuts datetimes to milliseconds; a backup keeps every microsecond."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def serialised_many_to_many(model: type[models.Model]) -> list[str]:
    """Many-to-many fields Django serialises with the row (not those with their own model)."""
    return [
        relation.name
        for relation in model._meta.many_to_many
        if relation.remote_field.through._meta.auto_created  # type: ignore[union-attr]
    ]


class RowCounter:
    def __init__(self, rows: Iterable[models.Model]) -> None:
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[models.Model]:
        for row in self.rows:
            self.count += 1
            yield row


def applied_migrations(using: str) -> dict[str, list[str]]:
    recorder = MigrationRecorder(connections[using])
    applied = recorder.applied_migrations()
    return {app: sorted(name for label, name in applied if label == app) for app in MIGRATION_APPS}


def stored_names(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file in the store, walked folder by folder, in a stable order."""
    folders, files = storage.listdir(folder)
    for name in sorted(files):
        path = f"{folder}/{name}" if folder else name
        if not path.startswith(SCRATCH_PREFIXES):
            yield path
    for sub in sorted(folders):
        yield from stored_names(storage, f"{folder}/{sub}" if folder else sub)


def write_files(archive: zipfile.ZipFile, storage: Storage, say: Progress) -> list[dict[str, Any]]:
    entries = []
    try:
        names = list(stored_names(storage))
    except FileNotFoundError:
        names = []
    for name in names:
        with (
            storage.open(name, "rb") as source,
            archive.open(file_path(name), "w", force_zip64=True) as member,
        ):
            hashing = HashingWriter(member)
            for chunk in iter(lambda: source.read(CHUNK), b""):
                hashing.write(chunk)
        entries.append({"name": name, "size": hashing.size, "sha256": hashing.digest.hexdigest()})
    say(f"files: {len(entries)}")
    return entries


# --- import --------------------------------------------------------------------------------


def import_archive(
    path: str | os.PathLike[str], *, using: str = DEFAULT_DB_ALIAS, progress: Progress | None = None
) -> ArchiveSummary:
    """Restore an archive into an empty database; nothing is written unless all is well."""
    say = progress or (lambda message: None)
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise ArchiveError(f"{path} is not a readable ZIP archive ({error}).") from error
    with archive:
        manifest = read_manifest(archive)
        check_schema(manifest, using)
        verify_hashes(archive, manifest, say)
        check_empty(using)
        to_write = files_to_write(manifest, default_storage)
        summary = load(archive, manifest, to_write, using, say)
    return summary


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError as error:
        raise ArchiveError(
            "The archive has no manifest.json: it is not an FOI Tracker backup."
        ) from error
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ArchiveError(f"The archive's manifest.json cannot be read ({error}).") from error
    if not isinstance(manifest, dict) or manifest.get("format") != ARCHIVE_FORMAT:
        raise ArchiveError("The archive's manifest is not an FOI Tracker backup's.")
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise ArchiveError(
            f"The archive is in format version {manifest.get('schema_version')}; "
            f"this version of FOI Tracker reads version {SCHEMA_VERSION}."
        )
    return manifest


def check_schema(manifest: dict[str, Any], using: str) -> None:
    """The database must have every migration the archive's database had."""
    here = applied_migrations(using)
    for app, names in manifest.get("migrations", {}).items():
        missing = sorted(set(names) - set(here.get(app, [])))
        if missing:
            raise ArchiveError(
                f"The archive comes from a newer database: migration {app}.{missing[0]} is "
                "not applied here. Install the same version of FOI Tracker and run migrate."
            )
    known = {model._meta.label_lower for model in archived_models()}
    unknown = [entry["model"] for entry in manifest["models"] if entry["model"] not in known]
    if unknown:
        raise ArchiveError(f"The archive has rows of {unknown[0]}, which this version lacks.")


def verify_hashes(archive: zipfile.ZipFile, manifest: dict[str, Any], say: Progress) -> None:
    entries = [(entry["file"], entry["sha256"]) for entry in manifest["models"]]
    entries += [(file_path(entry["name"]), entry["sha256"]) for entry in manifest["files"]]
    for name, expected in entries:
        found = member_sha256(archive, name)
        if found != expected:
            raise ArchiveError(
                f"{name} does not match its sha256 in the manifest (expected {expected[:12]}…, "
                f"found {found[:12]}…): the archive is damaged. Nothing was imported."
            )
    say(f"checked {len(entries)} hashes")


def member_sha256(archive: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    try:
        with archive.open(name) as member:
            for chunk in iter(lambda: member.read(CHUNK), b""):
                digest.update(chunk)
    except KeyError as error:
        raise ArchiveError(
            f"{name} is listed in the manifest but missing from the archive."
        ) from error
    except (zipfile.BadZipFile, OSError) as error:
        raise ArchiveError(f"{name} cannot be read from the archive ({error}).") from error
    return digest.hexdigest()


def check_empty(using: str) -> None:
    """Only the rows the migrations seed may be there already."""
    found = []
    for model in archived_models():
        if model._meta.label_lower in CATALOGUE_MODELS:
            continue
        count = model._base_manager.using(using).count()
        if count:
            noun = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
            found.append(f"{count} {str(noun).lower()}")
    if found:
        raise ArchiveError(
            "The database is not empty (it has " + ", ".join(found[:4]) + "). Restore into "
            "a new database: create it, run migrate, then import the archive."
        )


def files_to_write(manifest: dict[str, Any], storage: Storage) -> list[dict[str, Any]]:
    """The files not already in the store; the same name with other content is refused."""
    wanted = []
    for entry in manifest["files"]:
        name = entry["name"]
        if ".." in Path(name).parts or name.startswith("/"):
            raise ArchiveError(f"The archive names a file outside the file store: {name}.")
        if not storage.exists(name):
            wanted.append(entry)
            continue
        if stored_sha256(storage, name) != entry["sha256"]:
            raise ArchiveError(f"The file store already holds a different file at {name}.")
    return wanted


def stored_sha256(storage: Storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as stored:
        for chunk in iter(lambda: stored.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load(
    archive: zipfile.ZipFile,
    manifest: dict[str, Any],
    to_write: list[dict[str, Any]],
    using: str,
    say: Progress,
) -> ArchiveSummary:
    summary = ArchiveSummary()
    written: list[str] = []
    try:
        with transaction.atomic(using=using):
            clear_catalogue(using)
            for entry in manifest["models"]:
                summary.rows[entry["model"]] = load_model(archive, entry, using)
                say(f"{entry['model']}: {summary.rows[entry['model']]} rows")
            reset_sequences(using)
            connections[using].check_constraints()
            written = write_stored_files(archive, to_write, default_storage)
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    summary.files = len(manifest["files"])
    summary.file_bytes = sum(entry["size"] for entry in manifest["files"])
    say(f"files: {summary.files}")
    return summary


def clear_catalogue(using: str) -> None:
    for label in CATALOGUE_MODELS:
        apps.get_model(label)._base_manager.using(using).all().delete()


def load_model(archive: zipfile.ZipFile, entry: dict[str, Any], using: str) -> int:
    count = 0
    with archive.open(entry["file"]) as member:
        lines = io.TextIOWrapper(member, encoding="utf-8")
        try:
            for item in serializers.deserialize("jsonl", lines, using=using):
                item.save(using=using, force_insert=True)
                count += 1
        except DeserializationError as error:
            raise ArchiveError(f"{entry['file']}, row {count + 1}: {error}") from error
    if count != entry["rows"]:
        raise ArchiveError(f"{entry['file']} has {count} rows; the manifest says {entry['rows']}.")
    return count


def reset_sequences(using: str) -> None:
    """Rows came in with their own primary keys; PostgreSQL's sequences must catch up."""
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), archived_models())
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def write_stored_files(
    archive: zipfile.ZipFile, entries: list[dict[str, Any]], storage: Storage
) -> list[str]:
    written: list[str] = []
    try:
        for entry in entries:
            with archive.open(file_path(entry["name"])) as member:
                saved = storage.save(entry["name"], File(member, name=entry["name"]))
            written.append(saved)
            if saved != entry["name"]:
                raise ArchiveError(f"The file store saved {entry['name']} as {saved}.")
    except BaseException:
        for name in written:
            storage.delete(name)
        raise
    return written
