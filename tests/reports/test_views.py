from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, cast

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from requests_app.models import (
    Campaign,
    FoiRequest,
    GeneratedReport,
    ReportKind,
    ReportStatus,
    Role,
    Visibility,
)
from tests.factories import CampaignFactory, MembershipFactory, UserFactory
from tests.reports.reading import flat, page_texts

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 5, 5, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen_clock() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def campaign(refused_case: FoiRequest, user: User) -> Campaign:
    campaign = cast(Campaign, CampaignFactory(name="Rail transparency"))
    MembershipFactory(campaign=campaign, user=user, role=Role.OWNER)
    refused_case.campaign = campaign
    refused_case.visibility = Visibility.CAMPAIGN
    refused_case.save()
    return campaign


@pytest.fixture
def viewer(campaign: Campaign) -> User:
    member = cast(User, UserFactory(username="vera"))
    MembershipFactory(campaign=campaign, user=member, role=Role.VIEWER)
    return member


def downloaded(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def done_report(**fields: Any) -> GeneratedReport:
    return GeneratedReport.objects.create(
        status=ReportStatus.DONE, source_fingerprint="x" * 64, progress=100, **fields
    )


def report_urls(foi_request: FoiRequest, campaign: Campaign, user: User) -> list[str]:
    bundle = done_report(kind=ReportKind.BUNDLE, foi_request=foi_request, requested_by=user)
    report = done_report(kind=ReportKind.CAMPAIGN_REPORT, campaign=campaign, requested_by=user)
    reference, slug = foi_request.reference, campaign.slug
    return [
        reverse("case_summary_pdf", kwargs={"reference": reference}),
        reverse("case_summary_print", kwargs={"reference": reference}),
        reverse("request_bundle", kwargs={"reference": reference}),
        reverse("request_bundle_download", kwargs={"reference": reference, "pk": bundle.pk}),
        reverse("request_bundle_progress", kwargs={"reference": reference, "pk": bundle.pk}),
        reverse("campaign_report", kwargs={"slug": slug}),
        reverse("campaign_report_download", kwargs={"slug": slug, "pk": report.pk}),
        reverse("campaign_report_progress", kwargs={"slug": slug, "pk": report.pk}),
    ]


def test_an_outsider_gets_404_from_every_report_url(
    refused_case: FoiRequest,
    campaign: Campaign,
    user: User,
    other_user: User,
    client_for: Callable[[User], Client],
) -> None:
    outsider = client_for(other_user)
    for url in report_urls(refused_case, campaign, user):
        assert outsider.get(url).status_code == 404, url
        assert outsider.post(url).status_code in (404, 405), url
    assert not GeneratedReport.objects.filter(requested_by=other_user).exists()


def test_anonymous_visitors_are_sent_to_log_in(
    refused_case: FoiRequest, campaign: Campaign, user: User
) -> None:
    for url in report_urls(refused_case, campaign, user):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_a_viewer_downloads_the_case_summary(
    refused_case: FoiRequest, viewer: User, client_for: Callable[[User], Client]
) -> None:
    url = reverse("case_summary_pdf", kwargs={"reference": refused_case.reference})
    response = client_for(viewer).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="FOI-2026-0001-case-summary.pdf"' in response["Content-Disposition"]
    pages = page_texts(downloaded(response))
    assert "Our reference FOI-2026-0001" in flat(pages[0])
    assert f"Page 1 of {len(pages)}" in pages[0]


def test_the_case_summary_is_built_once_until_the_case_changes(
    refused_case: FoiRequest, alice_client: Client
) -> None:
    url = reverse("case_summary_pdf", kwargs={"reference": refused_case.reference})
    assert alice_client.get(url).status_code == 200
    assert alice_client.get(url).status_code == 200
    summaries = GeneratedReport.objects.filter(kind=ReportKind.CASE_SUMMARY)
    assert summaries.count() == 1
    refused_case.notes = "A new note."
    refused_case.save()
    assert alice_client.get(url).status_code == 200
    assert summaries.count() == 2


def test_the_print_view_is_html_with_no_inline_script(
    refused_case: FoiRequest, viewer: User, client_for: Callable[[User], Client]
) -> None:
    url = reverse("case_summary_print", kwargs={"reference": refused_case.reference})
    response = client_for(viewer).get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Deadline ledger" in html and "FOI-DFT-77812" in html
    assert "<script" not in html


def test_a_viewer_builds_a_bundle_watches_it_and_downloads_it(
    refused_case: FoiRequest,
    viewer: User,
    client_for: Callable[[User], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_for(viewer)
    url = reverse("request_bundle", kwargs={"reference": refused_case.reference})
    page = client.get(url)
    assert page.status_code == 200 and "Build the bundle" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    report = GeneratedReport.objects.get(kind=ReportKind.BUNDLE)
    assert report.status == ReportStatus.DONE and report.requested_by == viewer
    html = client.get(url).content.decode()
    download = reverse(
        "request_bundle_download", kwargs={"reference": refused_case.reference, "pk": report.pk}
    )
    assert download in html and "report-progress.js" in html
    progress = client.get(
        reverse(
            "request_bundle_progress",
            kwargs={"reference": refused_case.reference, "pk": report.pk},
        )
    ).json()
    assert progress["status"] == "done" and progress["progress"] == 100
    assert progress["download_url"] == download
    pdf = client.get(download)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    pages = page_texts(downloaded(pdf))
    assert len(pages) == report.page_count
    # Asking again for the same state of the case reuses the build.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert GeneratedReport.objects.filter(kind=ReportKind.BUNDLE).count() == 1


def test_a_bundle_still_building_reports_its_progress(
    refused_case: FoiRequest, alice_client: Client, user: User
) -> None:
    report = GeneratedReport.objects.create(
        kind=ReportKind.BUNDLE,
        foi_request=refused_case,
        requested_by=user,
        status=ReportStatus.RUNNING,
        progress=40,
        source_fingerprint="y" * 64,
    )
    kwargs = {"reference": refused_case.reference, "pk": report.pk}
    progress = alice_client.get(reverse("request_bundle_progress", kwargs=kwargs)).json()
    assert progress == {
        "status": "running",
        "status_label": "Being built",
        "progress": 40,
        "page_count": None,
        "download_url": None,
        "error": "",
    }
    assert alice_client.get(reverse("request_bundle_download", kwargs=kwargs)).status_code == 404


def test_a_bundle_of_another_request_is_not_served_under_this_one(
    refused_case: FoiRequest, user: User, alice_client: Client
) -> None:
    from tests.factories import FoiRequestFactory

    other = FoiRequestFactory(owner=user)
    report = done_report(kind=ReportKind.BUNDLE, foi_request=other, requested_by=user)
    url = reverse(
        "request_bundle_download", kwargs={"reference": refused_case.reference, "pk": report.pk}
    )
    assert alice_client.get(url).status_code == 404


def test_a_campaign_report_is_served_only_to_the_member_who_asked_for_it(
    campaign: Campaign, user: User, viewer: User, client_for: Callable[[User], Client]
) -> None:
    report = done_report(kind=ReportKind.CAMPAIGN_REPORT, campaign=campaign, requested_by=user)
    url = reverse("campaign_report_download", kwargs={"slug": campaign.slug, "pk": report.pk})
    assert client_for(viewer).get(url).status_code == 404
    page = client_for(viewer).get(reverse("campaign_report", kwargs={"slug": campaign.slug}))
    assert page.status_code == 200 and "Build the report" in page.content.decode()


def test_the_request_page_include_links_to_every_document(refused_case: FoiRequest) -> None:
    from django.template.loader import render_to_string

    html = render_to_string(
        "requests_app/reports/_request_buttons.html", {"foi_request": refused_case}
    )
    for name in ("case_summary_pdf", "case_summary_print", "request_bundle"):
        assert reverse(name, kwargs={"reference": refused_case.reference}) in html
