from __future__ import annotations

from django.urls import URLPattern, path

from requests_app.reports import views

urlpatterns: list[URLPattern] = [
    path(
        "requests/<str:reference>/summary.pdf",
        views.case_summary_pdf,
        name="case_summary_pdf",
    ),
    path(
        "requests/<str:reference>/summary/print/",
        views.case_summary_print,
        name="case_summary_print",
    ),
    path("requests/<str:reference>/bundle/", views.request_bundle, name="request_bundle"),
    path(
        "requests/<str:reference>/bundle/<int:pk>.pdf",
        views.request_bundle_download,
        name="request_bundle_download",
    ),
    path(
        "requests/<str:reference>/bundle/<int:pk>/progress.json",
        views.request_bundle_progress,
        name="request_bundle_progress",
    ),
    path("campaigns/<slug:slug>/report/", views.campaign_report, name="campaign_report"),
    path(
        "campaigns/<slug:slug>/report/<int:pk>.pdf",
        views.campaign_report_download,
        name="campaign_report_download",
    ),
    path(
        "campaigns/<slug:slug>/report/<int:pk>/progress.json",
        views.campaign_report_progress,
        name="campaign_report_progress",
    ),
]
