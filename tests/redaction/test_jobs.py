"""Long documents are redacted by a worker: the editor files a job and shows its progress,
then the version. (A real worker, and one killed mid-job, are in
tests/trust/test_fault_workers.py.)"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from requests_app import models
from requests_app.redaction import jobs
from requests_app.redaction.services import (
    RedactionOrder,
    create_redacted_version,
    parse_boxes,
    reason_from_text,
)
from tests.factories import FoiRequestFactory, MessageFactory, UserFactory
from tests.redaction.documents import attach, pdftotext, text_pdf

pytestmark = pytest.mark.django_db

SAVE = {"boxes": "1:60,134,560,160", "reason_kind": "personal_data", "action": "save"}


@pytest.fixture
def long_reply(user: User) -> models.Attachment:
    """A document the editor takes to be longer than it redacts while the page waits."""
    foi_request = FoiRequestFactory.create(owner=user)
    attachment = attach(MessageFactory.create(request=foi_request), text_pdf(), "reply.pdf")
    models.Attachment.objects.filter(pk=attachment.pk).update(
        page_count=20, status=models.ExtractionStatus.OCR_DONE
    )
    attachment.refresh_from_db()
    return attachment


def editor_url(attachment: models.Attachment) -> str:
    return reverse("redaction_editor", kwargs={"pk": attachment.pk})


def test_saving_a_long_document_files_a_job_whose_page_shows_progress_then_the_version(
    long_reply: models.Attachment,
    alice_client: Client,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = alice_client.post(editor_url(long_reply), SAVE)
    job = models.RedactionJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "redaction_job", kwargs={"pk": long_reply.pk, "job": job.pk}
    )
    waiting = alice_client.get(response["Location"]).content.decode()
    assert "Waiting to start" in waiting and "<progress" in waiting
    progress_url = reverse("redaction_job_progress", kwargs={"pk": long_reply.pk, "job": job.pk})
    assert alice_client.get(progress_url).json()["status"] == "pending"
    assert not models.RedactedVersion.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()  # the queued task runs (inline here)
    job.refresh_from_db()
    assert job.status == models.JobStatus.DONE and job.progress == 100 and job.attempts == 1
    state = alice_client.get(progress_url).json()
    version = models.RedactedVersion.objects.get(original=long_reply)
    assert state["status"] == "done" and state["download_url"].endswith(version.attachment.filename)
    done = alice_client.get(response["Location"]).content.decode()
    assert "Download the redacted version" in done
    path = tmp_path / "v.pdf"
    path.write_bytes(b"".join(alice_client.get(state["download_url"]).streaming_content))  # type: ignore[attr-defined]
    text = pdftotext(path)
    assert "quigley@example.gov.uk" not in text and "pineapple" in text
    assert models.AuditEntry.objects.filter(action="attachment.redacted").count() == 1


def test_an_outsider_gets_404_for_a_job_and_its_progress(
    long_reply: models.Attachment,
    user: User,
    client_for,  # type: ignore[no-untyped-def]
) -> None:
    order = RedactionOrder(boxes=parse_boxes("1:1,1,50,50", reason_from_text("pd")))
    job = jobs.start_redaction_job(attachment=long_reply, order=order, user=user)
    outsider: Client = client_for(UserFactory(username="eve"))
    kwargs = {"pk": long_reply.pk, "job": job.pk}
    assert outsider.get(reverse("redaction_job", kwargs=kwargs)).status_code == 404
    assert outsider.get(reverse("redaction_job_progress", kwargs=kwargs)).status_code == 404


def test_a_job_a_live_run_holds_is_left_alone_and_a_run_that_lost_it_files_nothing(
    long_reply: models.Attachment, user: User
) -> None:
    order = RedactionOrder(boxes=parse_boxes("1:1,1,50,50", reason_from_text("pd")))
    job = jobs.start_redaction_job(attachment=long_reply, order=order, user=user)
    claimed = jobs._claim(job.pk)
    assert claimed is not None and jobs.run_redaction_job(job_id=job.pk) is None
    # The first run's lease runs out and another run takes the job back, mid-way.
    models.RedactionJob.objects.filter(pk=job.pk).update(
        lease_until=timezone.now() - dt.timedelta(seconds=1)
    )
    assert jobs._claim(job.pk) is not None
    with pytest.raises(jobs.LostClaim):
        create_redacted_version(
            attachment=long_reply,
            order=order,
            user=user,
            on_filed=lambda version: jobs._done(claimed, version),
        )
    assert not models.RedactedVersion.objects.exists()
    assert models.Attachment.objects.count() == 1  # the version's file was not filed either


def test_a_failed_job_says_why_on_its_page(
    long_reply: models.Attachment, user: User, alice_client: Client
) -> None:
    order = RedactionOrder(boxes=parse_boxes("9:1,1,50,50", reason_from_text("pd")))
    job = jobs.start_redaction_job(attachment=long_reply, order=order, user=user)
    jobs.run_redaction_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == models.JobStatus.FAILED and "there is no page 9" in job.error
    page = alice_client.get(reverse("redaction_job", kwargs={"pk": long_reply.pk, "job": job.pk}))
    assert "It could not be made" in page.content.decode() and "no page 9" in page.content.decode()
    assert not models.RedactedVersion.objects.exists()
