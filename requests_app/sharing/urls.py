"""URLs for share links."""

from __future__ import annotations

from django.urls import path

from requests_app.sharing import views

urlpatterns = [
    path("requests/<str:reference>/share/", views.request_share, name="request_share"),
    path("shared/<str:token>/", views.shared_request, name="shared_request"),
]
