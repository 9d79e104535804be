"""The OpenAPI schema validates, the docs page needs no CDN, and tokens come and go."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import drf_spectacular_sidecar
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client, override_settings
from drf_spectacular.plumbing import _load_enum_name_overrides
from drf_spectacular.settings import patched_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from requests_app.api.schema import SCHEMA_SETTINGS


def test_the_schema_validates_without_a_single_warning(db: None, tmp_path: Path) -> None:
    # The enum names are cached once per process; start from the project's own.
    with patched_settings(SCHEMA_SETTINGS):
        _load_enum_name_overrides.cache_clear()
        call_command(
            "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
        )
    schema = (tmp_path / "schema.yml").read_text()
    assert schema.startswith("openapi: 3.")
    for path in ("/api/v1/requests/{reference}/events/", "/api/v1/attachments/{id}/download/"):
        assert f"  {path}:" in schema


def test_the_schema_is_served(alice_api: APIClient) -> None:
    response = alice_api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/v1/deadlines/" in response.json()["paths"]


def test_every_operation_documents_the_errors_it_can_answer(alice_api: APIClient) -> None:
    response = alice_api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = response.json()["paths"]

    def codes(path: str, method: str) -> set[str]:
        return set(paths[path][method]["responses"])

    assert codes("/api/v1/requests/", "get") == {"200", "400", "401", "404", "429"}
    assert codes("/api/v1/requests/", "post") == {"201", "400", "401", "403", "415", "429"}
    assert codes("/api/v1/requests/{reference}/", "get") == {"200", "401", "404", "429"}
    assert codes("/api/v1/requests/{reference}/", "patch") >= {"400", "403", "404"}
    download = paths["/api/v1/attachments/{id}/download/"]["get"]["responses"]
    assert set(download["200"]["content"]) == {"*/*"}  # the file as it was sent to us
    body = response.json()["components"]["schemas"]["PublicBody"]["properties"]
    assert "format" not in body["foi_email"]  # "" until somebody checks an address


@pytest.mark.parametrize("path", ["/api/v1/attachments/1.5/", "/api/v1/nothing-here/"])
def test_an_address_no_endpoint_answers_is_a_json_404(alice_api: APIClient, path: str) -> None:
    response = alice_api.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_token_callers_put_to_an_unknown_address_is_a_json_404_not_a_csrf_page(
    user: Any,
) -> None:
    api = APIClient(enforce_csrf_checks=True)
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    response = api.put("/api/v1/nothing-here/", {"title": "x"}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_body_with_no_state_or_province_is_described_by_the_schema(
    alice_api: APIClient,
) -> None:
    schema = alice_api.get("/api/v1/schema/?format=json").json()
    subdivision = schema["components"]["schemas"]["PublicBody"]["properties"]["subdivision"]
    assert "enum" not in subdivision and subdivision["type"] == "string"
    assert alice_api.get("/api/v1/bodies/").json()["results"][0]["subdivision"] == ""


def test_the_docs_page_loads_swagger_ui_from_our_own_static_files(db: None) -> None:
    html = Client().get("/api/v1/docs/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, html
    assert not [source for source in sources if "//" in source]
    assert f"{settings.STATIC_URL}drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in (
        "/" + " /".join(sources)
    ).replace("//", "/")


def test_the_docs_page_has_the_sites_navigation(alice_client: Client) -> None:
    html = alice_client.get("/api/v1/docs/").content.decode()
    assert '<nav aria-label="Main" class="site-nav">' in html
    assert "<h1>API documentation</h1>" in html
    assert 'id="swagger-ui"' in html


def test_the_docs_assets_are_found_by_the_static_files_finders() -> None:
    apps = [*settings.INSTALLED_APPS]
    if "drf_spectacular_sidecar" not in apps:
        apps.append("drf_spectacular_sidecar")
    with override_settings(INSTALLED_APPS=apps):
        for name in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js"):
            found = finders.find(f"drf_spectacular_sidecar/swagger-ui-dist/{name}")
            assert found and Path(str(found)).is_relative_to(
                Path(drf_spectacular_sidecar.__file__).parent
            )


# --- the token page --------------------------------------------------------------------------


TOKENS = "/account/api-tokens/"


def test_a_token_is_shown_once_and_works(alice_client: Client, user: Any) -> None:
    assert b"You have no token" in alice_client.get(TOKENS).content
    created = alice_client.post(TOKENS, {"action": "create"})
    key = Token.objects.get(user=user).key
    assert key in created.content.decode()
    assert created["Cache-Control"].startswith("max-age=0")
    assert key not in alice_client.get(TOKENS).content.decode()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/requests/").status_code == 200


def test_creating_again_replaces_the_token_and_revoking_deletes_it(
    alice_client: Client, user: Any
) -> None:
    alice_client.post(TOKENS, {"action": "create"})
    old = Token.objects.get(user=user).key
    alice_client.post(TOKENS, {"action": "create"})
    new = Token.objects.get(user=user).key
    assert new != old
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert api.get("/api/v1/requests/").status_code == 401
    response = alice_client.post(TOKENS, {"action": "revoke"})
    assert response.status_code == 302
    assert not Token.objects.filter(user=user).exists()


def test_the_token_page_needs_a_signed_in_user(db: None) -> None:
    response = Client().get(TOKENS)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("method", ["put", "delete"])
def test_the_token_page_takes_only_get_and_post(alice_client: Client, method: str) -> None:
    assert getattr(alice_client, method)(TOKENS).status_code == 405
