"""Login throttling (django-axes) for the logins people make through the web."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LoginThrottlingBackend(AxesStandaloneBackend):
    """Refuses logins for a username locked out after too many wrong passwords.

    Only a login form can be guessed at from the internet; authentication without a web
    request (a management command, a script) has nothing to throttle and is let through to
    the next backend, which checks the password as usual.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        super().authenticate(request, username, password, **kwargs)
        return None
