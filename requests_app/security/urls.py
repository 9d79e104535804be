"""URLs for the second factor (set-up, and its step at login) and a request's audit trail."""

from __future__ import annotations

from django.urls import path

from requests_app.security import audit_views, two_factor

urlpatterns = [
    path("account/two-factor/", two_factor.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/", two_factor.two_factor_verify, name="two_factor_verify"),
    path("requests/<str:reference>/audit/", audit_views.request_audit, name="request_audit"),
]
