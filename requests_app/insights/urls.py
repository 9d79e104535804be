"""Insights URLs, included at the site root; every table has a .csv twin."""

from __future__ import annotations

from django.urls import URLPattern, path

from requests_app.insights import views

urlpatterns: list[URLPattern] = [
    path("insights/", views.filtered_insights, name="insights"),
    path("insights/<slug:table>.csv", views.filtered_insights_csv, name="insights_csv"),
    path("bodies/<slug:slug>/insights/", views.body_insights, name="body_insights"),
    path(
        "bodies/<slug:slug>/insights/<slug:table>.csv",
        views.body_insights_csv,
        name="body_insights_csv",
    ),
    path("campaigns/<slug:slug>/insights/", views.campaign_insights, name="campaign_insights"),
    path(
        "campaigns/<slug:slug>/insights/<slug:table>.csv",
        views.campaign_insights_csv,
        name="campaign_insights_csv",
    ),
    path("campaigns/<slug:slug>/league/", views.campaign_league, name="campaign_league"),
    path("campaigns/<slug:slug>/league.csv", views.campaign_league_csv, name="campaign_league_csv"),
]
