"""The API's endpoints. Every queryset starts from the `visible_to` querysets the web uses."""

from __future__ import annotations

import json
from typing import Any

import django_filters
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from requests_app.api.permissions import RequestEditorOrReadOnly
from requests_app.api.serializers import (
    AnswerFieldSerializer,
    AnswerRowSerializer,
    AttachmentSerializer,
    BatchSerializer,
    CampaignSerializer,
    DeadlineQuerySerializer,
    DeadlineSerializer,
    EventCreateSerializer,
    EventResultSerializer,
    FoiRequestSerializer,
    MessageCreateSerializer,
    MessageSerializer,
    PublicBodySerializer,
    RequestEventSerializer,
    SearchQuerySerializer,
    SearchResultsSerializer,
)
from requests_app.batches.export import answers_table
from requests_app.casework.filters import FoiRequestFilter, PublicBodyFilter, sort_requests
from requests_app.deadlines.clock import due_for_stage
from requests_app.deadlines.errors import DateOutOfRange, DeadlineInputError
from requests_app.models import (
    Attachment,
    Batch,
    Campaign,
    Direction,
    FoiRequest,
    Membership,
    Message,
    MessageKind,
    NonWorkingDay,
    PublicBody,
)
from requests_app.views.attachments import attachment_response


class RequestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[FoiRequest],
):
    """FOI requests you can see; editors create and change them.

    Lists take the same filters as the web list (`q`, `status`, `public_body`, `campaign`,
    `regime`, `tag`, `overdue`, `sent_after`, `sent_before`) and `sort` (`due`, `-due`,
    `sent`, `-sent`, `body`, `-body`, `status`, `-status`, `reference`, `-reference`).
    """

    serializer_class = FoiRequestSerializer
    filterset_class = FoiRequestFilter
    permission_classes = [*APIView.permission_classes, RequestEditorOrReadOnly]
    lookup_field = "reference"

    def get_queryset(self) -> QuerySet[FoiRequest]:
        visible = FoiRequest.objects.visible_to(self.request.user)
        visible = visible.select_related("public_body", "campaign", "owner")
        visible = visible.prefetch_related("tags", "exemptions", "public_body__tags")
        if self.action == "list":
            return sort_requests(visible, self.request.query_params.get("sort"))
        return visible

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "sort",
                str,
                description="due, -due, sent, -sent, body, -body, status, -status, "
                "reference, -reference",
            )
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    # --- correspondence of one request ---------------------------------------------------

    @extend_schema(responses=MessageSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filterset_class=None)
    def messages(self, request: Request, reference: str) -> Response:
        foi_request = self.get_object()
        messages = foi_request.messages.prefetch_related("attachments").select_related("request")
        return self.paginated(messages, MessageSerializer)

    @extend_schema(
        request={"multipart/form-data": MessageCreateSerializer},
        responses={201: MessageSerializer},
        filters=False,
    )
    @messages.mapping.post
    def log_message(self, request: Request, reference: str) -> Response:
        foi_request = self.get_object()
        serializer = MessageCreateSerializer(
            data=request.data, context={**self.get_serializer_context(), "foi_request": foi_request}
        )
        serializer.is_valid(raise_exception=True)
        message = serializer.save()
        message = Message.objects.prefetch_related("attachments").get(pk=message.pk)
        body = MessageSerializer(message, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    # --- history of one request ----------------------------------------------------------

    @extend_schema(responses=RequestEventSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filterset_class=None)
    def events(self, request: Request, reference: str) -> Response:
        foi_request = self.get_object()
        return self.paginated(foi_request.events.select_related("actor"), RequestEventSerializer)

    @extend_schema(
        request=EventCreateSerializer, responses={201: EventResultSerializer}, filters=False
    )
    @events.mapping.post
    def record_event(self, request: Request, reference: str) -> Response:
        foi_request = self.get_object()
        context = {**self.get_serializer_context(), "foi_request": foi_request}
        serializer = EventCreateSerializer(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        event = serializer.save()
        refreshed = self.get_queryset().get(pk=foi_request.pk)
        body = {
            "event": RequestEventSerializer(event, context=context).data,
            "request": FoiRequestSerializer(refreshed, context=context).data,
        }
        return Response(body, status=status.HTTP_201_CREATED)

    def paginated(self, queryset: QuerySet[Any], serializer_class: type[Any]) -> Response:
        page = self.paginate_queryset(queryset)
        context = self.get_serializer_context()
        data = serializer_class(page, many=True, context=context).data
        return self.get_paginated_response(data)


class MessageFilter(django_filters.FilterSet):
    request = django_filters.CharFilter(
        field_name="request__reference", label="The request's reference"
    )
    direction = django_filters.ChoiceFilter(choices=Direction.choices)
    kind = django_filters.ChoiceFilter(choices=MessageKind.choices)
    unmatched = django_filters.BooleanFilter(field_name="request", lookup_expr="isnull")

    class Meta:
        model = Message
        fields: list[str] = []


class MessageViewSet(viewsets.ReadOnlyModelViewSet[Message]):
    """Correspondence you can see, including mail you imported that matched no request.

    To log a letter, email or note, POST to the request's `messages/`.
    """

    serializer_class = MessageSerializer
    filterset_class = MessageFilter

    def get_queryset(self) -> QuerySet[Message]:
        visible = Message.objects.visible_to(self.request.user).select_related("request")
        return visible.prefetch_related("attachments__message__request").order_by("sent_at", "id")


class DownloadRenderer(BaseRenderer):
    """Lets a download answer any Accept header; errors still go out as JSON."""

    media_type = "*/*"
    format = "download"
    charset = None

    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        response = (renderer_context or {}).get("response")
        if response is not None:  # an error on the way to the file: say it in JSON
            response["Content-Type"] = "application/json"
        return json.dumps(data).encode()


class AttachmentViewSet(viewsets.ReadOnlyModelViewSet[Attachment]):
    """Attachments' metadata, and their files through a permission-checked download."""

    serializer_class = AttachmentSerializer
    filterset_fields = ["message", "status"]

    def get_queryset(self) -> QuerySet[Attachment]:
        visible = Attachment.objects.visible_to(self.request.user)
        return visible.select_related("message__request").order_by("id")

    @extend_schema(responses={(200, "*/*"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], renderer_classes=[DownloadRenderer])
    def download(self, request: Request, pk: str) -> FileResponse:
        return attachment_response(self.get_object())


class PublicBodyViewSet(viewsets.ReadOnlyModelViewSet[PublicBody]):
    """Every public body, for any signed-in user."""

    serializer_class = PublicBodySerializer
    filterset_class = PublicBodyFilter
    lookup_field = "slug"
    queryset = PublicBody.objects.prefetch_related("tags").order_by("name")


class CampaignViewSet(viewsets.ReadOnlyModelViewSet[Campaign]):
    """The campaigns you belong to, with your role in each."""

    serializer_class = CampaignSerializer
    lookup_field = "slug"
    filterset_class = None

    def get_queryset(self) -> QuerySet[Campaign]:
        user = self.request.user
        role = Membership.objects.filter(campaign=OuterRef("pk"), user=user.pk).values("role")
        # Count what this user sees: members' "only me" requests are not theirs to count.
        seen = FoiRequest.objects.visible_to(user).filter(campaign=OuterRef("pk"))
        count = seen.order_by().values("campaign").annotate(n=Count("pk")).values("n")
        campaigns = Campaign.objects.visible_to(user).annotate(
            role=Subquery(role[:1]), request_count=Coalesce(Subquery(count), 0)
        )
        return campaigns.order_by("name")


class BatchViewSet(viewsets.ReadOnlyModelViewSet[Batch]):
    """The batches you may see, and each one's answers table: the data set a campaign
    publishes, each value with the id of the message it was taken from."""

    serializer_class = BatchSerializer
    filterset_class = None

    def get_queryset(self) -> QuerySet[Batch]:
        user = self.request.user
        members = FoiRequest.objects.visible_to(user).filter(batch=OuterRef("pk"))
        count = members.order_by().values("batch").annotate(n=Count("pk")).values("n")
        batches = Batch.objects.visible_to(user).select_related("campaign", "owner")
        return batches.annotate(member_count=Coalesce(Subquery(count), 0)).order_by("-created_at")

    @extend_schema(
        responses=inline_serializer(
            "AnswersTable",
            {
                "fields": AnswerFieldSerializer(many=True),
                "rows": AnswerRowSerializer(many=True),
            },
        )
    )
    @action(detail=True, methods=["get"])
    def answers(self, request: Request, pk: str | None = None) -> Response:
        batch = self.get_object()
        table = answers_table(batch, FoiRequest.objects.visible_to(request.user))
        return Response(
            {
                "fields": AnswerFieldSerializer(table.fields, many=True).data,
                "rows": AnswerRowSerializer(table.rows, many=True).data,  # type: ignore[arg-type]
            }
        )


class DeadlineView(APIView):
    """The statutory due date for a request received on a date, with the reasoning.

    The same calculation as the `deadline` command and the public calculator page.
    """

    @extend_schema(
        parameters=[DeadlineQuerySerializer],
        responses={200: DeadlineSerializer, 400: OpenApiResponse(description="Bad input")},
    )
    def get(self, request: Request) -> Response:
        query = DeadlineQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        try:
            deadline = due_for_stage(
                data["regime"],
                data["received"],
                data["stage"],
                nation=data.get("nation") or None,
                subdivision=data.get("subdivision") or None,
                extra=NonWorkingDay.engine_days(),
            )
        except DeadlineInputError as error:
            field = "received" if isinstance(error, DateOutOfRange) else "stage"
            return Response({field: [str(error)]}, status=status.HTTP_400_BAD_REQUEST)
        payload = {
            "regime": data["regime"],
            "stage": data["stage"],
            "received": data["received"],
            "due": deadline.due,
            "set_by_body": deadline.set_by_body,
            "explanation": deadline.explanation.as_dict(),
        }
        return Response(DeadlineSerializer(payload).data)


class SearchView(APIView):
    """Requests, correspondence and document pages matching the words, that you may see.

    The same search as the search page: `requests_app.search.search`.
    """

    @extend_schema(
        parameters=[SearchQuerySerializer],
        responses={200: SearchResultsSerializer, 400: OpenApiResponse(description="Bad input")},
    )
    def get(self, request: Request) -> Response:
        from requests_app.search import search

        query = SearchQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        data = dict(query.validated_data)
        words = data.pop("q")
        options = {name: data.pop(name) for name in ("page", "per_page", "sort")}
        filters = {name: value for name, value in data.items() if value not in (None, "", set())}
        for name in ("kind", "status"):
            if name in filters:
                filters[name] = sorted(filters[name])
        results = search(request.user, words, **options, **filters)
        context = {"request": request}
        return Response(SearchResultsSerializer(results, context=context).data)
