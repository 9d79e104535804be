from __future__ import annotations

from django.urls import URLPattern, path

from requests_app.alerts import views

urlpatterns: list[URLPattern] = [
    path("alerts/unsubscribe/<str:token>/", views.unsubscribe, name="alert_unsubscribe"),
    path("account/alerts/", views.alert_preferences, name="alert_preferences"),
    path("requests/<str:reference>/alerts/", views.request_alerts, name="request_alerts"),
]
