"""Who may reach what: outsiders get 404 for every object URL, viewers may only look."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.html import escape

from requests_app import models
from tests.factories import (
    MembershipFactory,
    MessageFactory,
    PublicBodyFactory,
    UserFactory,
    make_attachment,
    make_batch,
)

# URL kwargs that name an object; a pattern with one of these must be in the tables below.
OBJECT_KWARGS = {"reference", "pk", "slug", "kind", "filename"}
# Pages anyone may reach without logging in.
PUBLIC_URL_NAMES = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "deadline_calculator",
}
# Logging out is a POST that needs no page of its own.
NOT_A_PAGE = {"logout", "healthz"}


@dataclass(frozen=True)
class Route:
    name: str
    kwargs: frozenset[str]
    is_admin: bool


def walk(patterns: list[Any], is_admin: bool = False) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            admin = is_admin or entry.app_name == "admin"
            yield from walk(entry.url_patterns, admin)
        elif isinstance(entry, URLPattern) and entry.name:
            names = frozenset(entry.pattern.regex.groupindex)
            yield Route(entry.name, names, is_admin)


def site_routes() -> list[Route]:
    """The web pages; the REST API (`api-*`) has its own permission tests in tests/api."""
    routes = walk(get_resolver().url_patterns)
    return [r for r in routes if not r.is_admin and not r.name.startswith("api-")]


@dataclass
class AliceObjects:
    foi_request: models.FoiRequest
    attachment: models.Attachment
    campaign: models.Campaign
    message: models.Message
    unmatched: models.Message
    quarantined: models.QuarantinedMail
    bundle: models.GeneratedReport
    campaign_report: models.GeneratedReport
    saved_search: models.SavedSearch
    batch: models.Batch
    batch_report: models.GeneratedReport


# How to point each object URL at one of alice's objects.
def redaction_job(attachment: models.Attachment) -> dict[str, Any]:
    job = models.RedactionJob.objects.create(attachment=attachment, order={})
    return {"pk": attachment.pk, "job": job.pk}


OUTSIDER_404: dict[str, Callable[[AliceObjects], dict[str, Any]]] = {
    "request_detail": lambda o: {"reference": o.foi_request.reference},
    "request_edit": lambda o: {"reference": o.foi_request.reference},
    "message_create": lambda o: {"reference": o.foi_request.reference},
    "event_create": lambda o: {"reference": o.foi_request.reference, "kind": "response"},
    "attachment_download": lambda o: {"pk": o.attachment.pk, "filename": o.attachment.filename},
    "campaign_detail": lambda o: {"slug": o.campaign.slug},
    "campaign_members": lambda o: {"slug": o.campaign.slug},
    "campaign_calendar_token_reset": lambda o: {"slug": o.campaign.slug},
    "request_alerts": lambda o: {"reference": o.foi_request.reference},
    # Correspondence in and out.
    "mail_message": lambda o: {"pk": o.message.pk},
    "mail_raw": lambda o: {"pk": o.message.pk},
    "mail_resend": lambda o: {"pk": o.message.pk},
    "mail_confirm": lambda o: {"pk": o.message.pk},
    "mail_assign": lambda o: {"pk": o.unmatched.pk},
    "mail_confirm_suggested": lambda o: {"pk": o.unmatched.pk},
    "mail_quarantined_raw": lambda o: {"pk": o.quarantined.pk},
    "mail_upload": lambda o: {"reference": o.foi_request.reference},
    "mail_letter": lambda o: {"reference": o.foi_request.reference, "letter": "chaser"},
    # The document archive.
    "attachment_pages": lambda o: {"pk": o.attachment.pk},
    "attachment_view": lambda o: {"pk": o.attachment.pk},
    "attachment_retry": lambda o: {"pk": o.attachment.pk},
    "attachment_progress": lambda o: {"pk": o.attachment.pk},
    # Redaction and the disclosure check.
    "redaction_editor": lambda o: {"pk": o.attachment.pk},
    "redaction_page_image": lambda o: {"pk": o.attachment.pk, "number": 1},
    "redaction_job": lambda o: redaction_job(o.attachment),
    "redaction_job_progress": lambda o: redaction_job(o.attachment),
    "request_disclosure": lambda o: {"reference": o.foi_request.reference},
    "campaign_disclosure": lambda o: {"slug": o.campaign.slug},
    # Case summaries, bundles and campaign reports.
    "case_summary_pdf": lambda o: {"reference": o.foi_request.reference},
    "case_summary_print": lambda o: {"reference": o.foi_request.reference},
    "request_bundle": lambda o: {"reference": o.foi_request.reference},
    "request_bundle_download": lambda o: {"reference": o.foi_request.reference, "pk": o.bundle.pk},
    "request_bundle_progress": lambda o: {"reference": o.foi_request.reference, "pk": o.bundle.pk},
    "campaign_report": lambda o: {"slug": o.campaign.slug},
    "campaign_report_download": lambda o: {"slug": o.campaign.slug, "pk": o.campaign_report.pk},
    "campaign_report_progress": lambda o: {"slug": o.campaign.slug, "pk": o.campaign_report.pk},
    "saved_search_delete": lambda o: {"pk": o.saved_search.pk},
    "request_export_zip": lambda o: {"reference": o.foi_request.reference},
    "request_share": lambda o: {"reference": o.foi_request.reference},
    "request_audit": lambda o: {"reference": o.foi_request.reference},
    # Insights over a campaign's requests.
    "campaign_insights": lambda o: {"slug": o.campaign.slug},
    "campaign_insights_csv": lambda o: {"slug": o.campaign.slug, "table": "figures"},
    "campaign_league": lambda o: {"slug": o.campaign.slug},
    "campaign_league_csv": lambda o: {"slug": o.campaign.slug},
    # Batches: one question to many bodies.
    "batch_detail": lambda o: {"pk": o.batch.pk},
    "batch_send": lambda o: {"pk": o.batch.pk},
    "batch_action": lambda o: {"pk": o.batch.pk},
    "batch_fields": lambda o: {"pk": o.batch.pk},
    "batch_answers": lambda o: {"pk": o.batch.pk},
    "batch_answers_export": lambda o: {"pk": o.batch.pk, "fmt": "csv"},
    "batch_answer": lambda o: {"pk": o.batch.pk, "reference": o.batch.members.get().reference},
    "batch_report": lambda o: {"pk": o.batch.pk},
    "batch_report_download": lambda o: {"pk": o.batch.pk, "report_pk": o.batch_report.pk},
    "batch_report_progress": lambda o: {"pk": o.batch.pk, "report_pk": o.batch_report.pk},
    # Chasers: opting in, and deciding on a chaser waiting for approval.
    "request_chaser_rule": lambda o: {"reference": o.foi_request.reference},
    "campaign_chaser_rule": lambda o: {"slug": o.campaign.slug},
    "chaser_decide": lambda o: {"pk": _chaser_of(o.foi_request).pk, "decision": "send"},
}


def _chaser_of(foi_request: models.FoiRequest) -> models.Chaser:
    return models.Chaser.objects.get_or_create(
        request=foi_request,
        deadline=foi_request.due_on or dt.date(2026, 2, 2),
        defaults={"status": models.ChaserStatus.AWAITING_APPROVAL, "working_days_overdue": 5},
    )[0]


# Public bodies are public: anyone sees the body, but only the requests they may see.
PUBLIC_OBJECTS = {"body_detail", "body_insights", "body_insights_csv", "body_address"}


@pytest.fixture
def alice_objects(campaign_request: models.FoiRequest, campaign: models.Campaign) -> AliceObjects:
    message = MessageFactory(request=campaign_request)
    unmatched = MessageFactory(request=None, imported_by=campaign_request.owner)
    quarantined = models.QuarantinedMail.objects.create(
        raw="raw/broken.eml",
        sha256="0" * 64,
        reason="Not an email",
        source=models.MessageSource.UPLOAD,
        imported_by=campaign_request.owner,
    )
    bundle = models.GeneratedReport.objects.create(
        kind=models.ReportKind.BUNDLE, foi_request=campaign_request, source_fingerprint="x"
    )
    report = models.GeneratedReport.objects.create(
        kind=models.ReportKind.CAMPAIGN_REPORT, campaign=campaign, source_fingerprint="x"
    )
    saved = models.SavedSearch.objects.create(
        user=campaign_request.owner, name="Mine", query="therapy"
    )
    batch = make_batch(
        owner=campaign_request.owner, bodies=[PublicBodyFactory.create()], campaign=campaign
    )
    batch_report = models.GeneratedReport.objects.create(
        kind=models.ReportKind.BATCH_REPORT,
        batch=batch,
        requested_by=campaign_request.owner,
        source_fingerprint="x",
    )
    return AliceObjects(
        campaign_request,
        make_attachment(message),
        campaign,
        message,
        unmatched,
        quarantined,
        bundle,
        report,
        saved,
        batch,
        batch_report,
    )


def test_every_object_url_is_known_to_this_test() -> None:
    object_routes = {route.name for route in site_routes() if route.kwargs & OBJECT_KWARGS}
    assert object_routes == set(OUTSIDER_404) | PUBLIC_OBJECTS


@pytest.mark.parametrize("name", sorted(OUTSIDER_404))
def test_an_outsider_gets_404_for_every_object_url(
    name: str, alice_objects: AliceObjects, mallory_client: Client
) -> None:
    url = reverse(name, kwargs=OUTSIDER_404[name](alice_objects))
    get = mallory_client.get(url)
    post = mallory_client.post(url, {"action": "remove", "on": "2026-01-10", "title": "x"})
    # A view may refuse the method it does not serve before it looks anything up (405):
    # that says nothing about alice's object. The method it serves must be a 404.
    assert {get.status_code, post.status_code} <= {404, 405}
    assert 404 in {get.status_code, post.status_code}
    alice_objects.foi_request.refresh_from_db()
    assert alice_objects.foi_request.status == models.Status.AWAITING_RESPONSE
    assert alice_objects.campaign.memberships.count() == 1


def test_an_outsider_sees_the_body_but_not_alices_requests_to_it(
    alice_objects: AliceObjects, mallory_client: Client
) -> None:
    body = alice_objects.foi_request.public_body
    response = mallory_client.get(reverse("body_detail", kwargs={"slug": body.slug}))
    assert response.status_code == 200
    assert body.name in response.text
    assert alice_objects.foi_request.title not in response.text


def test_an_outsider_cannot_find_alices_request_in_lists_search_or_csv(
    alice_objects: AliceObjects, mallory_client: Client
) -> None:
    title = alice_objects.foi_request.title
    for name in ("dashboard", "request_list", "request_export_csv", "campaign_list"):
        response = mallory_client.get(reverse(name))
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert title.encode() not in body, name


def _fill(route: Route, objects: AliceObjects) -> dict[str, Any]:
    if route.name in OUTSIDER_404:
        return OUTSIDER_404[route.name](objects)
    if route.name in PUBLIC_OBJECTS:
        table = {"table": "figures"} if "table" in route.kwargs else {}
        return {"slug": objects.foi_request.public_body.slug, **table}
    return {}


def test_every_page_except_login_and_password_reset_needs_a_login(
    alice_objects: AliceObjects, client: Client
) -> None:
    checked = set()
    for route in site_routes():
        if route.name in PUBLIC_URL_NAMES | NOT_A_PAGE or route.kwargs - OBJECT_KWARGS:
            continue
        url = reverse(route.name, kwargs=_fill(route, alice_objects))
        response = client.get(url)
        assert response.status_code == 302, route.name
        assert response["Location"].startswith(reverse("login")), route.name
        checked.add(route.name)
    assert {"dashboard", "request_export_csv", "attachment_download", "password_change"} <= checked


@pytest.mark.parametrize("name", sorted(PUBLIC_URL_NAMES - {"password_reset_confirm"}))
def test_login_and_password_reset_pages_open_without_a_login(name: str, client: Client) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "FOI Tracker" in response.text


# --- viewers -----------------------------------------------------------------------


def test_a_viewer_sees_the_request_but_no_action_forms(
    campaign_request: models.FoiRequest, viewer_client: Client
) -> None:
    response = viewer_client.get(campaign_request.get_absolute_url())
    assert response.status_code == 200
    assert escape(campaign_request.title) in response.text
    main = response.text.split('id="main"')[1]
    # Searching is reading; every form that would change something is a POST.
    assert 'method="post"' not in main
    assert reverse("request_edit", kwargs={"reference": campaign_request.reference}) not in (
        response.text
    )


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("request_edit", {}),
        ("message_create", {}),
        ("event_create", {"kind": "acknowledged"}),
        ("event_create", {"kind": "response"}),
    ],
)
def test_a_viewer_gets_403_on_every_change(
    name: str,
    extra: dict[str, str],
    campaign_request: models.FoiRequest,
    viewer_client: Client,
) -> None:
    url = reverse(name, kwargs={"reference": campaign_request.reference, **extra})
    assert viewer_client.get(url).status_code == 403
    data = {
        "on": "2026-01-14",
        "title": "Changed",
        "direction": "in",
        "sent_at": "2026-01-14T10:00",
    }
    assert viewer_client.post(url, data).status_code == 403
    campaign_request.refresh_from_db()
    assert campaign_request.title == "Waiting times at the children's hospital"
    assert not campaign_request.events.exclude(kind__in=["created", "sent"]).exists()
    assert not campaign_request.messages.exists()


def test_a_campaign_editor_may_change_a_colleagues_request(
    campaign_request: models.FoiRequest, campaign: models.Campaign, client_for: Any
) -> None:
    editor = UserFactory(username="edith")
    MembershipFactory(campaign=campaign, user=editor, role=models.Role.EDITOR)
    kwargs = {"reference": campaign_request.reference, "kind": "acknowledged"}
    url = reverse("event_create", kwargs=kwargs)
    response = client_for(editor).post(url, {"on": "2026-01-07"})
    assert response.status_code == 302
    assert campaign_request.events.filter(kind="acknowledged").exists()


def test_a_private_request_in_a_campaign_is_hidden_from_other_members(
    campaign_request: models.FoiRequest, viewer_client: Client
) -> None:
    campaign_request.visibility = models.Visibility.PRIVATE
    campaign_request.save()
    assert viewer_client.get(campaign_request.get_absolute_url()).status_code == 404
