"""Chaser URLs, included at the site root. The names are an interface."""

from __future__ import annotations

from django.urls import URLPattern, path

from requests_app.chasers import views

urlpatterns: list[URLPattern] = [
    path(
        "requests/<str:reference>/chasers/",
        views.request_chaser_rule,
        name="request_chaser_rule",
    ),
    path(
        "campaigns/<slug:slug>/chasers/",
        views.campaign_chaser_rule,
        name="campaign_chaser_rule",
    ),
    path(
        "chasers/<int:pk>/<str:decision>/",
        views.decide_chaser,
        name="chaser_decide",
    ),
]
