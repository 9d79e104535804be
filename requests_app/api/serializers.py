"""What the API reads and writes; validation is the web's, so both accept the same input."""

from __future__ import annotations

import html
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.forms import BaseForm
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.html import strip_tags
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from requests_app.audit import snapshot
from requests_app.batches.export import AnswerRow
from requests_app.casework.date_checks import request_date_errors
from requests_app.casework.forms import (
    RESULTING_STATUS_CHOICES,
    USER_EVENT_KINDS,
    EventForm,
    FoiRequestForm,
    event_form_class,
)
from requests_app.casework.services import AUDITED_FIELDS, record_creation, record_edit
from requests_app.deadlines.calendars import ExtraNonWorkingDay
from requests_app.deadlines.clock import STAGES
from requests_app.deadlines.regimes import REGIMES
from requests_app.mail.forms import MessageForm
from requests_app.mail.services import log_message
from requests_app.models import (
    AnswerField,
    Attachment,
    Batch,
    Campaign,
    Channel,
    Direction,
    FoiRequest,
    Message,
    MessageKind,
    Nation,
    NonWorkingDay,
    PublicBody,
    RequestEvent,
    Role,
    Status,
    Tag,
)
from requests_app.models.bodies import SUBDIVISION_CHOICES, regime_choices
from requests_app.search.plan import FILE_TYPE_LABELS, KIND_LABELS, MAX_PER_PAGE, NEWEST, RELEVANCE

# What a person may change, as in the web form.
EDITABLE_REQUEST_FIELDS = tuple(FoiRequestForm.Meta.fields)
# The largest id a row can have: a signed 64-bit integer on both databases.
MAX_ID = 2**63 - 1


def form_errors(form: BaseForm) -> dict[str, list[str]]:
    """A Django form's errors in DRF's shape; the form-wide ones under non_field_errors."""
    errors: dict[str, list[str]] = {}
    for field, messages in form.errors.items():
        key = "non_field_errors" if field == "__all__" else field
        errors[key] = [str(message) for message in messages]
    return errors


def context_user(serializer: serializers.BaseSerializer[Any]) -> User:
    user: User = serializer.context["request"].user
    return user


def context_http_request(serializer: serializers.BaseSerializer[Any]) -> HttpRequest:
    """The Django request under DRF's, whose client address the audit trail keeps."""
    http_request: HttpRequest = serializer.context["request"]._request
    return http_request


# --- reference data ----------------------------------------------------------------------


class PublicBodySerializer(serializers.ModelSerializer[PublicBody]):
    tags: serializers.SlugRelatedField[Tag] = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    # An address, or "" while nobody has checked one: not always an email to a validator.
    foi_email = serializers.CharField(read_only=True)
    # A state, territory or province code, or "" where the regime does not look at place.
    subdivision = serializers.CharField(read_only=True)

    class Meta:
        model = PublicBody
        fields = [
            "slug",
            "name",
            "short_name",
            "nation",
            "subdivision",
            "default_regime",
            "website",
            "foi_email",
            "tags",
            "is_active",
        ]
        read_only_fields = fields


class CampaignSerializer(serializers.ModelSerializer[Campaign]):
    role = serializers.ChoiceField(
        choices=Role.choices, read_only=True, help_text="Your role in the campaign."
    )
    request_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Campaign
        fields = ["slug", "name", "description", "role", "request_count", "created_at"]
        read_only_fields = fields


# --- batches -----------------------------------------------------------------------------


class BatchSerializer(serializers.ModelSerializer[Batch]):
    campaign: serializers.SlugRelatedField[Campaign] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    owner: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    member_count = serializers.IntegerField(
        read_only=True, help_text="Members of the batch you may see."
    )

    class Meta:
        model = Batch
        fields = [
            "id", "title", "text", "campaign", "owner", "regime", "send_mode", "sent_on",
            "member_count", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class AnswerFieldSerializer(serializers.ModelSerializer[AnswerField]):
    class Meta:
        model = AnswerField
        fields = ["name", "kind"]
        read_only_fields = fields


class AnswerRowSerializer(serializers.Serializer[AnswerRow]):
    """One member's answers: each field's value, and the message it was taken from."""

    reference = serializers.CharField(source="member.reference")
    body = serializers.CharField(source="member.public_body.name")
    status = serializers.CharField(source="member.status")
    values = serializers.SerializerMethodField()
    sources = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_values(self, row: AnswerRow) -> dict[str, Any]:
        return {
            answer.field.name: (answer.value if answer.value is not None else answer.value_text)
            for answer in row.answers.values()
        }

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_sources(self, row: AnswerRow) -> dict[str, int | None]:
        return {answer.field.name: answer.source_id for answer in row.answers.values()}


# --- requests ----------------------------------------------------------------------------


class DeadlinesSerializer(serializers.Serializer[FoiRequest]):
    due_on = serializers.DateField(read_only=True, allow_null=True)
    extended_due_on = serializers.DateField(read_only=True, allow_null=True)
    review_due_on = serializers.DateField(read_only=True, allow_null=True)
    very_overdue_on = serializers.DateField(read_only=True, allow_null=True)
    escalation_closes_on = serializers.DateField(read_only=True, allow_null=True)
    review_request_closes_on = serializers.DateField(
        read_only=True, allow_null=True, help_text="The last day to ask for an internal review."
    )
    next_due_on = serializers.DateField(read_only=True, allow_null=True)
    explanations = serializers.JSONField(source="deadline_explanations", read_only=True)


class FoiRequestSerializer(serializers.ModelSerializer[FoiRequest]):
    url = serializers.HyperlinkedIdentityField(
        view_name="api-request-detail", lookup_field="reference"
    )
    public_body = serializers.SlugRelatedField(
        slug_field="slug", queryset=PublicBody.objects.all(), help_text="The body's slug."
    )
    regime = serializers.ChoiceField(
        choices=regime_choices(),
        required=False,
        allow_blank=True,
        help_text="The law; blank or left out for the body's usual law.",
    )
    campaign = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Campaign.objects.all(),
        required=False,
        allow_null=True,
        help_text="A campaign you own or edit, by slug.",
    )
    tags = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=Tag.objects.all(), required=False
    )
    exemptions: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="citation", many=True, read_only=True
    )
    owner = serializers.CharField(source="owner.username", read_only=True)
    deadlines = DeadlinesSerializer(source="*", read_only=True)
    is_overdue = serializers.SerializerMethodField()
    working_days_left = serializers.SerializerMethodField()

    class Meta:
        model = FoiRequest
        fields = [
            "url",
            "reference",
            *EDITABLE_REQUEST_FIELDS,
            "status",
            "exemptions",
            "owner",
            "deadlines",
            "is_overdue",
            "working_days_left",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["reference", "status", "created_at", "updated_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None or not request.user.is_authenticated:
            return
        user = context_user(self)
        current = self.instance if isinstance(self.instance, FoiRequest) else None
        # The same choices the web form offers: active bodies, campaigns the user edits.
        bodies = Q(is_active=True) | Q(pk=getattr(current, "public_body_id", None))
        self.fields["public_body"].queryset = PublicBody.objects.filter(bodies)  # type: ignore[attr-defined]
        editable = Q(memberships__user=user, memberships__role__in=(Role.OWNER, Role.EDITOR))
        campaigns = Campaign.objects.filter(editable | Q(pk=getattr(current, "campaign_id", None)))
        self.fields["campaign"].queryset = campaigns.distinct()  # type: ignore[attr-defined]

    def extra_days(self) -> tuple[ExtraNonWorkingDay, ...]:
        """Non-working days read once per response, not once per row."""
        # A list shares one child serializer between its rows: the cache lives on it.
        days: tuple[ExtraNonWorkingDay, ...] | None = getattr(self, "_extra_days", None)
        if days is None:
            days = self._extra_days = NonWorkingDay.engine_days()
        return days

    def get_is_overdue(self, obj: FoiRequest) -> bool:
        return obj.is_overdue(timezone.localdate())

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_working_days_left(self, obj: FoiRequest) -> int | None:
        """Working days to the current deadline; negative when overdue, null when none."""
        return obj.working_days_left(timezone.localdate(), self.extra_days())

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        body = attrs.get("public_body") or getattr(self.instance, "public_body", None)
        if "regime" in attrs and not attrs["regime"] and body is not None:
            attrs["regime"] = body.default_regime
        if self.instance is None and not attrs.get("regime") and body is not None:
            attrs["regime"] = body.default_regime
        errors = request_date_errors(
            sent_on=attrs.get("sent_on", getattr(self.instance, "sent_on", None)),
            received_on=attrs.get("received_on", getattr(self.instance, "received_on", None)),
            today=timezone.localdate(),
            foi_request=self.instance,
        )
        if errors:
            raise serializers.ValidationError({field: [text] for field, text in errors.items()})
        return attrs

    def create(self, validated_data: dict[str, Any]) -> FoiRequest:
        user = context_user(self)
        tags = validated_data.pop("tags", [])
        with transaction.atomic():
            foi_request = FoiRequest.objects.create(owner=user, **validated_data)
            foi_request.tags.set(tags)
            record_creation(foi_request, user, http_request=context_http_request(self))
        return foi_request

    def update(self, instance: FoiRequest, validated_data: dict[str, Any]) -> FoiRequest:
        user = context_user(self)
        changed = changed_fields(instance, validated_data)
        tags = validated_data.pop("tags", None)
        before = snapshot(instance, AUDITED_FIELDS)
        with transaction.atomic():
            for field, value in validated_data.items():
                setattr(instance, field, value)
            instance.save()
            if tags is not None:
                instance.tags.set(tags)
            record_edit(
                instance,
                user,
                before=before,
                changed=changed,
                http_request=context_http_request(self),
            )
        return instance


def changed_fields(instance: FoiRequest, validated_data: dict[str, Any]) -> list[str]:
    changed = []
    for field, value in validated_data.items():
        if field == "tags":
            if {tag.pk for tag in value} != {tag.pk for tag in instance.tags.all()}:
                changed.append(field)
        elif getattr(instance, field) != value:
            changed.append(field)
    return changed


# --- correspondence ----------------------------------------------------------------------


class AttachmentSerializer(serializers.ModelSerializer[Attachment]):
    message: serializers.PrimaryKeyRelatedField[Message] = serializers.PrimaryKeyRelatedField(
        read_only=True
    )
    request = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "message",
            "request",
            "parent",
            "filename",
            "content_type",
            "size",
            "sha256",
            "status",
            "page_count",
            "download_url",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_request(self, obj: Attachment) -> str | None:
        foi_request = obj.message.request
        return foi_request.reference if foi_request else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, obj: Attachment) -> str:
        path = reverse("api-attachment-download", kwargs={"pk": obj.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class MessageSerializer(serializers.ModelSerializer[Message]):
    request: serializers.SlugRelatedField[FoiRequest] = serializers.SlugRelatedField(
        slug_field="reference", read_only=True
    )
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = [
            "id",
            "request",
            "direction",
            "channel",
            "kind",
            "sent_at",
            "sender",
            "recipients",
            "subject",
            "body_text",
            "is_auto_reply",
            "source",
            "attachments",
            "created_at",
        ]
        read_only_fields = fields


class MessageCreateSerializer(serializers.Serializer[Message]):
    """Logging a letter, email or note; the web's MessageForm checks it."""

    direction = serializers.ChoiceField(choices=Direction.choices)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    kind = serializers.ChoiceField(choices=MessageKind.choices, required=False)
    sent_at = serializers.DateTimeField()
    sender = serializers.CharField(required=False, allow_blank=True, max_length=320)
    recipients = serializers.CharField(required=False, allow_blank=True)
    subject = serializers.CharField(required=False, allow_blank=True, max_length=998)
    body_text = serializers.CharField(required=False, allow_blank=True)
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="Files, as multipart form data."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        data = {
            "direction": attrs["direction"],
            "channel": attrs.get("channel") or "email",
            "kind": attrs.get("kind") or "other",
            "sent_at": attrs["sent_at"].isoformat(),
            "sender": attrs.get("sender", ""),
            "recipients": attrs.get("recipients", ""),
            "subject": attrs.get("subject", ""),
            "body_text": attrs.get("body_text", ""),
        }
        files = MultiValueDict({"attachments": list(attrs.get("attachments") or [])})
        form = MessageForm(data, files)
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        return {"form": form}

    def create(self, validated_data: dict[str, Any]) -> Message:
        form = validated_data["form"]
        return log_message(
            foi_request=self.context["foi_request"],
            message=form.save(commit=False),
            uploads=form.cleaned_data["attachments"],
            actor=context_user(self),
            request=context_http_request(self),
        )


# --- events ------------------------------------------------------------------------------


class RequestEventSerializer(serializers.ModelSerializer[RequestEvent]):
    actor: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = RequestEvent
        fields = ["id", "kind", "on", "actor", "note", "details", "created_at"]
        read_only_fields = fields


class EventCreateSerializer(serializers.Serializer[RequestEvent]):
    """Recording what happened; the web's event forms check it, and the deadlines move."""

    kind = serializers.ChoiceField(choices=[(kind.value, kind.label) for kind in USER_EVENT_KINDS])
    on = serializers.DateField(help_text="The day it happened (not in the future).")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    outcome = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=(
            "response: successful, partially_successful, refused or not_held; "
            "review_decided: upheld, overturned or partly."
        ),
    )
    status = serializers.ChoiceField(
        choices=RESULTING_STATUS_CHOICES,
        required=False,
        help_text="review_decided and decision_notice: the status it leaves the request in.",
    )
    new_due_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=(
            "extension_claimed: the date the body gave (blank: statutory extension; "
            "required where the law leaves the date to the body, nz-oia and ca-ati)."
        ),
    )
    exemptions = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        help_text="response: ids of the exemptions cited.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = {
            "on": attrs["on"].isoformat(),
            "note": attrs.get("note", ""),
            "outcome": attrs.get("outcome", ""),
            "status": attrs.get("status", ""),
            "new_due_on": attrs["new_due_on"].isoformat() if attrs.get("new_due_on") else "",
        }
        form_data = MultiValueDict({key: [value] for key, value in data.items()})
        form_data.setlist("exemptions", [str(pk) for pk in attrs.get("exemptions") or []])
        form_class = event_form_class(attrs["kind"])
        form = form_class(form_data, kind=attrs["kind"], foi_request=self.context["foi_request"])
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        return {"form": form}

    def create(self, validated_data: dict[str, Any]) -> RequestEvent:
        form: EventForm = validated_data["form"]
        return form.record(context_user(self), request=context_http_request(self))


class EventResultSerializer(serializers.Serializer[RequestEvent]):
    event = RequestEventSerializer()
    request = FoiRequestSerializer()


# --- deadlines and search ------------------------------------------------------------------


class DeadlineQuerySerializer(serializers.Serializer[dict[str, Any]]):
    regime = serializers.ChoiceField(choices=list(REGIMES))
    received = serializers.DateField(help_text="The day the body received it (YYYY-MM-DD).")
    stage = serializers.ChoiceField(choices=list(STAGES), default="response")
    nation = serializers.ChoiceField(
        choices=Nation.choices,
        required=False,
        help_text="The body's nation; matters for subject access requests.",
    )
    subdivision = serializers.ChoiceField(
        choices=SUBDIVISION_CHOICES,
        required=False,
        help_text="The body's state or territory (au-foi) or province (ca-ati).",
    )


class DeadlineSerializer(serializers.Serializer[dict[str, Any]]):
    regime = serializers.CharField()
    stage = serializers.CharField()
    received = serializers.DateField()
    due = serializers.DateField(
        allow_null=True, help_text="Null where the law leaves the date to the body."
    )
    set_by_body = serializers.BooleanField(
        help_text='True where the statute gives "a reasonable period" the body must state.'
    )
    explanation = serializers.JSONField()


class SearchQuerySerializer(serializers.Serializer[dict[str, Any]]):
    """The search page's parameters; bodies, campaigns and requests by slug or reference."""

    q = serializers.CharField(help_text='Words, "a phrase", `or`, -word (web search syntax).')
    kind = serializers.MultipleChoiceField(choices=list(KIND_LABELS.items()), required=False)
    public_body = serializers.SlugRelatedField(
        slug_field="slug", queryset=PublicBody.objects.all(), required=False
    )
    campaign = serializers.SlugRelatedField(
        slug_field="slug", queryset=Campaign.objects.none(), required=False
    )
    request = serializers.SlugRelatedField(
        slug_field="reference",
        queryset=FoiRequest.objects.none(),
        required=False,
        help_text="Search within one request.",
    )
    status = serializers.MultipleChoiceField(choices=Status.choices, required=False)
    regime = serializers.ChoiceField(choices=regime_choices(), required=False)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    file_type = serializers.ChoiceField(choices=list(FILE_TYPE_LABELS.items()), required=False)
    sort = serializers.ChoiceField(choices=[RELEVANCE, NEWEST], default=RELEVANCE)
    page = serializers.IntegerField(min_value=1, default=1)
    per_page = serializers.IntegerField(min_value=1, max_value=MAX_PER_PAGE, default=20)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            user = request.user
            self.fields["campaign"].queryset = Campaign.objects.visible_to(user)  # type: ignore[attr-defined]
            self.fields["request"].queryset = FoiRequest.objects.visible_to(user)  # type: ignore[attr-defined]

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        # Several values of kind and status arrive as repeated query parameters.
        if hasattr(data, "getlist"):
            plain = {key: data.get(key) for key in data}
            for name in ("kind", "status"):
                if name in data:
                    plain[name] = data.getlist(name)
            data = plain
        return super().to_internal_value(data)


class SearchHitSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    rank = serializers.FloatField()
    request = serializers.CharField(
        source="request.reference", help_text="The request's reference."
    )
    object_id = serializers.IntegerField(source="object.pk")
    title = serializers.SerializerMethodField()
    snippet = serializers.SerializerMethodField()
    snippet_html = serializers.CharField(
        source="snippet", help_text="Escaped HTML, the words found in <mark>."
    )
    url = serializers.CharField()
    date = serializers.DateField(allow_null=True)
    page_number = serializers.IntegerField(allow_null=True)

    def get_title(self, hit: Any) -> str:
        return html.unescape(strip_tags(hit.title))

    def get_snippet(self, hit: Any) -> str:
        """The snippet as plain text."""
        return html.unescape(strip_tags(hit.snippet))


class SearchResultsSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField(source="total")
    more_than_count = serializers.BooleanField(source="more_than_total")
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    notes = serializers.ListField(child=serializers.CharField())
    results = SearchHitSerializer(source="hits", many=True)
