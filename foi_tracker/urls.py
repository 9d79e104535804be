"""The site's URLs. The names are an interface: other code and tests reverse them."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from requests_app.accounts.views import AccountLoginView
from requests_app.views import (
    attachments,
    bodies,
    body_addresses,
    campaigns,
    dashboard,
    deadlines,
    events,
    exports,
    messages,
)
from requests_app.views import non_working_days as non_working_day_views
from requests_app.views import requests as request_views

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("accounts/login/", AccountLoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    # Requests: fixed paths before <reference>.
    path("requests/", request_views.request_list, name="request_list"),
    path("requests/export.csv", exports.request_export_csv, name="request_export_csv"),
    path("requests/new/", request_views.request_create, name="request_create"),
    path("requests/<str:reference>/", request_views.request_detail, name="request_detail"),
    path("requests/<str:reference>/edit/", request_views.request_edit, name="request_edit"),
    path(
        "requests/<str:reference>/messages/new/",
        messages.message_create,
        name="message_create",
    ),
    path(
        "requests/<str:reference>/events/<str:kind>/",
        events.event_create,
        name="event_create",
    ),
    path(
        "attachments/<int:pk>/<str:filename>",
        attachments.attachment_download,
        name="attachment_download",
    ),
    # Bodies: search before <slug>.
    path("bodies/", bodies.body_list, name="body_list"),
    path("bodies/search/", bodies.body_search, name="body_search"),
    path("bodies/address/", body_addresses.chosen_body_address, name="chosen_body_address"),
    path("bodies/<slug:slug>/", bodies.body_detail, name="body_detail"),
    path("bodies/<slug:slug>/address/", body_addresses.body_address, name="body_address"),
    # Campaigns: new before <slug>.
    path("campaigns/", campaigns.campaign_list, name="campaign_list"),
    path("campaigns/new/", campaigns.campaign_create, name="campaign_create"),
    path("campaigns/<slug:slug>/", campaigns.campaign_detail, name="campaign_detail"),
    path("campaigns/<slug:slug>/members/", campaigns.campaign_members, name="campaign_members"),
    # Deadlines: the public calculator, the month calendar and the secret feeds.
    path("deadlines/calculator/", deadlines.deadline_calculator, name="deadline_calculator"),
    path(
        "deadlines/non-working-days/",
        non_working_day_views.non_working_days,
        name="non_working_days",
    ),
    path("calendar/", deadlines.deadline_calendar, name="deadline_calendar"),
    path("calendar/reset/", deadlines.calendar_token_reset, name="calendar_token_reset"),
    path("calendar/feed/<str:token>.ics", deadlines.calendar_feed, name="calendar_feed"),
    path(
        "calendar/campaign/<str:token>.ics",
        deadlines.campaign_calendar_feed,
        name="campaign_calendar_feed",
    ),
    path(
        "campaigns/<slug:slug>/calendar/reset/",
        deadlines.campaign_calendar_token_reset,
        name="campaign_calendar_token_reset",
    ),
    # Each area keeps its own URLs.
    path("", include("requests_app.mail.urls")),
    path("", include("requests_app.extraction.urls")),
    path("", include("requests_app.redaction.urls")),
    path("", include("requests_app.alerts.urls")),
    path("", include("requests_app.accounts.urls")),
    path("", include("requests_app.search.urls")),
    path("", include("requests_app.reports.urls")),
    path("", include("requests_app.insights.urls")),
    path("", include("requests_app.api.urls")),
    path("", include("requests_app.dataio.urls")),
    path("", include("requests_app.batches.urls")),
    path("", include("requests_app.chasers.urls")),
    path("", include("requests_app.sharing.urls")),
    path("", include("requests_app.security.urls")),
    path("", include("requests_app.health")),
]
