"""Fixtures for the mail tests: a fixed inbound secret, inline tasks, the corpus's world.

The browser tests' skip rule is imported from tests/browser/conftest.py so that the browser
test in this folder runs when only tests/mail is collected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import User

from requests_app import models
from tests.browser.conftest import pytest_collection_modifyitems  # noqa: F401 - a hook
from tests.factories import FoiRequestFactory, MessageFactory, PublicBodyFactory

CORPUS = Path(__file__).parent / "corpus"
INBOUND_DOMAIN = "replies.foi-tracker.example"
INBOUND_SECRET = "corpus-secret"
LETTER_42 = "<letter-0042-1@replies.foi-tracker.example>"


@pytest.fixture(autouse=True)
def inbound_settings(settings) -> None:
    """The corpus's reply addresses were made with this secret and domain."""
    settings.FOI_INBOUND_DOMAIN = INBOUND_DOMAIN
    settings.FOI_INBOUND_SECRET = INBOUND_SECRET
    settings.DEFAULT_FROM_EMAIL = "FOI Tracker <foi-tracker@replies.foi-tracker.example>"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def eager_tasks() -> Iterator[None]:
    """Celery tasks run inline, as with FOI_TASKS_EAGER=1."""
    from foi_tracker.celery import app

    saved = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture
def frozen_february() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 2, 10, 12, tzinfo=dt.UTC), tick=False):
        yield


@dataclass
class CorpusWorld:
    """The requests the corpus's messages answer."""

    alice: User
    examples: models.FoiRequest  # FOI-2026-0042, Department of Examples
    borsetshire: models.FoiRequest  # FOI-2026-0043, their ref FOI/25/0123
    nhs: models.FoiRequest  # FOI-2026-0044; FOI-2026-0045 is open with the same trust
    nhs_other: models.FoiRequest
    welsh: models.FoiRequest  # FOI-2026-0046
    scottish: models.FoiRequest  # FOI-2026-0047, FOISA
    letter: models.Message  # our follow-up on FOI-2026-0042

    def by_reference(self, reference: str) -> models.FoiRequest:
        return models.FoiRequest.objects.get(reference=reference)


def sent_request(
    reference: str, owner: User, body: models.PublicBody, **extra: object
) -> models.FoiRequest:
    return FoiRequestFactory.sent(
        on=dt.date(2026, 1, 5), reference=reference, owner=owner, public_body=body, **extra
    )


@pytest.fixture
def world(user: User) -> CorpusWorld:
    def body(name: str, email: str, **extra: object) -> models.PublicBody:
        return PublicBodyFactory.create(name=name, foi_email=email, **extra)

    examples = body("Department of Examples", "foi@examples.gov.example")
    borsetshire = body("Borsetshire County Council", "foi@borsetshire.gov.example")
    nhs = body("NHS Example Trust", "foi@nhs-example.example")
    welsh = body("Llywodraeth Example", "foi@llyw.example", nation=models.Nation.WALES)
    scottish = body("Scottish Example Council", "foi@scotexample.gov.example", nation="SCT")
    examples_request = sent_request(
        "FOI-2026-0042", user, examples, title="Spending on management consultants"
    )
    letter = MessageFactory.create(
        request=examples_request,
        direction=models.Direction.OUTGOING,
        message_id=LETTER_42,
        subject="Follow-up: Spending on management consultants",
        source=models.MessageSource.SENT,
        send_status=models.SendStatus.SENT,
        sent_at=dt.datetime(2026, 1, 12, 9, tzinfo=dt.UTC),
    )
    return CorpusWorld(
        alice=user,
        examples=examples_request,
        borsetshire=sent_request("FOI-2026-0043", user, borsetshire, their_reference="FOI/25/0123"),
        nhs=sent_request("FOI-2026-0044", user, nhs),
        nhs_other=sent_request("FOI-2026-0045", user, nhs),
        welsh=sent_request("FOI-2026-0046", user, welsh),
        scottish=sent_request("FOI-2026-0047", user, scottish, regime="scot-foisa"),
        letter=letter,
    )


def corpus_bytes(name: str) -> bytes:
    return (CORPUS / name).read_bytes()
