"""Create a first account when there is none, and print its credentials once.

No address is invented for it: one given with --email (or typed at the prompt) is used,
otherwise the account has none until its owner sets and confirms one from the checklist
that opens after the first sign-in. Alerts wait for it meanwhile.
"""

from __future__ import annotations

import secrets
import sys
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email


def checked_email(address: str) -> str:
    address = address.strip()
    if address:
        try:
            validate_email(address)
        except ValidationError:
            raise CommandError(f"{address!r} is not an email address.") from None
    return address


class Command(BaseCommand):
    help = "Create a first (superuser) account if the database has no user yet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", help="where its alerts go (default: ask, or none)")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", default=True
        )

    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model()
        if users.objects.exists():
            return
        email = checked_email(options["email"] or self._ask(options["interactive"]))
        password = secrets.token_urlsafe(12)
        users.objects.create_superuser("admin", email, password)
        line = "=" * 60
        where = f"Alerts go to {email}." if email else "It has no email address yet."
        self.stdout.write(
            f"{line}\nA first account was created. Sign in with\n"
            f"  username: admin\n  password: {password}\n"
            f"This is shown once; change it under Account → Change password.\n"
            f"{where} After signing in, a short checklist asks for your address,\n"
            f"your first request and how replies will reach the app.\n{line}"
        )

    def _ask(self, interactive: bool) -> str:
        if not interactive or not sys.stdin.isatty():
            return ""
        return input("Email address for alerts (Enter to set it later): ")
