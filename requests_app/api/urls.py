"""The REST API under /api/v1/, its schema and docs, and the token settings page."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from requests_app.api import views, viewsets
from requests_app.api.schema import SCHEMA_SETTINGS

router = SimpleRouter()
router.register("api/v1/requests", viewsets.RequestViewSet, basename="api-request")
router.register("api/v1/messages", viewsets.MessageViewSet, basename="api-message")
router.register("api/v1/attachments", viewsets.AttachmentViewSet, basename="api-attachment")
router.register("api/v1/bodies", viewsets.PublicBodyViewSet, basename="api-body")
router.register("api/v1/campaigns", viewsets.CampaignViewSet, basename="api-campaign")
router.register("api/v1/batches", viewsets.BatchViewSet, basename="api-batch")

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "api/v1/schema/",
        SpectacularAPIView.as_view(custom_settings=SCHEMA_SETTINGS),
        name="api-schema",
    ),
    path("api/v1/docs/", views.SwaggerDocsView.as_view(), name="api-docs"),
    path("api/v1/deadlines/", viewsets.DeadlineView.as_view(), name="api-deadline"),
    path("api/v1/search/", viewsets.SearchView.as_view(), name="api-search"),
    path("account/api-tokens/", views.api_tokens, name="api_tokens"),
    *router.urls,
    # Anything else under the API (an id the routes cannot match, say) is a JSON 404 too.
    re_path(r"^api/v1/", views.api_not_found),
]
