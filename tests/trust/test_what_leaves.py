"""What leaves the app shows only what the pages show: one visibility rule for everything.

Alice keeps a request "only me" in the campaign she shares with Edith. Every feed, export,
share view, report, API list and page Edith (an editor of that campaign) can open is
fetched and read as a person would read it — HTML, CSV, XLSX, ZIP, ICS, JSON and the text
of PDFs — and none may show that request's title, reference, letters or attachment text.

The routes are found by walking the URL resolver: a route this file does not classify
fails the first test, so a new export cannot be forgotten.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

import pytest
from django.http import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from requests_app import models
from tests.factories import AnswerFieldFactory, FoiRequestFactory
from tests.trust.conftest import Objects, make_message, stored_attachment
from tests.trust.test_access_matrix import ROWS, Kwargs

pytestmark = pytest.mark.usefixtures("frozen_today")

MARK = "ZEBRA"  # in the private request's title, letters, attachment and answers, nowhere else


# --- the private request ---------------------------------------------------------------------


@dataclass
class Secret:
    objects: Objects
    foi_request: models.FoiRequest
    editor: Client
    on_commit: Any  # runs what a view queued for after its transaction

    @property
    def words(self) -> tuple[str, ...]:
        return (MARK.lower(), self.foi_request.reference.lower())


@pytest.fixture
def secret(objects: Objects, client_for: Any, django_capture_on_commit_callbacks: Any) -> Secret:
    world = objects.world
    private = FoiRequestFactory.sent(
        on=dt.date(2026, 1, 6),
        owner=world.owner,
        public_body=world.foi_request.public_body,
        campaign=world.campaign,
        visibility=models.Visibility.PRIVATE,
        title="ZEBRA: the ward closures nobody announced",
        their_reference="ZEBRA-THEIRS-42",
        text="ZEBRA request text",
        batch=objects.batch,
    )
    letter = make_message(
        request=private,
        subject="ZEBRA reply about ward closures",
        body_text="ZEBRA-LETTER: the closures were agreed in March.",
        sender="Zebra Official <zebra.official@nhs-example.gov.uk>",
    )
    attachment = stored_attachment(letter, b"%PDF-1.4 zebra", "zebra-minutes.pdf")
    models.DocumentPage.objects.create(
        attachment=attachment, number=1, text="ZEBRA-MINUTES on the closures"
    )
    answer_field = cast(
        models.AnswerField, AnswerFieldFactory(batch=objects.batch, name="Wards closed")
    )
    models.Answer.objects.create(
        field=answer_field, request=private, value_text="ZEBRA-ANSWER", source=letter
    )
    on_commit = django_capture_on_commit_callbacks
    return Secret(objects, private, client_for(world.editor), on_commit)


# --- reading a response the way a person would -------------------------------------------------


def body_of(response: HttpResponseBase) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return bytes(response.content)  # type: ignore[attr-defined]


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def xlsx_text(content: bytes) -> str:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content))
    cells = (cell for sheet in workbook for row in sheet.iter_rows() for cell in row)
    return "\n".join(str(cell.value) for cell in cells if cell.value is not None)


def zip_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "\n".join(
            name + "\n" + readable(archive.read(name), name) for name in archive.namelist()
        )


def readable(content: bytes, name: str = "", content_type: str = "") -> str:
    """The text of a file, whatever its format, as a reader of it would see it."""
    kind = f"{content_type} {name}".lower()
    if content.startswith(b"%PDF") and len(content) > 100:
        return pdf_text(content)
    if content.startswith(b"PK\x03\x04"):
        is_sheet = "spreadsheet" in kind or name.endswith(".xlsx")
        return xlsx_text(content) if is_sheet else zip_text(content)
    return content.decode("utf-8", errors="replace")


def response_text(response: HttpResponseBase) -> str:
    return readable(body_of(response), content_type=response.get("Content-Type", ""))


# --- fetching -----------------------------------------------------------------------------------

Fetch = Callable[[Secret], list[HttpResponseBase]]


def get(name: str, kwargs: Kwargs | None = None, **query: str) -> Fetch:
    """GET the route as Edith; its kwargs come from the access matrix unless given."""
    made = kwargs or ROW_KWARGS[name]

    def fetch(secret: Secret) -> list[HttpResponseBase]:
        url = reverse(name, kwargs=made(secret.objects))
        return [secret.editor.get(url, query)]

    return fetch


def each_table(name: str, kwargs: Callable[[Objects], dict[str, Any]]) -> Fetch:
    """Every CSV table an insights page offers (a body's own page has no table of bodies)."""
    from requests_app.insights.tables import TABLE_SOURCES

    per_body = ("bodies", "on_time")
    tables = [t for t in TABLE_SOURCES if name != "body_insights_csv" or t not in per_body]

    def fetch(secret: Secret) -> list[HttpResponseBase]:
        urls = [reverse(name, kwargs={**kwargs(secret.objects), "table": t}) for t in tables]
        return [secret.editor.get(url) for url in urls]

    return fetch


def built(start: str, then: str, ids: Callable[[Objects], dict[str, Any]]) -> Fetch:
    """Ask for a document to be built (tasks run inline here), then download it or ask
    how it went."""

    def fetch(secret: Secret) -> list[HttpResponseBase]:
        before = set(models.GeneratedReport.objects.values_list("pk", flat=True))
        with secret.on_commit(execute=True):
            # Past the disclosure check: what the gate itself shows is read by `gated`.
            confirmed = {"disclosure": "share-anyway"}
            secret.editor.post(reverse(start, kwargs=ids(secret.objects)), confirmed)
        made = models.GeneratedReport.objects.exclude(pk__in=before).get()
        assert made.status == models.ReportStatus.DONE, made.error
        report_id = "report_pk" if then.startswith("batch") else "pk"
        url = reverse(then, kwargs={**ids(secret.objects), report_id: made.pk})
        return [secret.editor.get(url)]

    return fetch


def ref(o: Objects) -> dict[str, Any]:
    return {"reference": o.reference}


def campaign(o: Objects) -> dict[str, Any]:
    return {"slug": o.world.campaign.slug}


def body(o: Objects) -> dict[str, Any]:
    return {"slug": o.world.foi_request.public_body.slug}


def batch(o: Objects) -> dict[str, Any]:
    return {"pk": o.batch.pk}


def editors_calendar(o: Objects) -> dict[str, Any]:
    return {"token": models.Profile.for_user(o.world.editor).calendar_token}


def visible_member(o: Objects) -> dict[str, Any]:
    member = o.batch.members.get(visibility=models.Visibility.CAMPAIGN)
    return {"pk": o.batch.pk, "reference": member.reference}


def batch_export(fmt: str) -> Kwargs:
    return lambda o: {"pk": o.batch.pk, "fmt": fmt}


def all_of(*fetches: Fetch) -> Fetch:
    return lambda secret: [response for fetch in fetches for response in fetch(secret)]


ROW_KWARGS: dict[str, Kwargs] = {row.name: row.kwargs for row in ROWS}


@dataclass(frozen=True)
class Output:
    """A route that shows requests' data, and how Edith fetches what it shows."""

    kind: str  # feed, export, share, report, api, page
    fetch: Fetch
    formats: tuple[str, ...] = ("html",)


def page(name: str, **query: str) -> Output:
    return Output("page", get(name, **query))


OUTPUTS: dict[str, Output] = {
    # feeds
    "calendar_feed": Output("feed", get("calendar_feed", editors_calendar), ("ics",)),
    "campaign_calendar_feed": Output("feed", get("campaign_calendar_feed"), ("ics",)),
    # exports
    "request_export_csv": Output("export", get("request_export_csv"), ("csv",)),
    "request_export_xlsx": Output("export", get("request_export_xlsx"), ("xlsx",)),
    "request_export_zip": Output("export", get("request_export_zip"), ("zip",)),
    "batch_answers_export": Output(
        "export",
        all_of(
            get("batch_answers_export", batch_export("csv")),
            get("batch_answers_export", batch_export("xlsx")),
        ),
        ("csv", "xlsx"),
    ),
    "insights_csv": Output("export", each_table("insights_csv", lambda o: {}), ("csv",)),
    "body_insights_csv": Output("export", each_table("body_insights_csv", body), ("csv",)),
    "campaign_insights_csv": Output(
        "export", each_table("campaign_insights_csv", campaign), ("csv",)
    ),
    "campaign_league_csv": Output("export", get("campaign_league_csv"), ("csv",)),
    "spreadsheet_template": Output("export", get("spreadsheet_template"), ("xlsx",)),
    "attachment_download": Output("export", get("attachment_download"), ("pdf",)),
    "mail_raw": Output("export", get("mail_raw"), ("eml",)),
    # share links
    "shared_request": Output("share", get("shared_request")),
    "request_share": Output("share", get("request_share")),
    # reports
    "case_summary_pdf": Output("report", get("case_summary_pdf"), ("pdf",)),
    "case_summary_print": Output("report", get("case_summary_print")),
    "request_bundle_download": Output(
        "report", built("request_bundle", "request_bundle_download", ref), ("pdf",)
    ),
    "campaign_report_download": Output(
        "report", built("campaign_report", "campaign_report_download", campaign), ("pdf",)
    ),
    "batch_report_download": Output(
        "report", built("batch_report", "batch_report_download", batch), ("pdf",)
    ),
    "request_bundle": page("request_bundle"),
    "campaign_report": page("campaign_report"),
    "batch_report": page("batch_report"),
    "request_bundle_progress": Output(
        "report", built("request_bundle", "request_bundle_progress", ref), ("json",)
    ),
    "campaign_report_progress": Output(
        "report", built("campaign_report", "campaign_report_progress", campaign), ("json",)
    ),
    "batch_report_progress": Output(
        "report", built("batch_report", "batch_report_progress", batch), ("json",)
    ),
    # the API
    "api-request-list": Output("api", get("api-request-list"), ("json",)),
    "api-request-detail": Output("api", get("api-request-detail"), ("json",)),
    "api-request-events": Output("api", get("api-request-events"), ("json",)),
    "api-request-messages": Output("api", get("api-request-messages"), ("json",)),
    "api-message-list": Output("api", get("api-message-list"), ("json",)),
    "api-message-detail": Output("api", get("api-message-detail"), ("json",)),
    "api-attachment-list": Output("api", get("api-attachment-list"), ("json",)),
    "api-attachment-detail": Output("api", get("api-attachment-detail"), ("json",)),
    "api-attachment-download": Output("api", get("api-attachment-download"), ("pdf",)),
    "api-body-list": Output("api", get("api-body-list"), ("json",)),
    "api-body-detail": Output("api", get("api-body-detail"), ("json",)),
    "api-campaign-list": Output("api", get("api-campaign-list"), ("json",)),
    "api-campaign-detail": Output("api", get("api-campaign-detail"), ("json",)),
    "api-batch-list": Output("api", get("api-batch-list"), ("json",)),
    "api-batch-detail": Output("api", get("api-batch-detail"), ("json",)),
    "api-batch-answers": Output("api", get("api-batch-answers"), ("json",)),
    "api-search": Output("api", get("api-search", q="closures"), ("json",)),
    "api-deadline": Output(
        "api", get("api-deadline", regime="uk-foia", received="2026-01-06"), ("json",)
    ),
    # pages
    "dashboard": page("dashboard"),
    "request_list": page("request_list"),
    "request_detail": page("request_detail"),
    "request_edit": page("request_edit"),
    "request_alerts": page("request_alerts"),
    "message_create": page("message_create"),
    "event_create": page("event_create"),
    "mail_letter": page("mail_letter"),
    "mail_message": page("mail_message"),
    "mail_unmatched": page("mail_unmatched"),
    "attachment_pages": page("attachment_pages"),
    "attachment_view": Output("page", get("attachment_view"), ("pdf",)),
    "attachment_progress": Output("page", get("attachment_progress"), ("json",)),
    "body_list": page("body_list"),
    "body_search": page("body_search", q="NHS"),
    "body_detail": page("body_detail"),
    "campaign_list": page("campaign_list"),
    "campaign_detail": page("campaign_detail"),
    "deadline_calendar": page("deadline_calendar", month="2026-02"),
    "search": page("search", q="closures"),
    "saved_search_list": page("saved_search_list"),
    "insights": page("insights"),
    "body_insights": page("body_insights"),
    "campaign_insights": page("campaign_insights"),
    "campaign_league": page("campaign_league"),
    "batch_list": page("batch_list"),
    "batch_detail": page("batch_detail"),
    "batch_send": page("batch_send"),
    "batch_fields": page("batch_fields"),
    "batch_answers": page("batch_answers"),
    "batch_answer": Output("page", get("batch_answer", visible_member)),
    "redaction_editor": page("redaction_editor"),
    "request_disclosure": page("request_disclosure"),
    "campaign_disclosure": page("campaign_disclosure"),
}

# Routes that show no request's data (forms about the account, actions that only take a
# POST, the calculator, the schema), or show one person's own object to that person alone.
NOT_OUTPUTS: dict[str, str] = {
    "login": "account",
    "logout": "account",
    "password_change": "account",
    "password_change_done": "account",
    "password_reset": "account",
    "password_reset_done": "account",
    "password_reset_confirm": "account",
    "password_reset_complete": "account",
    "two_factor_setup": "account",
    "two_factor_verify": "account",
    "alert_preferences": "account",
    "alert_unsubscribe": "account",
    "api_tokens": "account",
    "account": "account",
    "account_checklist": "account",
    "account_checklist_done": "account",
    "account_test_alert": "account",
    "account_load_demo": "account: loads demo requests owned by the user",
    "account_confirm_email": "account",
    "request_create": "an empty form",
    "campaign_create": "an empty form",
    "spreadsheet_import": "an empty form",
    "whatdotheyknow_import": "an empty form",
    "mail_import": "an empty form",
    "batch_create": "an empty form",
    "bodies_import": "staff only",
    "body_suggestions": "staff only",
    "non_working_days": "staff only, who see every request in the admin anyway",
    "campaign_members": "the campaign owner's page of people, no requests",
    "request_audit": "the request's owner only",
    "spreadsheet_import_map": "the importing user's own upload",
    "mail_quarantined_raw": "the importing user's own quarantined file",
    "calendar_token_reset": "POST only",
    "campaign_calendar_token_reset": "POST only",
    "mail_assign": "POST only",
    "mail_confirm": "POST only",
    "mail_confirm_suggested": "POST only",
    "chosen_body_address": "POST only",
    "request_chaser_rule": "POST only",
    "campaign_chaser_rule": "POST only",
    "chaser_decide": "POST only",
    "body_address": "a public body's address form, no request",
    "redaction_page_image": "pixels of one page of an attachment the access matrix guards",
    "redaction_job": "a redaction job's progress on an attachment the access matrix guards "
    "(tests/redaction/test_jobs.py: an outsider gets 404)",
    "redaction_job_progress": "the same as JSON: status and percent, no text",
    "mail_resend": "POST only",
    "mail_upload": "POST only",
    "mail_inbound": "POST only, from the mail provider",
    "attachment_retry": "POST only",
    "saved_search_create": "POST only",
    "saved_search_delete": "POST only",
    "batch_action": "POST only",
    "deadline_calculator": "arithmetic on dates, no data",
    "api-schema": "the API's description, no data",
    "api-docs": "the API's description, no data",
    "healthz": "the installation's state, no data",
}


def site_route_names() -> set[str]:
    def walk(patterns: list[Any]) -> Iterator[str]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.app_name != "admin":
                    yield from walk(entry.url_patterns)
            elif isinstance(entry, URLPattern) and entry.name:
                yield entry.name

    return set(walk(get_resolver().url_patterns))


def test_every_route_is_classified_as_an_output_or_not() -> None:
    assert not set(OUTPUTS) & set(NOT_OUTPUTS)
    assert site_route_names() == set(OUTPUTS) | set(NOT_OUTPUTS)


@dataclass
class Seen:
    statuses: list[int] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)


def read_as_edith(output: Output, secret: Secret) -> Seen:
    seen = Seen()
    for response in output.fetch(secret):
        seen.statuses.append(response.status_code)
        text = response_text(response).lower()
        seen.leaks += [word for word in secret.words if word in text]
    return seen


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_no_output_shows_another_members_private_request(name: str, secret: Secret) -> None:
    seen = read_as_edith(OUTPUTS[name], secret)
    assert seen.statuses and all(status == 200 for status in seen.statuses), seen.statuses
    assert seen.leaks == []


# Outputs in each format that list Alice's requests: she finds her private one in them,
# so the reading above (PDF text, workbook cells, JSON) would see it if it leaked.
LISTING_OUTPUTS = (
    "request_export_csv",
    "request_export_xlsx",
    "batch_answers_export",
    "campaign_report_download",
    "batch_report_download",
    "api-request-list",
    "api-search",
    "search",
)


@pytest.mark.parametrize("name", LISTING_OUTPUTS)
def test_the_private_request_is_there_for_its_owner(
    name: str, secret: Secret, client_for: Any
) -> None:
    secret.editor = client_for(secret.objects.world.owner)
    seen = read_as_edith(OUTPUTS[name], secret)
    assert set(seen.leaks) == set(secret.words)


def test_the_owners_own_feed_has_her_private_request(secret: Secret, client_for: Any) -> None:
    alice = client_for(secret.objects.world.owner)
    feed = alice.get(reverse("calendar_feed", kwargs=ROW_KWARGS["calendar_feed"](secret.objects)))
    assert MARK.lower() in response_text(feed).lower()


# The check before something leaves lists the findings in what is about to leave: it too
# may show only what the reader may see. (The world's letters carry addresses, and the
# private request's attachment is not a readable PDF, so each of these lists findings.)
GATED: dict[str, tuple[dict[str, str], Kwargs | None]] = {
    "request_share": ({"action": "create"}, ref),
    "request_bundle": ({}, ref),
    "campaign_report": ({}, campaign),
    "request_export_csv": ({}, None),
    "request_export_xlsx": ({}, None),
    "request_export_zip": ({}, ref),
}


def gate_page(name: str, secret: Secret) -> str:
    data, kwargs = GATED[name]
    url = reverse(name, kwargs=kwargs(secret.objects) if kwargs else {})
    response = secret.editor.post(url, data)
    assert response.status_code == 200, response.status_code
    text = response_text(response)
    assert "Check before it leaves" in text
    return text.lower()


@pytest.mark.parametrize("name", sorted(GATED))
def test_the_check_before_something_leaves_shows_only_what_the_reader_may_see(
    name: str, secret: Secret
) -> None:
    text = gate_page(name, secret)
    assert [word for word in secret.words if word in text] == []


def test_the_check_before_an_export_lists_the_private_request_for_its_owner(
    secret: Secret, client_for: Any
) -> None:
    secret.editor = client_for(secret.objects.world.owner)
    assert secret.foi_request.reference.lower() in gate_page("request_export_csv", secret)
