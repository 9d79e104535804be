from __future__ import annotations

from django.apps import AppConfig


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = "FOI requests"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Every signal and system check of the app is connected here, and only here."""
        from django.db.models.signals import post_migrate

        from requests_app.mail import checks  # noqa: F401 - registers the deployment checks
        from requests_app.models.versions import install_pages_version_triggers
        from requests_app.search.indexing import reinstall_triggers_after_migrating

        post_migrate.connect(
            reinstall_triggers_after_migrating, dispatch_uid="requests_app.search.triggers"
        )
        post_migrate.connect(
            install_pages_version_triggers, dispatch_uid="requests_app.pages_version.triggers"
        )
