"""Asking for the second factor of accounts that switched it on."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse

from requests_app.security.two_factor import has_second_factor

# Pages a signed-in person may reach before giving the code: the code page itself, and
# leaving. Share links and the health check need no account at all.
OPEN_URL_NAMES = ("two_factor_verify", "logout")


class TwoFactorMiddleware:
    """Sends a session that has not given its one-time code to the code page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if self.code_needed(request):
            return redirect_to_login(request.get_full_path(), reverse("two_factor_verify"))
        return self.get_response(request)

    def code_needed(self, request: HttpRequest) -> bool:
        user = request.user
        # django-otp's middleware gives the user is_verified(): has this session given a code?
        if not user.is_authenticated or getattr(user, "is_verified", lambda: False)():
            return False
        return has_second_factor(user) and not is_open_path(request.path_info)


def is_open_path(path: str) -> bool:
    if path.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return True
    return path in {reverse(name) for name in OPEN_URL_NAMES}
