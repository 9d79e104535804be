"""Saved searches: a query a user keeps, run again whenever new correspondence arrives."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.signals import post_migrate
from django.urls import reverse
from django.utils.http import urlencode


class SavedSearch(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(max_length=200)
    query = models.CharField(max_length=500)
    # The search page's filter parameters as they appear in its URL (ids, codes, ISO dates).
    filters = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "saved searches"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The search page showing this search's current results."""
        params: list[tuple[str, Any]] = [("q", self.query)]
        for name, value in sorted(self.filters.items()):
            values = value if isinstance(value, list) else [value]
            params.extend((name, item) for item in values)
        return f"{reverse('search')}?{urlencode(params)}"


def _reinstall_search_triggers(sender: Any, using: str = "default", **kwargs: Any) -> None:
    if getattr(sender, "name", None) != "requests_app":
        return
    # On SQLite, Django alters a table by copying it into a new one, which drops the
    # table's triggers; putting back the search index's triggers after every migration
    # keeps the index in step with the data.
    from requests_app.search.indexing import ensure_triggers

    ensure_triggers(using)


post_migrate.connect(_reinstall_search_triggers, dispatch_uid="requests_app.search.triggers")
