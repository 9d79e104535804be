"""A reply arrives, the request page offers what it is, one click records it.

Until someone says what a reply is, its request says "reply received — not yet reviewed"
on its page, in the lists and on the dashboard, instead of "overdue".
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from requests_app import models
from tests.factories import UserFactory
from tests.mail.conftest import CorpusWorld, corpus_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_february")]

NOT_REVIEWED = "reply received — not yet reviewed"


def upload_reply(client: Client, world: CorpusWorld, name: str) -> str:
    """Upload on the request's page and follow the redirect, as a browser does."""
    url = reverse("mail_upload", kwargs={"reference": world.examples.reference})
    upload = SimpleUploadedFile(name, corpus_bytes(name), content_type="message/rfc822")
    response = client.post(url, {"emails": [upload]}, follow=True)
    assert response.redirect_chain == [(world.examples.get_absolute_url(), 302)]
    return response.content.decode()


def test_an_overdue_request_with_a_new_reply_says_so_instead_of_overdue(
    world: CorpusWorld, alice_client: Client
) -> None:
    before = alice_client.get(world.examples.get_absolute_url()).content.decode()
    assert "overdue by 6 working days" in before

    page = upload_reply(alice_client, world, "20_refusal_exemptions.eml")

    assert NOT_REVIEWED in page
    assert "overdue by 6" not in page
    assert "A reply waits for review" in page and "Refusal notice" in page
    assert "It looks like <strong>refusal</strong>" in page


def test_one_click_on_the_request_page_records_the_refusal_and_its_exemptions(
    world: CorpusWorld, alice_client: Client
) -> None:
    upload_reply(alice_client, world, "20_refusal_exemptions.eml")
    page = alice_client.get(world.examples.get_absolute_url())
    form = page.context["confirm_form"]
    message = page.context["reply_to_review"]
    data = {
        "kind": form.initial["kind"],
        "outcome": form.initial["outcome"],
        "exemptions": [exemption.pk for exemption in form.initial["exemptions"]],
    }

    response = alice_client.post(
        reverse("mail_confirm", kwargs={"pk": message.pk}), data, follow=True
    )

    assert response.redirect_chain == [(world.examples.get_absolute_url(), 302)]
    after = response.content.decode()
    assert "Refused" in after and NOT_REVIEWED not in after
    assert "FOIA s.36" in after and "FOIA s.43" in after
    assert "A reply waits for review" not in after
    message.refresh_from_db()
    assert message.kind == models.MessageKind.REFUSAL and message.reviewed_at is not None


def test_lists_and_dashboard_put_a_reply_to_review_first_and_do_not_call_it_overdue(
    world: CorpusWorld, alice_client: Client
) -> None:
    dashboard = alice_client.get(reverse("dashboard"))
    overdue_before = dashboard.context["overdue_count"]
    upload_reply(alice_client, world, "20_refusal_exemptions.eml")

    dashboard = alice_client.get(reverse("dashboard"))
    text = dashboard.content.decode()
    assert dashboard.context["overdue_count"] == overdue_before - 1
    assert [m["request__reference"] for m in dashboard.context["to_review"]] == ["FOI-2026-0042"]
    assert text.index("Replies waiting for review") < text.index("My open requests")
    assert "1 reply to review" in text
    rows = {row.foi_request.reference: row for row in dashboard.context["open_rows"]}
    assert rows["FOI-2026-0042"].reply_to_review and not rows["FOI-2026-0042"].is_overdue
    assert rows["FOI-2026-0043"].is_overdue

    listing = alice_client.get(reverse("request_list")).content.decode()
    assert listing.count(NOT_REVIEWED) == 1


def test_an_out_of_office_reply_does_not_stop_the_request_being_overdue(
    world: CorpusWorld, alice_client: Client
) -> None:
    page = upload_reply(alice_client, world, "15_out_of_office.eml")
    assert NOT_REVIEWED not in page
    assert "overdue by 6 working days" in page


def test_a_viewer_sees_the_state_but_not_the_confirm_form(
    world: CorpusWorld, alice_client: Client, client_for
) -> None:  # type: ignore[no-untyped-def]
    campaign = models.Campaign.objects.create(name="C", slug="c")
    models.Membership.objects.create(campaign=campaign, user=world.alice, role=models.Role.OWNER)
    victor = UserFactory.create(username="victor")
    models.Membership.objects.create(campaign=campaign, user=victor, role=models.Role.VIEWER)
    world.examples.campaign = campaign
    world.examples.save()
    upload_reply(alice_client, world, "20_refusal_exemptions.eml")

    page = client_for(victor).get(world.examples.get_absolute_url())

    assert NOT_REVIEWED in page.content.decode()
    assert "confirm_form" not in page.context
