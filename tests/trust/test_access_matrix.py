"""Who may see (GET) and do (POST) what, on every URL of the site and every API route.

One row per URL name; five columns: an anonymous visitor, an outsider (signed in, in no
campaign), a campaign viewer, a campaign editor and the owner of the request (also the
campaign's owner). A URL the table does not list fails the first test, so every new page
gets a row. A refused POST must leave the database exactly as it was.

Outcomes: "ok" is a 2xx or a 3xx to anywhere but the login page; "login" a redirect to the
login page; a number is that status code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from requests_app import models
from requests_app.alerts.emails import unsubscribe_token
from tests.factories import MessageFactory
from tests.trust.conftest import Objects, World

ROLES = ("anonymous", "outsider", "viewer", "editor", "owner")


# --- the table ------------------------------------------------------------------------------

Kwargs = Callable[[Objects], dict[str, Any]]


def no_kwargs(objects: Objects) -> dict[str, Any]:
    return {}


def ref(**more: Any) -> Kwargs:
    return lambda o: {"reference": o.reference, **more}


def campaign_slug(**more: Any) -> Kwargs:
    return lambda o: {"slug": o.world.campaign.slug, **more}


def body_slug(**more: Any) -> Kwargs:
    return lambda o: {"slug": o.world.foi_request.public_body.slug, **more}


def attachment_pk(o: Objects) -> dict[str, Any]:
    return {"pk": o.world.attachment.pk}


def redaction_job(o: Objects) -> dict[str, Any]:
    attachment = o.world.attachment
    job = models.RedactionJob.objects.create(attachment=attachment, order={}, status="done")
    return {"pk": attachment.pk, "job": job.pk}


def message_pk(o: Objects) -> dict[str, Any]:
    return {"pk": o.world.message.pk}


@dataclass(frozen=True)
class Row:
    name: str
    get: str
    post: str
    kwargs: Kwargs = no_kwargs
    data: dict[str, Any] = field(default_factory=dict)

    def outcomes(self, method: str) -> dict[str, str]:
        expected = (self.get if method == "get" else self.post).split()
        assert len(expected) == len(ROLES), self.name
        return dict(zip(ROLES, expected, strict=True))


def reset_kwargs(o: Objects) -> dict[str, Any]:
    owner = o.world.owner
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(owner.pk)),
        "token": default_token_generator.make_token(owner),
    }


def calendar_token(o: Objects) -> dict[str, Any]:
    return {"token": models.Profile.for_user(o.world.owner).calendar_token}


# What each column may do, for the patterns most URLs follow.
ANYONE = "ok ok ok ok ok"
SIGNED_IN = "login ok ok ok ok"  # any account
MEMBERS = "login 404 ok ok ok"  # whoever may see the request or campaign
EDITORS = "login 404 403 ok ok"  # the owner and editors; viewers may look, not change
OWNER_SEES_403 = "login 404 403 403 ok"  # members know it exists but only the owner may
OWN_ONLY = "login 404 404 404 ok"  # the owner's own object, hidden from everyone else
SIGNED_IN_405 = "login 405 405 405 405"  # the method is not offered (after the login check)
NOBODY_405 = "405 405 405 405 405"
API_SIGNED_IN = "401 ok ok ok ok"
API_MEMBERS = "401 404 ok ok ok"
API_405 = "401 405 405 405 405"


def attachment_file(o: Objects) -> dict[str, Any]:
    return {"pk": o.world.attachment.pk, "filename": o.world.attachment.filename}


def campaign_calendar_token(o: Objects) -> dict[str, Any]:
    return {"token": o.world.campaign.calendar_token}


def unmatched_pk(o: Objects) -> dict[str, Any]:
    return {"pk": o.unmatched.pk}


def held_pk(o: Objects) -> dict[str, Any]:
    """Mail from outside held in the unmatched inbox, suggested for the world's request."""
    held = MessageFactory.create(
        request=None, imported_by=None, suggested_request=o.world.foi_request
    )
    return {"pk": held.pk}


def failed_letter_pk(o: Objects) -> dict[str, Any]:
    return {"pk": o.failed_letter.pk}


def quarantined_pk(o: Objects) -> dict[str, Any]:
    return {"pk": o.quarantined.pk}


def mailgun(o: Objects) -> dict[str, Any]:
    return {"esp": "mailgun"}


def no_token(o: Objects) -> dict[str, Any]:
    return {"token": "not-a-signed-token"}


def unsubscribe(o: Objects) -> dict[str, Any]:
    return {"token": unsubscribe_token(o.world.owner.pk, "overdue")}


def saved_search_pk(o: Objects) -> dict[str, Any]:
    return {"pk": o.saved_search.pk}


def bundle(o: Objects) -> dict[str, Any]:
    return {"reference": o.reference, "pk": o.bundle.pk}


def campaign_report(o: Objects) -> dict[str, Any]:
    return {"slug": o.world.campaign.slug, "pk": o.campaign_report.pk}


def figures(o: Objects) -> dict[str, Any]:
    return {"table": "figures"}


def import_token(o: Objects) -> dict[str, Any]:
    return {"token": o.import_token}


def share_token(o: Objects) -> dict[str, Any]:
    return {"token": o.share_link.token}


def batch_pk(o: Objects) -> dict[str, Any]:
    return {"pk": o.batch.pk}


def batch_member(o: Objects) -> dict[str, Any]:
    return {"pk": o.batch.pk, "reference": o.batch.members.get().reference}


def batch_export(o: Objects) -> dict[str, Any]:
    return {"pk": o.batch.pk, "fmt": "csv"}


def batch_report(o: Objects) -> dict[str, Any]:
    return {"pk": o.batch.pk, "report_pk": o.batch_report.pk}


def chaser_to_approve(o: Objects) -> dict[str, Any]:
    foi_request = models.FoiRequest.objects.get(reference=o.reference)
    chaser, _created = models.Chaser.objects.get_or_create(
        request=foi_request,
        deadline=foi_request.due_on or foi_request.created_at.date(),
        defaults={"status": models.ChaserStatus.AWAITING_APPROVAL, "working_days_overdue": 5},
    )
    return {"pk": chaser.pk, "decision": "discard"}


# Editors and owners pass the permission check and the empty form is then refused (400).
EDITORS_FORM = "login 404 403 400 400"

ROWS: list[Row] = [
    # accounts
    Row("login", ANYONE, ANYONE),
    Row("logout", NOBODY_405, "login login login login login"),
    Row("password_change", SIGNED_IN, SIGNED_IN),
    Row("password_change_done", SIGNED_IN, SIGNED_IN_405),
    Row("password_reset", ANYONE, ANYONE),
    Row("password_reset_done", ANYONE, NOBODY_405),
    Row("password_reset_confirm", ANYONE, ANYONE, reset_kwargs),
    Row("password_reset_complete", ANYONE, NOBODY_405),
    # requests and their pages
    Row("dashboard", SIGNED_IN, SIGNED_IN),
    Row("request_list", SIGNED_IN, SIGNED_IN),
    Row("request_export_csv", SIGNED_IN, SIGNED_IN),
    Row("request_create", SIGNED_IN, SIGNED_IN),
    Row("request_detail", MEMBERS, MEMBERS, ref()),
    Row("request_edit", EDITORS, EDITORS, ref()),
    Row("message_create", EDITORS, EDITORS, ref()),
    Row("event_create", EDITORS, EDITORS, ref(kind="acknowledged")),
    Row("attachment_download", MEMBERS, "login 404 405 405 405", attachment_file),
    Row("body_list", SIGNED_IN, SIGNED_IN_405),
    Row("body_search", SIGNED_IN, SIGNED_IN_405),
    Row("body_detail", SIGNED_IN, SIGNED_IN_405, body_slug()),
    # anyone may give an address: staff's is the body's, anyone else's only their own
    Row("body_address", SIGNED_IN, "login 400 400 400 400", body_slug()),
    Row("chosen_body_address", SIGNED_IN_405, "login 400 400 400 400"),
    # automatic chasers
    Row("request_chaser_rule", SIGNED_IN_405, EDITORS, ref()),
    Row("campaign_chaser_rule", SIGNED_IN_405, OWNER_SEES_403, campaign_slug()),
    Row("chaser_decide", SIGNED_IN_405, EDITORS, chaser_to_approve),
    Row("campaign_list", SIGNED_IN, SIGNED_IN),
    Row("campaign_create", SIGNED_IN, SIGNED_IN),
    Row("campaign_detail", MEMBERS, MEMBERS, campaign_slug()),
    Row("campaign_members", OWNER_SEES_403, OWNER_SEES_403, campaign_slug()),
    Row("deadline_calculator", ANYONE, ANYONE),
    Row("non_working_days", "login 403 403 403 403", "login 403 403 403 403"),
    Row("deadline_calendar", SIGNED_IN, SIGNED_IN),
    Row("calendar_token_reset", SIGNED_IN_405, SIGNED_IN),
    Row("calendar_feed", ANYONE, ANYONE, calendar_token),
    Row("campaign_calendar_feed", ANYONE, ANYONE, campaign_calendar_token),
    Row("campaign_calendar_token_reset", "login 404 403 403 405", OWNER_SEES_403, campaign_slug()),
    # mail
    Row("mail_import", SIGNED_IN, SIGNED_IN),
    Row("mail_unmatched", SIGNED_IN, SIGNED_IN),
    Row("mail_assign", SIGNED_IN_405, OWN_ONLY, unmatched_pk),
    # Those who may edit the request file it; the editor does, so for the owner it is gone.
    Row("mail_confirm_suggested", SIGNED_IN_405, "login 404 404 ok 404", held_pk),
    Row("mail_message", MEMBERS, MEMBERS, message_pk),
    Row("mail_confirm", SIGNED_IN_405, EDITORS, message_pk),
    Row("mail_raw", MEMBERS, MEMBERS, message_pk),
    Row("mail_resend", SIGNED_IN_405, EDITORS, failed_letter_pk),
    Row("mail_quarantined_raw", OWN_ONLY, OWN_ONLY, quarantined_pk),
    # No signing key is set here, so the webhook takes no mail (tests/mail/test_webhook.py).
    Row("mail_inbound", "404 404 404 404 404", "404 404 404 404 404", mailgun),
    Row("mail_upload", SIGNED_IN_405, EDITORS, ref()),
    Row("mail_letter", EDITORS, EDITORS, ref(letter="follow_up")),
    # extraction
    Row("attachment_pages", MEMBERS, MEMBERS, attachment_pk),
    Row("attachment_view", MEMBERS, "login 404 405 405 405", attachment_pk),
    Row("attachment_retry", "login 404 405 405 405", EDITORS, attachment_pk),
    Row("attachment_progress", MEMBERS, MEMBERS, attachment_pk),
    # redaction and the disclosure check
    Row("redaction_editor", EDITORS, EDITORS, attachment_pk),
    # The world's attachment is not a real PDF: members get 404 for its page 1 too.
    Row(
        "redaction_page_image",
        "login 404 404 404 404",
        "login 404 405 405 405",
        lambda o: {"pk": o.world.attachment.pk, "number": 1},
    ),
    # A redaction job: its page and progress for whoever may see the attachment.
    Row("redaction_job", MEMBERS, "login 404 405 405 405", redaction_job),
    Row("redaction_job_progress", MEMBERS, "login 404 405 405 405", redaction_job),
    Row("request_disclosure", MEMBERS, EDITORS, ref()),
    Row("campaign_disclosure", MEMBERS, EDITORS, campaign_slug()),
    # alerts
    Row("alert_unsubscribe", ANYONE, ANYONE, unsubscribe),
    Row("alert_preferences", SIGNED_IN, SIGNED_IN),
    # accounts
    Row("account", SIGNED_IN, SIGNED_IN),
    Row("account_checklist", SIGNED_IN, SIGNED_IN_405),
    Row("account_checklist_done", SIGNED_IN_405, SIGNED_IN),
    Row("account_test_alert", SIGNED_IN_405, SIGNED_IN),
    Row("account_load_demo", SIGNED_IN_405, SIGNED_IN),
    Row("account_confirm_email", "400 400 400 400 400", "400 400 400 400 400", no_token),
    Row("request_alerts", MEMBERS, MEMBERS, ref()),
    # search
    Row("search", SIGNED_IN, SIGNED_IN_405),
    Row("saved_search_list", SIGNED_IN, SIGNED_IN_405),
    Row("saved_search_create", SIGNED_IN_405, SIGNED_IN),
    Row("saved_search_delete", SIGNED_IN_405, OWN_ONLY, saved_search_pk),
    # reports
    Row("case_summary_pdf", MEMBERS, SIGNED_IN_405, ref()),
    Row("case_summary_print", MEMBERS, SIGNED_IN_405, ref()),
    Row("request_bundle", MEMBERS, MEMBERS, ref()),
    Row("request_bundle_download", MEMBERS, SIGNED_IN_405, bundle),
    Row("request_bundle_progress", MEMBERS, SIGNED_IN_405, bundle),
    Row("campaign_report", MEMBERS, MEMBERS, campaign_slug()),
    Row("campaign_report_download", OWN_ONLY, SIGNED_IN_405, campaign_report),
    Row("campaign_report_progress", OWN_ONLY, SIGNED_IN_405, campaign_report),
    # insights
    Row("insights", SIGNED_IN, SIGNED_IN_405),
    Row("insights_csv", SIGNED_IN, SIGNED_IN_405, figures),
    Row("body_insights", SIGNED_IN, SIGNED_IN_405, body_slug()),
    Row("body_insights_csv", SIGNED_IN, SIGNED_IN_405, body_slug(table="figures")),
    Row("campaign_insights", MEMBERS, SIGNED_IN_405, campaign_slug()),
    Row("campaign_insights_csv", MEMBERS, SIGNED_IN_405, campaign_slug(table="figures")),
    Row("campaign_league", MEMBERS, SIGNED_IN_405, campaign_slug()),
    Row("campaign_league_csv", MEMBERS, SIGNED_IN_405, campaign_slug()),
    # API
    Row("api-schema", ANYONE, NOBODY_405),
    Row("api-docs", ANYONE, NOBODY_405),
    Row("api-deadline", "401 400 400 400 400", API_405),
    Row("api-search", "401 400 400 400 400", API_405),
    Row("api_tokens", SIGNED_IN, SIGNED_IN),
    Row("api-request-list", API_SIGNED_IN, "401 400 400 400 400"),
    Row("api-request-detail", API_MEMBERS, API_405, ref()),
    Row("api-request-events", API_MEMBERS, "401 404 403 400 400", ref()),
    Row("api-request-messages", API_MEMBERS, "401 404 403 400 400", ref()),
    Row("api-message-list", API_SIGNED_IN, API_405),
    Row("api-message-detail", API_MEMBERS, API_405, message_pk),
    Row("api-attachment-list", API_SIGNED_IN, API_405),
    Row("api-attachment-detail", API_MEMBERS, API_405, attachment_pk),
    Row("api-attachment-download", API_MEMBERS, API_405, attachment_pk),
    Row("api-body-list", API_SIGNED_IN, API_405),
    Row("api-body-detail", API_SIGNED_IN, API_405, body_slug()),
    Row("api-campaign-list", API_SIGNED_IN, API_405),
    Row("api-campaign-detail", API_MEMBERS, API_405, campaign_slug()),
    Row("api-batch-list", API_SIGNED_IN, API_405),
    Row("api-batch-detail", API_MEMBERS, API_405, batch_pk),
    Row("api-batch-answers", API_MEMBERS, API_405, batch_pk),
    # data import and export
    Row("spreadsheet_import", SIGNED_IN, SIGNED_IN),
    Row("spreadsheet_template", SIGNED_IN, SIGNED_IN),
    Row("spreadsheet_import_map", OWN_ONLY, OWN_ONLY, import_token),
    Row("whatdotheyknow_import", SIGNED_IN, SIGNED_IN),
    Row("bodies_import", "login 403 403 403 403", "login 403 403 403 403"),
    Row("body_suggestions", "login 403 403 403 403", "login 403 403 403 403"),
    Row("request_export_xlsx", SIGNED_IN, SIGNED_IN),
    Row("request_export_zip", MEMBERS, MEMBERS, ref()),
    # batches
    Row("batch_list", SIGNED_IN, SIGNED_IN_405),
    Row("batch_create", SIGNED_IN, "login 400 400 400 400"),
    Row("batch_detail", MEMBERS, SIGNED_IN_405, batch_pk),
    Row("batch_send", EDITORS, EDITORS_FORM, batch_pk),
    Row("batch_action", SIGNED_IN_405, EDITORS, batch_pk, {"action": "chaser", "scope": "all"}),
    Row("batch_fields", EDITORS, EDITORS_FORM, batch_pk),
    Row("batch_answers", MEMBERS, SIGNED_IN_405, batch_pk),
    Row("batch_answers_export", MEMBERS, MEMBERS, batch_export),
    Row("batch_answer", EDITORS, EDITORS, batch_member),
    Row("batch_report", MEMBERS, MEMBERS, batch_pk),
    Row("batch_report_download", OWN_ONLY, SIGNED_IN_405, batch_report),
    Row("batch_report_progress", OWN_ONLY, SIGNED_IN_405, batch_report),
    # trust: share links, audit trail, second factor, health
    Row("request_share", EDITORS, EDITORS, ref()),
    Row("shared_request", ANYONE, NOBODY_405, share_token),
    Row("request_audit", OWNER_SEES_403, "login 404 405 405 405", ref()),
    Row("two_factor_setup", SIGNED_IN, SIGNED_IN),
    Row("two_factor_verify", SIGNED_IN, SIGNED_IN),
    Row("healthz", ANYONE, NOBODY_405),
]


def site_route_names() -> set[str]:
    def walk(patterns: list[Any]) -> Iterator[str]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.app_name != "admin":
                    yield from walk(entry.url_patterns)
            elif isinstance(entry, URLPattern) and entry.name:
                yield entry.name

    return set(walk(get_resolver().url_patterns))


# --- running a row --------------------------------------------------------------------------


# Reference data is large and only staff change it: counted, not compared row by row.
COUNTED_ONLY = {"requests_app.PublicBody", "requests_app.Exemption", "requests_app.NonWorkingDay"}
REFUSED = {"login", "401", "403", "404", "405"}


def database_state() -> dict[str, Any]:
    """Every row of the app's tables, the API tokens and the second-factor devices."""
    wanted = [*apps.get_app_config("requests_app").get_models()]
    wanted += [apps.get_model("authtoken", "Token"), apps.get_model("otp_totp", "TOTPDevice")]
    state: dict[str, Any] = {}
    for model in wanted:
        rows = model._default_manager.order_by("pk")
        label = model._meta.label
        state[label] = rows.count() if label in COUNTED_ONLY else list(rows.values())
    return state


def outcome(response: HttpResponseBase) -> str:
    status = response.status_code
    if status in (301, 302, 303) and response["Location"].startswith(reverse("login")):
        return "login"
    if 200 <= status < 400:
        return "ok"
    return str(status)


def clients(world: World) -> dict[str, Client]:
    signed_in = {
        "outsider": world.outsider,
        "viewer": world.viewer,
        "editor": world.editor,
        "owner": world.owner,
    }
    made = {"anonymous": Client(raise_request_exception=True)}
    for role, user in signed_in.items():
        made[role] = Client(raise_request_exception=True)
        made[role].force_login(user)
    return made


@dataclass
class Seen:
    get: dict[str, str] = field(default_factory=dict)
    post: dict[str, str] = field(default_factory=dict)
    changed_by_refused_post: list[str] = field(default_factory=list)


def observe(row: Row, objects: Objects) -> Seen:
    """Each role GETs then POSTs the row's URL; the owner goes last, as POSTs may change data."""
    url = reverse(row.name, kwargs=row.kwargs(objects))
    expected_post = row.outcomes("post")
    seen = Seen()
    for role, client in clients(objects.world).items():
        seen.get[role] = outcome(client.get(url))
        refusal_expected = expected_post[role] in REFUSED
        before = database_state() if refusal_expected else None
        seen.post[role] = outcome(client.post(url, row.data))
        if refusal_expected and seen.post[role] in REFUSED and database_state() != before:
            seen.changed_by_refused_post.append(role)
    return seen


def test_every_url_of_the_site_has_a_row() -> None:
    assert site_route_names() == {row.name for row in ROWS}


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_each_role_sees_and_does_only_what_it_may(row: Row, objects: Objects) -> None:
    seen = observe(row, objects)
    assert seen.get == row.outcomes("get")
    assert seen.post == row.outcomes("post")
    assert seen.changed_by_refused_post == []


def test_the_admin_is_for_staff_only(world: World) -> None:
    for role, client in clients(world).items():
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302, role
        assert response["Location"].startswith(reverse("admin:login")), role
    staff = Client()
    world.owner.is_staff = True
    world.owner.save()
    staff.force_login(world.owner)
    assert staff.get(reverse("admin:index")).status_code == 200
