"""Create a first account when there is none, and print its credentials once."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create a first (superuser) account if the database has no user yet."

    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model()
        if users.objects.exists():
            return
        password = secrets.token_urlsafe(12)
        users.objects.create_superuser("admin", "admin@localhost", password)
        line = "=" * 60
        self.stdout.write(
            f"{line}\nA first account was created. Sign in with\n"
            f"  username: admin\n  password: {password}\n"
            f"This is shown once; change it under Account → Change password.\n{line}"
        )
