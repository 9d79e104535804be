"""Saved searches: a query a user keeps, run again whenever new correspondence arrives."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
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
