"""Fixity: every stored original is read back and compared with its recorded sha256."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app import models
from requests_app.fixity import services
from requests_app.fixity.tasks import check
from requests_app.models.documents import store_blob
from tests.trust.conftest import World, make_message, stored_attachment


@pytest.fixture(autouse=True)
def _admins(settings: Any) -> None:
    settings.ADMINS = [("Archivist", "archivist@example.org")]


def overwrite(name: str | None, content: bytes) -> None:
    assert name is not None
    default_storage.delete(name)
    default_storage.save(name, ContentFile(content))


def quarantine(content: bytes) -> models.QuarantinedMail:
    name, sha256, size = store_blob(io.BytesIO(content))
    return models.QuarantinedMail.objects.create(
        raw=name, sha256=sha256, size=size, reason="unreadable", source="upload"
    )


def test_intact_originals_make_a_clean_report_and_no_mail(world: World) -> None:
    quarantine(b"garbage that could not be parsed")
    report = services.check_fixity()
    assert report.is_intact
    assert report.files_checked == 3  # the raw reply, its attachment, the quarantined mail
    assert report.bytes_checked > 0
    assert mail.outbox == []


def test_a_file_stored_once_for_two_attachments_is_read_once(world: World) -> None:
    twin = stored_attachment(world.message, b"%PDF-1.4 the figures", "copy.pdf")
    originals = list(services.stored_originals())
    [shared] = [original for original in originals if original.kind == "attachment"]
    assert sorted(shared.ids) == sorted([world.attachment.pk, twin.pk])


def test_a_changed_and_a_missing_original_are_reported_to_the_admins(world: World) -> None:
    overwrite(world.attachment.file.name, b"%PDF-1.4 the figures, quietly altered")
    default_storage.delete(str(world.message.raw_email.name))
    report = services.check_fixity()
    problems = {(found["problem"], found["kind"]) for found in report.problems}
    assert problems == {("mismatch", "attachment"), ("missing", "message")}
    assert report.problem_count == 2 and not report.is_intact
    [sent] = mail.outbox
    assert sent.to == ["archivist@example.org"]
    assert "2 stored original(s) missing or changed" in sent.subject
    assert str(world.attachment.file.name) in sent.body and world.attachment.sha256 in sent.body


def test_the_health_check_shows_the_last_report(
    world: World, client: Client, settings: Any
) -> None:
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(settings.MEDIA_ROOT)}
    settings.REDIS_URL = ""
    settings.FOI_HEALTH_TOKEN = "monitor"
    default_storage.delete(str(world.attachment.file.name))
    services.check_fixity()
    response = client.get(reverse("healthz"), HTTP_AUTHORIZATION="Bearer monitor")
    assert response.status_code == 503
    assert response.json()["checks"]["fixity"]["problems"] == 1


def test_large_files_are_hashed_in_chunks(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "CHUNK_BYTES", 7)
    content = bytes(range(256)) * 100
    stored_attachment(world.message, content, "big.bin")
    assert services.check_fixity().is_intact


def test_the_check_runs_the_same_queries_for_3_or_30_files(world: World) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            services.check_fixity()
        return len(queries.captured_queries)

    with_few = count()
    for number in range(9):
        message = make_message(request=world.foi_request)
        for part in range(3):
            stored_attachment(message, f"file {number} {part}".encode(), f"{part}.pdf")
    assert count() == with_few


def test_the_command_shows_progress_and_fails_on_a_problem(world: World) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("check_fixity", stdout=out, stderr=err)
    assert "[##############################] 2/2" in err.getvalue()
    assert "all intact" in out.getvalue()
    default_storage.delete(str(world.attachment.file.name))
    with pytest.raises(CommandError, match="1 missing or changed"):
        call_command("check_fixity", "--no-mail", stdout=out, stderr=err)
    assert f"MISSING attachment {world.attachment.file.name}" in out.getvalue()
    assert mail.outbox == []


def test_the_weekly_task_runs_the_check(world: World) -> None:
    result = check.apply().get()
    assert result["files"] == 2 and result["problems"] == 0
    assert models.FixityReport.objects.filter(pk=result["report"]).exists()
    assert check.acks_late and check.reject_on_worker_lost
