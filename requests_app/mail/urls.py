"""Correspondence URLs, included at the site root. The names are an interface."""

from __future__ import annotations

from django.urls import URLPattern, path

from requests_app.mail import views, webhook

urlpatterns: list[URLPattern] = [
    path("mail/import/", views.mail_import, name="mail_import"),
    path("mail/unmatched/", views.unmatched_inbox, name="mail_unmatched"),
    path("mail/unmatched/<int:pk>/assign/", views.assign_unmatched, name="mail_assign"),
    path(
        "mail/unmatched/<int:pk>/confirm/",
        views.confirm_suggested,
        name="mail_confirm_suggested",
    ),
    path("mail/messages/<int:pk>/", views.message_detail, name="mail_message"),
    path("mail/messages/<int:pk>/confirm/", views.confirm_message_kind, name="mail_confirm"),
    path("mail/messages/<int:pk>/raw/", views.message_raw, name="mail_raw"),
    path("mail/messages/<int:pk>/resend/", views.resend_message, name="mail_resend"),
    path("mail/quarantine/<int:pk>/raw/", views.quarantined_raw, name="mail_quarantined_raw"),
    path("mail/inbound/<str:esp>/", webhook.inbound_webhook, name="mail_inbound"),
    path(
        "requests/<str:reference>/mail/upload/",
        views.request_mail_upload,
        name="mail_upload",
    ),
    path(
        "requests/<str:reference>/letters/<str:letter>/",
        views.compose_letter,
        name="mail_letter",
    ),
]
