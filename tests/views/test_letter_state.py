"""After sending a letter, the page it redirects to shows the letter on its way.

The request's status moves when the mail server has taken the letter, which a worker does
after the page has redirected; until then the page says the request is being sent rather
than still showing a draft.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from requests_app import models
from tests.factories import FoiRequestFactory

pytestmark = pytest.mark.django_db


def test_the_redirected_page_shows_the_letter_being_sent_then_sent(
    user,
    body: models.PublicBody,
    alice_client: Client,
    django_capture_on_commit_callbacks,
    settings,
) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    draft = FoiRequestFactory(owner=user, public_body=body, title="Consultants")
    url = reverse("mail_letter", kwargs={"reference": draft.reference, "letter": "request"})
    form = alice_client.get(url).context["form"]
    data = {name: form.initial[name] for name in ("to", "subject", "body")}

    with django_capture_on_commit_callbacks(execute=False) as worker_not_yet_run:
        page = alice_client.post(url, data, follow=True)

    text = page.content.decode()
    assert page.redirect_chain == [(draft.get_absolute_url(), 302)]
    assert '<span class="badge badge--draft">Being sent</span>' in text
    assert "Sending “" in text and ">Draft<" not in text

    for callback in worker_not_yet_run:
        callback()
    after = alice_client.get(draft.get_absolute_url()).content.decode()
    assert len(mail.outbox) == 1
    assert '<span class="badge badge--awaiting_response">Awaiting response</span>' in after
    assert "Sending “" not in after
    draft.refresh_from_db()
    assert draft.sent_on == dt.date(2026, 1, 15)
