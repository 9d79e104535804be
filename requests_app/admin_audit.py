"""Admin pages for the audit trail, fixity reports and share links: to read, not to edit.

Registered in requests_app/admin.py.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from requests_app.models import AuditEntry, FixityReport, ShareLink


class ReadOnly:
    """A record of what happened is never added or changed by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class AuditEntryAdmin(ReadOnly, admin.ModelAdmin[AuditEntry]):
    list_display = ["created_at", "actor", "action", "object_repr", "request", "ip"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "actor__username", "request__reference", "ip"]
    list_select_related = ["actor", "request"]
    date_hierarchy = "created_at"

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class FixityReportAdmin(ReadOnly, admin.ModelAdmin[FixityReport]):
    list_display = ["started_at", "finished_at", "files_checked", "bytes_checked", "problem_count"]
    date_hierarchy = "started_at"


class ShareLinkAdmin(admin.ModelAdmin[ShareLink]):
    list_display = ["request", "created_by", "created_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["request__reference", "request__title", "created_by__username"]
    list_select_related = ["request", "created_by"]
    readonly_fields = ["request", "token", "created_by", "created_at"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Revoke the selected links")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ShareLink]) -> None:
        for link in queryset:
            link.revoke()
