"""The fixity check, as archives run it: read every original back and compare its sha256.

Originals are stored once per content (`store_blob`), so each stored file is read once
however many rows point at it; files are streamed in chunks, never held whole in memory.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import mail_admins
from django.db.models import Q, QuerySet
from django.utils import timezone

from requests_app.models import Attachment, FixityReport, Message, QuarantinedMail

CHUNK_BYTES = 1024 * 1024
MAX_IDS_PER_PROBLEM = 20  # enough to find the rows; the file name finds the rest
MAX_LISTED_PROBLEMS = 1000  # a lost disk is one problem of a million files: list the first

# Called after each file with (files done, files in all).
Progress = Callable[[int, int], None]


@dataclass
class StoredOriginal:
    """One stored file and the rows that recorded its hash."""

    kind: str  # "message", "attachment" or "quarantine"
    name: str
    sha256: str
    ids: list[int] = field(default_factory=list)


def original_sources() -> list[tuple[str, QuerySet[Any], str, str]]:
    """(kind, rows, file field, sha256 field) for every model that keeps an original."""
    messages = Message.objects.exclude(Q(raw_email="") | Q(raw_sha256=""))
    return [
        ("message", messages, "raw_email", "raw_sha256"),
        ("attachment", Attachment.objects.exclude(file=""), "file", "sha256"),
        ("quarantine", QuarantinedMail.objects.exclude(raw=""), "raw", "sha256"),
    ]


def count_originals() -> int:
    return sum(
        rows.values(file_field, hash_field).distinct().count()
        for _kind, rows, file_field, hash_field in original_sources()
    )


def stored_originals() -> Iterator[StoredOriginal]:
    """Every (file, recorded sha256) pair once, with the rows that hold it.

    Rows come sorted by file, so the rows sharing a file arrive together and the whole
    archive never has to be held in memory.
    """
    for kind, rows, file_field, hash_field in original_sources():
        ordered = rows.order_by(file_field, hash_field, "pk")
        current: StoredOriginal | None = None
        for pk, name, sha256 in ordered.values_list("pk", file_field, hash_field).iterator(
            chunk_size=2000
        ):
            if current is not None and (current.name, current.sha256) == (name, sha256):
                if len(current.ids) < MAX_IDS_PER_PROBLEM:
                    current.ids.append(pk)
                continue
            if current is not None:
                yield current
            current = StoredOriginal(kind, name, sha256, [pk])
        if current is not None:
            yield current


def file_sha256(name: str) -> tuple[str, int]:
    """The sha256 and size of a stored file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with default_storage.open(name, "rb") as stored:
        for chunk in iter(lambda: stored.read(CHUNK_BYTES), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def check_original(original: StoredOriginal) -> tuple[dict[str, object] | None, int]:
    """(the problem with one original, or None; the bytes read)."""
    try:
        found, size = file_sha256(original.name)
    except (FileNotFoundError, OSError) as error:
        return problem(original, "missing", found=type(error).__name__), 0
    if found != original.sha256:
        return problem(original, "mismatch", found=found), size
    return None, size


def problem(original: StoredOriginal, what: str, *, found: str) -> dict[str, object]:
    return {
        "problem": what,
        "kind": original.kind,
        "name": original.name,
        "expected": original.sha256,
        "found": found,
        "ids": original.ids,
    }


def check_fixity(*, progress: Progress | None = None, notify: bool = True) -> FixityReport:
    """Re-hash every stored original, record the result and mail the admins any problem."""
    report = FixityReport.objects.create(started_at=timezone.now())
    total = count_originals()
    problems: list[dict[str, object]] = []
    for done, original in enumerate(stored_originals(), start=1):
        found_problem, size = check_original(original)
        report.bytes_checked += size
        if found_problem is not None:
            report.problem_count += 1
            if len(problems) < MAX_LISTED_PROBLEMS:
                problems.append(found_problem)
        report.files_checked = done
        if progress is not None:
            progress(done, max(total, done))
    report.problems = problems
    report.finished_at = timezone.now()
    report.save()
    if report.problem_count and notify:
        tell_admins(report)
    return report


def tell_admins(report: FixityReport) -> None:
    lines = [
        f"The fixity check of {report.started_at:%Y-%m-%d %H:%M} read {report.files_checked} "
        f"stored originals and found {report.problem_count} problem(s):",
        "",
    ]
    for found in report.problems:
        lines.append(
            f"- {found['problem']}: {found['kind']} {found['name']} "
            f"(rows {', '.join(str(pk) for pk in found['ids'])}); "
            f"recorded sha256 {found['expected']}, found {found['found']}"
        )
    lines += [
        "",
        f"Restore these files from a backup. {settings.SITE_URL}/healthz shows the state.",
    ]
    subject = f"Fixity check: {report.problem_count} stored original(s) missing or changed"
    mail_admins(subject, "\n".join(lines), fail_silently=False)
