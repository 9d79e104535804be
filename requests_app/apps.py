from __future__ import annotations

from django.apps import AppConfig


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = "FOI requests"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from requests_app.mail import checks  # noqa: F401 - registers the deployment checks
