"""Deployment checks for inbound mail: `check --deploy` fails while a secret is missing.

Without its secret a webhook would take mail from anyone, and a reply address could be
forged with the development key; either lets an outsider file letters on any request.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from requests_app.mail.webhook import (
    INBOUND_VIEWS,
    WEBHOOK_SECRETS,
    allows_unsigned,
    enabled_services,
    webhook_secret,
)

# Values that ship in the code and so are known to everyone.
DEVELOPMENT_SECRETS = frozenset({"", "dev-only-inbound-secret", "change-me", "changeme"})


@register(Tags.security, deploy=True)
def inbound_mail_secrets(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems = [*_reply_address_secret(), *_webhook_secrets()]
    if allows_unsigned():
        problems.append(
            Error(
                "FOI_INBOUND_ALLOW_UNSIGNED is on: inbound webhooks take mail from anyone.",
                hint="Unset FOI_INBOUND_ALLOW_UNSIGNED in production.",
                id="foi.mail.E003",
            )
        )
    return problems


def _reply_address_secret() -> list[CheckMessage]:
    if str(settings.FOI_INBOUND_SECRET).strip() not in DEVELOPMENT_SECRETS:
        return []
    return [
        Error(
            "FOI_INBOUND_SECRET is unset or still its development default: anyone can make "
            "up a reply address that files mail on any request.",
            hint="Set FOI_INBOUND_SECRET to a long random string (it signs reply addresses).",
            id="foi.mail.E001",
        )
    ]


def _webhook_secrets() -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    for esp in enabled_services():
        if esp not in INBOUND_VIEWS:
            problems.append(
                Error(
                    f"FOI_INBOUND_WEBHOOKS names {esp!r}, which is not an inbound mail service "
                    f"we know (known: {', '.join(sorted(INBOUND_VIEWS))}).",
                    id="foi.mail.E004",
                )
            )
        elif webhook_secret(esp).strip() in DEVELOPMENT_SECRETS:
            variable = WEBHOOK_SECRETS[esp][1]
            problems.append(
                Error(
                    f"{variable} is not set: the {esp} inbound webhook "
                    f"(/mail/inbound/{esp}/) cannot check who posts to it.",
                    hint=f"Set {variable}, or leave {esp} out of FOI_INBOUND_WEBHOOKS.",
                    id="foi.mail.E002",
                )
            )
    return problems
