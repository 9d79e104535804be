"""What a database and a file store hold, in a form two of them can be compared in."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from django.contrib.auth.models import Group, User
from django.core import serializers
from django.core.files.storage import default_storage

from requests_app.dataio.archive import (
    MANIFEST,
    archived_models,
    serialised_many_to_many,
    stored_names,
    stored_sha256,
)
from requests_app.models import FoiRequest
from requests_app.models.requests import DEADLINE_FIELDS


def database_rows() -> dict[str, list[dict[str, Any]]]:
    """Every archived row as Django's Python serialisation, many-to-many lists sorted."""
    rows = {}
    for model in archived_models():
        many = serialised_many_to_many(model)
        objects = model._base_manager.order_by("pk").prefetch_related(*many)
        natural = model in (Group, User)
        data = serializers.serialize("python", objects, use_natural_foreign_keys=natural)
        for item in data:
            for name in many:
                item["fields"][name] = sorted(item["fields"][name])
        rows[model._meta.label_lower] = data
    return rows


def stored_files() -> dict[str, str]:
    try:
        return {
            name: stored_sha256(default_storage, name) for name in stored_names(default_storage)
        }
    except FileNotFoundError:
        return {}


def wipe_everything() -> None:
    """Delete every archived row (children first) and every stored file."""
    for model in reversed(archived_models()):
        model._base_manager.all().delete()
    for name in list(stored_files()):
        default_storage.delete(name)


def deadlines_recomputed() -> dict[str, tuple[Any, ...]]:
    """Each request's deadlines as the engine works them out now, without saving."""
    found = {}
    for foi_request in FoiRequest.objects.select_related("public_body").prefetch_related(
        "events", "public_body__tags"
    ):
        foi_request.refresh_deadlines(save=False)
        found[foi_request.reference] = tuple(getattr(foi_request, name) for name in DEADLINE_FIELDS)
    return found


def archive_contents(path: Path) -> tuple[dict[str, list[Any]], dict[str, str]]:
    """(rows of each model as parsed JSON, sorted by pk; stored file → sha256) of an archive."""
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read(MANIFEST))
        rows = {}
        for entry in manifest["models"]:
            lines = archive.read(entry["file"]).decode().splitlines()
            parsed = [normalise(json.loads(line)) for line in lines if line.strip()]
            rows[entry["model"]] = sorted(parsed, key=lambda row: str(row["pk"]))
    files = {entry["name"]: entry["sha256"] for entry in manifest["files"]}
    return rows, files


def normalise(row: dict[str, Any]) -> dict[str, Any]:
    """Many-to-many lists in a fixed order; a database may return them in any."""
    for name, value in row["fields"].items():
        if isinstance(value, list) and all(isinstance(item, int | list) for item in value):
            row["fields"][name] = sorted(value)
    return row


def rewrite_archive(
    source: Path,
    target: Path,
    *,
    replace: dict[str, bytes] | None = None,
    manifest_changes: dict[str, Any] | None = None,
) -> None:
    """A copy of an archive with some members' bytes (or the manifest) changed."""
    replace = replace or {}
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for info in original.infolist():
            data = replace.get(info.filename, original.read(info.filename))
            if info.filename == MANIFEST and manifest_changes:
                manifest = json.loads(data) | manifest_changes
                data = json.dumps(manifest).encode()
            copy.writestr(info.filename, data)
