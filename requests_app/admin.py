"""Admin for every model, with search and filters."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from requests_app import models
from requests_app.admin_audit import AuditEntryAdmin, FixityReportAdmin, ShareLinkAdmin
from requests_app.casework.tasks import schedule_deadline_refresh
from requests_app.extraction.services import retry_extraction


@admin.register(models.Tag)
class TagAdmin(admin.ModelAdmin[models.Tag]):
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.PublicBody)
class PublicBodyAdmin(admin.ModelAdmin[models.PublicBody]):
    list_display = [
        "name",
        "short_name",
        "nation",
        "subdivision",
        "default_regime",
        "foi_email",
        "is_active",
    ]
    list_filter = ["nation", "subdivision", "default_regime", "is_active", "tags"]
    search_fields = ["name", "short_name", "foi_email"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["tags"]

    def save_model(
        self, request: HttpRequest, obj: models.PublicBody, form: Any, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        # The body's place decides whose holidays count (Australia, Canada, UK SAR).
        if change and {"nation", "subdivision"} & set(form.changed_data):
            schedule_deadline_refresh()
            self.message_user(
                request,
                "The body's place changed: open deadlines are being recomputed.",
                messages.INFO,
            )


class MembershipInline(admin.TabularInline[models.Membership, models.Campaign]):
    model = models.Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(models.Campaign)
class CampaignAdmin(admin.ModelAdmin[models.Campaign]):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
    readonly_fields = ["calendar_token"]


@admin.register(models.Membership)
class MembershipAdmin(admin.ModelAdmin[models.Membership]):
    list_display = ["campaign", "user", "role", "added_at"]
    list_filter = ["role", "campaign"]
    search_fields = ["campaign__name", "user__username", "user__email"]
    autocomplete_fields = ["campaign", "user"]


class RequestEventInline(admin.TabularInline[models.RequestEvent, models.FoiRequest]):
    model = models.RequestEvent
    extra = 0
    fields = ("on", "kind", "actor", "note", "details", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(models.FoiRequest)
class FoiRequestAdmin(admin.ModelAdmin[models.FoiRequest]):
    list_display = [
        "reference",
        "title",
        "public_body",
        "regime",
        "status",
        "sent_on",
        "next_due_on",
        "owner",
    ]
    list_filter = ["status", "regime", "visibility", "campaign", "tags"]
    search_fields = ["reference", "their_reference", "title", "public_body__name", "text"]
    date_hierarchy = "sent_on"
    autocomplete_fields = ["public_body", "campaign", "owner", "exemptions"]
    filter_horizontal = ["tags"]
    list_select_related = ["public_body", "owner"]
    readonly_fields = [
        "reference",
        "status",
        "due_on",
        "extended_due_on",
        "review_due_on",
        "very_overdue_on",
        "escalation_closes_on",
        "next_due_on",
        "created_at",
        "updated_at",
    ]
    inlines = [RequestEventInline]


@admin.register(models.RequestEvent)
class RequestEventAdmin(admin.ModelAdmin[models.RequestEvent]):
    list_display = ["request", "kind", "on", "actor", "created_at"]
    list_filter = ["kind"]
    search_fields = ["request__reference", "note"]
    list_select_related = ["request", "actor"]
    readonly_fields = ["request", "kind", "on", "actor", "details", "created_at"]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # The history is append-only.


class AttachmentInline(admin.TabularInline[models.Attachment, models.Message]):
    model = models.Attachment
    extra = 0
    fields = ("filename", "content_type", "size", "sha256", "status")
    readonly_fields = fields
    fk_name = "message"


@admin.register(models.Message)
class MessageAdmin(admin.ModelAdmin[models.Message]):
    list_display = ["subject", "request", "direction", "channel", "kind", "sent_at", "sender"]
    list_filter = ["direction", "channel", "kind", "is_auto_reply"]
    search_fields = ["subject", "sender", "message_id", "request__reference", "body_text"]
    list_select_related = ["request"]
    raw_id_fields = ["request"]
    inlines = [AttachmentInline]


@admin.register(models.Attachment)
class AttachmentAdmin(admin.ModelAdmin[models.Attachment]):
    list_display = ["filename", "content_type", "size", "status", "page_count", "created_at"]
    list_filter = ["status", "content_type"]
    search_fields = ["filename", "sha256", "message__request__reference"]
    raw_id_fields = ["message", "parent"]
    actions = ["retry_extraction"]

    @admin.action(description="Extract the text again")
    def retry_extraction(self, request: HttpRequest, queryset: QuerySet[models.Attachment]) -> None:
        queued = retry_extraction(attachment_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{len(queued)} attachment(s) queued for extraction.")


@admin.register(models.DocumentPage)
class DocumentPageAdmin(admin.ModelAdmin[models.DocumentPage]):
    list_display = ["attachment", "number"]
    search_fields = ["attachment__filename", "text"]
    raw_id_fields = ["attachment"]


@admin.register(models.Exemption)
class ExemptionAdmin(admin.ModelAdmin[models.Exemption]):
    list_display = ["law", "section", "title", "is_absolute"]
    list_filter = ["law", "is_absolute"]
    search_fields = ["section", "title"]


@admin.register(models.NonWorkingDay)
class NonWorkingDayAdmin(admin.ModelAdmin[models.NonWorkingDay]):
    list_display = ["on", "name", "calendar", "created_by"]
    list_filter = ["calendar"]
    search_fields = ["name"]
    readonly_fields = ["created_by"]

    def save_model(
        self, request: HttpRequest, obj: models.NonWorkingDay, form: object, change: bool
    ) -> None:
        if not obj.created_by_id and request.user.is_authenticated:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        self._refresh(request)

    def delete_model(self, request: HttpRequest, obj: models.NonWorkingDay) -> None:
        super().delete_model(request, obj)
        self._refresh(request)

    def delete_queryset(
        self, request: HttpRequest, queryset: QuerySet[models.NonWorkingDay]
    ) -> None:
        super().delete_queryset(request, queryset)
        self._refresh(request)

    def _refresh(self, request: HttpRequest) -> None:
        count = models.FoiRequest.objects.waiting().count()
        schedule_deadline_refresh()
        self.message_user(
            request,
            f"Deadlines of {count} open request(s) are being recomputed in the background.",
            messages.INFO,
        )


@admin.register(models.Alert)
class AlertAdmin(admin.ModelAdmin[models.Alert]):
    list_display = ["kind", "request", "user", "deadline", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["request__reference", "user__username", "last_error"]
    raw_id_fields = ["request", "user"]


admin.site.register(models.AuditEntry, AuditEntryAdmin)
admin.site.register(models.FixityReport, FixityReportAdmin)
admin.site.register(models.ShareLink, ShareLinkAdmin)
