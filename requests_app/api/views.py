"""The settings page where a user creates and revokes their API token, and the docs page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.authtoken.models import Token

from requests_app.views.access import signed_in_user

SIDECAR_DIST = "drf_spectacular_sidecar/swagger-ui-dist"


class SwaggerDocsView(SpectacularSwaggerSplitView):
    """Swagger UI from our own static files (drf-spectacular-sidecar), never a CDN.

    The split view serves its start-up script from a URL of its own, as the policy allows
    no inline script.
    """

    url_name = "api-schema"
    template_name = "requests_app/api/docs.html"  # inside the site's page, with its navigation

    @staticmethod
    def _swagger_ui_resource(filename: str) -> str:
        return static(f"{SIDECAR_DIST}/{filename}")

    @staticmethod
    def _swagger_ui_favicon() -> str:
        return static(f"{SIDECAR_DIST}/favicon-32x32.png")


@csrf_exempt  # token-authenticated callers send no CSRF token; a 403 page is not JSON
def api_not_found(request: HttpRequest) -> JsonResponse:
    """An address under /api/v1/ that no endpoint answers: said in JSON, as the API does."""
    return JsonResponse({"detail": "Not found."}, status=404)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """One token per user (DRF's authtoken): creating replaces it, revoking deletes it.

    The key is shown once, in the answer to the POST that created it, and never again.
    """
    user = signed_in_user(request)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            with transaction.atomic():
                Token.objects.filter(user=user).delete()
                token = Token.objects.create(user=user)
            context = {"token": token, "new_key": token.key}
            return render(request, "requests_app/api/tokens.html", context)
        if action == "revoke":
            deleted, _ = Token.objects.filter(user=user).delete()
            if deleted:
                messages.success(request, "Your API token has been revoked.")
            return redirect("api_tokens")
        messages.error(request, "Choose whether to create or revoke a token.")
        return redirect("api_tokens")
    context = {"token": Token.objects.filter(user=user).first(), "new_key": None}
    return render(request, "requests_app/api/tokens.html", context)
