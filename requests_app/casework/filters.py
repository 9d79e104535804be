"""FilterSets for the request and public body lists (the API reuses them)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.forms.models import ModelChoiceIterator
from django.http import HttpRequest
from django.utils import timezone

from requests_app.forms import QuickSelect, QuickSelectMultiple
from requests_app.models import (
    Campaign,
    Exemption,
    FoiRequest,
    Nation,
    PublicBody,
    Status,
    Tag,
)
from requests_app.models.bodies import PublicBodyQuerySet, regime_choices
from requests_app.models.requests import FoiRequestQuerySet

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# ?sort= values and the ordering each stands for; anything else falls back to the default.
REQUEST_SORTS: dict[str, tuple[Any, ...]] = {
    "due": (F("next_due_on").asc(nulls_last=True), "-id"),
    "-due": (F("next_due_on").desc(nulls_last=True), "-id"),
    "sent": (F("sent_on").asc(nulls_last=True), "-id"),
    "-sent": (F("sent_on").desc(nulls_last=True), "-id"),
    "body": ("public_body__name", "-id"),
    "-body": ("-public_body__name", "-id"),
    "status": ("status", "-id"),
    "-status": ("-status", "-id"),
    "reference": ("reference",),
    "-reference": ("-reference",),
}
DEFAULT_SORT = "due"


def sort_requests(queryset: QuerySet[FoiRequest], sort: str | None) -> QuerySet[FoiRequest]:
    return queryset.order_by(*REQUEST_SORTS.get(sort or DEFAULT_SORT, REQUEST_SORTS[DEFAULT_SORT]))


def visible_bodies(request: HttpRequest | None) -> QuerySet[PublicBody]:
    """Bodies the user has requests to: the only ones worth offering as a filter."""
    if request is None:
        return PublicBody.objects.none()
    requests = FoiRequest.objects.visible_to(request.user).filter(public_body=OuterRef("pk"))
    return PublicBody.objects.filter(Exists(requests))


def visible_campaigns(request: HttpRequest | None) -> QuerySet[Campaign]:
    if request is None:
        return Campaign.objects.none()
    return Campaign.objects.visible_to(request.user)


def overdue_only(queryset: FoiRequestQuerySet, name: str, value: bool) -> Any:
    """The "Overdue only" box of a request filter: ticked, only what is overdue today."""
    return queryset.overdue(timezone.localdate()) if value else queryset


class NameChoiceIterator(ModelChoiceIterator):
    """(value, name) pairs read with values_list: a thousand bodies build no model objects."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list(self.field.to_field_name or "pk", "name")


class ListedChoiceIterator(ModelChoiceIterator):
    """The choices read with one plain query.

    Django reads them with QuerySet.iterator(), which on PostgreSQL opens a server-side
    cursor (DECLARE, FETCH, CLOSE: three round trips) for a few dozen rows.
    """

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for item in list(self.queryset):
            yield self.choice(item)


class ListedModelChoiceField(django_filters.fields.ModelChoiceField):
    iterator = ListedChoiceIterator


class ListedModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A choice of a small table's rows (tags, exemptions), read in one query."""

    field_class = ListedModelChoiceField


class NamedModelChoiceField(django_filters.fields.ModelChoiceField):
    iterator = NameChoiceIterator


class NamedModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A choice of bodies or campaigns, listed by name."""

    field_class = NamedModelChoiceField


class BodyField(NamedModelChoiceField):
    """A public body typed in a search box: its key as links give it (slug or id), or its
    name or short name.

    A select listing every body the user has written to was most of the request list's
    markup and time; the box costs one lookup of the one body asked for.
    """

    widget = forms.TextInput(attrs={"type": "search", "autocomplete": "off"})

    def __init__(
        self,
        *args: Any,
        chosen_from: Callable[[], QuerySet[PublicBody]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.chosen_from = chosen_from

    def clean(self, value: Any) -> Any:
        if value in self.empty_values:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return None
        text = str(value).strip()
        bodies = self.queryset if self.chosen_from is None else self.chosen_from()
        key = self.to_field_name or "pk"
        found = None
        if key != "pk" or text.isdigit():
            found = bodies.filter(**{key: text}).first()
        if found is None:
            named = Q(name__iexact=text) | Q(short_name__iexact=text)
            found = bodies.filter(named).order_by("pk").first()
        if found is None:
            raise forms.ValidationError(
                "None of the bodies you have requests to is called “%(value)s”.",
                code="invalid_choice",
                params={"value": text},
            )
        return found


class BodyFilter(NamedModelChoiceFilter):
    """The body box's filter. Its `queryset` (the bodies the user has requests to, from
    the request) is built only when a body is typed: an empty box, most views of a list,
    spent a millisecond building a query it never ran."""

    field_class = BodyField

    def get_queryset(self, request: HttpRequest | None) -> QuerySet[PublicBody]:
        self.extra["chosen_from"] = partial(super().get_queryset, request)
        return PublicBody.objects.all()


class FoiRequestFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Text contains", method="filter_text")
    # One column of the request itself: no join that could repeat a row, so no DISTINCT
    # (which made the count and the page compare every column of every matching row).
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, widget=QuickSelectMultiple(attrs={"size": 4}), distinct=False
    )
    public_body = BodyFilter(
        label="Public body",
        queryset=visible_bodies,
        to_field_name="slug",
        help_text="Its name or short name.",
    )
    campaign = NamedModelChoiceFilter(
        queryset=visible_campaigns, to_field_name="slug", widget=QuickSelect
    )
    regime = django_filters.ChoiceFilter(label="Law", choices=regime_choices, widget=QuickSelect)
    tag = ListedModelChoiceFilter(
        label="Tag",
        field_name="tags",
        queryset=Tag.objects.all(),
        to_field_name="slug",
        widget=QuickSelect,
    )
    overdue = django_filters.BooleanFilter(
        label="Overdue only", method=overdue_only, widget=forms.CheckboxInput
    )
    sent_after = django_filters.DateFilter(
        field_name="sent_on", lookup_expr="gte", label="Sent on or after", widget=DATE_INPUT
    )
    sent_before = django_filters.DateFilter(
        field_name="sent_on", lookup_expr="lte", label="Sent on or before", widget=DATE_INPUT
    )

    class Meta:
        model = FoiRequest
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[FoiRequest], name: str, value: str) -> Any:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(reference__icontains=value)
            | Q(their_reference__icontains=value)
            | Q(text__icontains=value)
        )


class PublicBodyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Name contains", method="filter_name")
    tag = django_filters.ModelChoiceFilter(
        label="Tag", field_name="tags", queryset=Tag.objects.all(), to_field_name="slug"
    )
    nation = django_filters.ChoiceFilter(choices=Nation.choices)

    class Meta:
        model = PublicBody
        fields: list[str] = []

    def filter_name(self, queryset: PublicBodyQuerySet, name: str, value: str) -> Any:
        return queryset.matching(value) if value.strip() else queryset


class BatchMemberFilter(django_filters.FilterSet):
    """The batch page's filters over its members."""

    body = django_filters.CharFilter(label="Body name contains", method="filter_body")
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, widget=forms.SelectMultiple(attrs={"size": 4})
    )
    overdue = django_filters.BooleanFilter(
        label="Overdue only", method=overdue_only, widget=forms.CheckboxInput
    )
    exemption = django_filters.ModelChoiceFilter(
        label="Cites exemption", field_name="exemptions", queryset=Exemption.objects.all()
    )

    class Meta:
        model = FoiRequest
        fields: list[str] = []

    def filter_body(self, queryset: QuerySet[FoiRequest], name: str, value: str) -> Any:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(public_body__name__icontains=value) | Q(public_body__short_name__icontains=value)
        )
