"""`check --deploy` fails while an inbound secret is missing, naming the variable."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

ROOT = Path(__file__).resolve().parents[2]
SECRETS = ("FOI_INBOUND_SECRET", "ANYMAIL_WEBHOOK_SECRET", "MAILGUN_WEBHOOK_SIGNING_KEY")


def deploy_check(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    inherited = {
        key: value
        for key, value in os.environ.items()
        if key not in {*SECRETS, "DJANGO_ALLOW_ASYNC_UNSAFE", "FOI_INBOUND_ALLOW_UNSIGNED"}
    }
    production = {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "foi.example.org",
        "FOI_HTTPS": "1",
        "FOI_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**inherited, **production, **extra},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_fails_naming_each_missing_inbound_secret(tmp_path: Path) -> None:
    result = deploy_check(tmp_path)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    for variable in SECRETS:
        assert variable in output
    assert "foi.mail.E001" in output and "foi.mail.E002" in output


def test_check_deploy_passes_once_every_secret_is_set(tmp_path: Path) -> None:
    result = deploy_check(
        tmp_path,
        FOI_INBOUND_SECRET=secrets.token_urlsafe(32),
        ANYMAIL_WEBHOOK_SECRET=f"postmark:{secrets.token_urlsafe(24)}",
        MAILGUN_WEBHOOK_SIGNING_KEY=secrets.token_hex(32),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"FOI_INBOUND_SECRET": "dev-only-inbound-secret"}, "FOI_INBOUND_SECRET"),
        ({"ANYMAIL": {"MAILGUN_WEBHOOK_SIGNING_KEY": "k"}}, "ANYMAIL_WEBHOOK_SECRET"),
        ({"FOI_INBOUND_ALLOW_UNSIGNED": True}, "FOI_INBOUND_ALLOW_UNSIGNED"),
        ({"FOI_INBOUND_WEBHOOKS": ["pigeon"]}, "pigeon"),
    ],
)
def test_each_unsafe_inbound_setting_is_an_error(settings, changes, error) -> None:
    settings.FOI_INBOUND_SECRET = secrets.token_urlsafe(32)
    settings.ANYMAIL = {"WEBHOOK_SECRET": "postmark:pw", "MAILGUN_WEBHOOK_SIGNING_KEY": "k"}
    for name, value in changes.items():
        setattr(settings, name, value)
    with pytest.raises(SystemCheckError, match=error):
        call_command("check", "--deploy", "--tag", "security")


def test_a_deployment_taking_mail_only_by_imap_needs_no_webhook_secret(settings) -> None:
    settings.FOI_INBOUND_SECRET = secrets.token_urlsafe(32)
    settings.ANYMAIL = {}
    settings.FOI_INBOUND_WEBHOOKS = []
    from requests_app.mail.checks import inbound_mail_secrets

    assert inbound_mail_secrets() == []
