"""Batch URLs, included at the site root. The names are an interface."""

from __future__ import annotations

from django.urls import URLPattern, path

from requests_app.batches import views

urlpatterns: list[URLPattern] = [
    path("batches/", views.batch_list, name="batch_list"),
    path("batches/new/", views.batch_create, name="batch_create"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/send/", views.batch_send, name="batch_send"),
    path("batches/<int:pk>/actions/", views.batch_action, name="batch_action"),
    path("batches/<int:pk>/fields/", views.batch_fields, name="batch_fields"),
    path("batches/<int:pk>/answers/", views.batch_answers, name="batch_answers"),
    path(
        "batches/<int:pk>/answers.<str:fmt>",
        views.batch_answers_export,
        name="batch_answers_export",
    ),
    path(
        "batches/<int:pk>/answers/<str:reference>/",
        views.batch_answer,
        name="batch_answer",
    ),
    path("batches/<int:pk>/report/", views.batch_report, name="batch_report"),
    path(
        "batches/<int:pk>/report/<int:report_pk>.pdf",
        views.batch_report_download,
        name="batch_report_download",
    ),
    path(
        "batches/<int:pk>/report/<int:report_pk>/progress.json",
        views.batch_report_progress,
        name="batch_report_progress",
    ),
]
