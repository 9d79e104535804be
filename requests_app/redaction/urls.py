"""Redacting an attachment, its page images, and the disclosure check."""

from __future__ import annotations

from django.urls import URLPattern, path

from requests_app.redaction import checking, views

urlpatterns: list[URLPattern] = [
    path("attachments/<int:pk>/redact/", views.redaction_editor, name="redaction_editor"),
    path(
        "attachments/<int:pk>/redact/pages/<int:number>.png",
        views.redaction_page_image,
        name="redaction_page_image",
    ),
    path(
        "attachments/<int:pk>/redact/jobs/<int:job>/",
        views.redaction_job,
        name="redaction_job",
    ),
    path(
        "attachments/<int:pk>/redact/jobs/<int:job>/progress.json",
        views.redaction_job_progress,
        name="redaction_job_progress",
    ),
    path(
        "requests/<str:reference>/disclosure/",
        checking.request_disclosure,
        name="request_disclosure",
    ),
    path(
        "campaigns/<slug:slug>/disclosure/",
        checking.campaign_disclosure,
        name="campaign_disclosure",
    ),
]
