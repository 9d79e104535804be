"""The audit trail: who changed requests, events, messages and memberships, and how."""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app import models
from requests_app.audit import changes_between, record_audit
from requests_app.mail.addresses import reply_address
from requests_app.mail.importer import ImportStatus, import_message
from requests_app.security.addresses import client_ip
from tests.factories import PublicBodyFactory
from tests.trust.conftest import RAW_REPLY, World, make_user


@pytest.fixture(autouse=True)
def _today(frozen_today: None) -> Iterator[None]:
    yield


def entries(action: str) -> list[models.AuditEntry]:
    return list(models.AuditEntry.objects.filter(action=action))


def test_editing_a_request_records_each_changed_field_old_and_new(
    world: World, owner_client: Client
) -> None:
    url = reverse("request_edit", kwargs={"reference": world.foi_request.reference})
    form = owner_client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data |= {"title": "Waiting times, 2025", "tags": [], "campaign": world.campaign.pk}
    data["public_body"] = world.foi_request.public_body.pk
    response = owner_client.post(url, data, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302
    [entry] = entries("request.edited")
    assert entry.changes == {
        "title": ["Waiting times at the children's hospital", "Waiting times, 2025"]
    }
    assert (entry.actor, entry.request, entry.ip) == (world.owner, world.foi_request, "203.0.113.7")


def test_creating_a_request_records_what_it_was_created_with(
    world: World, owner_client: Client
) -> None:
    body = cast(models.PublicBody, PublicBodyFactory(name="Cabinet Office"))
    data = {"title": "Spending", "public_body": body.pk, "visibility": "private", "regime": ""}
    assert owner_client.post(reverse("request_create"), data).status_code == 302
    [entry] = entries("request.created")
    assert entry.changes["title"] == [None, "Spending"]
    assert entry.request is not None and entry.request.title == "Spending"


def test_recording_an_event_records_the_status_and_deadline_it_moved(
    world: World, client_for: object
) -> None:
    editor = client_for(world.editor)  # type: ignore[operator]
    kwargs = {"reference": world.foi_request.reference, "kind": "withdrawn"}
    assert (
        editor.post(reverse("event_create", kwargs=kwargs), {"on": "2026-01-14"}).status_code == 302
    )
    [entry] = entries("event.recorded")
    assert entry.actor == world.editor
    assert entry.object_type == "requests_app.requestevent"
    assert entry.changes["status"] == ["awaiting_response", "withdrawn"]
    assert entry.changes["next_due_on"] == ["2026-02-02", None]


def test_logging_a_message_is_recorded(world: World, owner_client: Client) -> None:
    url = reverse("message_create", kwargs={"reference": world.foi_request.reference})
    data = {"direction": "in", "channel": "letter", "sent_at": "2026-01-14T10:00", "kind": "other"}
    assert owner_client.post(url, data).status_code == 302
    [entry] = entries("message.logged")
    assert entry.request == world.foi_request
    assert entry.object_id == str(world.foi_request.messages.latest("pk").pk)


def test_an_imported_email_is_recorded_with_who_imported_it_and_how_it_was_filed(
    world: World,
) -> None:
    address = reply_address(world.foi_request)
    raw = RAW_REPLY.replace(b"To: alice@example.org", b"To: " + address.encode()).replace(
        b"reply-1@", b"reply-2@"
    )
    result = import_message(raw=raw, source=models.MessageSource.UPLOAD, imported_by=world.owner)
    assert result.status == ImportStatus.IMPORTED and result.message is not None
    assert result.message.request == world.foi_request
    [entry] = entries("message.imported")
    assert (entry.actor, entry.request, entry.object_id) == (
        world.owner,
        world.foi_request,
        str(result.message.pk),
    )
    assert entry.changes["source"] == [None, "upload"]
    assert entry.changes["matched_by"][1] != ""
    import_message(raw=raw, source=models.MessageSource.UPLOAD, imported_by=world.owner)
    assert len(entries("message.imported")) == 1  # a duplicate changes nothing


def test_membership_changes_are_recorded(world: World, owner_client: Client) -> None:
    url = reverse("campaign_members", kwargs={"slug": world.campaign.slug})
    newcomer = make_user(username="nadia")
    owner_client.post(url, {"action": "add", "person": "nadia", "role": "viewer"})
    membership = world.campaign.memberships.get(user=newcomer)
    owner_client.post(url, {"action": "change", "member": membership.pk, "role": "editor"})
    owner_client.post(url, {"action": "remove", "member": membership.pk})
    trail = models.AuditEntry.objects.order_by("pk").values_list("action", "changes", "object_id")
    assert list(trail) == [
        ("membership.added", {"role": [None, "viewer"]}, str(membership.pk)),
        ("membership.role_changed", {"role": ["viewer", "editor"]}, str(membership.pk)),
        ("membership.removed", {"role": ["editor", None]}, str(membership.pk)),
    ]


def test_the_owner_reads_the_trail_and_colleagues_may_not(
    world: World, owner_client: Client, client_for: object
) -> None:
    record_audit(actor=world.editor, action="request.edited", obj=world.foi_request,
                 changes={"title": ["Old <b>title</b>", "New"]})  # fmt: skip
    url = reverse("request_audit", kwargs={"reference": world.foi_request.reference})
    page = owner_client.get(url)
    assert page.status_code == 200
    assert "edith" in page.text and "Old &lt;b&gt;title&lt;/b&gt; → New" in page.text
    assert client_for(world.editor).get(url).status_code == 403  # type: ignore[operator]
    assert client_for(world.outsider).get(url).status_code == 404  # type: ignore[operator]


def test_the_trail_page_runs_the_same_queries_for_3_or_30_entries(
    world: World, owner_client: Client
) -> None:
    url = reverse("request_audit", kwargs={"reference": world.foi_request.reference})

    def add(number: int) -> int:
        for _ in range(number):
            record_audit(actor=world.editor, action="request.edited", obj=world.foi_request)
        owner_client.get(url)  # what a first view reads and the process keeps is not counted
        with CaptureQueriesContext(connection) as queries:
            assert owner_client.get(url).status_code == 200
        return len(queries.captured_queries)

    assert add(3) == add(27)


def test_changes_between_lists_only_what_differs() -> None:
    before = {"title": "A", "tags": ["x"], "sent_on": "2026-01-05"}
    after = {"title": "B", "tags": ["x"], "sent_on": None}
    assert changes_between(before, after) == {"title": ["A", "B"], "sent_on": ["2026-01-05", None]}


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "10.0.0.2"),  # no proxy trusted: the header proves nothing
        (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the client wrote the first entry
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.9", "198.51.100.1"),
        (1, "not-an-address", "10.0.0.2"),
        (2, "198.51.100.1", "10.0.0.2"),  # fewer hops than proxies: fall back
    ],
)
def test_the_client_address_trusts_only_our_own_proxies(
    proxies: int, forwarded: str, expected: str, settings: object
) -> None:
    settings.FOI_TRUSTED_PROXIES = proxies  # type: ignore[attr-defined]
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_the_admin_shows_the_trail_but_nobody_edits_it(world: World) -> None:
    from django.contrib.admin import AdminSite

    from requests_app.admin_audit import AuditEntryAdmin, ShareLinkAdmin

    request = RequestFactory().get("/admin/")
    request.user = world.owner
    trail = AuditEntryAdmin(models.AuditEntry, AdminSite())
    assert not trail.has_add_permission(request)
    assert not trail.has_change_permission(request)
    assert not trail.has_delete_permission(request)
    link = models.ShareLink.objects.create(request=world.foi_request, created_by=world.owner)
    ShareLinkAdmin(models.ShareLink, AdminSite()).revoke(request, models.ShareLink.objects.all())
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_saving_the_form_unchanged_records_nothing(world: World, owner_client: Client) -> None:
    url = reverse("request_edit", kwargs={"reference": world.foi_request.reference})
    form = owner_client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data |= {"tags": [], "public_body": world.foi_request.public_body.pk}
    assert owner_client.post(url, data).status_code == 302
    assert not models.AuditEntry.objects.filter(action="request.edited").exists()
