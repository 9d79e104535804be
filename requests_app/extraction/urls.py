"""Document pages: the extracted text, the original in the browser's viewer, retry, progress."""

from __future__ import annotations

from django.urls import URLPattern, path

from requests_app.extraction import views

urlpatterns: list[URLPattern] = [
    path("attachments/<int:pk>/pages/", views.attachment_pages, name="attachment_pages"),
    path("attachments/<int:pk>/view/", views.attachment_view, name="attachment_view"),
    path("attachments/<int:pk>/retry/", views.attachment_retry, name="attachment_retry"),
    path(
        "attachments/<int:pk>/progress/",
        views.attachment_progress_json,
        name="attachment_progress",
    ),
]
