"""Web security: headers, the content security policy, CSRF on every form, safe downloads,
and `check --deploy` under production settings."""

from __future__ import annotations

import html
import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from requests_app.views.attachments import content_disposition
from tests.trust.conftest import World, stored_attachment
from tests.trust.test_access_matrix import ROWS, Objects, clients

ROOT = Path(settings.BASE_DIR)
TEMPLATES = ROOT / "templates"
# Mail is read by mail programs, not under our policy; everything else may become a page
# (the PDF templates too: the case summary has a print view).
NOT_WEB_PAGES = ("emails",)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)


def policy_directives() -> dict[str, Any]:
    return dict(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"])


def web_templates() -> list[Path]:
    return sorted(
        path
        for path in TEMPLATES.rglob("*.html")
        if path.relative_to(TEMPLATES).parts[0] not in NOT_WEB_PAGES
    )


def policy_breaches(markup: str) -> list[str]:
    """What in this markup the policy would block (or that no page should have anyway)."""
    found = [match.group(0) for match in INLINE_SCRIPT.finditer(markup)]
    found += [match.group(0) for match in EVENT_HANDLER.finditer(markup)]
    found += [match.group(0) for match in JAVASCRIPT_URL.finditer(markup)]
    if "'unsafe-inline'" not in policy_directives()["style-src"]:
        found += [match.group(0) for match in STYLE_ATTRIBUTE.finditer(markup)]
    return found


# --- the policy and the headers -------------------------------------------------------------


def test_scripts_run_only_from_our_own_files_and_nothing_loads_from_elsewhere() -> None:
    directives = policy_directives()
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    for name, sources in directives.items():
        if isinstance(sources, list):
            assert not any(source.startswith(("http", "*")) for source in sources), name


def test_every_page_carries_the_security_headers(world: World, owner_client: Client) -> None:
    response = owner_client.get(world.foi_request.get_absolute_url())
    policy = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy
        and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "template", web_templates(), ids=lambda path: str(path.relative_to(TEMPLATES))
)
def test_no_template_has_inline_script_handlers_or_javascript_urls(template: Path) -> None:
    assert policy_breaches(template.read_text()) == []


def test_the_breach_finder_finds_each_kind_of_breach() -> None:
    markup = (
        '<script>alert(1)</script><script src="/static/a.js"></script>'
        '<img src="x" onerror="alert(1)"><a href=" javascript:alert(1)">x</a>'
    )
    assert len(policy_breaches(markup)) == 3


# --- rendered pages: CSRF and the policy --------------------------------------------------


def is_csrf_token(attributes: dict[str, str | None]) -> bool:
    return attributes.get("name") == "csrfmiddlewaretoken" and bool(attributes.get("value"))


class FormFinder(HTMLParser):
    """The POST forms of a page, and whether each has Django's CSRF token."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, object]] = []
        self.open_form: dict[str, object] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form" and (found.get("method") or "get").lower() == "post":
            self.open_form = {"action": found.get("action"), "csrf": False}
            self.forms.append(self.open_form)
        elif tag == "input" and self.open_form is not None and is_csrf_token(found):
            self.open_form["csrf"] = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.open_form = None


def owner_pages(objects: Objects) -> dict[str, str]:
    """Every HTML page the owner can open, rendered."""
    client = clients(objects.world)["owner"]
    pages = {}
    for row in ROWS:
        if row.outcomes("get")["owner"] != "ok":
            continue
        response = client.get(reverse(row.name, kwargs=row.kwargs(objects)), follow=True)
        if response.status_code == 200 and "text/html" in response["Content-Type"]:
            pages[row.name] = response.content.decode()
    return pages


# The signed token in the address is the authority there: mail programs send RFC 8058's
# one-click POST without cookies, so that view is csrf_exempt by design.
FORMS_WITHOUT_CSRF = {"alert_unsubscribe"}


def test_every_page_has_csrf_on_its_forms_and_keeps_to_the_policy(objects: Objects) -> None:
    pages = owner_pages(objects)
    assert len(pages) > 40
    missing, breaches = [], {}
    for name, page in pages.items():
        finder = FormFinder()
        finder.feed(page)
        if name not in FORMS_WITHOUT_CSRF:
            missing += [f"{name} → {form['action']}" for form in finder.forms if not form["csrf"]]
        if policy_breaches(page):
            breaches[name] = policy_breaches(page)
    assert missing == []
    assert breaches == {}


def test_the_api_docs_load_their_start_up_script_from_our_own_origin(
    owner_client: Client,
) -> None:
    page = owner_client.get(reverse("api-docs")).content.decode()
    assert policy_breaches(page) == []
    [script_url] = re.findall(r'<script src="([^"]*\?[^"]*script=[^"]*)"', page)
    script = owner_client.get(html.unescape(script_url))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert reverse("api-schema") in script.content.decode()


def test_csrf_is_enforced_on_a_post_without_the_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    url = reverse(
        "event_create", kwargs={"reference": world.foi_request.reference, "kind": "withdrawn"}
    )
    assert client.post(url, {"on": "2026-01-14"}).status_code == 403
    world.foi_request.refresh_from_db()
    assert world.foi_request.status == "awaiting_response"


# --- downloads ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "filename",
    ['a"b.pdf', "evil\r\nSet-Cookie: x=1.pdf", "..\\..\\boot.ini", "résumé 2026.pdf", "<svg>.html"],
)
def test_a_download_is_always_an_attachment_with_a_harmless_name(
    filename: str, world: World, owner_client: Client
) -> None:
    attachment = stored_attachment(world.message, b"<html><script>x</script>", filename)
    response = owner_client.get(reverse("attachment_download", args=[attachment.pk, filename]))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    ascii_name = re.search(r'filename="([^"]*)"', disposition)
    assert ascii_name and re.fullmatch(r"[\w.-]*", ascii_name.group(1))
    assert "\r" not in disposition and "\n" not in disposition
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_encoded_name_keeps_the_original_for_browsers_that_read_it() -> None:
    assert content_disposition("résumé.pdf").endswith("filename*=UTF-8''r%C3%A9sum%C3%A9.pdf")


# --- production settings --------------------------------------------------------------------


# Test runs set it for the browser tests; a deployment must not (Django's async.E001).
NOT_FOR_DEPLOYMENT = {"DJANGO_ALLOW_ASYNC_UNSAFE"}


def manage(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    inherited = {key: value for key, value in os.environ.items() if key not in NOT_FOR_DEPLOYMENT}
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**inherited, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_check_deploy_is_clean_under_production_settings_and_needs_https(tmp_path: Path) -> None:
    production = {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "foi.example.org",
        "FOI_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "FOI_INBOUND_SECRET": secrets.token_urlsafe(32),
        "ANYMAIL_WEBHOOK_SECRET": f"postmark:{secrets.token_urlsafe(24)}",
        "MAILGUN_WEBHOOK_SIGNING_KEY": secrets.token_hex(32),
    }
    with_https = manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**production, "FOI_HTTPS": "1"}
    )
    without = manage("check", "--deploy", "--tag", "security", env=production)
    output = with_https.communicate(timeout=120)[0]
    assert with_https.returncode == 0, output
    assert "System check identified no issues" in output
    plain_http = without.communicate(timeout=120)[0]
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in plain_http


def test_plain_http_keeps_working_without_the_https_flag(client: Client, db: None) -> None:
    assert not settings.SECURE_SSL_REDIRECT and not settings.SESSION_COOKIE_SECURE
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response
