"""URLs for the second factor (set-up, and its step at login) and a request's audit trail."""

from __future__ import annotations

from django.urls import path

from requests_app.security import views

urlpatterns = [
    path("account/two-factor/", views.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/", views.two_factor_verify, name="two_factor_verify"),
    path("requests/<str:reference>/audit/", views.request_audit, name="request_audit"),
]
